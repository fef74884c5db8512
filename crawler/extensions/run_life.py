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
  final rows and `state/runs.jsonl`, refreshes the search index (merging the spool) and the repost clusters
  in a process of their own (crawler.run.refresh), runs the closers (the
  run's rows stored, the lock held: the site templates learned again, crawler.extensions.run_templates), and
  lets the lock go.

Every ending leaves a true record (the status, crawler.run.stats.run_status): `finished`, `interrupted`
(SIGTERM or Ctrl-C: Scrapy's graceful stop), `failed: disk full` (archive.space stopped the crawl; a
SpaceReserve set aside at the start is freed so that the run's line still fits), `failed: database damaged`,
and `forced` (a second Ctrl-C stops the reactor before spider_closed ends: the WARC file is closed at its last
whole record and the lock file says `forced`). A run that cannot write its `runs.jsonl` line leaves how it
ended in the lock file (RunLock.record_ending) and keeps its name there; the next start records it, and
settles every run whose process is gone without its record (crawler.ingest.dead_runs). Stats: `run/status`,
`run/recorded` (its line is in runs.jsonl).

Handlers are coroutines (Scrapy awaits them; a Deferred returned would be deprecated). Settings:
BAOTINH_DATA_DIR, BAOTINH_RUN_ID (crawler.run.identity), BAOTINH_COMMAND, BAOTINH_PREVIOUS_RUN,
BAOTINH_CATALOG and BAOTINH_CATALOG_DATA_PATH (the rows in a DuckLake catalog instead of the data directory's
DuckDB file: checked before anything is written, so a node that cannot reach it crawls nothing),
BAOTINH_SPACE_RESERVE, STORE_BATCH_SIZE, STORE_FLUSH_INTERVAL, STORE_MAX_WAITING, EXTRACT_PROCESSES.
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

from archive.capture import WarcCapture
from archive.space import disk_is_full, stop_for_full_disk
from crawler.ingest.dead_runs import found_line
from crawler.ingest.recovery import RecoveryReport, catch_up_archive, repair_left_open, seed_journals
from crawler.ingest.rows import site_row
from crawler.ingest.sink import RowSink
from crawler.registry import RegistryError, Site, load_sites
from crawler.run.identity import new_run_id
from crawler.run.lock import Holder, LockHeld, RunLock
from crawler.run.logfile import guard_log_files
from crawler.run.refresh import refresh_in_child
from crawler.run.reserve import RESERVE_NAME, SpaceReserve
from crawler.run.state import RUNS_FILE, append_run, state_dir
from crawler.run.stats import failed_sites, jsonable_stats, run_status, sites_summary, totals
from pipelines.database.store import Batch, CatalogUnreachable, Store, data_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
CODE = Path(__file__).resolve().parents[2]  # the folder (or the egg) baotinh runs from


def warc_dir_of(settings: Any) -> Path:
    """ARCHIVE_DIR, or the warc/ folder of the data directory (as archive.capture.WarcCapture reads it)."""
    return Path(settings.get("ARCHIVE_DIR") or Path(settings.get("BAOTINH_DATA_DIR") or "data") / "warc")


def store_of(settings: Any) -> Store:
    """The store the run writes: the data directory's DuckDB file, or BAOTINH_CATALOG."""
    return data_store(*store_args(settings))


def store_args(settings: Any) -> tuple[Path, str | None, str | None]:
    """What names the run's store: data_store()'s arguments (data directory, catalog, its data path)."""
    return (Path(settings.get("BAOTINH_DATA_DIR") or "data"), settings.get("BAOTINH_CATALOG"),
            settings.get("BAOTINH_CATALOG_DATA_PATH"))


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
                 report: RecoveryReport, store: Store) -> None:
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
        self.store = store
        self.sink = RowSink(self.store, settings.getint("STORE_BATCH_SIZE"), background=True,
                            with_batch=self._run_rows, on_full_disk=self._full_disk,
                            max_waiting=settings.getint("STORE_MAX_WAITING"))
        self.started_at = datetime.now(UTC)
        self.finishers: list[Callable[[], Awaitable[None]]] = []
        self.closers: list[Callable[[str], Awaitable[None]]] = []
        self.drained = asyncio.Event()  # set once every archived record of the run has its rows (or never will)
        self.status: str | None = None  # how the run ended, once it has
        self.recorded = False  # its line is in runs.jsonl (else the lock file says how it ended)
        self.reserve = SpaceReserve(state_dir(self.data_dir) / RESERVE_NAME, settings.getint("BAOTINH_SPACE_RESERVE"))
        self.reserve.take()
        self._final: dict[str, Any] | None = None
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        from twisted.internet import reactor

        reactor.addSystemEventTrigger("before", "shutdown", self._reactor_stopping)

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
        store = store_of(settings)
        if store.catalog is not None:
            try:
                store.exists()  # reachable, before a page is fetched or a file repaired
            except CatalogUnreachable as e:
                logger.error("%s", e)
                if lock is not None:
                    lock.release()
                raise
        report = RecoveryReport()
        if stale is not None:
            logger.warning("%s", found_line(stale))
        repair_left_open(data_dir, warc_dir_of(settings), store, report)
        # before the incremental state is read (by the components built after this one)
        seed_journals(data_dir, store, list(getattr(crawler.spider, "sites", {}) or {}))
        return cls(crawler, run_id, lock, stale, report, store)

    def add_finisher(self, finisher: Callable[[], Awaitable[None]]) -> None:
        """A coroutine function awaited at spider_closed before the final rows: a producer of rows draining."""
        self.finishers.append(finisher)

    def add_closer(self, closer: Callable[[str], Awaitable[None]]) -> None:
        """A coroutine function awaited with the close reason once the run's rows are stored, lock still held."""
        self.closers.append(closer)

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
        # here, not earlier: Scrapy installs its root log handler again once the components are built
        guard_log_files()  # a full disk costs one line on the console, not a traceback per log record
        spider_sites = list(getattr(self.crawler.spider, "sites", {}).values())
        # under Scrapyd, which deployed egg runs (…/eggs/baotinh/VERSION.egg): what an operator asks first
        logger.info("run %s: baotinh from %s, rows into %s", self.run_id, CODE, self.store.where)
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
        self._final = self.run_row(run_status(reason, self.stats.get_stats()), finished=True)
        await asyncio.to_thread(self.sink.close)
        self.stats.set_value("store/batches_written", self.sink.written)
        self.stats.set_value("store/batches_spooled", self.sink.spooled)
        if self.store.damaged:  # the database cannot be read: the rows wait in the spool (crawler/commands/crawl)
            self.stats.set_value("store/database_damaged", self.store.damaged)
        self.status = run_status(reason, self.stats.get_stats())  # the last batch may have found the disk full
        self.stats.set_value("run/status", self.status)
        sites = self.sites()
        self._record(sites)
        failed = failed_sites(sites)
        for slug in failed:
            logger.error("%s: site failed in this run: %s", slug, sites[slug].get("reason"))
        logger.info("run %s %s%s; database %s", self.run_id, self.status,
                    f" ({len(failed)} site(s) failed: {', '.join(failed)})" if failed else "", self.store.where)
        await self._refresh_search()
        for close in self.closers:
            await close(reason)
        self.reserve.free()
        if self.lock is not None and self.recorded:
            self.lock.release()  # else its name (and how the run ended) stays for the next start

    def _record(self, sites: dict[str, Any]) -> None:
        """The run's line in state/runs.jsonl; when even that cannot be written, how it ended goes into the
        lock file (in place), for the next start to record."""
        assert self._final is not None and self.status is not None
        if disk_is_full(self.crawler):
            self.reserve.free()  # room for the line
        try:
            append_run(self.data_dir, {
                "run_id": self.run_id, "command": self.command, "started_at": self.started_at.isoformat(),
                "finished_at": self._final["finished_at"].isoformat(), "status": self.status,
                "totals": totals(sites), "sites": sites,
            })
            self.recorded = True
        except OSError as e:
            kept = (self.lock or RunLock(self.data_dir)).record_ending(self.run_id, self.status)
            logger.error("cannot write %s (%s): %s", RUNS_FILE, e,
                         "the lock file keeps how this run ended, and the next crawl records it" if kept else
                         "the next crawl records this run as killed")
        self.stats.set_value("run/recorded", self.recorded)

    async def _refresh_search(self) -> None:
        """What waited in the spool goes in, and search finds this run's articles."""
        if disk_is_full(self.crawler):
            logger.info("search index not refreshed: no space left; the next run refreshes it")
            return
        logger.info("refreshing the search index")
        # in a process of its own: what the refreshes hold is not added to the crawl process's peak
        for level, line in await asyncio.to_thread(refresh_in_child, *store_args(self.crawler.settings)):
            logger.log(level, "%s", line)

    def _full_disk(self, error: Exception) -> None:
        """A batch found the disk full (in the sink's writing thread): the crawl stops, and says so once."""
        from twisted.internet import reactor

        reactor.callFromThread(stop_for_full_disk, self.crawler, self.store.path, error)

    def _reactor_stopping(self) -> None:
        """The reactor stops. After spider_closed that is the end of the process; before it, the run was forced
        to stop (Ctrl-C twice): the WARC file is closed at its last whole record, and the lock file says
        `forced` for the next start, which indexes what is not stored yet and records the run."""
        if self.status is not None:
            return
        self.status = "forced"
        self.stats.set_value("run/status", self.status)
        self.stats.set_value("run/recorded", False)
        capture = self.crawler.get_downloader_middleware(WarcCapture) if self.crawler.engine else None
        if capture is not None:
            try:
                capture.stop()
            except OSError as e:
                logger.error("cannot close %s (%s): the next crawl repairs it", capture.writer.current_file, e)
        kept = (self.lock or RunLock(self.data_dir)).record_ending(self.run_id, self.status)
        self.reserve.free()
        logger.warning("run %s forced to stop: its WARC files are closed at their last whole record; the next "
                       "crawl indexes what is not stored yet and records the run as forced%s", self.run_id,
                       "" if kept else " (or killed: the lock file could not say)")
