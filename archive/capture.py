"""WarcCapture: a downloader middleware that archives every HTTP exchange as it came off the wire.

It sits at priority 950, nearer the downloader than HttpCompressionMiddleware (590) and RedirectMiddleware
(600), so it sees the body still content-encoded and every redirect hop as its own response; robots.txt
fetches pass through it too. Responses served from Scrapy's HTTP cache (flag `cached`) are not archived
again.

Each archived response is announced with the `capture_written` signal (keyword `capture`, a `Capture`), and
the response's record reference is left in `request.meta["warc"]` for the spider to hand on to the item.
Settings: ARCHIVE_ENABLED, ARCHIVE_DIR (default: BAOTINH_DATA_DIR/warc), ARCHIVE_PREFIX, ARCHIVE_MAX_SIZE,
ARCHIVE_INFO (extra warcinfo fields).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from archive.writer import Exchange, RecordRef, WarcFileWriter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

capture_written = object()  # signal: capture_written(capture: Capture)

STARTED_KEY = "_archive_started"
# Response flags that mean the body is not all the server meant to send, as WARC-Truncated reasons:
# "download_stopped" is a body cut on purpose (crawler.guards.BodySizeLimit), "dataloss" a lost connection.
TRUNCATION_FLAGS = {"download_stopped": "length", "dataloss": "disconnect"}
# Credentials never go into an archive handed to researchers.
PRIVATE_REQUEST_HEADERS = {b"cookie", b"authorization", b"proxy-authorization"}


@dataclass(frozen=True)
class Capture:
    """One archived response: what a `captures` row is made of."""

    url: str
    status: int
    mime: str | None
    fetched_at: datetime
    ref: RecordRef
    revisit: bool = False


def reason_phrase(status: int) -> str:
    # Scrapy drops the server's reason phrase; the standard one keeps the status line well-formed.
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class WarcCapture:
    def __init__(self, crawler: Crawler, writer: WarcFileWriter) -> None:
        self.crawler = crawler
        self.writer = writer
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        # ARCHIVE_DIR unset: the warc/ folder of the crawl's data directory
        directory = settings.get("ARCHIVE_DIR") or Path(settings.get("BAOTINH_DATA_DIR") or "data") / "warc"
        info = {
            "software": settings.get("ARCHIVE_SOFTWARE", "baotinh"),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            **dict(settings.getdict("ARCHIVE_INFO")),
        }
        writer = WarcFileWriter(
            Path(directory),
            prefix=settings.get("ARCHIVE_PREFIX", "baotinh"),
            max_size=settings.getint("ARCHIVE_MAX_SIZE"),
            info=info,
        )
        return cls(crawler, writer)

    def process_request(self, request: Request) -> None:
        request.meta[STARTED_KEY] = datetime.now(UTC)

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:
            return response
        started = request.meta.get(STARTED_KEY) or datetime.now(UTC)
        exchange = Exchange(
            url=response.url,
            date=started,
            status=response.status,
            reason=reason_phrase(response.status),
            response_headers=_header_pairs(response.headers),
            body=response.body,
            method=request.method,
            request_headers=[
                (k, v) for k, v in _header_pairs(request.headers) if k.lower() not in PRIVATE_REQUEST_HEADERS
            ],
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            ip_address=str(response.ip_address) if response.ip_address else None,
            truncated=next((TRUNCATION_FLAGS[f] for f in response.flags if f in TRUNCATION_FLAGS), None),
        )
        try:
            ref = self.writer.write_exchange(exchange)
        except OSError as e:
            # A full disk or a vanished directory must stop the crawl: pages we cannot archive are lost pages.
            logger.error("cannot write WARC record for %s: %s; stopping the crawl", response.url, e)
            self.stats.inc_value("archive/errors")
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))
            raise
        request.meta["warc"] = {
            "capture_id": ref.record_id,
            "warc_file": ref.warc_file,
            "warc_offset": ref.offset,
            "warc_length": ref.length,
            "fetched_at": started.isoformat(),
        }
        self.stats.inc_value("archive/records")
        if exchange.truncated:
            self.stats.inc_value("archive/truncated")
        self.stats.inc_value("archive/bytes", ref.length)
        mime = response.headers.get(b"Content-Type")
        capture = Capture(
            url=response.url,
            status=response.status,
            mime=mime.decode("latin-1").split(";")[0].strip().lower() if mime else None,
            fetched_at=started,
            ref=ref,
        )
        self.crawler.signals.send_catch_log(signal=capture_written, capture=capture)
        return response

    def spider_closed(self) -> None:
        self.writer.close()
        for name in self.writer.files_closed:
            logger.info("WARC file written: %s", name)


def _header_pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    """Scrapy Headers -> (name, value) pairs, one pair per value so repeated headers stay repeated."""
    return [(name, value) for name, values in headers.items() for value in values]
