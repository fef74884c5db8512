"""WarcCapture: a downloader middleware that archives every HTTP exchange as it came off the wire.

It sits at priority 950, nearer the downloader than HttpCompressionMiddleware (590) and RedirectMiddleware
(600), so it sees the body still content-encoded and every redirect hop as its own response; robots.txt
fetches pass through it too. Responses served from Scrapy's HTTP cache (flag `cached`) are not archived
again.

Each archived response is announced with the `capture_written` signal (keywords `capture`, a `Capture`, and
`exchange`, the `Exchange` written: what the rows are made from), and the response's record reference is left
in `request.meta["warc"]` for the spider. `request.meta["warc_payload"]` names the record that holds the body
(the response record itself, or the original of a revisit): what a later conditional request for the page
stands on.

A 304 whose request carries `request.meta["warc_confirms"]` (an `archive.digests.Original`: the earlier
capture its validators came from, set by crawler.middlewares.incremental) is written as a revisit record of
profile server-not-modified that refers to that capture (archive.writer).

A write that fails stops the crawl. A full disk is said once, in one line (archive.space), and the close
reason is `disk_full`; the response in hand and those still in flight are dropped as `NotArchived` (the
writer has cut its file back to the last whole fetch), and the next run fetches them. Any other write error
closes the spider with `archive_error`.

It keeps the digest index (archive.digests) that turns an unchanged 2xx body into a revisit record across
runs. `.open` files a killed crawl left are repaired before it starts, by the run's recovery
(crawler.extensions.run_life).

A record's WARC-Date is the moment its request left for the wire: `StampedHTTPHandler` (Scrapy's HTTP/1.1
download handler, set for http and https in DOWNLOAD_HANDLERS) stamps it as the download starts. A request
enters the downloader middlewares when the engine hands it over, which can be many polite delays before its
slot lets it go (16 requests queued behind a 60 s Crawl-delay: a quarter of an hour); that moment is only the
stamp when another handler fetched the page.

Settings: ARCHIVE_ENABLED, ARCHIVE_DIR (default: BAOTINH_DATA_DIR/warc), ARCHIVE_PREFIX, ARCHIVE_MAX_SIZE,
ARCHIVE_DEDUP, ARCHIVE_OPERATOR, ARCHIVE_INFO (extra warcinfo fields).
"""

from __future__ import annotations

import logging
import platform
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from archive.digests import FILE_NAME as DIGESTS_FILE
from archive.digests import DigestIndex, Original
from archive.space import disk_is_full, is_disk_full, stop_for_full_disk
from archive.writer import Exchange, RecordRef, WarcFileWriter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

capture_written = object()  # signal: capture_written(capture: Capture, exchange: Exchange)

CONFIRMS_KEY = "warc_confirms"  # request.meta: the Original a 304 to this conditional request confirms
PAYLOAD_KEY = "warc_payload"  # request.meta, set here: the Original holding this response's body

STARTED_KEY = "_archive_started"  # request.meta: when its download started (WARC-Date)
# Response flags that mean the body is not all the server meant to send, as WARC-Truncated reasons:
# "download_stopped" is a body cut on purpose (crawler.middlewares.guards.BodySizeLimit), "dataloss" a lost connection.
TRUNCATION_FLAGS = {"download_stopped": "length", "dataloss": "disconnect"}
# Credentials never go into an archive handed to researchers.
PRIVATE_REQUEST_HEADERS = {b"cookie", b"authorization", b"proxy-authorization"}


