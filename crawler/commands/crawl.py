"""`baotinh crawl`: crawl sites into WARC files and the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.commands.common import (
    EXIT_USAGE,
    FORMATTER,
    Unavailable,
    UsageError,
    add_data_dir,
    add_sites_file,
    damaged_message,
    registry,
    writable_data_dir,
)
from crawler.commands.crawl_input import overrides


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "crawl", help="crawl sites into WARC files and the database", formatter_class=FORMATTER,
        description="Fetch the sites' sitemaps, feeds and listing pages, archive every response in WARC files "
        "and store the articles found in DuckDB. Articles archived by an earlier run are not fetched again; "
        "one crawl runs at a time per data directory.",
        epilog="examples:\n  baotinh crawl baophutho baonghean\n"
        "  baotinh crawl --all                             # every site of the registry (what cron runs)\n"
        "  baotinh crawl --start-url https://baophutho.vn/ --max-pages 200\n"
        "  baotinh crawl baophutho --data-dir /srv/baotinh/data --set DOWNLOAD_DELAY=3\n"
        "  baotinh crawl baophutho --since 2026-03-01      # skip sitemap entries last modified before\n"
        "  baotinh crawl baophutho --refresh               # fetch archived articles again\n\n"
        "exit codes: 0 every site fine, 1 some site failed or the run did not finish (interrupted, forced, disk "
        "full: `baotinh status` says which), 2 usage or configuration error or a damaged database (the pages are "
        "archived all the same), 69 the catalog cannot be reached, 75 another crawl is running in the "
        "data directory",
    )
    parser.add_argument("site", nargs="*", metavar="SITE", help="site slugs from `baotinh sites`")
    parser.add_argument("--all", action="store_true", help="crawl every site of the registry")
    parser.add_argument("--start-url", action="append", default=[], metavar="URL",
                        help="crawl an unlisted site from this URL (repeatable)")
    add_data_dir(parser)
    parser.add_argument("--max-pages", type=int, default=None, metavar="N",
                        help="at most N pages per site in this run (default: BAOTINH_MAX_PAGES, 5,000)")
    parser.add_argument("--refresh", action="store_true",
                        help="fetch article pages again even when an earlier run archived them")
    parser.add_argument("--since", metavar="DATE",
                        help="skip sitemap entries whose lastmod is older (2026-03-01, midnight in Vietnam, "
                        "or a full ISO 8601 time)")
    add_sites_file(parser)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting of crawler/settings.py (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.middlewares.incremental import parse_since
    from crawler.run.console import stamp
    from crawler.run.runner import run_crawl
    from crawler.spiders.news import resolve_sites
    from pipelines.database.store import DB_NAME, StoreDamaged

    sites_registry = registry(args)
    if args.all and (args.site or args.start_url):
        raise UsageError("--all crawls every registered site: name no SITE and no --start-url with it")
    if not args.site and not args.start_url and not args.all:
        raise UsageError("name at least one SITE (see `baotinh sites`), give --start-url URL, or --all")
    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError(f"--max-pages {args.max_pages}: give a number of pages of 1 or more")
    if args.since:
        try:
            parse_since(args.since)
        except ValueError as e:
            raise UsageError(f"--since {args.since!r}: not a date; write it as 2026-03-01") from e
    if args.all and not sites_registry:
        raise UsageError(f"--all: the registry {args.sites_file or 'crawler/sites.toml'} has no sites "
                         "(add [site.SLUG] entries, or give --sites-file FILE)")
    settings = overrides(args.set)
    sites = resolve_sites(",".join(args.site), ",".join(args.start_url), sites_registry)
    data_dir = writable_data_dir(args.data_dir)
    from pipelines.database.lake import CatalogUnreachable

    try:
        result = run_crawl(sites, data_dir, max_pages=args.max_pages, overrides=settings,
                           refresh=args.refresh, since=args.since,
                           sites_file=Path(args.sites_file) if args.sites_file else None)
    except CatalogUnreachable as e:
        raise Unavailable(f"{e}; nothing was crawled") from e
    failed = f"; {len(result.failed_sites)} site(s) failed: {', '.join(result.failed_sites)}" \
        if result.failed_sites else ""
    print(f"{stamp()} run {result.run_id}: {result.finish_reason}; "
          f"{result.stats.get('response_received_count', 0)} pages, "
          f"{result.stats.get('store/articles', 0)} articles{failed}; log {result.log_file}", file=sys.stderr)
    damaged = result.stats.get("store/database_damaged")
    if damaged:  # archived all the same; the rows wait in spool/ and the WARC files for a restore or a rebuild
        print(f"{stamp()} baotinh: error: {damaged_message(StoreDamaged(data_dir / DB_NAME, str(damaged)))}",
              file=sys.stderr)
        return EXIT_USAGE
    return result.exit_code
