"""The `baotinh` command line. Each command's help carries an example; user errors are one line and exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from crawler.registry import RegistryError, load_sites

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def _overrides(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE, e.g. --set DOWNLOAD_DELAY=2")
        result[key.strip()] = value
    return result


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.runner import run_crawl
    from crawler.spiders.news import resolve_sites

    registry = load_sites(Path(args.sites_file) if args.sites_file else None)
    if not args.site and not args.start_url:
        raise UsageError("name at least one SITE (see `baotinh sites`) or give --start-url URL")
    sites = resolve_sites(",".join(args.site), ",".join(args.start_url), registry)
    result = run_crawl(sites, Path(args.data_dir), max_pages=args.max_pages, overrides=_overrides(args.set))
    print(f"run {result.run_id}: {result.finish_reason}; "
          f"{result.stats.get('response_received_count', 0)} pages, "
          f"{result.stats.get('store/articles', 0)} articles; log {result.log_file}", file=sys.stderr)
    return result.exit_code


def cmd_sites(args: argparse.Namespace) -> int:
    registry = load_sites(Path(args.sites_file) if args.sites_file else None)
    rows = [(s.slug, s.name, s.province or "-", s.kind, ", ".join(s.domains)) for s in registry.values()]
    widths = [max(len(r[i]) for r in rows + [("slug", "name", "province", "kind", "domains")]) for i in range(5)]
    for row in [("slug", "name", "province", "kind", "domains"), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.demo.run import run_demo

    return run_demo(Path(args.data_dir), serve_only=args.serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baotinh",
        description="Archive Vietnamese provincial news sites: WARC files as served, articles and figures in DuckDB.",
        epilog="Run `baotinh COMMAND --help` for a command's options and examples.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    fmt = argparse.RawDescriptionHelpFormatter

    crawl = sub.add_parser(
        "crawl", help="crawl sites into WARC files and the database", formatter_class=fmt,
        description="Fetch the sites' sitemaps, feeds and listing pages, archive every response in WARC files "
        "and store the articles found in DuckDB.",
        epilog="examples:\n  baotinh crawl baophutho baonghean\n"
        "  baotinh crawl --start-url https://baophutho.vn/ --max-pages 200\n"
        "  baotinh crawl baophutho --data-dir /srv/baotinh/data --set DOWNLOAD_DELAY=3",
    )
    crawl.add_argument("site", nargs="*", metavar="SITE", help="site slugs from `baotinh sites`")
    crawl.add_argument("--start-url", action="append", default=[], metavar="URL",
                       help="crawl an unlisted site from this URL (repeatable)")
    crawl.add_argument("--data-dir", default="data", metavar="DIR", help="data directory (default: ./data)")
    crawl.add_argument("--max-pages", type=int, default=None, metavar="N", help="at most N pages per site")
    crawl.add_argument("--sites-file", metavar="FILE", help="a registry other than the bundled sites.toml")
    crawl.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a setting of crawler/settings.py (repeatable)")
    crawl.set_defaults(func=cmd_crawl)

    sites = sub.add_parser(
        "sites", help="list the sites of the registry", formatter_class=fmt,
        description="List the news sites in the registry (crawler/sites.toml) with province and domains.",
        epilog="examples:\n  baotinh sites\n  baotinh sites --sites-file my-sites.toml",
    )
    sites.add_argument("--sites-file", metavar="FILE", help="a registry other than the bundled sites.toml")
    sites.set_defaults(func=cmd_sites)

    demo = sub.add_parser(
        "demo", help="serve the bundled demo sites on 127.0.0.1 and crawl them", formatter_class=fmt,
        description="Start the bundled demo sites (a provincial paper and a content farm) on 127.0.0.1, crawl "
        "them into ./data-demo, print a summary and DuckDB commands to try.",
        epilog="examples:\n  baotinh demo\n  baotinh demo --data-dir /tmp/demo\n  baotinh demo --serve",
    )
    demo.add_argument("--data-dir", default="data-demo", metavar="DIR", help="(default: ./data-demo)")
    demo.add_argument("--serve", action="store_true", help="only serve the demo sites until Ctrl-C")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UsageError, RegistryError) as e:
        print(f"baotinh: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("baotinh: interrupted", file=sys.stderr)
        return 130
