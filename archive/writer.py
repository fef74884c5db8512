"""WarcFileWriter: request/response pairs into rotating `.warc.gz` files, each record its own gzip member.

File names follow `PREFIX-YYYYMMDDhhmmssSSS-SERIAL-HOST.warc.gz`; a file is written as `NAME.open` (holding an
exclusive `flock` while open, so crash repair leaves it alone) and renamed when closed, so a reader never
mistakes a file in progress for a finished one. Every file starts with a warcinfo record. Bodies are written
exactly as received (Content-Encoding kept); header bytes are kept as received too (warcio would
percent-encode non-ASCII values).

With a DigestIndex, a 2xx response with a body whose payload was already archived for the same URL is written
as a revisit record (profile identical-payload-digest): HTTP headers kept, body left out (`WARC-Truncated:
length`), `WARC-Refers-To*` naming the original.

A write that fails (a full disk) is cut back: the file is truncated to where the fetch's first record began,
so it always ends with a whole fetch (response, request and any metadata record), and the error is raised
for the caller to stop the crawl. A digest index entry is added only once its fetch is whole on disk.

A 304 that answers a conditional request (the exchange names the capture it `confirms`) is written as a revisit
record of profile server-not-modified: `WARC-Refers-To*` name that capture, and the record has no block at
all, because replay tools serve a revisit's own HTTP headers with its original's body, and pywb serves any 3xx
revisit (304 included) as an empty answer. The 304's status line and headers, as received, are kept in a
`metadata` record (application/warc-fields) concurrent to the revisit, written after the request record.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import socket
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.digests import DigestIndex, Original
from archive.record_bytes import Members, http_head, http_record, member
from archive.record_bytes import digest as warc_digest
from archive.repair import OPEN_SUFFIX
from archive.space import is_disk_full, write_all

REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
GZIP_LEVEL = 6  # warcio's level 9 costs ~2x the CPU for ~2% smaller files
# A body the server already compressed (Content-Encoding gzip, br, …) does not shrink again: it is stored, and
# the record's header lines with the body's first bytes deflated at the fastest level (archive.record_bytes).
ENCODED_GZIP_LEVEL = 1
DEFAULT_MAX_SIZE = 1_000_000_000

# Hop-by-hop framing that the HTTP client undid: the stored body is de-chunked, so the header would lie.
DROPPED_RESPONSE_HEADERS = {b"transfer-encoding"}
# HTTP/2 and /3 have no status line: the record holds the HTTP/1.1 form and WARC-Protocol says what was on the
# wire (the IIPC proposal for WARC 1.1 extensions; browsertrix and warcprox write it the same way).
WIRE_PROTOCOLS = {"h2": "h2", "http/2": "h2", "http/2.0": "h2", "h3": "h3", "http/3": "h3", "http/3.0": "h3"}


@dataclass(frozen=True)
class RecordRef:
    """Where a record landed: the final file name (without `.open`), the gzip member's offset and length."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    date: datetime
    refers_to: str | None = None  # for a revisit: the WARC-Record-ID of the original
    warc_date: str | None = None  # the WARC-Date as written
    original: Original | None = None  # for a revisit: the record that holds the body
    truncated: str | None = None  # the record's WARC-Truncated (a revisit's "length": its body is elsewhere)

    @property
    def revisit(self) -> bool:
        return self.refers_to is not None


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
    confirms: Original | None = None  # for a 304 to a conditional request: the earlier capture it confirms


class RawHeaders(StatusAndHeaders):
    """Status line and headers serialised byte-for-byte as given (warcio decodes bytes as latin-1)."""

    def compute_headers_buffer(self, header_filter: Callable | None = None) -> None:
        self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"


class _Builder(RecordBuilder):
    # metadata records describe, they carry no HTTP payload: no WARC-Payload-Digest on them
    NO_PAYLOAD_DIGEST_TYPES = ("warcinfo", "revisit", "metadata")


