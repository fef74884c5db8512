"""archive.record_bytes: response and request records put together without warcio's objects must be the bytes
warcio writes for them, and every gzip member must inflate alone, read back with warcio and zlib."""

from __future__ import annotations

import base64
import gzip
import io
import os
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordbuilder import RecordBuilder
from warcio.warcwriter import WARCWriter

from archive.record_bytes import ENCODED_HEAD, Members, http_head, http_record
from archive.records import walk
from archive.writer import RawHeaders

FIELDS = {
    "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000001>",
    "WARC-Date": "2026-03-12T02:14:00.123456Z",
    "WARC-IP-Address": "127.0.0.1",
}
URI = "http://127.0.0.1:8000/bài-1.html?q=đ"
HEADERS = [(b"Content-Type", b"text/html; charset=utf-8"), (b"X-Title", "Đà Nẵng".encode())]


def warcio_bytes(record_type: str, first_line: str, headers: list, body: bytes, fields: dict[str, str]) -> bytes:
    """The record as warcio writes it, with the header bytes kept as received (what archive.writer gave it)."""
    protocol, _, status = first_line.partition(" ")
    if record_type == "response":
        http = RawHeaders(status, headers, protocol=protocol)
    else:
        http = RawHeaders(first_line, headers)
    record = RecordBuilder(warc_version="WARC/1.1").create_warc_record(
        URI, record_type, payload=io.BytesIO(body), length=len(body), warc_headers_dict=dict(fields), http_headers=http
    )
    out = io.BytesIO()
    WARCWriter(out, gzip=False, warc_version="WARC/1.1").write_record(record)
    return out.getvalue()


def test_response_and_request_records_are_warcio_bytes() -> None:
    body = "<html><p>Tin tức</p></html>".encode()
    start, rest = http_record("response", URI, FIELDS, http_head("HTTP/1.1 200 OK", HEADERS), body)
    assert start + rest == warcio_bytes("response", "HTTP/1.1 200 OK", HEADERS, body, FIELDS)
    request = [(b"Accept", b"*/*"), (b"User-Agent", b"baotinh/0.1")]
    start, rest = http_record("request", URI, FIELDS, http_head("POST /bai-1.html HTTP/1.1", request), b"a=1")
    assert start + rest == warcio_bytes("request", "POST /bai-1.html HTTP/1.1", request, b"a=1", FIELDS)


def test_members_inflate_alone_and_keep_the_encoded_body(tmp_path: Path) -> None:
    members = Members()
    html = "".join(f"<p>Đoạn {n}: {base64.b64encode(os.urandom(90)).decode()}</p>" for n in range(800))
    encoded = gzip.compress(html.encode(), mtime=0)
    bodies = [(b"gzip", encoded), (b"", html.encode()), (b"gzip", os.urandom(300)), (b"gzip", html.encode())]
    data = []
    for n, (coding, body) in enumerate(bodies):
        headers = [(b"Content-Type", b"text/html"), *([(b"Content-Encoding", coding)] if coding else [])]
        start, rest = http_record("response", f"{URI}{n}", FIELDS, http_head("HTTP/1.1 200 OK", headers), body)
        data.append(start + rest)
        level = 1 if coding else 6
        made = members.encoded(start, rest, level) if coding else members.member(start + rest, level)
        assert zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(made) == start + rest  # alone, nothing before
        if n == 0:  # compressed bytes: all but their first bytes are stored, but the body's own gzip header is not
            assert encoded[:3] not in made[10:] and encoded[ENCODED_HEAD : ENCODED_HEAD + 60_000] in made
            assert len(made) < len(encoded) + 600
        if n == 3:  # labelled gzip, plain HTML: deflated all the same
            assert len(made) < len(html.encode()) * 0.8
        with (tmp_path / "a.warc.gz").open("ab") as fh:
            fh.write(made)
    path = tmp_path / "a.warc.gz"
    assert gzip.decompress(path.read_bytes()) == b"".join(data)
    assert not [m.problem for m in walk(path) if m.problem]
    with path.open("rb") as fh:
        payloads = [r.raw_stream.read() for r in ArchiveIterator(fh)]
    assert payloads == [body for _, body in bodies]  # as served, content-encoding kept
