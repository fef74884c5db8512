"""decode_content(): a body as transferred -> the bytes the server meant, bounded against decompression bombs.

Pure (no Scrapy): the rows of a page are made from the archived bytes, so the Content-Encoding the server
applied (gzip, deflate, br, zstd; several in a row are undone last first) is undone here, as Scrapy's
HttpCompressionMiddleware does for the spider. Decoding stops at `max_size` bytes (DOWNLOAD_MAXSIZE's
default): past that the body is a bomb, not a page. A body cut short still yields what it holds. A record
written by another crawler may keep `Transfer-Encoding: chunked` with the chunks in its payload: those are
joined first.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli

try:
    from compression import zstd  # type: ignore[import-not-found]  # Python 3.14
except ImportError:
    from backports import zstd  # type: ignore[no-redef]  # Scrapy's own dependency before 3.14

MAX_DECODED = 64 * 1024 * 1024  # the default DOWNLOAD_MAXSIZE: rows never depend on a crawl's setting
STEP = 64 * 1024


class ContentError(ValueError):
    """A body that cannot be decoded; `reason` is `decompression_bomb` or `bad_encoding`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _grown(size: int, max_size: int) -> None:
    if size > max_size:
        raise ContentError("decompression_bomb", f"decompressed body exceeds {max_size} bytes (a decompression bomb)")


def _zlib(data: bytes, wbits: int, max_size: int, members: bool = False) -> bytes:
    out: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits)
        chunk = inflater.decompress(data, STEP)
        while True:
            size += len(chunk)
            _grown(size, max_size)
            out.append(chunk)
            if inflater.eof or not inflater.unconsumed_tail:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, STEP)
        # gzip allows several members in a row; anything else after the stream is left alone
        data = inflater.unused_data if inflater.eof and members else b""
        if data and not data.startswith(b"\x1f\x8b"):
            break
    return b"".join(out)


def _gunzip(data: bytes, max_size: int) -> bytes:
    return _zlib(data, zlib.MAX_WBITS | 16, max_size, members=True)


def _inflate(data: bytes, max_size: int) -> bytes:
    try:
        return _zlib(data, zlib.MAX_WBITS, max_size)
    except zlib.error:
        return _zlib(data, -zlib.MAX_WBITS, max_size)  # raw deflate, as some servers send it


def _unbrotli(data: bytes, max_size: int) -> bytes:
    decompressor = brotli.Decompressor()
    out = [decompressor.process(data, output_buffer_limit=STEP)]
    size = len(out[0])
    _grown(size, max_size)
    while not decompressor.is_finished():
        chunk = decompressor.process(b"", output_buffer_limit=STEP)
        if not chunk:
            break
        size += len(chunk)
        _grown(size, max_size)
        out.append(chunk)
    return b"".join(out)


def _unzstd(data: bytes, max_size: int) -> bytes:
    decompressor = zstd.ZstdDecompressor()
    out = [decompressor.decompress(data, max_length=STEP)]
    size = len(out[0])
    _grown(size, max_size)
    while not decompressor.eof and not decompressor.needs_input:
        chunk = decompressor.decompress(b"", max_length=STEP)
        size += len(chunk)
        _grown(size, max_size)
        out.append(chunk)
    return b"".join(out)


DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gunzip, "x-gzip": _gunzip, "deflate": _inflate, "br": _unbrotli, "zstd": _unzstd,
}


def codings(values: list[str]) -> list[str]:
    """The codings of Content-Encoding header values, in the order the server applied them."""
    names = [c.strip().lower() for value in values for c in value.split(",")]
    return [c for c in names if c and c != "identity"]


def decode_content(body: bytes, content_encoding: list[str], max_size: int = MAX_DECODED) -> bytes:
    """`body` with its Content-Encoding undone. Raises ContentError (bomb, unknown or broken coding).

    >>> import gzip; decode_content(gzip.compress(b"<p>x</p>"), ["gzip"])
    b'<p>x</p>'
    """
    for coding in reversed(codings(content_encoding)):
        decoder = DECODERS.get(coding)
        if decoder is None:
            raise ContentError("bad_encoding", f"unknown Content-Encoding {coding!r}")
        try:
            body = decoder(body, max_size)
        except ContentError:
            raise
        except Exception as e:  # zlib.error, brotli.error, zstd.ZstdError: each library its own
            raise ContentError("bad_encoding", f"Content-Encoding {coding} does not decode: {e}") from e
    return body


def dechunk(body: bytes) -> bytes:
    """The data of a chunked body; the body itself when it is not validly chunked (as warcio does)."""
    out, position = [], 0
    while True:
        end = body.find(b"\r\n", position)
        if end < 0:
            return body
        try:
            size = int(body[position:end].split(b";", 1)[0], 16)
        except ValueError:
            return body
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2: end + 2 + size])
        position = end + 2 + size + 2
