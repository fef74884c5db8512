"""Archives checked by tools we did not write: two real crawls of the unchanged fixture site into one data
directory (the second must write revisits), then warcio, fastwarc, cdxj-indexer, wacz and pywb on the files,
and `baotinh verify` / `baotinh export` on the result."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.cdxj import index_warcs
from crawler.demo.server import SiteServer
from tests.conftest import run_baotinh
from tests.tools import pywb_bin, run_tool, tool, wayback

GZIP_PAGE = "/thoi-su/tinh-trien-khai-ke-hoach-xay-dung-nong-thon-moi-100001.html"
REDIRECT = "/tin-cu/bai-viet-da-chuyen-100009.html"
OPERATOR = "Nhóm lưu trữ báo tỉnh <luutru@example.vn>"
# each article's photo, a page requisite (crawler.extensions.requisites): the fixture site has none of them, so
# the first crawl archives five 404s, and the second (--refresh, articles unchanged) asks for none again
PHOTOS = 5


@dataclass
class TwoCrawls:
    server: SiteServer
    data: Path
    first: list[Path]  # WARC files of run 1
    second: list[Path]  # WARC files of run 2
    runs: list[str]

    @property
    def warcs(self) -> list[Path]:
        return self.first + self.second

    def sql(self, query: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.data / "baotinh.duckdb"), read_only=True) as con:
            return con.execute(query, list(params)).fetchall()

    def served(self, path: str) -> bytes:
        file = self.server.resolve(path)
        assert file is not None
        return file.read_bytes().replace(b"{{BASE}}", self.server.base_url.encode())


@pytest.fixture(scope="module")
def crawls(news_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> TwoCrawls:
    data = tmp_path_factory.mktemp("archive") / "data"
    args = ("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data),
            "--set", f"ARCHIVE_OPERATOR={OPERATOR}")
    run_baotinh(*args, check=True)
    first = sorted((data / "warc").glob("*.warc.gz"))
    # --refresh fetches the archived articles again (an incremental crawl would skip them): every page comes
    # back unchanged, which is what dedup is for
    run_baotinh(*args, "--refresh", check=True)
    second = sorted(set((data / "warc").glob("*.warc.gz")) - set(first))
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        runs = [r for (r,) in con.execute("SELECT run_id FROM runs ORDER BY started_at").fetchall()]
    return TwoCrawls(news_site, data, first, second, runs)


def records(path: Path) -> list:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read()) for r in ArchiveIterator(fh)]


# -- dedup across runs ---------------------------------------------------------------------------------------
def test_second_crawl_writes_revisits_and_a_fraction_of_the_bytes(crawls: TwoCrawls) -> None:
    first_bytes = sum(p.stat().st_size for p in crawls.first)
    second_bytes = sum(p.stat().st_size for p in crawls.second)
    ratio = second_bytes / first_bytes
    print(f"\ndedup: run 1 wrote {first_bytes:,} WARC bytes, run 2 (site unchanged) {second_bytes:,}: "
          f"ratio {ratio:.2f}")
    assert ratio < 0.8
    second_run = crawls.runs[1]
    rows = crawls.sql("SELECT status, revisit, count(*) FROM captures WHERE run_id = ? GROUP BY ALL ORDER BY ALL",
                      second_run)
    # every 2xx page with a body is a revisit; the 301 (no body) is stored in full again
    assert rows == [(200, True, 12), (301, False, 1)]
    kinds = [r[0] for p in crawls.second for r in records(p)]
    assert kinds.count("revisit") == 12 and kinds.count("response") == 1


def test_revisit_record_names_its_original(crawls: TwoCrawls) -> None:
    originals = {h.get_header("WARC-Record-ID"): h for p in crawls.first for t, h, _, _ in records(p)
                 if t == "response"}
    revisits = [(h, http, body) for p in crawls.second for t, h, http, body in records(p) if t == "revisit"]
    for headers, http, body in revisits:
        original = originals[headers.get_header("WARC-Refers-To")]
        assert headers.get_header("WARC-Profile") == \
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        assert headers.get_header("WARC-Refers-To-Target-URI") == original.get_header("WARC-Target-URI") \
            == headers.get_header("WARC-Target-URI")
        assert headers.get_header("WARC-Refers-To-Date") == original.get_header("WARC-Date")
        assert headers.get_header("WARC-Payload-Digest") == original.get_header("WARC-Payload-Digest")
        assert headers.get_header("WARC-Truncated") == "length"
        assert http.get_statuscode() == "200" and body == b""  # headers kept, body left out


def test_capture_rows_of_revisits_point_at_revisit_records_and_add_no_articles(crawls: TwoCrawls) -> None:
    rows = crawls.sql("SELECT capture_id, warc_file, warc_offset FROM captures WHERE revisit")
    assert len(rows) == 12
    by_location = {(p.name, off): rid for p in crawls.second for rid, off in _offsets(p, "revisit")}
    for capture_id, warc_file, offset in rows:
        assert by_location[(warc_file, offset)] == capture_id
    # the article is the one stored for the original capture: no duplicates, article_id = capture_id holds
    assert crawls.sql("SELECT count(*), count(DISTINCT url) FROM articles") == [(5, 5)]
    assert crawls.sql("SELECT count(*) FROM articles a JOIN captures c ON a.article_id = c.capture_id "
                      "WHERE c.run_id = ? AND NOT c.revisit", crawls.runs[0]) == [(5,)]


def _offsets(path: Path, rec_type: str) -> list[tuple[str, int]]:
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        found = []
        for record in it:
            if record.rec_type == rec_type:
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                found.append((record_id, it.get_record_offset()))
        return found


def test_digest_index_survives_runs(crawls: TwoCrawls) -> None:
    import sqlite3

    with sqlite3.connect(crawls.data / "warc" / "digests.sqlite") as con:
        (entries,) = con.execute("SELECT count(*) FROM originals").fetchone()
    con.close()
    assert entries == 12  # the 2xx bodies of run 1; run 2 added none


# -- fidelity ---------------------------------------------------------------------------------------------------
def test_repeated_and_non_ascii_headers_kept_and_no_cookie_in_requests(crawls: TwoCrawls) -> None:
    home = crawls.server.base_url + "/"
    raw = gzip.decompress((crawls.first[0]).read_bytes())
    block = raw[raw.index(f"WARC-Target-URI: {home}\r\n".encode()):]
    head = block[block.index(b"\r\n\r\nHTTP/1.1 200 OK\r\n") + 4:].split(b"\r\n\r\n", 1)[0]
    assert b"Set-Cookie: phien=abc123; Path=/\r\nSet-Cookie: vung=phu-tho; Path=/" in head
    assert "X-Tieu-De: Báo Phú Thọ".encode() in head  # UTF-8 bytes as sent, not percent-encoded
    assert crawls.server.cookies, "the crawler never sent the cookies back: the check below would prove nothing"
    for path in crawls.warcs:
        for rec_type, _, http, _ in records(path):
            if rec_type == "request":
                assert http.get_header("Cookie") is None and http.get_header("Authorization") is None


def test_warcinfo_says_who_wrote_the_file_and_carries_no_payload_digest(crawls: TwoCrawls) -> None:
    for path, run_id in ((crawls.first[0], crawls.runs[0]), (crawls.second[0], crawls.runs[1])):
        rec_type, headers, _, body = records(path)[0]
        assert rec_type == "warcinfo" and headers.get_header("WARC-Payload-Digest") is None
        fields = dict(line.split(": ", 1) for line in body.decode("utf-8").splitlines() if line)
        assert fields["software"].startswith("baotinh/") and "Scrapy 2.19.0" in fields["software"]
        assert "warcio 1.8.1" in fields["software"]
        assert fields["operator"] == OPERATOR
        assert fields["robots"] == "obey"
        assert fields["run-id"] == run_id
        assert fields["isPartOf"] == "127-0-0-1-" + crawls.server.base_url.rsplit(":", 1)[1]


def test_ip_address_recorded(crawls: TwoCrawls) -> None:
    for rec_type, headers, _, _ in records(crawls.first[0]):
        if rec_type in ("response", "revisit"):
            assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
            assert headers.get_header("WARC-Protocol") is None  # HTTP/1.1 needs none


# -- third-party tools ----------------------------------------------------------------------------------------
def test_warcio_check_passes_on_every_file(crawls: TwoCrawls) -> None:
    result = run_tool(tool("warcio"), "check", "-v", *map(str, crawls.warcs))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest present but not checked (revisit)" in result.stdout  # warcio saw the revisits as such


def test_fastwarc_check_passes_on_every_file(crawls: TwoCrawls, tmp_path: Path) -> None:
    for path in crawls.warcs:
        result = run_tool(tool("fastwarc"), "check", "-q", str(path))
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"
        # payload digests too: fastwarc compares a revisit's (the original's) digest with its empty payload,
        # so revisits are the only records allowed to fail that check
        report = tmp_path / f"{path.name}.txt"
        run_tool(tool("fastwarc"), "check", "-q", "-p", "-o", str(report), str(path))
        revisit_ids = {rid for rid, _ in _offsets(path, "revisit")}
        for line in report.read_text().splitlines():
            record_id, _, verdict = line.partition(": ")
            assert verdict.startswith("OK"), line
            if "PAYLOAD_FAIL" in verdict:
                assert record_id in revisit_ids, line


def test_cdxj_indexer_agrees_with_our_index(crawls: TwoCrawls) -> None:
    result = run_tool(tool("cdxj-indexer"), "-s", *map(str, crawls.warcs))
    assert result.returncode == 0, result.stderr
    theirs = result.stdout.splitlines()
    assert len(theirs) == 26 + PHOTOS
    assert index_warcs(crawls.warcs) == theirs


# -- verify -------------------------------------------------------------------------------------------------------
def test_verify_passes_on_a_clean_archive(crawls: TwoCrawls) -> None:
    result = run_baotinh("verify", "--data-dir", str(crawls.data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"{26 + PHOTOS} captures in 2 WARC files: {14 + PHOTOS} responses, 12 revisits (12 originals found)"
            in result.stdout)
    assert "; 0 faults" in result.stdout


def test_verify_finds_damage_and_missing_originals(crawls: TwoCrawls, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawls.data, data, ignore=shutil.ignore_patterns("*.wal"))
    # damage one article record of run 1 (a byte inside its gzip member) ...
    (capture_id, warc_file, offset, length), = crawls.sql(
        "SELECT capture_id, warc_file, warc_offset, warc_length FROM captures WHERE url = ? AND NOT revisit",
        crawls.server.base_url + GZIP_PAGE)
    damaged = bytearray((data / "warc" / warc_file).read_bytes())
    damaged[offset + length // 2] ^= 0xFF
    (data / "warc" / warc_file).write_bytes(bytes(damaged))
    result = run_baotinh("verify", "--data-dir", str(data))
    assert result.returncode == 1
    (fault,) = [line for line in result.stdout.splitlines() if f"FAULT {warc_file} at offset {offset} " in line]
    assert "damaged gzip member" in fault and capture_id in fault
    assert f"its original {capture_id} is in damaged bytes of {warc_file}" in result.stdout  # its revisit's
    # ... and a file a run that did not finish left open: a note, not a fault
    (data / "warc" / "baotinh-20260101000000000-00000-x.warc.gz.open").write_bytes(b"\x1f\x8b")
    again = run_baotinh("verify", "--data-dir", str(data))
    assert "note: baotinh-20260101000000000-00000-x.warc.gz.open: left open by run" in again.stdout
    assert again.stdout.count("FAULT") == result.stdout.count("FAULT")


# -- export -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def second_run_export(crawls: TwoCrawls, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of only the second run's captures: revisits whose originals lie outside the selection."""
    (started,) = crawls.sql("SELECT min(fetched_at) FROM captures WHERE run_id = ?", crawls.runs[1])[0]
    out = tmp_path_factory.mktemp("export") / "package"
    run_baotinh("export", "--data-dir", str(crawls.data), "--out", str(out), "--since", started.isoformat(),
                check=True)
    return out


