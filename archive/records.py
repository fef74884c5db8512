"""The one reader of WARC files: walk the records of a `.warc.gz`, read one record where an index says it is.

Every reader of the archive goes through here (index, recovery, crash repair, subset, CDXJ, verify), so they
all see the same records the same way. Files are a sequence of gzip members, one record each, as baotinh
and the other archiving crawlers write them.

- `walk(path)` yields a `Member` per record: offset, length, the WARC header fields, the HTTP status and the
  payload's length, found by zlib alone (no record parsing beyond the header block), so a walk over a
  gigabyte costs little more than inflating it. Bad bytes never raise: a damaged member, or bytes that are
  no gzip member at all (appended after the last record), are yielded as a member with `problem` set, and
  the walk resumes at the next gzip header; a file cut short ends with a member whose `problem` says so.
  Callers name the file and the member's offset with the problem.
- `read_record(path, offset)` returns one `WarcRecord`: WARC headers, HTTP status line and headers, and the
  payload exactly as stored (still content-encoded when the server sent it so), or raises `RecordError`,
  which names the file and the offset.

>>> [m.warc_type for m in walk(Path("warc/baotinh-20260312021400123-00000-vm.warc.gz"))][:3]  # doctest: +SKIP
['warcinfo', 'response', 'request']
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
# what walk() reads at a time: each member found leaves the rest of the read as zlib's `unused_data`, a copy, so
# 1 MB reads copied ~0.5 MB per member (a quarter of a walk's time on small records); 64 kB copies little
WALK_CHUNK = 1 << 16
HEAD_KEEP = 64 * 1024  # enough of a record for its WARC and HTTP header blocks
GZIP_MAGIC = b"\x1f\x8b\x08"
HTTP_TYPES = ("response", "revisit", "request")
_CRLF2 = b"\r\n\r\n"
_LINES = re.compile(r"\r?\n")
Fields = tuple[tuple[str, str], ...]


class RecordError(ValueError):
    """A record that cannot be read where it was looked for; the message names the file and the offset."""


def field(fields: Fields, name: str) -> str | None:
    """The first value of a header field, by case-insensitive name (as warcio's get_header)."""
    name = name.lower()
    return next((v for k, v in fields if k.lower() == name), None)


def parse_fields(block: bytes) -> tuple[str, Fields]:
    """(first line, name/value pairs) of a header block; bytes are read as latin-1, so nothing is lost."""
    lines = _LINES.split(block.decode("latin-1"))
    pairs: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and pairs:  # an obsolete folded continuation line
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        if sep:
            pairs.append((name.strip(), value.strip()))
    return lines[0], tuple(pairs)


@dataclass(frozen=True)
class Member:
    """One gzip member of a file: where it is, and what its record's header block says."""

    offset: int
    length: int
    headers: Fields = ()
    http_status: int | None = None  # from the HTTP status line of a response or revisit
    payload_length: int | None = None  # HTTP body bytes as stored (None when the headers are not in view)
    problem: str | None = None  # damaged, truncated, or not a whole WARC record
    http_headers: Fields = ()  # of a response or revisit, when they are within the first 64 KB

    @property
    def warc_type(self) -> str:
        return (field(self.headers, "WARC-Type") or "").lower()

    @property
    def record_id(self) -> str | None:
        return field(self.headers, "WARC-Record-ID")

    @property
    def target_uri(self) -> str | None:
        return field(self.headers, "WARC-Target-URI")

    @property
    def warc_profile(self) -> str | None:
        return field(self.headers, "WARC-Profile")

    @property
    def truncated(self) -> str | None:
        return field(self.headers, "WARC-Truncated")


def _describe(offset: int, length: int, head: bytes, size: int) -> Member:
    end = head.find(_CRLF2)
    if not head.startswith(b"WARC/") or end < 0:
        return Member(offset, length, problem="not a WARC record")
    _, headers = parse_fields(head[:end])
    try:
        content_length = int(field(headers, "Content-Length") or "")
    except ValueError:
        return Member(offset, length, headers, problem="no Content-Length")
    if size != end + 4 + content_length + 4:
        return Member(offset, length, headers, problem=f"not a whole record ({size} bytes, header says more)")
    status = payload = None
    http_headers: Fields = ()
    if (field(headers, "WARC-Type") or "").lower() in ("response", "revisit"):
        http_end = head.find(_CRLF2, end + 4)
        if http_end > 0:
            line, http_headers = parse_fields(head[end + 4: http_end])
            first = line.split()
            status = int(first[1]) if len(first) > 1 and first[1].isdigit() else None
            payload = content_length - (http_end + 4 - (end + 4))
    return Member(offset, length, headers, status, payload, http_headers=http_headers)


def walk(path: Path, chunk_size: int = WALK_CHUNK) -> Iterator[Member]:
    """Every member of a `.warc.gz`, in file order; see the module's docstring for damaged files."""
    with open(path, "rb") as fh:
        start = 0
        while True:
            try:
                for member in _members(fh, start, chunk_size):
                    yield member
                    start = member.offset + member.length
                return
            except zlib.error as e:
                resume = _next_member(fh, start + 1, chunk_size)
                length = (resume or fh.seek(0, 2)) - start
                fh.seek(start)
                if fh.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
                    problem = f"damaged gzip member ({e})"
                else:  # bytes appended to a file, written over the start of a record, or no WARC file at all
                    where = " (after the last record)" if resume is None and start else ""
                    problem = f"{length} bytes that are not a gzip member{where}"
                yield Member(start, length, problem=problem)
                if resume is None:
                    return
                start = resume


def _members(fh: BinaryIO, start: int, chunk_size: int) -> Iterator[Member]:
    fh.seek(start)
    consumed, head, size = 0, b"", 0
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    while data := fh.read(chunk_size):
        while data:
            out = inflater.decompress(data)
            size += len(out)
            if len(head) < HEAD_KEEP:
                head += out[: HEAD_KEEP - len(head)]
            if not inflater.eof:
                consumed += len(data)
                break
            length = consumed + len(data) - len(inflater.unused_data)
            yield _describe(start, length, head, size)
            data = inflater.unused_data
            start, consumed, head, size = start + length, 0, b"", 0
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    if consumed:
        yield Member(start, consumed, problem=f"the last {consumed} bytes are not a whole record (a truncated file?)")


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


@dataclass(frozen=True)
class WarcRecord:
    """One record as stored: its header fields, its HTTP message (for response, revisit and request records)."""

    warc_file: str
    offset: int
    length: int  # of its gzip member
    headers: Fields
    block: bytes  # the record's content block, as its block digest covers it
    http_line: str | None = None  # "HTTP/1.1 200 OK"
    http_headers: Fields = ()
    payload_start: int = 0  # where the HTTP body starts in `block`

    @property
    def warc_type(self) -> str:
        return (field(self.headers, "WARC-Type") or "").lower()

    def header(self, name: str) -> str | None:
        return field(self.headers, name)

    @property
    def payload(self) -> bytes:
        """The HTTP body as stored: content-encoding kept (what WARC-Payload-Digest covers)."""
        return self.block[self.payload_start:]

    @property
    def http_status(self) -> int:
        parts = (self.http_line or "").split()
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def member_bytes(fh: BinaryIO, offset: int, length: int | None = None) -> bytes:
    """The gzip member at `offset`, whole (its length found by inflating when not given)."""
    if length is None:
        length = next(_members(fh, offset, CHUNK)).length
    fh.seek(offset)
    return fh.read(length)


def member_at(fh: BinaryIO, offset: int, length: int | None = None) -> tuple[bytes, Member]:
    """(the gzip member at `offset` as stored, what its record's header block says), to copy it elsewhere."""
    try:
        data = member_bytes(fh, offset, length)
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out = inflater.decompress(data)
    except (zlib.error, StopIteration) as e:
        return b"", Member(offset, 0, problem=f"damaged gzip member ({e})")
    if not inflater.eof:
        return data, Member(offset, len(data), problem="the gzip member is cut short")
    return data, _describe(offset, len(data), out[:HEAD_KEEP], len(out))


def read_record(path: Path, offset: int, length: int | None = None) -> WarcRecord:
    """The record at `offset` of `path` (a `captures.warc_offset`); RecordError when there is none."""
    try:
        with open(path, "rb") as fh:
            return read_record_in(fh, offset, length, path.name)
    except OSError as e:
        raise RecordError(f"{path.name} at offset {offset}: {e}") from e


def read_record_in(fh: BinaryIO, offset: int, length: int | None, name: str) -> WarcRecord:
    """read_record() on an open file (callers reading many records of one file keep it open)."""
    where = f"{name} at offset {offset}"
    try:
        member = member_bytes(fh, offset, length)
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data = inflater.decompress(member)
    except (zlib.error, StopIteration) as e:
        raise RecordError(f"{where}: not a whole gzip member ({e})") from e
    if not inflater.eof:
        raise RecordError(f"{where}: the gzip member is cut short")
    end = data.find(_CRLF2)
    if not data.startswith(b"WARC/") or end < 0:
        raise RecordError(f"{where}: not a WARC record")
    _, headers = parse_fields(data[:end])
    try:
        block_length = int(field(headers, "Content-Length") or "")
    except ValueError as e:
        raise RecordError(f"{where}: no Content-Length") from e
    block = data[end + 4: end + 4 + block_length]
    if len(block) < block_length:
        raise RecordError(f"{where}: the record is cut short ({len(block)} of {block_length} bytes)")
    record = WarcRecord(name.removesuffix(".open"), offset, len(member), headers, block)
    content_type = (field(headers, "Content-Type") or "").lower()
    if record.warc_type in HTTP_TYPES and content_type.startswith("application/http"):
        http_end = block.find(_CRLF2)
        head_end, body = (http_end, http_end + 4) if http_end >= 0 else (len(block), len(block))
        line, http_headers = parse_fields(block[:head_end])
        return WarcRecord(record.warc_file, offset, len(member), headers, block, line, http_headers, body)
    return record


def iter_records(path: Path, types: tuple[str, ...] = ("response", "revisit")) -> Iterator[WarcRecord]:
    """Every whole record of `types` in `path`, in file order (damaged ones are left out: `walk` names them)."""
    with open(path, "rb") as fh:
        for member in walk(path):
            if member.problem is None and member.warc_type in types:
                yield read_record_in(fh, member.offset, member.length, path.name)


def warcinfo_fields(path: Path) -> dict[str, str]:
    """The fields of the file's warcinfo record (its first), e.g. `run-id`; empty when it has none."""
    try:
        with open(path, "rb") as fh:
            record = read_record_in(fh, 0, None, path.name)
    except (OSError, RecordError):
        return {}
    if record.warc_type != "warcinfo":
        return {}
    _, pairs = parse_fields(b"\r\n" + record.block.rstrip(b"\r\n"))
    return dict(pairs)
