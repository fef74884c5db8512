"""Progress: one log line every BAOTINH_PROGRESS_INTERVAL seconds (default 10) while a crawl runs.

    progress: 1,240 pages fetched (21.3/s), 512 articles stored, 3 errors, 87 queued
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.extensions.run_life import RunLife

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("BAOTINH_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("BAOTINH_PROGRESS_INTERVAL is 0")
        return cls(crawler, interval)

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self._loop = task.LoopingCall(self.report)
        self._loop.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        articles = stats.get_value("store/articles", 0)
        errors = stats.get_value("baotinh/fetch_errors", 0) + stats.get_value("extract/errors", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
        return (f"{pages:,} pages fetched ({pages / elapsed:.1f}/s), {articles:,} articles stored, "
                f"{errors:,} errors, {queued:,} queued")

    def report(self) -> None:
        logger.info("progress: %s", self.line())

    async def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        life = self.crawler.get_extension(RunLife)
        if life is not None:  # the last count of articles once every archived record has its rows
            await life.drained.wait()
        logger.info("done: %s", self.line())
