"""WarcFileWriter: request/response pairs into rotating `.warc.gz` files, each record its own gzip member.

File names follow `PREFIX-YYYYMMDDhhmmssSSS-SERIAL-HOST.warc.gz`; a file is written as `NAME.open` and renamed
when closed, so a reader never mistakes a file in progress for a finished one. Every file starts with a
warcinfo record. Bodies are written exactly as received (Content-Encoding kept); header bytes are kept as
received too (warcio would percent-encode non-ASCII values).
"""

from __future__ import annotations

import io
import os
import socket
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

OPEN_SUFFIX = ".open"
GZIP_LEVEL = 6  # warcio's level 9 costs ~2x the CPU for ~2% smaller files
DEFAULT_MAX_SIZE = 1_000_000_000

# Hop-by-hop framing that the HTTP client undid: the stored body is de-chunked, so the header would lie.
DROPPED_RESPONSE_HEADERS = {b"transfer-encoding"}


@dataclass(frozen=True)
class RecordRef:
    """Where a record landed: the final file name (without `.open`), the gzip member's offset and length."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    date: datetime


@dataclass
class Exchange:
    """One HTTP fetch as the client saw it: request as sent, response as received."""

    url: str
    date: datetime
    status: int
    response_headers: Sequence[tuple[bytes, bytes]]
    body: bytes
    method: str = "GET"
    request_headers: Sequence[tuple[bytes, bytes]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    reason: str = ""
    ip_address: str | None = None
    truncated: str | None = None  # WARC-Truncated reason ("length", "time", "disconnect") when the body is cut


class RawHeaders(StatusAndHeaders):
    """Status line and headers serialised byte-for-byte as given (warcio decodes bytes as latin-1)."""

    def compute_headers_buffer(self, header_filter: Callable | None = None) -> None:
        self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"


class _Builder(RecordBuilder):
    # metadata records describe, they carry no HTTP payload: no WARC-Payload-Digest on them
    NO_PAYLOAD_DIGEST_TYPES = ("warcinfo", "revisit", "metadata")


class WarcFileWriter:
    """Append exchanges to WARC files under `directory`, rotating near `max_size` bytes.

    >>> w = WarcFileWriter(Path("/tmp/warc"), info={"operator": "me"})   # doctest: +SKIP
    >>> ref = w.write_exchange(Exchange(url=..., ...))                    # doctest: +SKIP
    >>> w.close()                                                          # doctest: +SKIP
    """

    def __init__(
        self,
        directory: Path,
        prefix: str = "baotinh",
        max_size: int = DEFAULT_MAX_SIZE,
        info: dict[str, str] | None = None,
        hostname: str | None = None,
        make_id: Callable[[], str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.info = {
            "software": "baotinh",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **(info or {}),
        }
        self.hostname = _safe_host(hostname or socket.gethostname())
        self._builder = _Builder(warc_version="WARC/1.1")
        self._make_id = make_id or self._builder._make_warc_id
        self._serial = 0
        self._fh: io.BufferedWriter | None = None
        self._name: str | None = None
        self._warcinfo_id: str | None = None
        self.files_closed: list[str] = []

    # -- files ----------------------------------------------------------------------------------------------
    @property
    def current_file(self) -> str | None:
        return self._name

    def _open_next(self) -> None:
        stamp = datetime.now(UTC)
        ts = stamp.strftime("%Y%m%d%H%M%S") + f"{stamp.microsecond // 1000:03d}"
        name = f"{self.prefix}-{ts}-{self._serial:05d}-{self.hostname}.warc.gz"
        self._serial += 1
        self._fh = open(self.directory / (name + OPEN_SUFFIX), "xb")  # noqa: SIM115 - kept open across writes
        self._name = name
        record = self._builder.create_warcinfo_record(name, self.info)
        record.rec_headers.replace_header("WARC-Record-ID", self._make_id())
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._write(record)

    def close(self) -> None:
        """Finish the current file and drop its `.open` suffix."""
        if self._fh is None:
            return
        self._fh.close()
        assert self._name is not None
        os.replace(self.directory / (self._name + OPEN_SUFFIX), self.directory / self._name)
        self.files_closed.append(self._name)
        self._fh = None
        self._name = None

    def _ensure_room(self) -> None:
        # rotation happens between fetch groups only, so a request never lands apart from its response
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self.close()
        if self._fh is None:
            self._open_next()

    # -- records --------------------------------------------------------------------------------------------
    def _write(self, record: object) -> tuple[int, int]:
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=False, warc_version="WARC/1.1").write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        member = compressor.compress(buffer.getvalue()) + compressor.flush()
        assert self._fh is not None
        offset = self._fh.tell()
        self._fh.write(member)
        self._fh.flush()  # a killed crawl loses at most the record being written
        return offset, len(member)

    def write_exchange(self, exchange: Exchange) -> RecordRef:
        """Write the response record, then the request record concurrent to it; return the response's ref."""
        self._ensure_room()
        assert self._name is not None
        date = datetime_to_iso_date(exchange.date.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        response_id = self._make_id()
        common = {"WARC-Date": date}
        if self._warcinfo_id:
            common["WARC-Warcinfo-ID"] = self._warcinfo_id
        response_headers = {"WARC-Record-ID": response_id, **common}
        if exchange.ip_address:
            response_headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.truncated:
            response_headers["WARC-Truncated"] = exchange.truncated
        statusline = f"{exchange.status} {exchange.reason}".rstrip()
        headers = [(k, v) for k, v in exchange.response_headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
        response = self._builder.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers_dict=response_headers,
            http_headers=RawHeaders(statusline, headers, protocol=exchange.protocol),
        )
        offset, length = self._write(response)
        payload_digest = response.rec_headers.get_header("WARC-Payload-Digest")

        target = _request_target(exchange.url)
        request = self._builder.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            warc_headers_dict={"WARC-Record-ID": self._make_id(), **common, "WARC-Concurrent-To": response_id},
                http_headers=RawHeaders(
                f"{exchange.method} {target} {exchange.protocol}", list(exchange.request_headers)
            ),
        )
        self._write(request)
        return RecordRef(self._name, offset, length, response_id, payload_digest, exchange.date)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _safe_host(host: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in host) or "localhost"
