"""Runs whose process is gone without their end recorded, found and recorded at the next start (run lock held).

A run records its own end (crawler.extensions.run_life): its `state/runs.jsonl` line, then its final `runs`
row. What it could not record, the next crawl does, from the evidence left:

- the lock file still names the run: it was killed (SIGKILL, the OOM killer, a power cut), or it says how
  it ended when the run could not write that itself (`ended`: `forced` after a second Ctrl-C, `failed: disk
  full` when not even its runs.jsonl line fitted);
- a `runs` row still `running` whose crawl is not this one: a run killed while the run after it was still
  catching up, or one whose last rows did not fit on the disk. Only crawls take the run lock, so only their
  rows are settled this way (a `baotinh index` may be running beside us).

`settle_run()` gives each its status (its own runs.jsonl line if it wrote one; else the lock file's `ended`;
else `killed`), the counters its WARC files hold (pages, articles, bytes, per site), a `finished_at` when it
said one, and the runs.jsonl line it lacks (with `recorded_by`: the run that wrote it). Doing it twice changes
nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from crawler.ingest.index import IndexCounts
from crawler.run.lock import Holder
from crawler.run.state import append_run, read_runs
from crawler.run.stats import archived_summary, jsonable_stats, totals
from pipelines.database.store import CatalogUnreachable, Store, StoreBusy, StoreDamaged

logger = logging.getLogger(__name__)

# the database cannot be asked now (held, damaged, out of reach): the next start tries again
NOT_RECORDED = (StoreBusy, StoreDamaged, CatalogUnreachable, duckdb.Error, OSError)


def found_line(stale: Holder) -> str:
    """The one line a start logs about the run the lock file still names."""
    if stale.ended is None:
        return f"the previous run did not finish ({stale.describe()}, process gone): recovering its files"
    if stale.ended == "forced":
        return (f"the previous run did not finish (forced to stop: {stale.describe()}): indexing what it "
                "archived and recording it as forced")
    return (f"the previous run ended ({stale.ended}) but could not record it ({stale.describe()}): recording it "
            "now")


def dead_runs(store: Store, stale: Holder | None, current_run_id: str) -> list[Holder]:
    """The lock file's dead run first, then every other crawl whose `runs` row is still `running`."""
    found = [stale] if stale is not None else []
    if store.catalog is not None:
        # many nodes' crawls share a catalog, and a `running` row there may be another node's live crawl: only
        # this node's lock file speaks for this node
        return found
    try:
        if not store.exists():
            return found
        with store.connect(read_only=True) as con:
            rows = con.execute("SELECT run_id, command, started_at FROM runs WHERE status = 'running' "
                               "AND command <> 'index' AND run_id <> ? ORDER BY started_at",
                               [current_run_id]).fetchall()
    except NOT_RECORDED:
        return found
    known = {h.run_id for h in found}
    for run_id, command, started_at in rows:
        if run_id not in known:
            found.append(Holder(0, run_id, started_at.isoformat() if started_at else "", command=command))
    return found


def settle_run(data_dir: Path, store: Store, run: Holder, counts: IndexCounts | None, *,
               recorded_by: str) -> str:
    """Record run `run`'s end in `runs` (when the database could be read: `counts`) and runs.jsonl; returns its
    status."""
    own = next((r for r in reversed(read_runs(data_dir)) if r.get("run_id") == run.run_id), None)
    archived = archived_summary(counts.runs.get(run.run_id, {})) if counts is not None else {}
    row = None
    try:
        if store.exists():
            with store.connect(read_only=True) as con:
                row = con.execute("SELECT status, stats, finished_at FROM runs WHERE run_id = ?",
                                  [run.run_id]).fetchone()
    except NOT_RECORDED:
        counts = None  # nothing can be written either
    final = row is not None and row[2] is not None  # its last rows are in: killed in the search refresh
    if own is not None:
        status, sites, finished_at = own.get("status") or "killed", own.get("sites") or archived, own.get("finished_at")
    elif final:
        assert row is not None
        status, sites, finished_at = row[0], _json(row[1]).get("sites") or archived, row[2].isoformat()
    else:
        status, sites, finished_at = run.ended or "killed", archived, None
    if not final and counts is not None:
        previous = _json(row[1]) if row else {}
        previous.pop("sites", None)
        try:
            store.write({"runs": [{"run_id": run.run_id, "command": run.command,
                                   "started_at": _instant(run.started_at), "finished_at": _instant(finished_at),
                                   "status": status, "stats": jsonable_stats(previous, sites)}]})
        except NOT_RECORDED as e:
            logger.info("run %s stays 'running' in the runs table for now (%s)", run.run_id, e)
    if own is None:
        append_run(data_dir, {"run_id": run.run_id, "command": run.command, "started_at": run.started_at,
                              "finished_at": finished_at, "status": status, "pid": run.pid or None,
                              "recorded_by": recorded_by,
                              **({"totals": totals(sites), "sites": sites} if sites else {})})
    return status


def by_start(run: Holder) -> datetime:
    """Sort key: when the run started (an unreadable time first)."""
    moment = _instant(run.started_at) or datetime.min
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json(value: Any) -> dict[str, Any]:
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
