"""`baotinh status`: the last runs and, per site, the last success and the articles archived.

It reads `DATA/state/` (crawler.run.state), never the database, so it answers while a researcher's DuckDB shell
holds `baotinh.duckdb` and while a crawl runs. It writes nothing: a read-only data directory is fine, and a
journal line a running crawl is writing is left as it is (the reader skips it).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.commands.common import FORMATTER, add_data_dir, existing_data_dir

VIETNAM = timezone(timedelta(hours=7))
# what the lock file of a run whose process is gone says, and what the next crawl does about it
DEAD_RUN = {
    "killed": "run {run_id} (pid {pid}) was killed: the next crawl recovers it",
    "forced": "run {run_id} (pid {pid}) was forced to stop: the next crawl indexes what it archived and records it",
    "failed": "run {run_id} (pid {pid}) ended ({ended}) but could not record it: the next crawl records it",
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "status", help="show the last runs and each site's last success", formatter_class=FORMATTER,
        description="Show whether a crawl is running, the last runs (status, pages, articles, errors, failed "
        "sites) and, per site, the last run it succeeded in, how many articles are archived, and the reasons "
        "of its errors. Times are Vietnamese (UTC+7). Reads the data directory's state files only, so it works "
        "while the database is open in a DuckDB shell, and on a read-only copy.",
        epilog="examples:\n  baotinh status\n  baotinh status --data-dir data-demo      # after `make demo`\n"
        "  baotinh status --data-dir /srv/baotinh/data --runs 20\n"
        "  baotinh status --json | jq '.sites[] | select(.status == \"failed\")'",
    )
    add_data_dir(parser)
    parser.add_argument("--runs", type=int, default=10, metavar="N", help="how many runs to list (default: 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.set_defaults(func=run)


def vietnam(value: str | None) -> str | None:
    """An ISO instant as Vietnamese time (ISO, +07:00), or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(VIETNAM).isoformat(timespec="seconds")
    except ValueError:
        return value


def archived_articles(data_dir: Path, slug: str) -> int:
    """Article URLs in the site's journal, read without writing (a partial last line is skipped)."""
    from crawler.run.state import ARTICLES_FILE, read_jsonl, site_folder

    return len({row["url"] for row in read_jsonl(site_folder(data_dir, slug) / ARTICLES_FILE) if row.get("url")})


def gather(data_dir: Path, last: int) -> dict[str, Any]:
    """What status shows, as plain data (the --json output)."""
    from crawler.run.lock import RunLock
    from crawler.run.state import known_sites, read_runs

    holder, alive = RunLock(data_dir).holder()
    # a lock file that names a process gone: a run that could not record its end (killed, forced, disk full)
    ended = None if holder is None or alive else holder.ended or "killed"
    crawl = None if holder is None else {
        "running": alive, "pid": holder.pid, "run_id": holder.run_id, "command": holder.command,
        "started_at": vietnam(holder.started_at), "host": holder.host or None, "ended": ended}
    runs = read_runs(data_dir)
    if holder is not None and ended is not None and all(r.get("run_id") != holder.run_id for r in runs):
        # not in runs.jsonl until the next crawl records it: shown from the lock file, counts unknown yet
        runs.append({"run_id": holder.run_id, "command": holder.command, "status": ended,
                     "started_at": holder.started_at, "finished_at": None, "recorded": False})
    runs.sort(key=lambda r: _instant(r.get("started_at")))  # a run recorded by the next start comes late in the file
    runs_out = []
    for r in reversed(runs[-last:] if last > 0 else []):
        totals = r.get("totals") or {}
        runs_out.append({
            "run_id": r.get("run_id"), "command": r.get("command"), "status": r.get("status"),
            "started_at": vietnam(r.get("started_at")), "finished_at": vietnam(r.get("finished_at")),
            "seconds": _seconds(r.get("started_at"), r.get("finished_at")),
            **{k: totals.get(k) for k in ("pages", "articles", "errors", "bytes")},
            "failed_sites": [s for s, v in (r.get("sites") or {}).items() if v.get("status") == "failed"],
            "recorded": r.get("recorded", True), "recorded_by": r.get("recorded_by")})
    last_run: dict[str, dict[str, Any]] = {}
    last_ok: dict[str, str] = {}
    for r in runs:
        for slug, summary in (r.get("sites") or {}).items():
            last_run[slug] = {**summary, "run_id": r.get("run_id")}
            if summary.get("status") == "ok":
                last_ok[slug] = r.get("finished_at") or r.get("started_at") or ""
    sites = []
    for slug in sorted(set(known_sites(data_dir)) | set(last_run)):
        one = last_run.get(slug, {})
        sites.append({
            "site": slug, "last_success": vietnam(last_ok.get(slug)), "archived": archived_articles(data_dir, slug),
            "last_run": one.get("run_id"), "pages": one.get("pages", 0), "articles": one.get("articles", 0),
            "errors": one.get("errors", 0), "status": one.get("status"), "reason": one.get("reason"),
            "error_reasons": one.get("error_reasons", {})})
    return {"data_dir": str(data_dir), "times": "Asia/Ho_Chi_Minh (UTC+7)", "crawl": crawl, "runs": runs_out,
            "sites": sites}


def run(args: argparse.Namespace) -> int:
    data_dir = existing_data_dir(args.data_dir)
    status = gather(data_dir, args.runs)
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return 0
    crawl = status["crawl"]
    if crawl and crawl["running"]:
        print(f"crawl running: pid {crawl['pid']}, run {crawl['run_id']}, started {_when(crawl['started_at'])}")
    elif crawl:
        print(f"no crawl running; {DEAD_RUN.get(crawl['ended'], DEAD_RUN['failed']).format(**crawl)}")
    else:
        print("no crawl running")
    if not status["runs"]:
        print(f"no crawl has finished in {data_dir} yet")
        return 0
    print(f"\nlast runs in {data_dir} (times in Vietnam, UTC+7):")
    header = ("run", "started", "took", "status", "pages", "articles", "errors", "failed sites")
    rows = [(r["run_id"] or "?", _when(r["started_at"]), _took(r["seconds"]),
             (r["status"] or "?") + ("" if r["recorded"] else " (not recorded yet)"),
             *(f"{r[k]:,}" if r[k] is not None else "-" for k in ("pages", "articles", "errors")),
             ", ".join(r["failed_sites"]) or "-") for r in status["runs"]]
    _table(header, rows, right=(4, 5, 6))

    print("\nsites:")
    header = ("site", "last success", "archived", "last run", "pages", "articles", "errors", "status")
    rows = []
    for s in status["sites"]:
        shown = s["status"] or "-"
        if shown == "failed":
            shown = f"failed: {s['reason'] or '?'}"
        if s["error_reasons"]:
            shown += " (" + ", ".join(f"{k} ×{v:,}" for k, v in s["error_reasons"].items()) + ")"
        rows.append((s["site"], _when(s["last_success"]) or "never", f"{s['archived']:,}", s["last_run"] or "-",
                     f"{s['pages']:,}", f"{s['articles']:,}", f"{s['errors']:,}", shown))
    _table(header, rows, right=(2, 4, 5, 6))
    return 0


def _instant(value: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return datetime.min.replace(tzinfo=VIETNAM)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _seconds(start: str | None, end: str | None) -> int | None:
    try:
        return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _took(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  " + "  ".join(cells).rstrip())
