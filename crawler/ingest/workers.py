"""ExtractPipeline: runs analyse() in a pool of worker processes, off the Twisted reactor.

Extraction is CPU work (lxml, trafilatura); in the crawling process it would stall fetching. Workers are
spawned (not forked: the crawling process runs a reactor and threads) once per crawl. Pages that hold no
article are dropped with the stat `extract/not_article`; an extractor failure is logged, counted
(`extract/errors`) and dropped, never fatal. Settings: EXTRACT_PROCESSES (0 = one per CPU core).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.ingest.analysis import analyse

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class NotAnArticle(DropItem):
    """The page was fetched and archived but holds no article."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class ExtractPipeline:
    def __init__(self, crawler: Crawler, processes: int) -> None:
        self.stats = crawler.stats
        self.processes = processes
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        processes = crawler.settings.getint("EXTRACT_PROCESSES") or os.cpu_count() or 1
        return cls(crawler, processes)

    def open_spider(self) -> None:
        self.pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.pool is not None, "open_spider() was not called"
        fetched_at = datetime.fromisoformat(item["fetched_at"]) if item.get("fetched_at") else None
        future = self.pool.submit(analyse, item["html"], item["url"], fetched_at)
        try:
            analysis = await asyncio.wrap_future(future)
        except Exception as e:  # a broken page must never stop the crawl
            logger.error("extraction failed for %s: %s: %s", item["url"], type(e).__name__, e)
            self.stats.inc_value("extract/errors")
            raise DropItem(f"extraction failed: {type(e).__name__}") from e
        if analysis is None:
            self.stats.inc_value("extract/not_article")
            raise NotAnArticle(f"no article in {item['url']}")
        self.stats.inc_value("extract/articles")
        item["analysis"] = analysis
        del item["html"]  # the WARC holds the page; don't carry it further
        return item
