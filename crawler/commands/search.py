"""`baotinh search`: ranked articles for a query, accents optional."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from datetime import date, timedelta, timezone

from crawler.commands.common import FORMATTER, UsageError, add_data_dir, existing_data_dir

VIETNAM = timezone(timedelta(hours=7))


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "search", help="search the articles (accent-insensitive, ranked)", formatter_class=FORMATTER,
        description="Print the articles that contain every word of QUERY, best first (BM25), with date, site, "
        "title, a snippet and the URL, and the other sites that carry the same article (\"also on N sites\": "
        "its repost cluster). Accents are optional both ways: `dang` finds Đảng, `Phú Thọ` finds "
        "phu tho. Put words in double quotes to require them as a phrase.",
        epilog="examples:\n  baotinh search 'phu tho'\n  baotinh search 'nông thôn mới' --site baophutho --limit 5\n"
        "  baotinh search '\"xuat khau\" gao' --since 2026-01-01 --until 2026-03-31   # days of publication\n"
        "  baotinh search 'phu tho' --data-dir data-demo --json | jq -r '.hits[].url'\n"
        "in the DuckDB shell (baotinh shell):\n  SELECT * FROM search_articles('phu tho', site := 'baophutho');",
    )
    parser.add_argument("query", metavar="QUERY", help="words to find; \"quoted words\" must appear together")
    parser.add_argument("--site", metavar="S", help="only this site (a slug of `baotinh sites`)")
    parser.add_argument("--since", metavar="D", help="published on or after this day (YYYY-MM-DD, Vietnam)")
    parser.add_argument("--until", metavar="D", help="published on or before this day (YYYY-MM-DD, Vietnam)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N articles (default: 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (query, notice, hits)")
    add_data_dir(parser)
    parser.set_defaults(func=run)


def _day(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date like 2026-03-31") from None


def run(args: argparse.Namespace) -> int:
    from pipelines.database.search import known_sites, search
    from pipelines.database.store import DB_NAME, StoreBusy

    db = existing_data_dir(args.data_dir) / DB_NAME
    if not db.exists():
        raise UsageError(f"no database at {db} (run `baotinh crawl` or `baotinh index` first, or give --data-dir)")
    if not args.query.strip():
        raise UsageError("the query is empty")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    since, until = _day("--since", args.since), _day("--until", args.until)
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    try:
        if args.site and args.site not in (sites := known_sites(db)):
            raise UsageError(f"no site {args.site!r} in the database (sites: {', '.join(sites) or 'none'})")
        result = search(db, args.query, site=args.site, since=since, until=until, limit=args.limit)
    except StoreBusy as e:
        print(f"baotinh: {e}; try again when it is closed", file=sys.stderr)
        return 1
    if result.notice:
        print(f"baotinh: {result.notice}", file=sys.stderr)
    if args.json:
        hits = [{"rank": rank, "day": hit.day.isoformat() if hit.day else None, "site": hit.site, "title": hit.title,
                 "snippet": hit.snippet, "url": hit.url, "score": hit.score, "article_id": hit.article_id,
                 "published_at": hit.published_at.astimezone(VIETNAM).isoformat() if hit.published_at else None,
                 "also_on_sites": len(hit.also_on), "also_on": list(hit.also_on)}
                for rank, hit in enumerate(result.hits, 1)]
        print(json.dumps({"query": args.query, "method": result.method, "notice": result.notice, "hits": hits},
                         ensure_ascii=False, indent=2))
        return 0
    if not result.hits:
        print(f"no article matches {args.query!r}", file=sys.stderr)
        return 0
    width = len(str(len(result.hits)))
    for rank, hit in enumerate(result.hits, 1):
        pad = " " * (width + 2)
        print(f"{rank:>{width}}. {hit.day or '----------'}  {hit.site or '-'}  {hit.title or '(no title)'}"
              + (f"  (also on {_sites(hit.also_on)})" if hit.also_on else ""))
        for line in textwrap.wrap(hit.snippet, 100):
            print(pad + line)
        print(pad + hit.url)
    return 0


def _sites(sites: tuple[str, ...]) -> str:
    """'1 site: contentfarm', '3 sites: a, b, c'."""
    return f"{len(sites)} site{'s' if len(sites) > 1 else ''}: {', '.join(sites)}"