class _Writer(WARCWriter):
    NO_PAYLOAD_DIGEST_TYPES = _Builder.NO_PAYLOAD_DIGEST_TYPES  # it digests again as it writes


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
        digests: DigestIndex | None = None,
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
        self._fh: io.FileIO | None = None  # unbuffered: a failed write leaves nothing pending to cut back
        self._name: str | None = None
        self._warcinfo_id: str | None = None
        self.files_closed: list[str] = []
        self.digests = digests
        self._members = Members()  # the deflate streams of this writer's response and request records

    # -- files ----------------------------------------------------------------------------------------------
    @property
    def current_file(self) -> str | None:
        return self._name

    def _open_next(self) -> None:
        stamp = datetime.now(UTC)
        ts = stamp.strftime("%Y%m%d%H%M%S") + f"{stamp.microsecond // 1000:03d}"
        name = f"{self.prefix}-{ts}-{self._serial:05d}-{self.hostname}.warc.gz"
        self._serial += 1
        path = self.directory / (name + OPEN_SUFFIX)
        self._fh = open(path, "xb", buffering=0)  # noqa: SIM115 - kept open across writes
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # "live, don't repair" to other processes
        self._name = name
        record = self._builder.create_warcinfo_record(name, self.info)
        record.rec_headers.replace_header("WARC-Record-ID", self._make_id())
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        try:
            self._write(record)
        except OSError:  # not even the warcinfo record fits: no file rather than an empty one
            self._fh.close()
            path.unlink(missing_ok=True)
            self._fh = self._name = self._warcinfo_id = None
            raise

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

    def room(self) -> str:
        """Rotate if the current file is full, open one if none is; the name of the file the next group goes to."""
        self._ensure_room()
        assert self._name is not None
        return self._name

    def _ensure_room(self) -> None:
        # rotation happens between fetch groups only, so a request never lands apart from its response
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self.close()
        if self._fh is None:
            self._open_next()

    # -- records --------------------------------------------------------------------------------------------
    def _write(self, record: object, level: int = GZIP_LEVEL) -> tuple[int, int]:
        buffer = io.BytesIO()
        _Writer(buffer, gzip=False, warc_version="WARC/1.1").write_record(record)
        return self._append_member(member(buffer.getvalue(), level))

    def _append_member(self, data: bytes) -> tuple[int, int]:
        """Append one record's gzip member; (its offset, its length)."""
        assert self._fh is not None
        offset = self._fh.tell()
        self._append(data)  # unbuffered: a killed crawl loses at most the record being written
        return offset, len(data)

    def _append(self, data: bytes) -> None:
        assert self._fh is not None
        write_all(self._fh, data)

    def _cut_back(self, offset: int) -> None:
        """Truncate the current file to `offset`, where the fetch that could not be written whole began."""
        assert self._fh is not None
        os.ftruncate(self._fh.fileno(), offset)  # frees blocks: works on a full disk
        self._fh.seek(offset)

    def append_members(self, members: Sequence[bytes]) -> tuple[str, list[int]]:
        """Append whole gzip members (records copied byte for byte from another file) as one group.

        Returns the file name and each member's offset. Used by export to write a filtered copy.
        """
        self.room()
        assert self._fh is not None and self._name is not None
        offsets = []
        start = self._fh.tell()
        try:
            for member in members:
                offsets.append(self._fh.tell())
                self._append(member)
        except OSError:
            self._cut_back(start)
            raise
        return self._name, offsets

    def write_exchange(self, exchange: Exchange) -> RecordRef:
        """Write the response (or revisit) record, then the request record concurrent to it; return the first's ref.

        On an error (a full disk: OSError) the file is cut back to where this fetch began, and the error raised."""
        self._ensure_room()
        assert self._name is not None and self._fh is not None
        start = self._fh.tell()
        try:
            return self._write_group(exchange)
        except Exception:
            self._cut_back(start)
            raise

    def _write_group(self, exchange: Exchange) -> RecordRef:
        assert self._name is not None
        date = datetime_to_iso_date(exchange.date.astimezone(UTC).replace(tzinfo=None), use_micros=True)
        response_id = self._make_id()
        common = {"WARC-Date": date}
        if self._warcinfo_id:
            common["WARC-Warcinfo-ID"] = self._warcinfo_id
        wire = WIRE_PROTOCOLS.get(exchange.protocol.lower())
        http_version = "HTTP/1.1" if wire else exchange.protocol
        response_headers = {"WARC-Record-ID": response_id, **common}
        if exchange.ip_address:
            response_headers["WARC-IP-Address"] = exchange.ip_address
        if wire:
            response_headers["WARC-Protocol"] = wire
        if exchange.truncated:
            response_headers["WARC-Truncated"] = exchange.truncated
        statusline = f"{exchange.status} {exchange.reason}".rstrip()
        headers = stored_response_headers(exchange.response_headers)
        if exchange.status == 304 and exchange.confirms is not None:
            return self._write_not_modified(exchange, response_id, response_headers, common,
                                            RawHeaders(statusline, headers, protocol=http_version), http_version,
                                            date)
        digest = payload_digest(exchange.body)
        response_headers["WARC-Payload-Digest"] = digest

        # a body cut short is not the page: never the original of a revisit, never a revisit itself
        dedupable = (self.digests is not None and 200 <= exchange.status < 300 and bool(exchange.body)
                     and not exchange.truncated)
        original = self.digests.lookup(exchange.url, digest) if dedupable and self.digests is not None else None
        if original is not None:
            response_headers.update({
                "WARC-Profile": REVISIT_PROFILE,
                "WARC-Refers-To": original.record_id,
                "WARC-Refers-To-Target-URI": original.url,
                "WARC-Refers-To-Date": original.warc_date,
                "WARC-Truncated": "length",
            })
            record = self._builder.create_warc_record(
                exchange.url, "revisit", warc_headers_dict=response_headers,
                http_headers=RawHeaders(statusline, headers, protocol=http_version),
            )
            offset, length = self._write(record)
        else:
            start, rest = http_record("response", exchange.url, response_headers,
                                      http_head(f"{http_version} {statusline}", headers), exchange.body, digest)
            encoded = any(k.lower() == b"content-encoding" and v.strip().lower() not in (b"", b"identity")
                          for k, v in headers)
            data = (self._members.encoded(start, rest, ENCODED_GZIP_LEVEL) if encoded
                    else self._members.member(start + rest, GZIP_LEVEL))
            offset, length = self._append_member(data)
        self._write_request(exchange, response_id, common, http_version)
        if dedupable and original is None and self.digests is not None:
            # only now that the fetch is whole on disk may a later revisit point at it
            try:
                self.digests.add(Original(exchange.url, digest, response_id, date, self._name, offset))
            except sqlite3.Error as e:  # the fetch is cut back with its entry: stored in full by the next run
                if is_disk_full(e):  # "database or disk is full"
                    raise OSError(errno.ENOSPC, f"{e} (the digest index)", str(self.digests.path)) from e
                raise
        return RecordRef(self._name, offset, length, response_id, digest, exchange.date,
                         refers_to=original.record_id if original else None, warc_date=date, original=original,
                         truncated=response_headers.get("WARC-Truncated"))

    def _write_not_modified(self, exchange: Exchange, response_id: str, response_headers: dict[str, str],
                            common: dict[str, str], http_headers: RawHeaders, http_version: str,
                            date: str) -> RecordRef:
        """A 304 to a conditional request: a server-not-modified revisit, the request, the 304's headers."""
        confirmed = exchange.confirms
        assert confirmed is not None and self._name is not None
        response_headers.update({
            "WARC-Profile": NOT_MODIFIED_PROFILE,
            "WARC-Refers-To": confirmed.record_id,
            "WARC-Refers-To-Target-URI": confirmed.url,
            "WARC-Refers-To-Date": confirmed.warc_date,
        })
        # no block: neither HTTP headers (pywb would replay a 3xx, 304 included, as empty) nor a payload digest
        # (the payload of this profile is the earlier capture's, which the server only said was unchanged)
        record = self._builder.create_warc_record(
            exchange.url, "revisit", payload=io.BytesIO(b""), length=0, warc_headers_dict=response_headers,
        )
        record.content_type = None  # an empty block is no HTTP message: no Content-Type for it
        record.rec_headers.remove_header("Content-Type")
        offset, length = self._write(record)
        self._write_request(exchange, response_id, common, http_version)
        fields = not_modified_fields(http_headers)
        metadata = self._builder.create_warc_record(
            exchange.url, "metadata", payload=io.BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": self._make_id(), **common, "WARC-Concurrent-To": response_id},
        )
        self._write(metadata)
        return RecordRef(self._name, offset, length, response_id, None, exchange.date,
                         refers_to=confirmed.record_id, warc_date=date, original=confirmed)

    def _write_request(self, exchange: Exchange, response_id: str, common: dict[str, str],
                       http_version: str) -> None:
        fields = {"WARC-Record-ID": self._make_id(), **common, "WARC-Concurrent-To": response_id}
        head = http_head(f"{exchange.method} {_request_target(exchange.url)} {http_version}", exchange.request_headers)
        start, rest = http_record("request", exchange.url, fields, head, exchange.request_body)
        self._append_member(self._members.member(start + rest, GZIP_LEVEL))


def stored_response_headers(headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers a record holds: as received, but without the framing the client undid."""
    return [(k, v) for k, v in headers if k.lower() not in DROPPED_RESPONSE_HEADERS]


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body as transferred: "sha1:" + base32, as warcio and every indexer write it."""
    return warc_digest(body)


def not_modified_fields(http_headers: RawHeaders) -> bytes:
    """The warc-fields block that keeps a 304's status line and headers, byte for byte as received.

    >>> not_modified_fields(RawHeaders("304 Not Modified", [(b"ETag", b'"a1"')], protocol="HTTP/1.1"))
    b'http-status-line: HTTP/1.1 304 Not Modified\\r\\nhttp-header: ETag: "a1"\\r\\n'
    """
    http_headers.compute_headers_buffer()
    head = http_headers.headers_buff or b""
    status, *lines = head.rstrip(b"\r\n").split(b"\r\n")
    return b"".join([b"http-status-line: " + status + b"\r\n", *(b"http-header: " + line + b"\r\n" for line in lines)])


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _safe_host(host: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in host) or "localhost"
