"""index_warcs(): build or refresh the database from the WARC files alone, with the crawl's own functions.

Every response record becomes a `captures` row; every 2xx HTML page goes through the spider's
article-or-listing decision and, when it is an article, through `analyse()` and `article_rows()`, as in the
live crawl (crawler.ingest.records). The records are read and analysed in a pool of worker processes (one per
core by default); this process only finds where each record starts (zlib alone) and writes the rows in
batches, so that two workers come close to twice the pages per second of one.

The site of a record is decided by its host, as the crawl decided it: the sites already in the database
(the registry entries the crawls used, article patterns included), then the registry, then, for a host no
registry entry owns, the site `--start-url` would make of it (slug `host` or `host-port`). A WARC file
holds the records of every site of a crawl, so its warcinfo record cannot name one site per record.

Only WARC files without a `warc_files` row are read (a crawl writes that row for each file it finished),
unless `rebuild`; the rows of a file read again replace its earlier rows. Files still named `.open` are being
written, or were left by a crawl that was killed, and are skipped.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.capture import Capture
from archive.reader import StoredResponse
from archive.writer import RecordRef
from crawler.extensions.recorder import DB_NAME, capture_row, jsonable_stats, new_run_id, site_row
from crawler.ingest.records import (
    RecordResult,
    SiteResolver,
    analyse_records,
    mime_of,
    scan_records,
    start_worker,
)
from crawler.ingest.rows import article_rows
from crawler.registry import Site, load_sites
from pipelines.database.store import Store

logger = logging.getLogger(__name__)

CHUNK_RECORDS = 16  # records per task sent to a worker: fewer round trips, still fine-grained on two cores
BATCH_ROWS = 10000  # rows per database transaction: connecting and checkpointing cost ~0.1 s a batch


@dataclass
class IndexProgress:
    """Where an index run is, for a progress bar: bytes of WARC read out of the total."""

    bytes_done: int = 0
    bytes_total: int = 0
    files_done: int = 0
    files_total: int = 0
    records: int = 0
    articles: int = 0
    started: float = field(default_factory=time.monotonic)


@dataclass
class IndexResult:
    run_id: str
    files: int
    records: int
    pages: int
    articles: int
    errors: int
    seconds: float
    skipped_open: int
    spooled: bool
    stats: dict[str, Any]


def warc_paths(warc_dir: Path) -> tuple[list[Path], int]:
    """Finished WARC files in name order (names start with their creation time), and how many are `.open`."""
    if not warc_dir.is_dir():
        return [], 0
    return sorted(warc_dir.glob("*.warc.gz")), len(list(warc_dir.glob("*.warc.gz.open")))


def sites_in_database(con: Any) -> list[Site]:
    rows = con.execute(
        "SELECT site, name, province, kind, domains, start_urls, feeds, sitemaps, article_pattern FROM sites"
    ).fetchall()
    return [
        Site(slug=slug, name=name, province=province, kind=kind or "paper", domains=tuple(domains or ()),
             start_urls=tuple(start_urls or ()), feeds=tuple(feeds or ()), sitemaps=tuple(sitemaps or ()),
             article_pattern=re.compile(pattern) if pattern else None)
        for slug, name, province, kind, domains, start_urls, feeds, sitemaps, pattern in rows
    ]


def stored_capture_row(response: StoredResponse, run_id: str, site: str | None) -> dict[str, Any]:
    """The `captures` row the crawl wrote for this record (archive.capture.Capture → recorder.capture_row)."""
    ref = RecordRef(response.warc_file, response.offset, response.length, response.record_id,
                    response.payload_digest, response.date)
    capture = Capture(url=response.url, status=response.status, mime=mime_of(response), fetched_at=response.date,
                      ref=ref, revisit=response.record_type == "revisit")
    return capture_row(capture, run_id, site)


# -- the run -------------------------------------------------------------------------------------------------
def _ordered(pool: ProcessPoolExecutor, tasks: Iterable[tuple[Path, list[int]]], depth: int
             ) -> Iterator[list[RecordResult]]:
    """The results of each task, in order, with at most `depth` tasks in flight."""
    pending: deque[Future[list[RecordResult]]] = deque()
    for path, offsets in tasks:
        pending.append(pool.submit(analyse_records, path, offsets))
        while len(pending) > depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _FileWriter:
    """Rows of one WARC file, written in batches; the first batch replaces the file's earlier rows."""

    def __init__(self, store: Store, name: str, run_id: str) -> None:
        self.store, self.name, self.run_id = store, name, run_id
        self.batch: dict[str, list[dict[str, Any]]] = {}
        self.rows = 0
        self.first = True
        self.captures = 0
        self.articles = 0
        self.spooled = False

    def add(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for table, table_rows in rows.items():
            self.batch.setdefault(table, []).extend(table_rows)
            self.rows += len(table_rows)
        if self.rows >= BATCH_ROWS:
            self.flush()

    def flush(self, final: bool = False) -> None:
        if final:
            self.batch["warc_files"] = [{"warc_file": self.name, "run_id": self.run_id, "captures": self.captures,
                                         "articles": self.articles, "indexed_at": datetime.now(UTC)}]
        if not self.batch and not self.first:
            return
        written = self.store.write(self.batch, replace_files=[self.name] if self.first else ())
        self.spooled = self.spooled or not written
        self.batch, self.rows, self.first = {}, 0, False


def index_warcs(
    data_dir: Path,
    *,
    rebuild: bool = False,
    processes: int | None = None,
    registry: dict[str, Site] | None = None,
    on_progress: Callable[[IndexProgress], None] | None = None,
) -> IndexResult:
    """Read the not-yet-indexed WARC files of `data_dir/warc` (all of them with `rebuild`) into the database.

    Raises StoreBusy when the database is held by another process at the start (the spool cannot be
    merged nor the indexed files known); once running, batches that find it busy are spooled.
    """
    data_dir = Path(data_dir)
    store = Store(data_dir / DB_NAME)
    store.merge_spool()
    with store.connect(read_only=True, wait=10) as con:
        indexed = {name for (name,) in con.execute("SELECT warc_file FROM warc_files").fetchall()}
        known = sites_in_database(con)
    resolver = SiteResolver(known, registry if registry is not None else load_sites())
    paths, open_files = warc_paths(data_dir / "warc")
    if open_files:
        logger.warning("skipping %d WARC file(s) still named .open (being written, or left by a killed crawl)",
                       open_files)
    todo = [p for p in paths if rebuild or p.name not in indexed]
    run_id = new_run_id()
    started_at = datetime.now(UTC)
    stats: Counter[str] = Counter()
    progress = IndexProgress(bytes_total=sum(p.stat().st_size for p in todo), files_total=len(todo))
    run = {"run_id": run_id, "command": "index", "started_at": started_at, "finished_at": None,
           "status": "running", "stats": jsonable_stats({"start_time": started_at})}
    store.write({"runs": [run]})
    seen_sites: dict[str, Site] = {}
    spooled = False
    status = "finished"
    workers = processes or os.cpu_count() or 1
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(resolver,))
    try:
        for path in todo:
            writer = _FileWriter(store, path.name, run_id)

            def tasks(path: Path = path) -> Iterator[tuple[Path, list[int]]]:
                chunk: list[int] = []
                for offset, length, kind in scan_records(path):
                    progress.bytes_done += length
                    if kind in ("response", "revisit"):
                        chunk.append(offset)
                    if len(chunk) >= CHUNK_RECORDS:
                        yield path, chunk
                        chunk = []
                if chunk:
                    yield path, chunk

            for results in _ordered(pool, tasks(), depth=2 * workers):
                for result in results:
                    _store_result(result, writer, run_id, stats, resolver, seen_sites)
                progress.records, progress.articles = stats["index/records"], stats["store/articles"]
                if on_progress:
                    on_progress(progress)
            writer.flush(final=True)
            spooled = spooled or writer.spooled
            stats["index/files"] += 1
            progress.files_done += 1
            if on_progress:
                on_progress(progress)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        finished_at = datetime.now(UTC)
        run.update(finished_at=finished_at, status=status,
                   stats=jsonable_stats({**stats, "start_time": started_at, "finish_time": finished_at}))
        store.write({"runs": [run], "sites": [site_row(s) for s in seen_sites.values()]})
    return IndexResult(
        run_id=run_id, files=stats["index/files"], records=stats["index/records"], pages=stats["index/pages"],
        articles=stats["store/articles"], errors=stats["index/errors"],
        seconds=(finished_at - started_at).total_seconds(), skipped_open=open_files,
        spooled=spooled or store.spooled() > 0, stats=dict(stats),
    )


def _store_result(result: RecordResult, writer: _FileWriter, run_id: str, stats: Counter[str],
                  resolver: SiteResolver, seen_sites: dict[str, Site]) -> None:
    response = result.response
    if response is None:
        stats["index/unreadable"] += 1
        logger.error("unreadable record in %s: %s", writer.name, result.error)
        return
    if result.site not in seen_sites:
        seen_sites[result.site] = resolver.site_for(response.url)
    stats["index/records"] += 1
    stats["store/captures"] += 1
    writer.captures += 1
    writer.add({"captures": [stored_capture_row(response, run_id, result.site)]})
    if result.verdict == "not_page":
        return
    stats["index/pages"] += 1
    if result.verdict == "article":
        stats["store/articles"] += 1
        writer.articles += 1
        writer.add(article_rows(result.analysis, capture_id=response.record_id, site=result.site,
                                fetched_at=response.date))
    elif result.verdict == "error":
        stats["index/errors"] += 1
        logger.error("extraction failed for %s (%s): %s", response.url, response.warc_file, result.error)
    else:
        stats[f"index/{result.verdict}"] += 1
