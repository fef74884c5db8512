"""Recovery: before a crawl starts (run lock held), the database is made to hold everything the archive does.

The archive is the truth, so recovery after a kill is no special case: it is the catch-up indexing every
writing command runs first, plus the repair of what only a kill leaves.

`repair_left_open()` (as soon as the lock is held, before the WARC writer opens its files):
1. Spool batches cut short (`spool/*.partial`) are removed: their rows come back from the WARC files.
2. Every `warc/*.open` file no live writer holds is cut after its last whole record and closed
   (archive.repair); digest index entries past the cut are dropped, so no revisit points at lost bytes, and
   those of its whole records are put back (a kill between a record and its entry would let the next run
   store that page again as an original, and its article twice).
3. Journal lines (`state/sites/*/articles.jsonl`, `state/requisites.jsonl`) naming a record that is not in the
   repaired file (lost to a power cut) are dropped, so those URLs are fetched again.

`catch_up_archive()` (when the crawl opens):
4. Every closed WARC file without a `warc_files` row is indexed (crawler.ingest.index.catch_up): those a killed
   run closed or left open, whatever came from elsewhere. Records already stored are only counted.
5. Every run whose process is gone without its end recorded (the killed run the lock file names, a forced or
   disk-full one that said how it ended there, a crawl still `running` in the database) gets its `runs` row
   and its `state/runs.jsonl` line, with the counters its WARC files hold (crawler.ingest.dead_runs).

Rows are keyed (Store.write replaces), so doing this twice changes nothing. When another process holds the
database, or when the file is damaged (StoreDamaged), 4 and 5 wait for the next crawl (the files stay without
their `warc_files` row until then). A file recovery cannot handle is logged and left as it is: the crawl goes
on.

`seed_journals()` rebuilds a site's `articles.jsonl` from the database when the file is missing (a data
directory from before the state files, or `state/` deleted), so such a crawl does not fetch every article
again.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from archive.digests import FILE_NAME as DIGESTS_FILE
from archive.digests import DigestIndex, Original
from archive.records import field as warc_field
from archive.records import walk, warcinfo_fields
from archive.repair import is_locked, repair_open_file
from archive.writer import OPEN_SUFFIX
from crawler.ingest.dead_runs import by_start, dead_runs, settle_run
from crawler.ingest.index import catch_up, warc_paths
from crawler.ingest.template_store import TemplateStore
from crawler.registry import Site
from crawler.run.lock import Holder
from crawler.run.requisite_journal import drop_requisite_entries
from crawler.run.state import (
    ARTICLES_FILE,
    append_jsonl,
    drop_journal_entries,
    journal_entries,
    site_folder,
)
from pipelines.database.store import CatalogUnreachable, Store, StoreBusy, StoreDamaged

logger = logging.getLogger(__name__)


@dataclass
class RecoveryReport:
    repaired: list[str] = field(default_factory=list)
    cut_bytes: int = 0
    forgotten: int = 0  # journal lines dropped: their record never reached the disk
    files_indexed: int = 0
    captures: int = 0
    articles: int = 0
    deferred: bool = False  # the database was busy: catching up waits for the next crawl

    def stats(self) -> dict[str, Any]:
        values = {"recovery/files_repaired": len(self.repaired), "recovery/bytes_cut": self.cut_bytes,
                  "recovery/journal_lines_dropped": self.forgotten, "recovery/files_indexed": self.files_indexed,
                  "recovery/captures": self.captures, "recovery/articles": self.articles,
                  "recovery/deferred": int(self.deferred)}
        return {k: v for k, v in values.items() if v}


def repair_left_open(data_dir: Path, warc_dir: Path, store: Store, report: RecoveryReport) -> None:
    """Steps 1-3: what a killed process left half-written."""
    for partial in sorted(store.spool_dir.glob("*.partial")) if store.spool_dir.exists() else []:
        shutil.rmtree(partial)
        logger.info("removed an unfinished spool batch %s; its rows are restored from the WARC files", partial)
    digests_path = Path(warc_dir) / DIGESTS_FILE
    for open_file in sorted(Path(warc_dir).glob("*" + OPEN_SUFFIX)):
        if is_locked(open_file):
            continue  # a live writer's file (the run lock should make this impossible)
        try:
            result = repair_open_file(open_file)
        except (OSError, ValueError) as e:
            logger.error("cannot repair %s left open by a killed run: %s; left as it is", open_file, e)
            continue
        if digests_path.exists():
            index = DigestIndex(digests_path)
            try:
                index.forget_from(result.name, result.kept_bytes)
                if result.path is not None:
                    remember_originals(index, result.path)
            finally:
                index.close()
        report.cut_bytes += result.cut_bytes
        if result.path is None:
            logger.warning("removed %s: a killed run left no complete record in it", open_file.name)
            continue
        report.repaired.append(result.path.name)
        logger.warning("repaired %s left open by a killed run: %d complete records kept, %d bytes cut",
                       open_file.name, result.records, result.cut_bytes)
    if report.repaired:
        journal = journal_entries(data_dir, set(report.repaired))
        present = {m.record_id for name in report.repaired for m in walk(Path(warc_dir) / name)}
        lost = {cid for cid in journal if cid not in present}
        if lost:
            report.forgotten = drop_journal_entries(data_dir, lost)
        report.forgotten += drop_requisite_entries(data_dir, set(report.repaired), present)


def remember_originals(index: DigestIndex, path: Path) -> None:
    """Digest index entries for the whole 2xx responses of `path` (as the writer adds them; the first stays)."""
    for m in walk(path):
        digest, date = warc_field(m.headers, "WARC-Payload-Digest"), warc_field(m.headers, "WARC-Date")
        if (m.problem is None and m.warc_type == "response" and 200 <= (m.http_status or 0) < 300
                and m.payload_length and m.truncated is None and digest and date and m.target_uri and m.record_id):
            index.add(Original(m.target_uri, digest, m.record_id, date, path.name, m.offset))


def catch_up_archive(data_dir: Path, warc_dir: Path, store: Store, stale: Holder | None, report: RecoveryReport,
                     *, run_id: str, sites: list[Site], registry: dict[str, Site], processes: int | None) -> None:
    """Steps 4-5: every closed file's rows, and the rows of the runs that could not record their end."""
    dead = dead_runs(store, stale, run_id)
    killed_files = sorted({p for run in dead for p in files_of_run(warc_dir, run)})
    try:
        store.merge_spool()  # spooled rows count as stored; merging first makes one place to ask
        counts = catch_up(store, warc_dir, sites, registry, run_id=run_id, also=killed_files, processes=processes,
                          templates=TemplateStore(data_dir))
    except StoreBusy:
        report.deferred = True
        logger.warning("database %s is open in another process: WARC files without their rows are indexed "
                       "at the next crawl", store.where)
        counts = None
    except StoreDamaged as e:  # the crawl goes on archiving; its rows wait in the spool
        report.deferred = True
        logger.error("%s: WARC files without their rows are indexed once it is restored or rebuilt", e)
        counts = None
    # a disk or database fault, a catalog out of reach: the crawl goes on, the next start retries
    except (OSError, duckdb.Error, CatalogUnreachable) as e:
        report.deferred = True
        logger.error("cannot index the WARC files without their rows (%s: %s); the next crawl tries again",
                     type(e).__name__, e)
        counts = None
    if counts is not None:
        report.files_indexed = counts.stats["index/files"]
        report.captures = counts.stats["store/captures"]
        report.articles = counts.stats["store/articles"]
        if report.captures:
            logger.warning("indexed %d WARC file(s) the database did not hold: %d capture(s), %d article(s)",
                           report.files_indexed, report.captures, report.articles)
    for run in sorted(dead, key=by_start):  # runs.jsonl in the order the runs started
        status = settle_run(data_dir, store, run, counts, recorded_by=run_id)
        if run is not stale:  # the lock file's run was named when the lock was taken
            logger.warning("run %s was still 'running' in the database with its process gone: recorded as %s, "
                           "with what its WARC files hold", run.run_id, status)