class NotArchived(IgnoreRequest):
    """A response that could not be archived because the disk is full: the crawl is stopping (said once, by
    archive.space), and the page is fetched again by the next run."""


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
        self.stopped = False  # stop(): a forced stop, nothing more is written
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED", True):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        # ARCHIVE_DIR unset: the warc/ folder of the crawl's data directory
        directory = Path(settings.get("ARCHIVE_DIR") or Path(settings.get("BAOTINH_DATA_DIR") or "data") / "warc")
        directory.mkdir(parents=True, exist_ok=True)
        digests = DigestIndex(directory / DIGESTS_FILE) if settings.getbool("ARCHIVE_DEDUP", True) else None
        if digests is not None:
            dropped = digests.keep_files(p.name for p in directory.glob("*.warc.gz"))
            if dropped:
                logger.warning("digest index: %d entries pointed at WARC files no longer in %s; they will be "
                               "stored in full again", dropped, directory)
        info = {
            "software": software_versions(settings.get("BAOTINH_VERSION")),
            "operator": settings.get("ARCHIVE_OPERATOR"),
            "hostname": socket.gethostname(),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "run-id": settings.get("BAOTINH_RUN_ID"),
            **dict(settings.getdict("ARCHIVE_INFO")),
        }
        writer = WarcFileWriter(
            directory,
            prefix=settings.get("ARCHIVE_PREFIX", "baotinh"),
            max_size=settings.getint("ARCHIVE_MAX_SIZE"),
            info={k: str(v) for k, v in info.items() if v},
            digests=digests,
        )
        return cls(crawler, writer)

    def spider_opened(self, spider: Any) -> None:
        # the sites of the run go into every file's warcinfo; the first file opens with the first fetch
        sites = getattr(spider, "sites", None)
        names = sorted(sites) if isinstance(sites, dict) else sorted(getattr(spider, "allowed_domains", []))
        if names:
            self.writer.info.setdefault("isPartOf", ", ".join(names))

    def process_request(self, request: Request) -> None:
        request.meta[STARTED_KEY] = datetime.now(UTC)  # StampedHTTPHandler stamps it again as it leaves

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
            confirms=request.meta.get(CONFIRMS_KEY) if response.status == 304 else None,
        )
        if self.stopped or disk_is_full(self.crawler):
            # stopping (forced, or for a full disk): what is still in flight is not archived; the next run fetches it
            self.stats.inc_value("archive/not_written")
            raise NotArchived(f"{response.url} not archived: the crawl is stopping")
        try:
            ref = self.writer.write_exchange(exchange)
        except OSError as e:
            # Pages we cannot archive are lost pages: the crawl stops. The file was cut back to its last whole
            # fetch (archive.writer), so it ends where the archive is true.
            self.stats.inc_value("archive/errors")
            if is_disk_full(e):
                where = e.filename or self.writer.directory / (self.writer.current_file or "")
                stop_for_full_disk(self.crawler, Path(where), e)
                raise NotArchived(f"{response.url} not archived: {e}") from e
            logger.error("cannot write WARC record for %s: %s; stopping the crawl", response.url, e)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))
            raise
        request.meta["warc"] = {
            "capture_id": ref.record_id,
            "warc_file": ref.warc_file,
            "warc_offset": ref.offset,
            "warc_length": ref.length,
            "fetched_at": started.isoformat(),
            "revisit": ref.revisit,
        }
        if ref.original is not None:
            request.meta[PAYLOAD_KEY] = ref.original
        elif response.status != 304 and not exchange.truncated and ref.payload_digest:
            request.meta[PAYLOAD_KEY] = Original(response.url, ref.payload_digest, ref.record_id,
                                                 ref.warc_date or "", ref.warc_file, ref.offset)
        else:
            request.meta.pop(PAYLOAD_KEY, None)
        self.stats.inc_value("archive/records")
        if exchange.truncated:
            self.stats.inc_value("archive/truncated")
        self.stats.inc_value("archive/bytes", ref.length)
        if ref.revisit:
            self.stats.inc_value("archive/revisits")
            self.stats.inc_value("archive/revisit_bytes_saved", len(response.body))
        mime = response.headers.get(b"Content-Type")
        capture = Capture(
            url=response.url,
            status=response.status,
            mime=mime.decode("latin-1").split(";")[0].strip().lower() if mime else None,
            fetched_at=started,
            ref=ref,
            revisit=ref.revisit,
        )
        self.crawler.signals.send_catch_log(signal=capture_written, capture=capture, exchange=exchange)
        return response

    def stop(self) -> None:
        """Write nothing more and close the current file (a forced stop: the reactor is stopping)."""
        self.stopped = True
        self.writer.close()  # writes happen on the reactor thread: the file ends with a whole fetch

    def spider_closed(self) -> None:
        self.writer.close()
        if self.writer.digests is not None:
            self.writer.digests.close()
        for name in self.writer.files_closed:
            logger.info("WARC file written: %s", name)


def _header_pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    """Scrapy Headers -> (name, value) pairs, one pair per value so repeated headers stay repeated."""
    return [(name, value) for name, values in headers.items() for value in values]


def software_versions(baotinh: str | None = None) -> str:
    """`baotinh/0.1.0 (Scrapy 2.19.0, warcio 1.8.1, Twisted 25.5.0, CPython 3.11.7)`: what wrote the file."""
    parts = []
    for dist in ("Scrapy", "warcio", "Twisted"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            continue
    try:
        own = version("baotinh")
    except PackageNotFoundError:
        own = baotinh or "unknown"
    return f"baotinh/{own} ({', '.join(parts)}, {platform.python_implementation()} {platform.python_version()})"


class StampedHTTPHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, stamping the moment the download starts: after the request's slot
    waited out the polite delay, which is when the capture began."""

    async def download_request(self, request: Request) -> Response:
        request.meta[STARTED_KEY] = datetime.now(UTC)
        return await super().download_request(request)
