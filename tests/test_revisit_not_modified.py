"""A 304 as the WARC standard says: two real crawls of a fixture site whose discovery pages send validators,
the second answered 304 throughout. Each 304 must be a server-not-modified revisit of the capture it confirms,
the files must pass warcio, fastwarc, cdxj-indexer and wacz, and pywb must replay the latest capture of an
unchanged listing as the full earlier page."""

from __future__ import annotations

import json
import subprocess
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.cdxj import index_warcs
from crawler.demo.server import SiteServer
from tests.conftest import CONDITIONAL_RULES, copy_site, run_baotinh, sql
from tests.tools import pywb_bin, run_tool, tool, wayback

PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
NOT_MODIFIED = {"/", "/sitemap.xml", "/sitemap-news.xml", "/rss.xml", "/thoi-su/", "/kinh-te/"}


@dataclass
class Record:
    type: str
    headers: object
    http: object
    block: bytes
    file: str
    offset: int


@dataclass
class Crawls:
    server: SiteServer
    data: Path
    first: list[Path]
    second: list[Path]

    def records(self, paths: list[Path]) -> list[Record]:
        found = []
        for path in paths:
            with open(path, "rb") as fh:
                it = ArchiveIterator(fh)
                for r in it:
                    block = r.raw_stream.read()
                    found.append(Record(r.rec_type, r.rec_headers, r.http_headers, block, path.name,
                                        it.get_record_offset()))
        return found

    def path(self, url: str) -> str:
        return url.removeprefix(self.server.base_url)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    root = tmp_path_factory.mktemp("not-modified")
    site = copy_site(root / "site", rules=CONDITIONAL_RULES)
    data = root / "data"
    with SiteServer(site) as server:
        args = ("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data))
        run_baotinh(*args, check=True)
        first = sorted((data / "warc").glob("*.warc.gz"))
        run_baotinh(*args, check=True)
        second = sorted(set((data / "warc").glob("*.warc.gz")) - set(first))
        assert set(server.not_modified) == NOT_MODIFIED, "the fixture no longer answers 304"
        yield Crawls(server, data, first, second)


def not_modified_revisits(crawls: Crawls) -> list[Record]:
    return [r for r in crawls.records(crawls.second)
            if r.type == "revisit" and r.headers.get_header("WARC-Profile") == PROFILE]


def test_a_304_is_a_server_not_modified_revisit_of_the_capture_it_confirms(crawls: Crawls) -> None:
    originals = {r.headers.get_header("WARC-Target-URI"): r for r in crawls.records(crawls.first)
                 if r.type == "response" and r.http.get_statuscode() == "200"}
    revisits = not_modified_revisits(crawls)
    assert {crawls.path(r.headers.get_header("WARC-Target-URI")) for r in revisits} == NOT_MODIFIED
    for revisit in revisits:
        h = revisit.headers
        url = h.get_header("WARC-Target-URI")
        original = originals[url]
        assert h.get_header("WARC-Refers-To") == original.headers.get_header("WARC-Record-ID")
        assert h.get_header("WARC-Refers-To-Target-URI") == url
        assert h.get_header("WARC-Refers-To-Date") == original.headers.get_header("WARC-Date")
        # no block at all: no HTTP headers for a replay tool to serve as an empty 304, no payload digest
        assert h.get_header("Content-Length") == "0" and revisit.block == b"" and revisit.http is None
        assert h.get_header("Content-Type") is None and h.get_header("WARC-Payload-Digest") is None
    # no 304 is left as a response record
    assert not [r for r in crawls.records(crawls.first + crawls.second)
                if r.type == "response" and r.http.get_statuscode() == "304"]


def test_the_304s_headers_are_kept_beside_the_revisit_and_the_request_is_the_conditional_one(crawls: Crawls) -> None:
    records = crawls.records(crawls.second)
    checked = 0
    for i, record in enumerate(records):
        if record.type != "revisit" or record.headers.get_header("WARC-Profile") != PROFILE:
            continue
        request, metadata = records[i + 1], records[i + 2]
        record_id = record.headers.get_header("WARC-Record-ID")
        assert request.type == "request" and request.headers.get_header("WARC-Concurrent-To") == record_id
        assert (request.http.get_header("If-None-Match") or request.http.get_header("If-Modified-Since"))
        assert metadata.type == "metadata" and metadata.headers.get_header("WARC-Concurrent-To") == record_id
        assert metadata.headers.get_header("Content-Type") == "application/warc-fields"
        assert metadata.headers.get_header("WARC-Date") == record.headers.get_header("WARC-Date")
        fields = metadata.block.decode("utf-8").splitlines()
        assert fields[0] == "http-status-line: HTTP/1.1 304 Not Modified"
        assert any(f.lower().startswith("http-header: etag: \"") for f in fields)  # Scrapy writes "Etag"
        checked += 1
    assert checked == len(NOT_MODIFIED)


def test_capture_rows_of_the_304s_are_revisits_and_add_no_articles(crawls: Crawls) -> None:
    second_run = sql(crawls.data, "SELECT run_id FROM runs ORDER BY started_at")[1][0]
    rows = sql(crawls.data, "SELECT url, status, revisit, warc_file, warc_offset FROM captures WHERE run_id = ? "
               "AND status = 304", second_run)
    assert {crawls.path(u) for u, *_ in rows} == NOT_MODIFIED
    at = {(r.file, r.offset) for r in not_modified_revisits(crawls)}
    assert all(revisit and (f, o) in at for _, _, revisit, f, o in rows)
    assert sql(crawls.data, "SELECT count(*), count(DISTINCT url) FROM articles") == [(5, 5)]


def test_warcio_fastwarc_and_cdxj_indexer_accept_the_files(crawls: Crawls) -> None:
    warcs = crawls.first + crawls.second
    result = run_tool(tool("warcio"), "check", "-v", *map(str, warcs))
    assert result.returncode == 0 and "fail" not in result.stdout, result.stdout + result.stderr
    for path in warcs:
        result = run_tool(tool("fastwarc"), "check", "-q", str(path))
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"
    theirs = run_tool(tool("cdxj-indexer"), "-s", *map(str, warcs))
    assert theirs.returncode == 0, theirs.stderr
    ours = index_warcs(warcs)
    assert ours == theirs.stdout.splitlines()
    revisits = {crawls.path(json.loads(line.split(" ", 2)[2])["url"]) for line in ours if '"warc/revisit"' in line}
    assert revisits == NOT_MODIFIED | {"/robots.txt"}  # the 304s listed as revisits (robots.txt: same body)
    assert not any('"status": "304"' in line for line in ours)


def test_verify_and_an_export_with_its_wacz_accept_the_revisits(crawls: Crawls, tmp_path: Path) -> None:
    result = run_baotinh("verify", "--data-dir", str(crawls.data))
    assert result.returncode == 0 and "; 0 faults" in result.stdout, result.stdout + result.stderr
    out = tmp_path / "package"
    second_run_start = sql(crawls.data, "SELECT min(fetched_at) FROM captures WHERE run_id = "
                           "(SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)")[0][0]
    run_baotinh("export", "--data-dir", str(crawls.data), "--out", str(out), "--since",
                second_run_start.isoformat(), check=True)
    wacz = out / "baotinh.wacz"
    result = run_tool(tool("wacz"), "validate", "-f", str(wacz))
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    with zipfile.ZipFile(wacz) as z:
        index = z.read("indexes/index.cdx").decode().splitlines()
    assert sum('"warc/revisit"' in line for line in index) == len(NOT_MODIFIED) + 1  # and robots.txt


def test_pywb_replays_the_latest_capture_of_an_unchanged_listing_as_the_full_earlier_page(crawls: Crawls,
                                                                                         tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    for args in (["init", "c"], ["add", "c", *map(str, crawls.first + crawls.second)]):
        result = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    dates = {crawls.path(r.headers.get_header("WARC-Target-URI")): r.headers.get_header("WARC-Date")
             for r in not_modified_revisits(crawls)}
    replayed = 0
    with wayback(tmp_path) as replay:
        for path in ("/kinh-te/", "/thoi-su/", "/"):
            stamp = "".join(c for c in dates[path][:19] if c.isdigit())
            url = f"{replay}/c/{stamp}id_/{crawls.server.base_url}{path}"
            with urllib.request.urlopen(url, timeout=30) as response:
                body, status, memento = response.read(), response.status, response.headers["Memento-Datetime"]
            served = crawls.server.resolve(path).read_bytes().replace(b"{{BASE}}", crawls.server.base_url.encode())
            print(f"\npywb {path} at {stamp}: {status}, {len(body):,} bytes (page as served: {len(served):,})")
            assert status == 200 and body == served
            assert memento == _http_date(dates[path])  # the capture of the second run, not the first's
            replayed += 1
    assert replayed == 3


def _http_date(warc_date: str) -> str:
    from email.utils import format_datetime

    from warcio.timeutils import iso_date_to_datetime

    return format_datetime(iso_date_to_datetime(warc_date).replace(microsecond=0, tzinfo=UTC), usegmt=True)