def files_of_run(warc_dir: Path, holder: Holder) -> list[Path]:
    """The closed WARC files a run wrote: named after its start, their warcinfo naming its run id."""
    try:
        moment = datetime.fromisoformat(holder.started_at)
        started = (moment.astimezone(UTC) if moment.tzinfo else moment).strftime("%Y%m%d%H%M%S")  # names are UTC
    except ValueError:
        started = ""
    paths, _ = warc_paths(warc_dir)
    candidates = [p for p in paths if _stamp(p.name) >= started]
    return [p for p in candidates if warcinfo_fields(p).get("run-id") == holder.run_id]


def _stamp(name: str) -> str:
    parts = name.split("-")  # PREFIX-YYYYMMDDhhmmssSSS-SERIAL-HOST.warc.gz
    return parts[1][:14] if len(parts) > 2 else ""


def seed_journals(data_dir: Path, store: Store, slugs: list[str]) -> int:
    """Write `articles.jsonl` from the database for the sites that have none; returns lines written."""
    missing = [s for s in slugs if not (site_folder(data_dir, s) / ARTICLES_FILE).exists()]
    if not missing or not store.exists():
        return 0
    try:
        with store.connect() as con:
            rows = con.execute(
                "SELECT a.site, a.url, a.capture_id, c.warc_file, c.warc_offset, c.run_id FROM articles a "
                "JOIN captures c USING (capture_id) WHERE a.site IN (SELECT unnest(?)) ORDER BY c.fetched_at",
                [missing]).fetchall()
    except (StoreBusy, StoreDamaged, CatalogUnreachable) as e:
        logger.warning("database %s cannot be read (%s): articles archived before %s existed may be "
                       "fetched again", store.where, e, ARTICLES_FILE)
        return 0
    for slug in missing:
        lines = [{"url": url, "capture_id": cid, "warc_file": f, "warc_offset": off, "run_id": run}
                 for site, url, cid, f, off, run in rows if site == slug]
        if lines:
            append_jsonl(site_folder(data_dir, slug) / ARTICLES_FILE, lines)
            logger.info("%s: %d archived article(s) read from the database into %s", slug, len(lines),
                        ARTICLES_FILE)
    return len(rows)
