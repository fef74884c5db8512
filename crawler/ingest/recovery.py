"""recover(): before a crawl starts (run lock held), put right what a killed run left behind.

1. Spool batches cut short (`spool/*.partial`) are removed: their rows come back from the WARC below.
2. Every `warc/*.open` file is repaired (archive.repair: cut after the last complete record, renamed) and
   queued for step 3 with a marker `state/recover/NAME` naming the run that wrote it.
3. For each queued file, the response records that have no `captures` row (in the database or the spool)
   get one, and those the killed run had judged articles (its lines in `state/sites/*/articles.jsonl`) and
   that have no `articles` row go through the same `page_text` -> `analyse` -> `article_rows` as the live
   crawl. (The two are checked apart: a capture row is written when the page is archived, its article row
   only after extraction, so a kill can fall between them.) Journal lines whose
   record is not in the file (lost to a power cut) are dropped, so those URLs are fetched again.
   When the database is held by another process the markers stay and step 3 runs at the next crawl.
4. The killed run's `runs` row (left `running`) becomes `killed`; `state/runs.jsonl` gets a line for it.

Rows are written with `Store.write` (INSERT OR REPLACE by key), so running recovery twice changes nothing.
A file recovery cannot handle is logged and left as it is (its marker too): the crawl goes on, and the next
one tries again. A crawl that cannot start because of an old broken file would be worse.

`seed_journals()` rebuilds a site's `articles.jsonl` from the database when the file is missing (a data
directory from before the state files, or `state/` deleted), so such a crawl does not fetch every article
again.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.digests import FILE_NAME as DIGESTS_FILE
from archive.digests import DigestIndex
from archive.reader import StoredResponse, iter_responses
from archive.repair import is_locked, repair_open_file
from archive.writer import OPEN_SUFFIX
from crawler.ingest.analysis import analyse
from crawler.ingest.decode import page_text
from crawler.ingest.index import stored_capture_row
from crawler.ingest.rows import article_rows
from crawler.run.lock import Holder
from crawler.run.state import (
    ARTICLES_FILE,
    append_jsonl,
    append_run,
    drop_journal_entries,
    journal_entries,
    site_folder,
    state_dir,
)
from pipelines.database.store import Batch, Store, StoreBusy

logger = logging.getLogger(__name__)

PENDING_DIR = "recover"
BATCH_ROWS = 500


@dataclass
class RecoveryReport:
    repaired: list[str] = field(default_factory=list)
    cut_bytes: int = 0
    captures: int = 0
    articles: int = 0
    forgotten: int = 0  # journal lines dropped: their record never reached the disk
    deferred: list[str] = field(default_factory=list)  # files whose rows wait for the database

    def stats(self) -> dict[str, Any]:
        values = {"recovery/files_repaired": len(self.repaired), "recovery/bytes_cut": self.cut_bytes,
                  "recovery/captures": self.captures, "recovery/articles": self.articles,
                  "recovery/journal_lines_dropped": self.forgotten, "recovery/files_deferred": len(self.deferred)}
        return {k: v for k, v in values.items() if v}


def recover(data_dir: Path, warc_dir: Path, store: Store, stale: Holder | None) -> RecoveryReport:
    report = RecoveryReport()
    pending = state_dir(data_dir) / PENDING_DIR
    for partial in sorted(store.spool_dir.glob("*.partial")) if store.spool_dir.exists() else []:
        shutil.rmtree(partial)
        logger.info("removed an unfinished spool batch %s; its rows are restored from the WARC files", partial)
    run_id = stale.run_id if stale else "unknown"
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
            # a revisit must never point at a record that was cut away
            index = DigestIndex(digests_path)
            try:
                index.forget_from(result.name, result.kept_bytes)
            finally:
                index.close()
        report.cut_bytes += result.cut_bytes
        if result.path is None:
            logger.warning("removed %s: a killed run left no complete record in it", open_file.name)
            continue
        report.repaired.append(result.path.name)
        logger.warning("repaired %s left open by a killed run: %d complete records kept, %d bytes cut",
                       open_file.name, result.records, result.cut_bytes)
        pending.mkdir(parents=True, exist_ok=True)
        (pending / result.path.name).write_text(run_id, encoding="utf-8")
    markers = sorted(pending.iterdir()) if pending.is_dir() else []
    if markers:
        _restore(data_dir, Path(warc_dir), store, markers, report)
    if stale is not None:
        _mark_killed(data_dir, store, stale)
    return report


def _restore(data_dir: Path, warc_dir: Path, store: Store, markers: list[Path], report: RecoveryReport) -> None:
    names = [m.name for m in markers]
    try:
        stored, extracted = _stored_ids(store, names)
    except StoreBusy:
        report.deferred = names
        logger.warning("database %s is open in another process: the rows of %d WARC file(s) from an interrupted "
                       "run will be restored at the next crawl", store.path, len(names))
        return
    journal = journal_entries(data_dir, set(names))
    for marker in markers:
        path = warc_dir / marker.name
        run_id = marker.read_text(encoding="utf-8").strip() or "unknown"
        if not path.exists():
            logger.warning("%s is no longer in %s; its rows cannot be restored", marker.name, warc_dir)
            marker.unlink()
            continue
        try:
            _restore_file(path, run_id, stored, extracted, journal, store, report, data_dir)
        except Exception as e:  # warcio on a damaged file, a disk error: keep the marker, crawl on
            logger.error("cannot restore the rows of %s: %s: %s; will try again next crawl", path,
                         type(e).__name__, e)
            continue
        marker.unlink()
    if report.captures:
        logger.warning("restored %d capture(s) and %d article(s) an interrupted run had archived but not stored",
                       report.captures, report.articles)


def _restore_file(path: Path, run_id: str, stored: set[str], extracted: set[str],
                  journal: dict[str, tuple[str, dict[str, Any]]], store: Store, report: RecoveryReport,
                  data_dir: Path) -> None:
    """Store the rows of one repaired file that are not stored yet; drop journal lines with no record."""
    in_file: set[str] = set()
    batch: Batch = {}
    rows = 0
    for record in iter_responses(path):
        in_file.add(record.record_id)
        if record.record_id not in stored:
            batch.setdefault("captures", []).append(stored_capture_row(record, run_id, None))
            report.captures += 1
            rows += 1
        entry = journal.get(record.record_id)
        if entry is not None and record.record_id not in extracted:
            article = _article_rows(record, site=entry[0])
            for table, table_rows in article.items():
                batch.setdefault(table, []).extend(table_rows)
                rows += len(table_rows)
            report.articles += bool(article)
        if rows >= BATCH_ROWS:
            store.write(batch)
            batch, rows = {}, 0
    store.write(batch)
    lost = {cid for cid, (_, row) in journal.items() if row["warc_file"] == path.name and cid not in in_file}
    if lost:
        report.forgotten += drop_journal_entries(data_dir, lost)


def _stored_ids(store: Store, warc_files: list[str]) -> tuple[set[str], set[str]]:
    """(capture ids with a `captures` row, capture ids with an `articles` row) for records of `warc_files`."""
    store.merge_spool()  # spooled rows count as stored; merging first makes one place to ask
    with store.connect() as con:
        rows = con.execute(
            "SELECT c.capture_id, a.article_id IS NOT NULL FROM captures c "
            "LEFT JOIN articles a ON a.article_id = c.capture_id WHERE c.warc_file IN (SELECT unnest(?))",
            [warc_files]).fetchall()
    return {r[0] for r in rows}, {r[0] for r in rows if r[1]}


def _article_rows(record: StoredResponse, site: str) -> Batch:
    """The same steps as the live crawl: decode (crawler.ingest.decode), analyse, rows."""
    page = page_text(record.body, record.header("Content-Type"))
    if page.problem in ("empty", "binary"):
        return {}
    try:
        analysis = analyse(page.text, record.url, record.date)
    except Exception as e:  # as in ExtractPipeline: a broken page must not stop the crawl
        logger.error("extraction failed for %s: %s: %s", record.url, type(e).__name__, e)
        return {}
    if analysis is None:
        return {}
    return article_rows(analysis, capture_id=record.record_id, site=site, fetched_at=record.date)


def _mark_killed(data_dir: Path, store: Store, stale: Holder) -> None:
    append_run(data_dir, {"run_id": stale.run_id, "command": stale.command, "started_at": stale.started_at,
                          "finished_at": None, "status": "killed", "pid": stale.pid})
    try:
        store.merge_spool()  # the killed run's own row may still be in the spool
        with store.connect() as con:
            con.execute("UPDATE runs SET status = 'killed' WHERE run_id = ? AND finished_at IS NULL",
                        [stale.run_id])
    except StoreBusy:
        logger.info("database busy: run %s stays 'running' in the runs table", stale.run_id)


def seed_journals(data_dir: Path, store: Store, slugs: list[str]) -> int:
    """Write `articles.jsonl` from the database for the sites that have none; returns lines written."""
    missing = [s for s in slugs if not (site_folder(data_dir, s) / ARTICLES_FILE).exists()]
    if not missing or not store.path.exists():
        return 0
    try:
        with store.connect() as con:
            rows = con.execute(
                "SELECT a.site, a.url, a.capture_id, c.warc_file, c.warc_offset, c.run_id FROM articles a "
                "JOIN captures c USING (capture_id) WHERE a.site IN (SELECT unnest(?)) ORDER BY c.fetched_at",
                [missing]).fetchall()
    except StoreBusy:
        logger.warning("database %s is open in another process: articles archived before %s existed may be "
                       "fetched again", store.path, ARTICLES_FILE)
        return 0
    for slug in missing:
        lines = [{"url": url, "capture_id": cid, "warc_file": f, "warc_offset": off, "run_id": run}
                 for site, url, cid, f, off, run in rows if site == slug]
        if lines:
            append_jsonl(site_folder(data_dir, slug) / ARTICLES_FILE, lines)
            logger.info("%s: %d archived article(s) read from the database into %s", slug, len(lines),
                        ARTICLES_FILE)
    return len(rows)
