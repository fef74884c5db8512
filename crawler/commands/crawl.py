"""`baotinh crawl`: crawl sites into WARC files and the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.commands.common import FORMATTER, UsageError, add_data_dir, add_sites_file, registry


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "crawl", help="crawl sites into WARC files and the database", formatter_class=FORMATTER,
        description="Fetch the sites' sitemaps, feeds and listing pages, archive every response in WARC files "
        "and store the articles found in DuckDB.",
        epilog="examples:\n  baotinh crawl baophutho baonghean\n"
        "  baotinh crawl --start-url https://baophutho.vn/ --max-pages 200\n"
        "  baotinh crawl baophutho --data-dir /srv/baotinh/data --set DOWNLOAD_DELAY=3",
    )
    parser.add_argument("site", nargs="*", metavar="SITE", help="site slugs from `baotinh sites`")
    parser.add_argument("--start-url", action="append", default=[], metavar="URL",
                        help="crawl an unlisted site from this URL (repeatable)")
    add_data_dir(parser)
    parser.add_argument("--max-pages", type=int, default=None, metavar="N", help="at most N pages per site")
    add_sites_file(parser)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting of crawler/settings.py (repeatable)")
    parser.set_defaults(func=run)


def overrides(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE, e.g. --set DOWNLOAD_DELAY=2")
        result[key.strip()] = value
    return result


def run(args: argparse.Namespace) -> int:
    from crawler.runner import run_crawl
    from crawler.spiders.news import resolve_sites

    sites_registry = registry(args)
    if not args.site and not args.start_url:
        raise UsageError("name at least one SITE (see `baotinh sites`) or give --start-url URL")
    settings = overrides(args.set)
    sites = resolve_sites(",".join(args.site), ",".join(args.start_url), sites_registry)
    result = run_crawl(sites, Path(args.data_dir), max_pages=args.max_pages, overrides=settings)
    print(f"run {result.run_id}: {result.finish_reason}; "
          f"{result.stats.get('response_received_count', 0)} pages, "
          f"{result.stats.get('store/articles', 0)} articles; log {result.log_file}", file=sys.stderr)
    from crawler.recorder import DB_NAME
    from pipelines.search_index import refresh_database

    print(refresh_database(Path(args.data_dir) / DB_NAME), file=sys.stderr)
    return result.exit_code
