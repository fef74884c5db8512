"""`baotinh report`: one HTML file (charts and tables, works offline) of coverage, crawl health, extraction,
figures and the archive."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from crawler.commands.common import FORMATTER, UsageError, add_data_dir, existing_data_dir

VIETNAM = timezone(timedelta(hours=7))
EXIT_HELD = 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report", help="write an HTML report: coverage, crawl health, extraction, figures, archive",
        formatter_class=FORMATTER,
        description="Write one self-contained HTML file (charts as SVG, no network needed, open it from disk) "
        "showing articles per site and day with the days a site published nothing or a run failed, each site's "
        "last run, pages, errors by reason, bytes, 304s and revisits per run, what extraction found per site, "
        "the largest money figures and most frequent units, and the WARC files. Reads the database read-only; "
        "dates and times are Vietnamese (UTC+7).",
        epilog="examples:\n  baotinh report                                   # ./data -> report.html\n"
        "  baotinh report --data-dir data-demo --out demo.html\n"
        "  baotinh report --site baophutho --since 2026-03-01\n\n"
        "exit codes: 0 written, 1 another process holds the database (try again), 2 usage error",
    )
    add_data_dir(parser)
    parser.add_argument("--out", default="report.html", metavar="FILE", help="where to write (default: report.html)")
    parser.add_argument("--since", metavar="DAY",
                        help="only from this Vietnamese day on (YYYY-MM-DD): articles by publication day, runs "
                        "by their start, captures by their fetch; the coverage map shows the last 60 days without it")
    parser.add_argument("--site", metavar="SLUG", help="only this site (a slug of the database's `sites`)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.report.data import DB_NAME, DatabaseHeld, known_sites, read_report
    from crawler.report.page import render

    data_dir = existing_data_dir(args.data_dir)
    if not (data_dir / DB_NAME).exists():
        raise UsageError(f"no database at {data_dir / DB_NAME}: run `baotinh crawl` first, or give --data-dir")
    since = None
    if args.since is not None:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--since {args.since!r}: not a day; write it as 2026-03-01") from None
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder: give a file name, e.g. {out / 'report.html'}")
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: no folder {out.parent}")
    try:
        if args.site and args.site not in (sites := known_sites(data_dir)):
            raise UsageError(f"no site {args.site!r} in the database (sites: {', '.join(sites) or 'none'})")
        data = read_report(data_dir, site=args.site, since=since, now=datetime.now(UTC).astimezone(VIETNAM))
    except DatabaseHeld as e:
        who = f" ({e})" if str(e) else ""
        print(f"baotinh: {data_dir / DB_NAME} is held by another process{who}: a crawl writing a batch, "
              "`baotinh shell --write` or `baotinh index`; run `baotinh report` again when it is done", file=sys.stderr)
        return EXIT_HELD
    try:
        out.write_text(render(data), encoding="utf-8")
    except OSError as e:
        raise UsageError(f"--out {out}: {e.strerror}") from e
    print(f"report: {out} ({out.stat().st_size / 1000:.0f} KB): open it in a browser", file=sys.stderr)
    return 0
