"""End to end: a real crawl of the fixture site (tests/sites/news) on 127.0.0.1, then the WARC files read
back with warcio and the DuckDB file queried with SQL."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import SiteServer
from crawler.ingest.response import read_response
from tests.conftest import decoded, responses, run_baotinh

ARTICLE_PATHS = {
    "/thoi-su/tinh-trien-khai-ke-hoach-xay-dung-nong-thon-moi-100001.html",  # linked from home
    "/thoi-su/khanh-thanh-cau-dan-sinh-noi-hai-xa-vung-cao-100002.html",  # behind the 301 and a listing
    "/kinh-te/nong-dan-thu-hoach-che-vu-xuan-duoc-gia-100003.html",  # linked from a chunked listing
    "/kinh-te/thu-hut-dau-tu-vao-cac-khu-cong-nghiep-tang-manh-100004.html",  # only in the RSS feed
    "/kinh-te/gia-tri-xuat-khau-quy-i-dat-ket-qua-kha-quan-100005.html",  # only in the news sitemap
}
LISTINGS = {"/", "/thoi-su/", "/kinh-te/"}
REDIRECT = "/tin-cu/bai-viet-da-chuyen-100009.html"
DISALLOWED = "/private/bao-cao-noi-bo.html"


class Crawl:
    def __init__(self, server: SiteServer, data: Path, result: subprocess.CompletedProcess[str]) -> None:
        self.server = server
        self.data = data
        self.result = result
        self.base = server.base_url
        self.warcs = sorted((data / "warc").glob("*.warc.gz"))

    def sql(self, query: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.data / "baotinh.duckdb"), read_only=True) as con:
            return con.execute(query, list(params)).fetchall()


@pytest.fixture(scope="module")
def crawl(news_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    data = tmp_path_factory.mktemp("crawl") / "data"
    result = run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), check=True)
    return Crawl(news_site, data, result)


def test_every_article_is_stored_once(crawl: Crawl) -> None:
    urls = [u for (u,) in crawl.sql("SELECT url FROM articles")]
    assert sorted(urls) == sorted(crawl.base + p for p in ARTICLE_PATHS)


def test_listing_pages_are_not_articles(crawl: Crawl) -> None:
    listing_urls = [crawl.base + p for p in LISTINGS]
    assert crawl.sql("SELECT count(*) FROM articles WHERE url IN (SELECT unnest(?))", listing_urls) == [(0,)]
    # they were fetched and archived all the same
    assert crawl.sql("SELECT count(DISTINCT url) FROM captures WHERE url IN (SELECT unnest(?))",
                     listing_urls) == [(len(LISTINGS),)]


def test_article_points_at_its_warc_record(crawl: Crawl) -> None:
    rows = crawl.sql(
        "SELECT a.url, a.title, c.warc_file, c.warc_offset, c.warc_length, c.payload_digest "
        "FROM articles a JOIN captures c USING (capture_id)"
    )
    assert len(rows) == len(ARTICLE_PATHS)
    for url, title, warc_file, offset, length, digest in rows:
        record = read_response(crawl.data / "warc" / warc_file, offset)
        assert record.url == url
        assert record.length == length
        assert record.payload_digest == digest
        served = crawl.server.resolve(url.removeprefix(crawl.base))
        assert served is not None
        expected = served.read_bytes().replace(b"{{BASE}}", crawl.base.encode())
        assert decoded(record) == expected  # the payload decoded == the page as the server had it
        assert title.encode() in decoded(record)


def test_gzip_body_is_stored_as_transferred(crawl: Crawl) -> None:
    url = crawl.base + sorted(ARTICLE_PATHS)[0]
    with open(crawl.warcs[0], "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                assert record.http_headers.get_header("Content-Encoding") == "gzip"
                raw = record.raw_stream.read()
                assert raw[:2] == b"\x1f\x8b"  # the payload in the WARC is still the gzip stream
                assert b"<html" in gzip.decompress(raw)
                return
    pytest.fail(f"no response record for {url}")


def test_chunked_response_has_no_transfer_encoding_or_invented_length(crawl: Crawl) -> None:
    url = crawl.base + "/thoi-su/"
    records = [r for w in crawl.warcs for r in responses(w) if r.url == url]
    assert len(records) == 1
    assert records[0].header("Transfer-Encoding") is None
    assert records[0].header("Content-Length") is None
    assert b"</html>" in records[0].body


def test_redirect_hop_and_robots_are_captured(crawl: Crawl) -> None:
    statuses = dict(crawl.sql("SELECT url, status FROM captures"))
    assert statuses[crawl.base + REDIRECT] == 301
    assert statuses[crawl.base + "/robots.txt"] == 200
    hop = next(r for w in crawl.warcs for r in responses(w) if r.url == crawl.base + REDIRECT)
    assert hop.header("Location") is not None and hop.header("Location").endswith("-100002.html")


def test_disallowed_page_was_never_requested(crawl: Crawl) -> None:
    assert DISALLOWED not in crawl.server.requested
    assert crawl.sql("SELECT count(*) FROM captures WHERE url LIKE '%/private/%'") == [(0,)]


def test_robots_txt_fetched_once(crawl: Crawl) -> None:
    assert crawl.server.requested.count("/robots.txt") == 1


def test_one_capture_row_per_response_record(crawl: Crawl) -> None:
    in_warc = sorted((r.record_id, r.warc_file, r.offset) for w in crawl.warcs for r in responses(w))
    in_db = sorted(crawl.sql("SELECT capture_id, warc_file, warc_offset FROM captures"))
    assert in_warc == in_db


def test_warc_structure(crawl: Crawl) -> None:
    assert crawl.warcs, "no WARC file written"
    assert not list((crawl.data / "warc").glob("*.open")), "a WARC file was left open"
    for path in crawl.warcs:
        with open(path, "rb") as fh:
            records = list(
                (r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(fh)
            )
        assert records[0][0] == "warcinfo"
        assert records[0][1]["WARC-Filename"] == path.name
        by_id = {h["WARC-Record-ID"]: (t, h) for t, h in records}
        requests = [(t, h) for t, h in records if t == "request"]
        assert len(requests) == sum(1 for t, _ in records if t == "response")
        for _, request in requests:
            rtype, response = by_id[request["WARC-Concurrent-To"]]
            assert rtype == "response"
            assert response["WARC-Date"] == request["WARC-Date"]
            assert response["WARC-Target-URI"] == request["WARC-Target-URI"]


def test_warcio_check_passes(crawl: Crawl) -> None:
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", "-v", *map(str, crawl.warcs)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout and "fail" not in result.stdout


def test_file_name_follows_convention(crawl: Crawl) -> None:
    for path in crawl.warcs:
        assert re.fullmatch(r"baotinh-\d{17}-\d{5}-[A-Za-z0-9.-]+\.warc\.gz", path.name), path.name


def test_run_is_recorded_and_log_written(crawl: Crawl) -> None:
    (run_id, status, finished) = crawl.sql("SELECT run_id, status, finished_at IS NOT NULL FROM runs")[0]
    assert status == "finished" and finished
    assert crawl.sql("SELECT count(DISTINCT run_id) FROM captures") == [(1,)]
    log = crawl.data / "logs" / f"{run_id}.log"
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert f"run {run_id}" in crawl.result.stderr
    assert "Warning" not in crawl.result.stderr  # no ScrapyDeprecationWarning from a handler returning a Deferred


def test_user_agent_names_baotinh(crawl: Crawl) -> None:
    with open(crawl.warcs[0], "rb") as fh:
        agents = {r.http_headers.get_header("User-Agent") for r in ArchiveIterator(fh) if r.rec_type == "request"}
    assert len(agents) == 1 and agents.pop().startswith("baotinh/")


def test_max_pages_bounds_a_run(news_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data),
                "--max-pages", "3", check=True)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        # one final response per page requested (a redirect hop is part of its page's request)
        pages = con.execute(
            "SELECT count(*) FROM captures WHERE url NOT LIKE '%/robots.txt' AND status NOT BETWEEN 300 AND 399"
        ).fetchone()[0]
    assert pages == 3


def test_progress_is_logged_and_concurrency_bounded(tmp_path: Path) -> None:
    from tests.conftest import SITES

    with SiteServer(SITES / "slow") as slow:
        result = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(tmp_path / "d"),
                             "--set", "BAOTINH_PROGRESS_INTERVAL=0.3", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                             check=True)
        assert slow.max_in_flight <= 2  # CONCURRENT_REQUESTS_PER_DOMAIN holds, 12 articles queued at once
    lines = [line for line in result.stderr.splitlines() if "progress:" in line]
    assert len(lines) >= 2, result.stderr
    pattern = r"progress: \d+ pages fetched \(\d+\.\d/s\), \d+ articles stored, \d+ errors, \d+ queued"
    assert re.search(pattern, lines[0])
    done = re.search(r"done: (\d+) pages fetched .*, (\d+) articles stored", result.stderr)
    assert done is not None
    with duckdb.connect(str(tmp_path / "d" / "baotinh.duckdb"), read_only=True) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM articles)").fetchone()
    assert (int(done[1]), int(done[2])) == counts == (15, 12)  # robots, home, /sitemap.xml (404), 12 articles


def test_fetching_waits_for_the_rows_when_they_fall_behind(news_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data),
                "--set", "EXTRACT_PROCESSES=1", "--set", "EXTRACT_MAX_PENDING=1", check=True)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        (stats,) = con.execute("SELECT stats FROM runs").fetchone()
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(ARTICLE_PATHS),)
    assert json.loads(stats)["ingest/paused"] > 0  # the engine was paused, and went on each time


def test_records_archived_while_the_pool_is_busy_go_to_it_together(news_site: SiteServer, tmp_path: Path) -> None:
    """One worker, started as the crawl starts: the records fetched while it starts wait and go in tasks of
    several, each still with all its rows."""
    data = tmp_path / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data),
                "--set", "EXTRACT_PROCESSES=1", check=True)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        (stats,) = con.execute("SELECT stats FROM runs").fetchone()
        captures = con.execute("SELECT count(*) FROM captures").fetchone()[0]
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(ARTICLE_PATHS),)
    assert json.loads(stats)["store/captures"] == captures
    assert json.loads(stats)["ingest/tasks"] < captures  # several records a round trip to the pool
