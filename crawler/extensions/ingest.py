"""LiveIngest: during a crawl, every record the WARC capture writes becomes its rows, as `baotinh index` would
make them from the file.

On `capture_written` (archive.capture) it builds the ArchivedResponse from what the writer has just written
(`live_response`: the same value crawler.ingest.response.from_record reads back from the record), finds the
record's site (crawler.ingest.sites), and runs crawler.ingest.derive.derive in the worker pool
(crawler.ingest.pool), off the reactor, with the site's templates for this run
(crawler.extensions.run_templates). The rows go to the run's RowSink (crawler.extensions.run_life), one
record per unit; once every record of a closed WARC file has its rows, the file's `warc_files` row follows.
A record whose rows could not be made (a worker lost) leaves its file without that row: the next start
indexes the file again.

Each record's rows made, the `record_derived` signal announces them (keywords `derived`, the Derived, and
`response`): an article's page requisites are fetched on it (crawler.extensions.requisites).

Records go to the pool in tasks of several when fetching outruns extraction: each worker has one task running
and one queued, and the records archived meanwhile wait and go together in the next task (up to MAX_BATCH),
one round trip (pickling, the pool's threads, the reactor woken) for several records where there was one a
record (~0.4 ms of the crawl process's CPU each, bench/bench_crawl.py); a polite crawl still sends each
record as it comes. The spider only navigates. When derivation falls behind fetching (EXTRACT_MAX_PENDING
records waiting or in the pool), the engine is paused until the pool catches up, so memory stays bounded.
Stats: `store/captures`, `store/articles`, `site/SLUG/articles`, `site/SLUG/PROBLEM`
(crawler.ingest.derive.PAGE_PROBLEMS), `ingest/reason_count/REASON`, `ingest/paused` (times fetching waited),
`ingest/tasks` (tasks the pool was given), `extract/errors`. Settings: ARCHIVE_ENABLED, EXTRACT_ENABLED,
EXTRACT_PROCESSES (0 = one per core), EXTRACT_MAX_PENDING.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.capture import Capture, WarcCapture, capture_written
from archive.writer import Exchange, stored_response_headers
from crawler.extensions.run_life import RunLife, registry_of, warc_dir_of
from crawler.extensions.run_templates import RunTemplates
from crawler.ingest.derive import PAGE_PROBLEMS, Derived, derive_each
from crawler.ingest.pool import let_go, warm_up, worker_pool
from crawler.ingest.response import ArchivedResponse
from crawler.ingest.rows import site_row
from crawler.ingest.sink import RowSink
from crawler.ingest.sites import SiteResolver
from crawler.registry import Site
from pipelines.extraction.templates import SiteTemplates

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

record_derived = object()  # signal: record_derived(derived: Derived, response: ArchivedResponse)

MAX_BATCH = 8  # records a task at most: a worker's last task of a run is ~0.15 s of real pages
Task = tuple[ArchivedResponse, Site, SiteTemplates | None]


def live_response(capture: Capture, exchange: Exchange, run_id: str | None) -> ArchivedResponse:
    """The value of the record just written for `exchange`: what from_record() will read back from it."""
    ref = capture.ref
    return ArchivedResponse(
        url=exchange.url,
        status=exchange.status,
        headers=tuple((k.decode("latin-1"), v.decode("latin-1"))
                      for k, v in stored_response_headers(exchange.response_headers)),
        body=b"" if ref.revisit else exchange.body,  # a revisit record leaves the body to its original
        fetched_at=exchange.date.astimezone(UTC),
        record_id=ref.record_id,
        record_type="revisit" if ref.revisit else "response",
        warc_file=ref.warc_file,
        offset=ref.offset,
        length=ref.length,
        payload_digest=ref.payload_digest,
        truncated=ref.truncated,
        refers_to=ref.refers_to,
        run_id=run_id,
    )


@dataclass
class _File:
    """A WARC file of this run: records announced, records with their rows, articles among them."""

    announced: int = 0
    derived: int = 0
    articles: int = 0
    closed: bool = False
    lost: bool = False  # a record's rows could not be made: the file is indexed again at the next start
    done: bool = False


class LiveIngest:
    def __init__(self, crawler: Crawler, processes: int, max_pending: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.processes = processes
        self.max_pending = max_pending
        self.run_id = crawler.settings.get("BAOTINH_RUN_ID")
        self.warc_dir = warc_dir_of(crawler.settings)
        self.pool: ProcessPoolExecutor | None = None
        self.sink: RowSink | None = None
        self.resolver: SiteResolver | None = None
        self.templates: RunTemplates | None = None
        self.files: dict[str, _File] = {}
        self.pending: set[asyncio.Future[list[Derived | str]]] = set()  # tasks in the pool
        self.waiting: list[Task] = []  # records archived while every slot of the pool was taken
        self.outstanding = 0  # records waiting or in the pool
        self.sites_seen: set[str] = set()
        self.paused = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.capture_written, signal=capture_written)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LiveIngest:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("ARCHIVE_ENABLED is off: rows are made from the archive, and there is none")
        if not settings.getbool("EXTRACT_ENABLED", True):
            raise NotConfigured("EXTRACT_ENABLED is off: the rows are made at the next start")
        processes = settings.getint("EXTRACT_PROCESSES") or os.cpu_count() or 1
        return cls(crawler, processes, max(settings.getint("EXTRACT_MAX_PENDING"), 1))

    def spider_opened(self) -> None:
        life = self.crawler.get_extension(RunLife)
        if life is None:
            logger.error("LiveIngest needs the RunLife extension (its run's rows); no rows are made in this crawl")
            return
        self.sink = life.sink
        life.add_finisher(self.finish)
        self.templates = self.crawler.get_extension(RunTemplates)
        spider_sites = list(getattr(self.crawler.spider, "sites", {}).values())
        self.resolver = SiteResolver(spider_sites, registry_of(self.crawler.settings))
        self.sites_seen = {s.slug for s in spider_sites}  # RunLife writes their rows
        self.pool = worker_pool(self.processes)
        warm_up(self.pool, self.processes, derive_each.__module__)
        from twisted.internet import reactor

        reactor.addSystemEventTrigger("before", "shutdown", self._forced)

    def _forced(self) -> None:
        """The reactor stops before finish() (a forced stop): the records waiting are derived at the next
        start, so the workers are not waited for."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        for response, _, _ in self.waiting:
            self.files[response.warc_file].lost = True
        self.waiting = []

    def capture_written(self, capture: Capture, exchange: Exchange) -> None:
        if self.pool is None or self.resolver is None:
            return
        response = live_response(capture, exchange, self.run_id)
        site = self.resolver.site_for(response.url)
        for name, entry in self.files.items():  # the writer closes a file before it opens the next
            entry.closed = entry.closed or name != response.warc_file
        self.files.setdefault(response.warc_file, _File()).announced += 1
        if site.slug not in self.sites_seen and self.sink is not None:
            self.sites_seen.add(site.slug)
            self.sink.add({"sites": [site_row(site)]})
        templates = self.templates.for_site(site.slug) if self.templates is not None else None
        self.waiting.append((response, site, templates))
        self.outstanding += 1
        self._dispatch()
        if self.outstanding >= self.max_pending and not self.paused and self.crawler.engine is not None:
            self.paused = True
            self.stats.inc_value("ingest/paused")
            self.crawler.engine.pause()
        self._complete_files()

    def _dispatch(self) -> None:
        """The records waiting into the pool's free slots (two a worker: one task running, one queued), shared
        out among them, at most MAX_BATCH a task."""
        slots = 2 * self.processes
        while self.waiting and self.pool is not None and len(self.pending) < slots:
            size = min(MAX_BATCH, -(-len(self.waiting) // (slots - len(self.pending))))
            tasks, self.waiting = self.waiting[:size], self.waiting[size:]
            self._submit(tasks)

    def _submit(self, tasks: list[Task]) -> None:
        assert self.pool is not None
        try:
            submitted = self.pool.submit(derive_each, tasks)
        except BrokenProcessPool:  # a worker was killed (out of memory?): its records come back at the next start
            logger.error("the worker pool lost a process; starting a new one")
            let_go(self.pool)
            self.pool = worker_pool(self.processes)
            submitted = self.pool.submit(derive_each, tasks)
        self.stats.inc_value("ingest/tasks")
        future = asyncio.wrap_future(submitted)
        self.pending.add(future)
        future.add_done_callback(lambda f: self._derived(tasks, f))

    def _derived(self, tasks: list[Task], future: asyncio.Future[list[Derived | str]]) -> None:
        self.pending.discard(future)
        self.outstanding -= len(tasks)
        if self.paused and self.outstanding <= self.max_pending // 2 and self.crawler.engine is not None:
            self.paused = False
            self._resume(self.crawler.engine)
        if future.cancelled():  # a forced stop let the pool go: the files are indexed at the next start
            for response, _, _ in tasks:
                self.files[response.warc_file].lost = True
            return
        try:
            results: list[Derived | str] = future.result()
        except Exception as e:  # a worker lost (killed, out of memory): the files are indexed again next start
            results = [f"{type(e).__name__}: {e}"] * len(tasks)
        for (response, _, _), result in zip(tasks, results, strict=True):
            self._one(response, result)
        self._dispatch()

    def _one(self, response: ArchivedResponse, derived: Derived | str) -> None:
        entry = self.files[response.warc_file]
        if isinstance(derived, str):  # derive() failed on it, or its worker was lost
            entry.lost = True
            self.stats.inc_value("extract/errors")
            logger.error("no rows for %s (%s at offset %d): %s; they are made at the next start",
                         response.url, response.warc_file, response.offset, derived)
            return
        self._count(derived, response.url)
        assert self.sink is not None
        self.sink.add(derived.rows)
        entry.derived += 1
        entry.articles += derived.is_article
        self._complete_files()
        self.crawler.signals.send_catch_log(signal=record_derived, derived=derived, response=response)

    @staticmethod
    def _resume(engine: Any) -> None:
        engine.unpause()
        # Scrapy 2.19's unpause() only clears a flag: with nothing in flight the engine would wait for its next
        # heartbeat (5 s) before it asks the scheduler again, so it is woken here.
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def _count(self, derived: Derived, url: str) -> None:
        stats, slug = self.stats, derived.site
        stats.inc_value("store/captures")
        stats.inc_value(f"ingest/reason_count/{derived.reason}")
        if derived.is_article:
            stats.inc_value("store/articles")
            stats.inc_value(f"site/{slug}/articles")
        if derived.reason == "extraction_error":
            stats.inc_value("extract/errors")
        for name in {derived.reason, *(p for p, _ in derived.problems)} & PAGE_PROBLEMS:
            stats.inc_value(f"site/{slug}/{name}")
        for level, line in derived.log_lines(url):
            logger.log(level, "%s", line)

    def _complete_files(self) -> None:
        """A `warc_files` row for each closed file whose every record has its rows (after them, in order)."""
        for name, entry in self.files.items():
            if entry.closed and not entry.done and not entry.lost and entry.derived == entry.announced:
                entry.done = True
                assert self.sink is not None
                self.sink.add({"warc_files": [{"warc_file": name, "run_id": self.run_id, "captures": entry.derived,
                                               "articles": entry.articles, "indexed_at": datetime.now(UTC)}]})

    async def finish(self) -> None:
        """Wait for the rows of every record announced; then the last files are closed (or never will be)."""
        while self.pending or self.waiting:
            self._dispatch()
            if not self.pending:  # no pool to take them (a forced stop): the next start indexes their files
                break
            await asyncio.gather(*self.pending, return_exceptions=True)
        capture = self.crawler.get_downloader_middleware(WarcCapture) if self.crawler.engine else None
        if capture is not None:
            capture.writer.close()  # nothing is fetched any more: the last file is whole (closing twice is a no-op)
        for name, entry in self.files.items():
            entry.closed = (self.warc_dir / name).exists()  # else a later start indexes it
        self._complete_files()
        if self.pool is not None:
            if getattr(self.pool, "_broken", False):  # lost a worker after the last record was handed in
                let_go(self.pool)
            else:
                self.pool.shutdown(wait=True)
            self.pool = None