def test_filtered_export_holds_exactly_the_selection_and_originals(crawls: TwoCrawls, second_run_export: Path) -> None:
    warcs = sorted((second_run_export / "warc").glob("*.warc.gz"))
    assert len(warcs) == 1
    kinds = [(t, h.get_header("WARC-Record-ID")) for t, h, _, _ in records(warcs[0])]
    assert kinds[0][0] == "warcinfo"
    selected = {cid for (cid,) in crawls.sql("SELECT capture_id FROM captures WHERE run_id = ?", crawls.runs[1])}
    originals = {cid for (cid,) in crawls.sql("SELECT capture_id FROM captures WHERE run_id = ? AND status = 200",
                                               crawls.runs[0])}
    assert {rid for t, rid in kinds if t in ("response", "revisit")} == selected | originals
    assert sum(1 for t, _ in kinds if t == "request") == len(selected | originals)
    assert sum(1 for t, _ in kinds if t == "warcinfo") == 3  # the export's own, then each source file's
    for path in warcs:
        assert run_tool(tool("warcio"), "check", str(path)).returncode == 0
        assert run_tool(tool("fastwarc"), "check", "-q", str(path)).returncode == 0


def test_export_package_files(second_run_export: Path) -> None:
    names = sorted(p.relative_to(second_run_export).as_posix() for p in second_run_export.rglob("*") if p.is_file())
    assert names[:3] == ["README.md", "SHA256SUMS", "baotinh.wacz"]
    assert "indexes/index.cdxj" in names and "tables/articles.parquet" in names
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=second_run_export, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count(": OK") == len(names) - 1
    readme = (second_run_export / "README.md").read_text(encoding="utf-8")
    assert "wb-manager add" in readme and "ReplayWeb.page" in readme and "sha256sum -c" in readme
    lines = (second_run_export / "indexes" / "index.cdxj").read_text().splitlines()
    assert lines == sorted(lines) and len(lines) == 13 + 12
    theirs = run_tool(tool("cdxj-indexer"), "-s", *map(str, sorted((second_run_export / "warc").glob("*.gz"))))
    assert [line.replace(" ", "") for line in theirs.stdout.splitlines()] == [line.replace(" ", "") for line in lines]


