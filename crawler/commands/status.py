"""`baotinh status`: the last runs and, per site, the last success and the articles archived.

It reads `DATA/state/` (crawler.run.state), never the database, so it answers while a researcher's DuckDB shell
holds `baotinh.duckdb` and while a crawl runs.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.commands.common import FORMATTER, UsageError, add_data_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "status", help="show the last runs and each site's last success", formatter_class=FORMATTER,
        description="Show whether a crawl is running, the last runs (status, pages, articles, errors, failed "
        "sites) and, per site, the last run it succeeded in and how many articles are archived. Reads the "
        "data directory's state files, so it works while the database is open in a DuckDB shell.",
        epilog="examples:\n  baotinh status\n  baotinh status --data-dir /srv/baotinh/data --runs 20",
    )
    add_data_dir(parser)
    parser.add_argument("--runs", type=int, default=10, metavar="N", help="how many runs to list (default: 10)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.run.lock import RunLock
    from crawler.run.state import SiteState, known_sites, read_runs, site_folder

    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        raise UsageError(f"{data_dir}: no such data directory (give --data-dir DIR)")
    holder, alive = RunLock(data_dir).holder()
    if holder is not None and alive:
        print(f"crawl running: {holder.describe()}")
    elif holder is not None:
        print(f"no crawl running; run {holder.run_id} (pid {holder.pid}) was killed: the next crawl recovers it")
    else:
        print("no crawl running")
    runs = read_runs(data_dir)
    if not runs:
        print(f"no crawl has finished in {data_dir} yet")
        return 0
    print(f"\nlast runs in {data_dir} (times UTC):")
    header = ("run", "started", "took", "status", "pages", "articles", "errors", "failed sites")
    rows = [_run_line(r) for r in reversed(runs[-args.runs:])]
    _table(header, rows, right=(4, 5, 6))

    print("\nsites:")
    last_run: dict[str, dict[str, Any]] = {}
    last_ok: dict[str, str] = {}
    for r in runs:
        for slug, summary in (r.get("sites") or {}).items():
            last_run[slug] = {**summary, "run_id": r["run_id"]}
            if summary.get("status") == "ok":
                last_ok[slug] = r.get("finished_at") or r.get("started_at") or ""
    header = ("site", "last success", "archived", "last run", "pages", "articles", "errors", "status")
    rows = []
    for slug in sorted(set(known_sites(data_dir)) | set(last_run)):
        last = last_run.get(slug, {})
        archived = SiteState(site_folder(data_dir, slug)).articles
        status = last.get("status", "-")
        if status == "failed":
            status = f"failed: {last.get('reason', '?')}"
        rows.append((slug, _when(last_ok.get(slug)) or "never", f"{archived:,}", last.get("run_id", "-"),
                     f"{last.get('pages', 0):,}", f"{last.get('articles', 0):,}", f"{last.get('errors', 0):,}",
                     status))
    _table(header, rows, right=(2, 4, 5, 6))
    return 0


def _run_line(r: dict[str, Any]) -> tuple[str, ...]:
    totals = r.get("totals") or {}
    failed = [s for s, v in (r.get("sites") or {}).items() if v.get("status") == "failed"]
    return (r.get("run_id", "?"), _when(r.get("started_at")), _took(r.get("started_at"), r.get("finished_at")),
            r.get("status", "?"), f"{totals.get('pages', 0):,}" if totals else "-",
            f"{totals.get('articles', 0):,}" if totals else "-", f"{totals.get('errors', 0):,}" if totals else "-",
            ", ".join(failed) or "-")


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _took(start: str | None, end: str | None) -> str:
    try:
        seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  " + "  ".join(cells).rstrip())
