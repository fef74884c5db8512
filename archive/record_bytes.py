"""Response and request records as bytes, each made one gzip member: what archive.writer appends per fetch.

warcio builds a record out of objects (StatusAndHeaders, a payload stream, digesters) and writes it through
a stream wrapper: ~0.1 ms of the crawling process a record on a small page, and each body digested twice
(once as the record is built, once as it is written). A response or request record is a few header lines
and the bytes as received, so it is put together here, in the layout and header order warcio gives it (the
tests read every record back with warcio), digesting the payload and the block once each.

A body the server sent content-encoded (gzip, br, …) does not shrink again, and deflate at any level, 1
included, spends its time searching it for matches it does not find (~1 ms for a 54 kB body) and then keeps
most of it in stored blocks anyway. `Members.encoded` deflates the record's header lines and the body's
first bytes, and stores the rest of the body without that search: the same bytes once inflated, a file
the same size, for a few µs. The body's first bytes are deflated so that its own gzip header (`1f 8b 08`)
never lands in the file as is: after a damaged member, a reader looking for the next member would take it
for one (archive.records).
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from collections.abc import Sequence
from typing import Any

WARC_VERSION = "WARC/1.1"
CRLF = b"\r\n"
RECORD_END = b"\r\n\r\n"
CONTENT_TYPES = {"response": "application/http; msgtype=response", "request": "application/http; msgtype=request"}
# How much of a content-encoded body is deflated with the record's header lines, the rest stored: its own magic
# bytes and header (gzip, zstd, …). Few, so that the block they go in is the header lines' and deflate never
# finds storing it cheaper: a few hundred bytes of header text compress, these cost a bit more than stored.
ENCODED_HEAD = 64
PROBE, PROBE_DISTINCT = 1024, 200  # looks_compressed: bytes sampled, distinct values among them
MAX_STORED = 0xFFFF  # bytes in one stored block
FINAL_BLOCK = b"\x03\x00"  # an empty final block (fixed codes: the end-of-block code alone)
Headers = Sequence[tuple[bytes | str, bytes | str]]


def digest(*parts: bytes) -> str:
    """The WARC digest of the bytes `parts` make together: "sha1:" + base32, as warcio writes it."""
    sha1 = hashlib.sha1()
    for part in parts:
        sha1.update(part)
    return "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")


def http_head(first_line: str, headers: Headers) -> bytes:
    """An HTTP message's status or request line and header lines, byte for byte as given, and the blank line.

    >>> http_head("HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")])
    b'HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n'
    """
    lines = [first_line.encode("latin-1"), CRLF]
    for name, value in headers:
        lines += [_latin1(name), b": ", _latin1(value), CRLF]
    lines.append(CRLF)
    return b"".join(lines)


def http_record(
    record_type: str, uri: str, fields: dict[str, str], head: bytes, body: bytes, body_digest: str | None = None
) -> tuple[bytes, bytes]:
    """(the record up to the end of its HTTP header lines, the rest: body and record end) of a response or
    request record: the `fields` given, then WARC-Type, WARC-Target-URI, the payload digest when `fields` has
    none (`body_digest` if known), the block digest, Content-Type and Content-Length, as warcio orders them."""
    fields = dict(fields)
    fields["WARC-Type"] = record_type
    fields["WARC-Target-URI"] = uri
    if "WARC-Payload-Digest" not in fields:
        fields["WARC-Payload-Digest"] = body_digest or digest(body)
    fields["WARC-Block-Digest"] = digest(head, body)
    fields["Content-Type"] = CONTENT_TYPES[record_type]
    fields["Content-Length"] = str(len(head) + len(body))
    lines = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    return f"{WARC_VERSION}\r\n{lines}\r\n".encode() + head, body + RECORD_END


def member(data: bytes, level: int) -> bytes:
    """`data` as one gzip member, deflated at `level` by a compressor of its own."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


class Members:
    """Records made gzip members by deflate streams that last as long as the writer.

    A compressor of its own for every record allocates and clears its ~300 kB of state each time (~50 µs, most
    of what a small record costs); here each level has one raw deflate stream, flushed in full at the end of
    every record (Z_FULL_FLUSH: byte-aligned, and nothing after it refers to what came before), and each
    member is that record's blocks within a gzip header and trailer of its own, closed by an empty final
    block. Every member inflates alone, as one gzip member of its own.
    """

    def __init__(self) -> None:
        self._streams: dict[int, Any] = {}

    def member(self, data: bytes, level: int, stored: bytes = b"") -> bytes:
        """`data` deflated at `level`, then `stored` (a content-encoded body's remainder) in stored blocks."""
        stream = self._streams.get(level)
        if stream is None:
            stream = self._streams[level] = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        try:
            deflated = stream.compress(data) + stream.flush(zlib.Z_FULL_FLUSH)
        except BaseException:
            del self._streams[level]  # a stream stopped halfway is not resumed
            raise
        crc = zlib.crc32(stored, zlib.crc32(data))
        size = (len(data) + len(stored)) & 0xFFFFFFFF
        return b"".join(
            [GZIP_HEADERS[level], deflated, *stored_blocks(stored), FINAL_BLOCK, struct.pack("<II", crc, size)]
        )

    def encoded(self, start: bytes, rest: bytes, level: int) -> bytes:
        """The member of a record whose `rest` begins with a content-encoded body: `start` and the body's first
        ENCODED_HEAD bytes deflated at `level`, the remainder stored; all deflated when the body does not look
        compressed (a server that labels plain HTML gzip)."""
        if not looks_compressed(rest[ENCODED_HEAD : ENCODED_HEAD + PROBE]):
            return self.member(start + rest, level)
        return self.member(start + rest[:ENCODED_HEAD], level, rest[ENCODED_HEAD:])


def looks_compressed(sample: bytes) -> bool:
    """Whether `sample` looks like compressed bytes: nearly every byte value occurs in 1 kB of them (~251 of
    256), where HTML, text and scripts use fewer than a hundred. A short sample (a small body) settles nothing:
    deflating it costs little.

    >>> looks_compressed(bytes(range(256)) * 4), looks_compressed("<p>Tin tức</p>".encode() * 80)
    (True, False)
    """
    return len(sample) >= PROBE and len(set(sample)) >= PROBE_DISTINCT


def stored_blocks(data: bytes) -> list[bytes]:
    """`data` as deflate stored blocks (not final), from a byte boundary: each a 5-byte header and the bytes."""
    blocks = []
    for at in range(0, len(data), MAX_STORED):
        chunk = data[at : at + MAX_STORED]
        blocks += [struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return blocks


# the 10 bytes zlib itself writes for each level (mtime 0, its extra flags, its OS byte)
GZIP_HEADERS = {level: member(b"", level)[:10] for level in range(10)}


def _latin1(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")
