"""Downloader middlewares that refuse or cut what a server sends: huge bodies, bodies cut short, redirect loops.

- BodySizeLimit (940): stops reading a body at GUARD_MAX_BODY bytes. The response goes on with the bytes
  received so far and the flag `download_stopped`; WarcCapture archives it with `WARC-Truncated: length`
  and the spider does not extract it. Scrapy's DOWNLOAD_MAXSIZE would drop such a response unarchived
  (and before the first byte when Content-Length announces it), so it is lifted for the transfer and put
  back before HttpCompressionMiddleware (590), which uses it to stop decompression bombs.
- CutShort (930): a body shorter than its Content-Length (the server closed the connection early) reaches
  here with the flag `dataloss` (DOWNLOAD_FAIL_ON_DATALOSS is off, so Scrapy gives the bytes that came
  instead of a ResponseDataLossError): WarcCapture has archived it with `WARC-Truncated: disconnect`, the
  rows do not extract it. It is retried like a failed fetch (RETRY_TIMES, Scrapy's get_retry_request: stats
  `retry/reason_count/dataloss`), each attempt archived; when the retries are spent it is
  `Rejected("dataloss")`, an error of the site. Stats: `guard/dataloss`, `site/SLUG/dataloss` (attempts cut).
- RedirectLoopGuard (610): a redirect back to a URL of its own chain is answered with
  `Rejected("redirect_loop")` instead of being dropped silently by the duplicate filter. Each hop is
  archived all the same (WarcCapture sits nearer the network).

`Rejected` is an IgnoreRequest that carries a reason: the spider's errback records it as a site error.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_RECEIVED = "_guard_bytes"


class Rejected(IgnoreRequest):
    """A response or request refused on purpose; `reason` is the stat key (`site/SLUG/error_reasons/REASON`)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class BodySizeLimit:
    def __init__(self, crawler: Crawler, max_body: int, max_decompressed: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_body = max_body
        self.max_decompressed = max_decompressed
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodySizeLimit:
        max_body = crawler.settings.getint("GUARD_MAX_BODY")
        if max_body <= 0:
            raise NotConfigured("GUARD_MAX_BODY is 0")
        return cls(crawler, max_body, crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_request(self, request: Request) -> None:
        request.meta["download_maxsize"] = 0  # the transfer is bounded by bytes_received below
        request.meta[_RECEIVED] = 0

    def bytes_received(self, data: bytes, request: Request, **kwargs: Any) -> None:
        received = request.meta.get(_RECEIVED, 0) + len(data)
        request.meta[_RECEIVED] = received
        if received >= self.max_body:
            raise StopDownload(fail=False)

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["download_maxsize"] = self.max_decompressed  # for HttpCompressionMiddleware
        if "download_stopped" in response.flags:
            self.stats.inc_value("guard/truncated")
            logger.warning("body of %s cut at %d bytes (GUARD_MAX_BODY); archived as truncated, not extracted",
                           response.url, len(response.body))
        return response


class CutShort:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CutShort:
        if crawler.settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS"):
            raise NotConfigured("DOWNLOAD_FAIL_ON_DATALOSS is on: a body cut short fails, and is not archived")
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if "dataloss" not in response.flags:
            return response
        declared = response.headers.get(b"Content-Length", b"?").decode("latin-1")
        self.stats.inc_value("guard/dataloss")
        if request.meta.get("site"):
            self.stats.inc_value(f"site/{request.meta['site']}/dataloss")
        retry = get_retry_request(request, spider=self.crawler.spider, reason="dataloss")
        if retry is not None:
            logger.info("%s: the server closed the connection after %d of %s bytes; archived as truncated, asked "
                        "again", response.url, len(response.body), declared)
            return retry
        raise Rejected("dataloss", f"body cut short by the server ({len(response.body)} of {declared} bytes)")


class RedirectLoopGuard:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        target = urljoin(response.url, location.decode("latin-1")).split("#", 1)[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.stats.inc_value("guard/redirect_loops")
            hops = " -> ".join([*chain[chain.index(target):], target])
            raise Rejected("redirect_loop", f"redirect loop: {hops}")
        return response