def test_wacz_validates_and_lists_the_articles(crawls: TwoCrawls, second_run_export: Path) -> None:
    wacz = second_run_export / "baotinh.wacz"
    result = run_tool(tool("wacz"), "validate", "-f", str(wacz))
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(wacz) as z:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist() if i.filename.startswith("archive/"))
        header, *pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()]
    assert header["format"] == "json-pages-1.0"
    titles = dict(crawls.sql("SELECT url, title FROM articles"))
    assert {p["url"]: p["title"] for p in pages} == titles  # the originals' articles
    assert all(p["ts"].endswith("Z") and p["text"] for p in pages)


def test_export_tables_as_parquet(crawls: TwoCrawls, second_run_export: Path, tmp_path: Path) -> None:
    with duckdb.connect() as con:
        count = con.execute(f"SELECT count(*) FROM '{second_run_export}/tables/captures.parquet'").fetchone()[0]
    assert count == 13
    run_baotinh("export", "--data-dir", str(crawls.data), "--parquet", str(tmp_path / "t"), check=True)
    with duckdb.connect() as con:
        counts = [con.execute(f"SELECT count(*) FROM '{tmp_path}/t/{t}.parquet'").fetchone()[0]
                  for t in ("captures", "articles", "runs")]
    assert counts == [26 + PHOTOS, 5, 2]


