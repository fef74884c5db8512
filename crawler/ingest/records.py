"""What `baotinh index` makes of WARC records: where they are, and what a worker does with each one.

`scan_records()` runs in the indexing process and only inflates gzip members to find where each record
starts. `analyse_records()` runs in the worker processes: it reads each response record at its offset
(archive.reader) and does with it what the crawl did with the live response: 2xx HTML decoded by a Scrapy
response built from the stored headers and body (so the text is the one the spider saw), judged article or
listing as NewsSpider.parse_page judges it, and analysed by `analyse()`. This module is all a worker imports.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from archive.reader import StoredResponse, read_response
from crawler.registry import RegistryError, Site

logger = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml")
UNKNOWN_SITE = Site(slug="unknown", name="unknown", domains=(), start_urls=())


class SiteResolver:
    """The site of a URL: sites of the database, then the registry, then the host as its own site."""

    def __init__(self, known: Iterable[Site], registry: dict[str, Site]) -> None:
        self.sites = [*known, *registry.values()]
        self.adhoc: dict[str, Site] = {}

    def site_for(self, url: str) -> Site:
        site = next((s for s in self.sites if s.owns(url)), None)
        if site is not None:
            return site
        origin = re.match(r"^[a-z][a-z0-9+.-]*://[^/?#]+", url, re.IGNORECASE)
        key = origin[0] if origin else url
        if key not in self.adhoc:
            try:
                self.adhoc[key] = Site.from_start_url(key + "/")
            except RegistryError:  # not http(s): a dns: record of another crawler's WARC file
                self.adhoc[key] = UNKNOWN_SITE
        return self.adhoc[key]


def last_header(response: StoredResponse, name: str) -> str | None:
    # Scrapy's Headers.get() gives the last value of a repeated header; the crawl used that
    values = [v for k, v in response.headers if k.lower() == name]
    return values[-1] if values else None


def mime_of(response: StoredResponse) -> str | None:
    value = last_header(response, "content-type")
    return value.split(";")[0].strip().lower() if value is not None else None


def is_page(response: StoredResponse) -> bool:
    """A response the spider would have parsed as a page: 2xx (HttpErrorMiddleware drops the rest), a body,
    HTML by its Content-Type (or none given: then Scrapy guesses, as it did for the spider)."""
    if response.record_type != "response" or not 200 <= response.status < 300 or not response.body:
        return False
    mime = mime_of(response)
    return mime is None or mime == "" or mime.startswith(HTML_TYPES)


# -- the indexing process: where the records are -------------------------------------------------------------
WARC_TYPE_RE = re.compile(rb"\r\nWARC-Type:[ \t]*([A-Za-z-]+)", re.IGNORECASE)
GZIP_MAGIC = b"\x1f\x8b\x08"


def scan_records(path: Path, chunk_size: int = 1 << 20) -> Iterator[tuple[int, int, str]]:
    """(offset, length, WARC-Type) of every record of a `.warc.gz` written one gzip member per record.

    Only zlib runs here (to find where each member ends); parsing the records is left to the workers, so
    this process stays light and two workers keep two cores busy. A damaged member is logged and skipped
    (the scan resumes at the next gzip header); a truncated end is logged.
    """
    with open(path, "rb") as fh:
        start = 0
        while True:
            try:
                for record in _members(fh, start, chunk_size, path.name):
                    yield record
                    start = record[0] + record[1]
                return
            except zlib.error as e:
                resume = _next_member(fh, start + 1, chunk_size)
                logger.warning("%s: damaged record at offset %d (%s); %s", path.name, start, e,
                               f"resuming at offset {resume}" if resume is not None else "nothing follows")
                if resume is None:
                    return
                start = resume


def _members(fh: BinaryIO, start: int, chunk_size: int, name: str) -> Iterator[tuple[int, int, str]]:
    fh.seek(start)
    consumed, head = 0, b""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    while data := fh.read(chunk_size):
        while data:
            out = inflater.decompress(data)
            if len(head) < 4096:
                head += out[:4096]
            if not inflater.eof:
                consumed += len(data)
                break
            length = consumed + len(data) - len(inflater.unused_data)
            kind = WARC_TYPE_RE.search(head.split(b"\r\n\r\n", 1)[0])
            yield start, length, kind[1].decode("ascii").lower() if kind else ""
            data = inflater.unused_data
            start, consumed, head = start + length, 0, b""
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    if consumed:
        logger.warning("%s: the last %d bytes are not a whole record (a truncated file?)", name, consumed)


def _next_member(fh: BinaryIO, position: int, chunk_size: int) -> int | None:
    """The offset of the next gzip header (1f 8b 08) at or after `position`."""
    fh.seek(position)
    carry = b""
    while data := fh.read(chunk_size):
        found = (carry + data).find(GZIP_MAGIC)
        if found >= 0:
            return position - len(carry) + found
        position += len(data)
        carry = data[-(len(GZIP_MAGIC) - 1):]
    return None


# -- worker side ---------------------------------------------------------------------------------------------
@dataclass
class RecordResult:
    """What a worker makes of one response or revisit record."""

    response: StoredResponse | None  # its body dropped (the WARC keeps the bytes); None when unreadable
    site: str
    verdict: str  # "article", "listing", "not_article", "not_html", "not_page", "error" or "unreadable"
    analysis: Any = None
    error: str | None = None


class _Worker:
    """The state of one worker process for one run: the site resolver (sent once, at the pool's start)."""

    resolver: SiteResolver | None = None


def start_worker(resolver: SiteResolver) -> None:
    """The pool's initializer."""
    _Worker.resolver = resolver


def analyse_records(path: Path, offsets: Iterable[int]) -> list[RecordResult]:
    """In a worker: read each record at its offset and do with the response what the crawl did."""
    assert _Worker.resolver is not None, "the pool was started without start_worker"
    results = []
    for offset in offsets:
        try:
            response = read_response(path, offset)
        except Exception as e:  # a damaged record costs that record, not the run
            results.append(RecordResult(None, UNKNOWN_SITE.slug, "unreadable", error=f"offset {offset}: {e}"))
            continue
        response.warc_file = path.name
        site = _Worker.resolver.site_for(response.url)
        verdict, value = _analyse_response(response, site) if is_page(response) else ("not_page", None)
        response.body = b""  # the rows are made; the WARC file keeps the bytes
        results.append(RecordResult(response, site.slug, verdict, value if verdict == "article" else None,
                                    value if verdict == "error" else None))
    return results


def _analyse_response(response: StoredResponse, site: Site) -> tuple[str, Any]:
    from scrapy.http import Headers, TextResponse
    from scrapy.responsetypes import responsetypes

    from crawler.ingest.analysis import analyse
    from crawler.spiders.discovery import is_article_page

    try:
        values: dict[str, list[str]] = {}
        for name, value in response.headers:
            # HttpCompressionMiddleware drops Content-Encoding once it has decoded the body
            if name.lower() != "content-encoding":
                values.setdefault(name, []).append(value)
        headers = Headers(values)
        cls = responsetypes.from_args(headers=headers, url=response.url, body=response.body)
        page = cls(url=response.url, headers=headers, body=response.body)
        content_type = (page.headers.get(b"Content-Type") or b"").lower()
        if not isinstance(page, TextResponse) or (
            content_type and not content_type.startswith((b"text/html", b"application/xhtml"))
        ):
            return "not_html", None
        if not is_article_page(site, response.url, page.selector):  # as NewsSpider.parse_page decides
            return "listing", None
        analysis = analyse(page.text, response.url, response.date)
        return ("article", analysis) if analysis is not None else ("not_article", None)
    except Exception as e:  # a broken page must never stop the run
        return "error", f"{type(e).__name__}: {e}"
