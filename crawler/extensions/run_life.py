"""RunLife: a crawl's life as a Scrapy extension, so `baotinh crawl` and `scrapy crawl news` (what Scrapyd
runs) both get the run lock, recovery, the run's rows and the search and repost refresh.

- Built with the crawler (extensions are built before the downloader and its WARC writer): it takes the run
  lock (crawler.run.lock; LockHeld when another crawl holds it) and repairs what a killed run left
  half-written (crawler.ingest.recovery.repair_left_open) and writes a missing site journal from the database
  (seed_journals). When the command line took the lock already for this run (crawler.run.runner), it is the
  holder and goes on.
- spider_opened: every closed WARC file without its rows is indexed first, with the killed run's row and
  counters (crawler.ingest.recovery.catch_up_archive); then this run's `runs` and `sites` rows.
- While the crawl runs, it owns the one RowSink of the run (crawler.ingest.sink) that LiveIngest hands its
  rows to, and puts the run's row with its counters so far into every batch.
- spider_closed: it waits for the rows of every archived record (the finishers, LiveIngest's), writes the
  final rows and `state/runs.jsonl`, refreshes the search index and the repost clusters, and lets the lock go.

Handlers are coroutines (Scrapy awaits them; a Deferred returned would be deprecated). Settings:
BAOTINH_DATA_DIR, BAOTINH_RUN_ID (crawler.run.identity), BAOTINH_COMMAND, BAOTINH_PREVIOUS_RUN,
STORE_BATCH_SIZE, STORE_FLUSH_INTERVAL, EXTRACT_PROCESSES.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task

from crawler.ingest.recovery import RecoveryReport, catch_up_archive, repair_left_open, seed_journals
from crawler.ingest.rows import site_row
from crawler.ingest.sink import RowSink
from crawler.registry import RegistryError, Site, load_sites
from crawler.run.identity import new_run_id
from crawler.run.lock import Holder, LockHeld, RunLock
from crawler.run.state import append_run
from crawler.run.stats import failed_sites, jsonable_stats, sites_summary, totals
from pipelines.database.repost_index import refresh_reposts_database
from pipelines.database.search_index import refresh_database
from pipelines.database.store import DB_NAME, Batch, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def warc_dir_of(settings: Any) -> Path:
    """ARCHIVE_DIR, or the warc/ folder of the data directory (as archive.capture.WarcCapture reads it)."""
    return Path(settings.get("ARCHIVE_DIR") or Path(settings.get("BAOTINH_DATA_DIR") or "data") / "warc")


def registry_of(settings: Any) -> dict[str, Site]:
    """The registry the run resolves sites with (BAOTINH_SITES_FILE, else the bundled one)."""
    path = settings.get("BAOTINH_SITES_FILE")
    try:
        return load_sites(Path(path) if path else None)
    except RegistryError as e:
        logger.warning("registry not read (%s): hosts outside the crawled sites are sites of their own", e)
        return {}


class RunLife:
    def __init__(self, crawler: Crawler, run_id: str, lock: RunLock | None, stale: Holder | None,
                 report: RecoveryReport) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.run_id = run_id
        self.lock = lock  # None: the command line holds it for this run and lets it go
        self.stale = stale
        self.report = report
        self.data_dir = Path(settings.get("BAOTINH_DATA_DIR") or "data")
        self.warc_dir = warc_dir_of(settings)
        self.command = settings.get("BAOTINH_COMMAND") or "crawl"
        self.processes = settings.getint("EXTRACT_PROCESSES") or None
        self.interval = settings.getfloat("STORE_FLUSH_INTERVAL")
        self.store = Store(self.data_dir / DB_NAME)
        self.sink = RowSink(self.store, settings.getint("STORE_BATCH_SIZE"), background=True,
                            with_batch=self._run_rows)
        self.started_at = datetime.now(UTC)
        self.finishers: list[Callable[[], Awaitable[None]]] = []
        self.drained = asyncio.Event()  # set once every archived record of the run has its rows (or never will)
        self._final: dict[str, Any] | None = None
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLife:
        settings = crawler.settings
        data_dir = Path(settings.get("BAOTINH_DATA_DIR") or "data")
        run_id = settings.get("BAOTINH_RUN_ID") or new_run_id()
        lock: RunLock | None = RunLock(data_dir)
        try:
            stale = lock.acquire(run_id, settings.get("BAOTINH_COMMAND") or "crawl")  # type: ignore[union-attr]
        except LockHeld as e:
            if e.holder is None or (e.holder.pid, e.holder.run_id) != (os.getpid(), run_id):
                logger.error("%s", e)
                raise
            lock = None  # taken for this very run by the command line, which also read the previous holder
            previous = settings.getdict("BAOTINH_PREVIOUS_RUN")
            stale = Holder(**previous) if previous else None
        report = RecoveryReport()
        if stale is not None:
            logger.warning("the previous run did not finish (%s, process gone): recovering its files",
                           stale.describe())
        store = Store(data_dir / DB_NAME)
        repair_left_open(data_dir, warc_dir_of(settings), store, report)
        # before the incremental state is read (by the components built after this one)
        seed_journals(data_dir, store, list(getattr(crawler.spider, "sites", {}) or {}))
        return cls(crawler, run_id, lock, stale, report)

    def add_finisher(self, finisher: Callable[[], Awaitable[None]]) -> None:
        """A coroutine function awaited at spider_closed before the final rows: a producer of rows draining."""
        self.finishers.append(finisher)

    # -- rows of the run --------------------------------------------------------------------------------------
    def sites(self) -> dict[str, Any]:
        return sites_summary(self.stats.get_stats(), getattr(self.crawler.spider, "sites", {}) or {})

    def run_row(self, status: str, finished: bool) -> dict[str, Any]:
        return {"run_id": self.run_id, "command": self.command, "started_at": self.started_at,
                "finished_at": datetime.now(UTC) if finished else None, "status": status,
                "stats": jsonable_stats(self.stats.get_stats(), self.sites())}

    def _run_rows(self) -> Batch:
        # in every batch: the counters so far (the final row once the run is over)
        return {"runs": [self._final or self.run_row("running", finished=False)]}

    # -- signals -----------------------------------------------------------------------------------------------
    async def spider_opened(self) -> None:
        spider_sites = list(getattr(self.crawler.spider, "sites", {}).values())
        registry = registry_of(self.crawler.settings)
        await asyncio.to_thread(catch_up_archive, self.data_dir, self.warc_dir, self.store, self.stale, self.report,
                                run_id=self.run_id, sites=spider_sites, registry=registry,
                                processes=self.processes)
        for key, value in self.report.stats().items():
            self.stats.set_value(key, value)
        self.sink.add({"sites": [site_row(s) for s in spider_sites]})
        self.sink.flush()
        self._loop = task.LoopingCall(self.sink.flush)
        self._loop.start(self.interval, now=False)

    async def spider_closed(self, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        for finish in self.finishers:
            await finish()
        self.drained.set()
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, reason)
        self._final = self.run_row(status, finished=True)
        await asyncio.to_thread(self.sink.close)
        self.stats.set_value("store/batches_written", self.sink.written)
        self.stats.set_value("store/batches_spooled", self.sink.spooled)
        sites = self.sites()
        append_run(self.data_dir, {
            "run_id": self.run_id, "command": self.command, "started_at": self.started_at.isoformat(),
            "finished_at": self._final["finished_at"].isoformat(), "status": status, "totals": totals(sites),
            "sites": sites,
        })
        failed = failed_sites(sites)
        for slug in failed:
            logger.error("%s: site failed in this run: %s", slug, sites[slug].get("reason"))
        logger.info("run %s %s%s; database %s", self.run_id, status,
                    f" ({len(failed)} site(s) failed: {', '.join(failed)})" if failed else "", self.store.path)
        # what waited in the spool goes in, and search finds this run's articles
        logger.info("refreshing the search index")
        logger.info("%s", await asyncio.to_thread(refresh_database, self.store.path))
        logger.info("%s", await asyncio.to_thread(refresh_reposts_database, self.store.path))
        if self.lock is not None:
            self.lock.release()
