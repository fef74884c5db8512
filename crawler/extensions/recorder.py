"""Recorder: the crawl's bookkeeping in DuckDB: a `runs` row, a `sites` row per site crawled, a `captures`
row per archived response, the rows of every extracted article, written in batches, and at the end a
`warc_files` row per WARC file the run wrote (so `baotinh index` knows they need no reading).

It joins the archive (the `capture_written` signal of WarcCapture) to the store (pipelines.database.store) without
either knowing the other. A revisit (the page unchanged since an earlier capture of it) gets its `captures`
row (revisit = true, pointing at the revisit record) but no new `articles` row: the article is the one
already stored for the original capture, and `article_id` stays equal to the `capture_id` it came from.

The `runs` row is rewritten with the stats so far at every batch, so a killed run leaves its counters up to
its last batch; at the end its `stats` JSON holds every Scrapy stat plus `sites` (per-site pages, articles,
errors, bytes, status: crawler.run.stats), and the same summary is appended to `state/runs.jsonl`, which
`baotinh status` reads even while the database is held by a shell.
Settings: BAOTINH_DATA_DIR, BAOTINH_RUN_ID, STORE_BATCH_SIZE, STORE_FLUSH_INTERVAL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task
from twisted.internet.defer import Deferred

from archive.capture import Capture, capture_written
from crawler.ingest.rows import article_rows
from crawler.registry import Site
from crawler.run.state import append_run
from crawler.run.stats import failed_sites, sites_summary, totals
from pipelines.database.store import Batch, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DB_NAME = "baotinh.duckdb"


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def capture_row(capture: Capture, run_id: str, site: str | None = None) -> dict[str, Any]:
    ref = capture.ref
    return {
        "capture_id": ref.record_id,
        "run_id": run_id,
        "url": capture.url,
        "status": capture.status,
        "mime": capture.mime,
        "fetched_at": capture.fetched_at,
        "warc_file": ref.warc_file,
        "warc_offset": ref.offset,
        "warc_length": ref.length,
        "payload_digest": ref.payload_digest,
        "revisit": capture.revisit,
        "site": site,
    }


def site_row(site: Site) -> dict[str, Any]:
    """The `sites` row of a registry entry (or of a --start-url site) as a crawl or index run used it."""
    return {
        "site": site.slug,
        "name": site.name,
        "province": site.province,
        "kind": site.kind,
        "domains": list(site.domains),
        "start_urls": list(site.start_urls),
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "article_pattern": site.article_pattern.pattern if site.article_pattern else None,
        "updated_at": datetime.now(UTC),
    }


def jsonable_stats(stats: dict[str, Any], sites: dict[str, Any] | None = None) -> str:
    flat = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in sorted(stats.items())}
    return json.dumps({**flat, "sites": sites or {}}, default=str, ensure_ascii=False)


class Recorder:
    def __init__(self, crawler: Crawler, store: Store, run_id: str, batch_size: int, interval: float) -> None:
        self.crawler = crawler
        self.data_dir = store.path.parent
        self.stats = crawler.stats
        self.store = store
        self.run_id = run_id
        self.batch_size = batch_size
        self.interval = interval
        self.command = crawler.settings.get("BAOTINH_COMMAND", "crawl")
        self.pending: Batch = {}
        self.pending_rows = 0
        self.started_at = datetime.now(UTC)
        self.warc_files: dict[str, list[int]] = {}  # name -> [captures, articles]
        self._loop: task.LoopingCall | None = None
        # One writer thread, so batches reach the database in order while the reactor goes on fetching:
        # a batch holds the file ~0.1 s (connect, insert, checkpoint), which on the reactor thread stalls
        # every download for that long.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baotinh-store")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.capture_written, signal=capture_written)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Recorder:
        settings = crawler.settings
        data_dir = Path(settings.get("BAOTINH_DATA_DIR"))
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls(
            crawler,
            Store(data_dir / DB_NAME),
            settings.get("BAOTINH_RUN_ID") or new_run_id(),
            settings.getint("STORE_BATCH_SIZE"),
            settings.getfloat("STORE_FLUSH_INTERVAL"),
        )

    def _add(self, rows: Batch) -> None:
        for table, table_rows in rows.items():
            self.pending.setdefault(table, []).extend(table_rows)
            self.pending_rows += len(table_rows)
        if self.pending_rows >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.pending["runs"] = [self._run_row("running", finished=False)]  # counters so far, in the same batch
        batch, self.pending, self.pending_rows = self.pending, {}, 0
        self._write(batch)

    def _write(self, batch: Batch) -> Future[bool]:
        future = self._writer.submit(self.store.write, batch)
        future.add_done_callback(self._written)
        return future

    def _written(self, future: Future[bool]) -> None:
        # in the writer thread: stats belong to the reactor thread. (Imported here: importing the reactor at
        # module level would install Twisted's default one before Scrapy installs the asyncio reactor.)
        from twisted.internet import reactor

        if future.exception() is not None:
            reactor.callFromThread(logger.error, "batch write failed: %s", future.exception())
            return
        key = "store/batches_written" if future.result() else "store/batches_spooled"
        reactor.callFromThread(self.stats.inc_value, key)

    def sites(self) -> dict[str, Any]:
        spider = self.crawler.spider
        return sites_summary(self.stats.get_stats(), getattr(spider, "sites", {}) or {})

    def _run_row(self, status: str, finished: bool) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "command": self.command,
            "started_at": self.started_at,
            "finished_at": datetime.now(UTC) if finished else None,
            "status": status,
            "stats": jsonable_stats(self.stats.get_stats(), self.sites()),
        }

    # -- signals -------------------------------------------------------------------------------------------
    def _site_for(self, url: str) -> str | None:
        site_for = getattr(self.crawler.spider, "site_for", None)  # NewsSpider's: which site owns the URL
        site = site_for(url) if site_for is not None else None
        return site.slug if site is not None else None

    def spider_opened(self) -> None:
        for key, value in self.crawler.settings.getdict("BAOTINH_RECOVERY_STATS").items():
            self.stats.set_value(key, value)  # what recovery did before the crawl (crawler.run.runner)
        sites = getattr(self.crawler.spider, "sites", {}).values()
        self._write({"runs": [self._run_row("running", finished=False)], "sites": [site_row(s) for s in sites]})
        self._loop = task.LoopingCall(self.flush)
        self._loop.start(self.interval, now=False)

    def capture_written(self, capture: Capture) -> None:
        self.stats.inc_value("store/captures")
        self.warc_files.setdefault(capture.ref.warc_file, [0, 0])[0] += 1
        self._add({"captures": [capture_row(capture, self.run_id, self._site_for(capture.url))]})

    def item_scraped(self, item: dict[str, Any]) -> None:
        analysis = item.get("analysis")
        if analysis is None:
            return
        if item.get("revisit"):
            self.stats.inc_value("store/articles_unchanged")
            return
        fetched_at = datetime.fromisoformat(item["fetched_at"]) if item.get("fetched_at") else None
        rows = article_rows(analysis, capture_id=item["capture_id"], site=item.get("site"), fetched_at=fetched_at)
        self.stats.inc_value("store/articles")
        self.stats.inc_value(f"site/{item.get('site')}/articles")
        if item.get("warc_file"):
            self.warc_files.setdefault(item["warc_file"], [0, 0])[1] += 1
        self._add(rows)

    def spider_closed(self, reason: str) -> Deferred[None]:
        """Returns when every batch is written (Scrapy waits for it before the crawl ends)."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.flush()
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, reason)
        row = self._run_row(status, finished=True)
        # every record of these files now has its rows (here or in the spool): `baotinh index` can skip them
        files = [{"warc_file": name, "run_id": self.run_id, "captures": captures, "articles": articles,
                  "indexed_at": row["finished_at"]} for name, (captures, articles) in sorted(self.warc_files.items())]
        last = self._write({"runs": [row], "warc_files": files})
        self._writer.shutdown(wait=False)  # the queue drains; `last` is the end of it
        done: Deferred[None] = Deferred.fromFuture(asyncio.wrap_future(last))
        done.addBoth(lambda _: self._closed(row, status))
        return done

    def _closed(self, row: dict[str, Any], status: str) -> None:
        sites = self.sites()
        append_run(self.data_dir, {
            "run_id": self.run_id, "command": self.command, "started_at": self.started_at.isoformat(),
            "finished_at": row["finished_at"].isoformat(), "status": status, "totals": totals(sites),
            "sites": sites,
        })
        failed = failed_sites(sites)
        for slug in failed:
            logger.error("%s: site failed in this run: %s", slug, sites[slug].get("reason"))
        logger.info("run %s %s%s; database %s", self.run_id, status,
                    f" ({len(failed)} site(s) failed: {', '.join(failed)})" if failed else "", self.store.path)
