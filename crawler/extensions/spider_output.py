"""EmptyOutput: a response whose callback yields nothing costs Scrapy's scraper nothing more.

Scrapy 2.19 hands every callback's output to CONCURRENT_ITEMS (100) asyncio tasks and a queue, whatever it
holds. The spider's output is requests only, and for an article page (most of what a crawl fetches) it is
nothing at all: the hundred tasks were ~1 ms of the crawling process a page, CPU the extraction workers need.
This extension looks at the first thing an output yields: when there is none, the scraper is done with the
response; otherwise the output goes to Scrapy's own code as it was, the first item first, so requests are
scheduled in the same order and at the same moments as without it (a smaller CONCURRENT_ITEMS would not:
its queue of twice that many lets other responses' work in between a listing's links).

Errors raised by a callback are Scrapy's to handle, as before (the scraper's `handle_spider_error`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncgen import as_async_generator
from scrapy.utils.defer import aiter_errback, iter_errback

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

Handler = Callable[[Any, Any, Any], Awaitable[None]]


def skip_empty(handle: Handler, on_error: Callable[..., None]) -> Handler:
    """`handle` (Scrapy's Scraper.handle_spider_output_async) for outputs that yield something; nothing is done
    for one that yields nothing. `on_error` gets an error raised before the first item (Scrapy's errback)."""

    async def handle_output(result: Iterable[Any] | AsyncIterator[Any], request: Any, response: Any) -> None:
        if isinstance(result, AsyncIterator):
            items = aiter_errback(result, on_error, request, response)
        else:
            items = as_async_generator(iter_errback(result, on_error, request, response))
        try:
            first = await anext(items)
        except StopAsyncIteration:
            return

        async def output() -> AsyncIterator[Any]:
            yield first
            async for item in items:
                yield item

        await handle(output(), request, response)

    return handle_output


class EmptyOutput:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EmptyOutput:
        return cls(crawler)

    def engine_started(self) -> None:
        scraper = getattr(self.crawler.engine, "scraper", None)
        handle = getattr(scraper, "handle_spider_output_async", None)
        on_error = getattr(scraper, "handle_spider_error", None)
        if handle is None or on_error is None:  # another Scrapy: its scraper is left as it is
            logger.debug("EmptyOutput: this Scrapy's scraper has no handle_spider_output_async; left alone")
            return
        scraper.handle_spider_output_async = skip_empty(handle, on_error)
