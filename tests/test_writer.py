"""WarcFileWriter on its own: records, files, rotation, fidelity — read back with warcio."""

from __future__ import annotations

import gzip
import itertools
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.writer import Exchange, WarcFileWriter
from crawler.ingest.response import read_response
from tests.conftest import decoded, responses

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
    assert stored.body == body and decoded(stored) == "<p>Phú Thọ</p>".encode()


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
    assert sorted(r.url for f in files for r in responses(f)) == sorted(exchange(n).url for n in range(6))


def test_warcio_check_accepts_output(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    for n in range(3):
        writer.write_exchange(exchange(n, status=301 if n == 1 else 200, body=b"" if n == 1 else b"<p>x</p>"))
    writer.close()
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", str(tmp_path / writer.files_closed[0])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- revisits ------------------------------------------------------------------------------------------------
def dedup_writer(tmp_path: Path, index: Path | None = None, **kw: object) -> WarcFileWriter:
    from archive.digests import DigestIndex

    return WarcFileWriter(tmp_path, digests=DigestIndex(index or tmp_path / "digests.sqlite"), **kw)  # type: ignore[arg-type]


def test_repeat_of_a_2xx_body_is_a_revisit_across_writers(tmp_path: Path) -> None:
    first = dedup_writer(tmp_path / "w", tmp_path / "d.sqlite")
    original = first.write_exchange(exchange())
    first.close()
    first.digests.close()  # type: ignore[union-attr]
    later = WHEN.replace(hour=9)
    second = dedup_writer(tmp_path / "w", tmp_path / "d.sqlite")  # a later run: the index persisted
    ref = second.write_exchange(exchange(date=later))
    second.close()
    second.digests.close()  # type: ignore[union-attr]
    assert not original.revisit and ref.revisit and ref.refers_to == original.record_id
    assert ref.payload_digest == original.payload_digest
    rec_type, headers, http, body = records(tmp_path / "w" / second.files_closed[0])[1]
    assert rec_type == "revisit" and body == b""
    assert headers.get_header("WARC-Refers-To") == original.record_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == exchange().url
    assert headers.get_header("WARC-Refers-To-Date") == "2026-03-12T02:14:00.123456Z"
    assert headers.get_header("WARC-Truncated") == "length"
    assert http.get_header("Content-Type") == "text/html; charset=utf-8"  # the response headers are kept


def test_only_2xx_with_body_and_same_url_are_deduplicated(tmp_path: Path) -> None:
    writer = dedup_writer(tmp_path)
    cases = [
        exchange(0),  # stored
        exchange(0, status=404),  # a 404 page with the same body: not deduplicated
        exchange(1),  # same body, other URL: stored in full (revisits always refer to the same URL)
        exchange(2, body=b""),  # empty body
        exchange(2, body=b""),
        exchange(0),  # the only revisit
    ]
    refs = [writer.write_exchange(c) for c in cases]
    writer.close()
    assert [r.revisit for r in refs] == [False, False, False, False, False, True]


def test_http2_response_gets_warc_protocol_and_an_http11_status_line(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.write_exchange(exchange(protocol="h2"))
    writer.close()
    _, response, request = records(tmp_path / writer.files_closed[0])
    assert response[1].get_header("WARC-Protocol") == "h2"
    assert response[2].protocol == "HTTP/1.1" and request[2].statusline.endswith("HTTP/1.1")


def test_digest_index_forgets_what_repair_cut_and_files_that_are_gone(tmp_path: Path) -> None:
    from archive.digests import DigestIndex, Original

    index = DigestIndex(tmp_path / "d.sqlite")
    for n, (name, offset) in enumerate([("a.warc.gz", 0), ("a.warc.gz", 500), ("b.warc.gz", 0)]):
        index.add(Original(f"http://x/{n}", "sha1:X", f"<id{n}>", "2026-03-12T02:14:00Z", name, offset))
    assert index.forget_from("a.warc.gz", 400) == 1
    assert index.keep_files(["a.warc.gz"]) == 1
    assert len(index) == 1 and index.lookup("http://x/0", "sha1:X") is not None
    index.close()


def test_a_304_that_confirms_a_capture_is_a_server_not_modified_revisit(tmp_path: Path) -> None:
    from archive.digests import Original

    writer = WarcFileWriter(tmp_path, make_id=fixed_ids())
    first = writer.write_exchange(exchange(response_headers=[(b"Content-Type", b"text/html"), (b"ETag", b'"v1"')]))
    assert first.warc_date == "2026-03-12T02:14:00.123456Z"
    confirmed = Original(exchange().url, first.payload_digest or "", first.record_id, first.warc_date,
                         first.warc_file, first.offset)
    later = datetime(2026, 3, 13, 2, 14, tzinfo=UTC)
    ref = writer.write_exchange(exchange(date=later, status=304, reason="Not Modified", body=b"",
                                         response_headers=[(b"ETag", b'"v1"'), (b"X-Tieu-De", "Phú Thọ".encode())],
                                         confirms=confirmed))
    writer.close()
    path = tmp_path / writer.files_closed[0]
    kinds = [(r[0], r[1]) for r in records(path)]
    assert [k for k, _ in kinds] == ["warcinfo", "response", "request", "revisit", "request", "metadata"]
    revisit, request, metadata = (h for _, h in kinds[3:])
    assert revisit.get_header("WARC-Profile") == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert revisit.get_header("WARC-Refers-To") == first.record_id == ref.refers_to
    assert revisit.get_header("WARC-Refers-To-Target-URI") == exchange().url
    assert revisit.get_header("WARC-Refers-To-Date") == first.warc_date
    assert revisit.get_header("Content-Length") == "0" and revisit.get_header("Content-Type") is None
    assert revisit.get_header("WARC-Payload-Digest") is None and ref.payload_digest is None and ref.revisit
    assert request.get_header("WARC-Concurrent-To") == metadata.get_header("WARC-Concurrent-To") == ref.record_id
    assert metadata.get_header("WARC-Payload-Digest") is None
    block = records(path)[5][3]
    assert block == ('http-status-line: HTTP/1.1 304 Not Modified\r\nhttp-header: ETag: "v1"\r\n'
                     'http-header: X-Tieu-De: Phú Thọ\r\n').encode()  # the bytes as received
    result = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_304_without_a_capture_to_confirm_stays_a_response_record(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    ref = writer.write_exchange(exchange(status=304, reason="Not Modified", body=b""))
    writer.close()
    assert [r[0] for r in records(tmp_path / writer.files_closed[0])] == ["warcinfo", "response", "request"]
    assert not ref.revisit


# A writer whose file reaches the process's file-size limit (as a full disk would stop it): EFBIG, not SIGXFSZ.
FILLS_UP = """
import random, resource, signal, sys
from pathlib import Path
from archive.writer import WarcFileWriter
from tests.test_writer import exchange
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
writer = WarcFileWriter(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
rng, written = random.Random(3), 0
try:
    while True:
        writer.write_exchange(exchange(written, body=rng.randbytes(3000)))  # random bytes: gzip cannot shrink them
        written += 1
except OSError as e:
    print(written, e.errno, flush=True)
writer.close()
"""


def test_a_fetch_that_does_not_fit_is_cut_back_to_the_last_whole_one(tmp_path: Path) -> None:
    """The disk fills in the middle of a fetch: the file ends with the last whole response + request, so
    warcio reads every record of it and nothing is left to repair."""
    import errno

    from archive.records import walk
    from tests.conftest import REPO, warcio_check

    result = subprocess.run([sys.executable, "-c", FILLS_UP, str(tmp_path), "40000"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    written, error = map(int, result.stdout.split())
    assert error == errno.EFBIG and written > 3
    (path,) = tmp_path.glob("*.warc.gz")
    assert path.stat().st_size <= 40000
    members = list(walk(path))
    assert [m.problem for m in members] == [None] * len(members)
    assert [m.warc_type for m in members] == ["warcinfo", *["response", "request"] * written]
    assert members[-1].offset + members[-1].length == path.stat().st_size  # no byte after the last fetch
    warcio_check([path])