def test_export_user_errors_are_one_line(crawls: TwoCrawls, tmp_path: Path) -> None:
    result = run_baotinh("export", "--data-dir", str(crawls.data), "--out", str(tmp_path / "x"), "--site", "khong-co")
    assert result.returncode == 2 and "--site 'khong-co': no such site in the database (sites: 127-0-0-1-" \
        in result.stderr and "Traceback" not in result.stderr
    result = run_baotinh("export", "--data-dir", str(crawls.data), "--out", str(tmp_path), "--since", "hôm qua")
    assert result.returncode == 2 and "expected a date like" in result.stderr


# -- replay in pywb ------------------------------------------------------------------------------------------------
def test_pywb_replays_gzip_page_redirect_and_revisit(crawls: TwoCrawls, second_run_export: Path,
                                                     tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    for args in (["init", "baotinh"], ["add", "baotinh", *map(str, (second_run_export / "warc").glob("*.gz"))],
                 ):
        result = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    base = crawls.server.base_url
    (first_date,) = crawls.sql("SELECT strftime(min(fetched_at), '%Y%m%d%H%M%S') FROM captures WHERE run_id = ?",
                               crawls.runs[0])[0]
    (second_date,) = crawls.sql("SELECT strftime(max(fetched_at), '%Y%m%d%H%M%S') FROM captures WHERE run_id = ?",
                                crawls.runs[1])[0]
    with wayback(tmp_path) as replay:
        # a gzip page: the original capture, body byte for byte as the server had it
        body, headers, _ = _fetch(f"{replay}/baotinh/{first_date}id_/{base}{GZIP_PAGE}")
        assert headers["X-Archive-Orig-Content-Encoding"] == "gzip"
        assert body == crawls.served(GZIP_PAGE)
        # the revisit of the same page (run 2): pywb takes the body from the original it refers to
        body, headers, _ = _fetch(f"{replay}/baotinh/{second_date}id_/{base}{GZIP_PAGE}")
        assert body == crawls.served(GZIP_PAGE)
        assert headers["Memento-Datetime"] != _fetch(f"{replay}/baotinh/{first_date}id_/{base}{GZIP_PAGE}")[1][
            "Memento-Datetime"]  # served as the run-2 capture
        # a redirect hop, replayed as a redirect
        _, headers, status = _fetch(f"{replay}/baotinh/{second_date}id_/{base}{REDIRECT}")
        assert status == 301 and headers["Location"].endswith("-100002.html")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _fetch(url: str) -> tuple[bytes, dict[str, str], int]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.read(), dict(response.headers), response.status
    except urllib.error.HTTPError as e:
        with e:
            return e.read(), dict(e.headers), e.code


def test_rotation_in_a_real_crawl(news_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data),
                "--set", "ARCHIVE_MAX_SIZE=5000", check=True)
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    assert len(warcs) >= 3
    assert [int(p.name.split("-")[2]) for p in warcs] == list(range(len(warcs)))
    for path in warcs:
        kinds = [r[0] for r in records(path)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        assert kinds.count("response") == kinds.count("request")  # a fetch never straddles two files
    assert run_tool(tool("warcio"), "check", *map(str, warcs)).returncode == 0
    assert run_baotinh("verify", "--data-dir", str(data)).returncode == 0


def test_large_exports_report_progress(capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.commands.export_package import Progress

    progress = Progress("copying WARC files", total=3_000_000_000, interval=0)
    progress(1_200_000_000)
    assert capsys.readouterr().err == "export: copying WARC files 40% (1.2 GB of 3.0 GB)\n"
