"""WarcFileWriter on its own: records, files, rotation, fidelity — read back with warcio."""

from __future__ import annotations

import gzip
import itertools
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.reader import iter_responses, read_response
from archive.writer import Exchange, WarcFileWriter

WHEN = datetime(2026, 3, 12, 2, 14, 0, 123456, tzinfo=UTC)


def exchange(n: int = 0, body: bytes = b"<html>trang</html>", **kw: object) -> Exchange:
    defaults: dict[str, object] = {
        "url": f"http://127.0.0.1:8000/bai-{n}.html",
        "date": WHEN,
        "status": 200,
        "reason": "OK",
        "response_headers": [(b"Content-Type", b"text/html; charset=utf-8")],
        "body": body,
        "request_headers": [(b"Host", b"127.0.0.1:8000"), (b"User-Agent", b"baotinh/0.1")],
    }
    defaults.update(kw)
    return Exchange(**defaults)  # type: ignore[arg-type]


def fixed_ids() -> object:
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def records(path: Path) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]


def test_open_suffix_until_closed(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.write_exchange(exchange())
    assert [p.suffix for p in tmp_path.iterdir()] == [".open"]
    writer.close()
    (final,) = tmp_path.iterdir()
    assert final.name.endswith(".warc.gz") and final.name == writer.files_closed[0]


def test_pair_shares_date_and_is_linked(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, info={"operator": "test"}, make_id=fixed_ids())
    ref = writer.write_exchange(exchange())
    writer.close()
    recs = records(tmp_path / writer.files_closed[0])
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    info, response, request = recs
    assert b"operator: test" in info[3] and info[1].get_header("WARC-Payload-Digest") is None
    assert response[1].get_header("WARC-Record-ID") == ref.record_id
    assert request[1].get_header("WARC-Concurrent-To") == ref.record_id
    assert response[1].get_header("WARC-Date") == request[1].get_header("WARC-Date") == "2026-03-12T02:14:00.123456Z"
    assert response[1].get_header("WARC-Warcinfo-ID") == info[1].get_header("WARC-Record-ID")
    assert (request[2].protocol, request[2].statusline) == ("GET", "/bai-0.html HTTP/1.1")  # warcio splits the verb


def test_deterministic_bytes(tmp_path: Path) -> None:
    """Same ids, dates and inputs give the same record bytes (the file name carries the wall clock)."""
    outputs = []
    for run in ("a", "b"):
        writer = WarcFileWriter(tmp_path / run, hostname="test", make_id=fixed_ids())
        ref = writer.write_exchange(exchange())
        writer.close()
        data = (tmp_path / run / writer.files_closed[0]).read_bytes()
        outputs.append(data[ref.offset : ref.offset + ref.length])
    assert outputs[0] == outputs[1]
    assert gzip.decompress(outputs[0]).startswith(b"WARC/1.1\r\n")


def test_body_and_header_bytes_kept_as_received(tmp_path: Path) -> None:
    body = gzip.compress("<p>Phú Thọ</p>".encode())
    headers = [
        (b"Content-Type", b"text/html"),
        (b"Content-Encoding", b"gzip"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Set-Cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
        (b"X-Title", "Phú Thọ".encode()),
    ]
    writer = WarcFileWriter(tmp_path)
    ref = writer.write_exchange(exchange(body=body, response_headers=headers))
    writer.close()
    path = tmp_path / writer.files_closed[0]
    with open(path, "rb") as fh:
        fh.seek(ref.offset)
        raw = gzip.decompress(fh.read(ref.length))
    head, _, payload = raw.partition(b"\r\n\r\nHTTP/1.1 200 OK\r\n")[2].partition(b"\r\n\r\n")
    assert payload.startswith(body)  # still gzip, byte for byte
    assert b"Set-Cookie: a=1\r\nSet-Cookie: b=2" in head
    assert "X-Title: Phú Thọ".encode() in head  # not percent-encoded
    assert b"Transfer-Encoding" not in head and b"Content-Length" not in head
    stored = read_response(path, ref.offset)
    assert stored.body == "<p>Phú Thọ</p>".encode()


def test_rotation_between_pairs(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, max_size=3000)
    body = bytes(range(256)) * 8  # incompressible enough to fill files
    refs = [writer.write_exchange(exchange(n, body=body)) for n in range(6)]
    writer.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 2 and len({r.warc_file for r in refs}) == len(files)
    serials = sorted(int(f.name.split("-")[2]) for f in files)
    assert serials == list(range(len(files)))
    for path in files:
        kinds = [r[0] for r in records(path)]
        assert kinds[0] == "warcinfo" and kinds.count("response") == kinds.count("request") >= 1
    assert sorted(r.url for f in files for r in iter_responses(f)) == sorted(exchange(n).url for n in range(6))


def test_warcio_check_accepts_output(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    for n in range(3):
        writer.write_exchange(exchange(n, status=301 if n == 1 else 200, body=b"" if n == 1 else b"<p>x</p>"))
    writer.close()
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", str(tmp_path / writer.files_closed[0])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
