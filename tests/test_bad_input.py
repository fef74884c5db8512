"""Bad input from a server (tests/sites/bad, served by tests/hostile.py): each case ends in a recorded status
(a `captures` row where there was a response, the run's stats where there was none) and a log line, never a
crash. One crawl, one test per case."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import SITES, run_baotinh, sql, warcio_check
from tests.hostile import HostileServer

MAX_BODY = 1024 * 1024
MAX_DECOMPRESSED = 8 * 1024 * 1024


@dataclass
class BadCrawl:
    base: str
    data: Path
    result: subprocess.CompletedProcess[str]
    log: str
    site: dict[str, Any]  # runs.stats flattened, for this site: "site/SLUG/KEY" -> "KEY"

    def status(self, path: str) -> list[int]:
        return [s for (s,) in sql(self.data, "SELECT status FROM captures WHERE url = ? ORDER BY fetched_at",
                                  self.base + path)]

    def logged(self, path: str, phrase: str) -> bool:
        return any(path in line and phrase in line for line in self.log.splitlines())


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BadCrawl]:
    data = tmp_path_factory.mktemp("bad") / "data"
    with HostileServer(SITES / "bad") as server:
        result = run_baotinh(
            "crawl", "--start-url", server.base_url + "/", "--data-dir", str(data),
            "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1", "--set", f"GUARD_MAX_BODY={MAX_BODY}",
            "--set", f"DOWNLOAD_MAXSIZE={MAX_DECOMPRESSED}", "--set", "POLITENESS_MAX_FAILURES=50",
        )
        (log_file,) = (data / "logs").glob("*.log")
        (stats,) = sql(data, "SELECT stats FROM runs")[0]
        flat = json.loads(stats)
        (slug,) = flat["sites"]
        prefix = f"site/{slug}/"
        site = {k.removeprefix(prefix): v for k, v in flat.items() if k.startswith(prefix)}
        yield BadCrawl(server.base_url, data, result, log_file.read_text(encoding="utf-8"), site)


def test_the_run_finishes_without_a_traceback(bad: BadCrawl) -> None:
    assert bad.result.returncode == 0, bad.result.stderr[-3000:]
    assert "Traceback" not in bad.log and "Traceback" not in bad.result.stderr
    assert sql(bad.data, "SELECT status FROM runs") == [("finished",)]


def test_good_article_beside_the_bad_ones_is_stored(bad: BadCrawl) -> None:
    assert sql(bad.data, "SELECT title FROM articles WHERE url LIKE '%-300000.html'") == [
        ("Tỉnh tổng kết công tác năm",)]


def test_malformed_html_is_still_extracted(bad: BadCrawl) -> None:
    assert bad.status("/bai/html-hong-300001.html") == [200]
    (title, text), = sql(bad.data, "SELECT title, text FROM articles WHERE url LIKE '%-300001.html'")
    assert title == "Nông dân phấn khởi vì được mùa" and "8.500 đồng/kg" in text


def test_windows_1258_page_is_decoded_and_composed(bad: BadCrawl) -> None:
    assert bad.status("/bai/cp1258-300002.html") == [200]
    (title, text), = sql(bad.data, "SELECT title, text FROM articles WHERE url LIKE '%-300002.html'")
    assert title == "Rộn ràng ngày hội văn hóa vùng cao"  # precomposed (NFC), as the UTF-8 pages are
    assert "Ông Nguyễn Văn Hưởng" in text


def test_wrong_charset_label_is_caught(bad: BadCrawl) -> None:
    assert bad.status("/bai/sai-charset-300003.html") == [200]
    assert sql(bad.data, "SELECT title FROM articles WHERE url LIKE '%-300003.html'") == [
        ("Khánh thành cầu Đồng Xuân nối hai bờ sông",)]
    assert bad.site["charset_mislabelled"] == 1
    assert bad.logged("sai-charset-300003", "declared iso-8859-1 but the body is UTF-8")


def test_huge_body_is_cut_and_archived_as_truncated(bad: BadCrawl) -> None:
    assert bad.status("/bai/rat-lon-300004.html") == [200]
    # this one, and the three attempts the server cut short (test_body_cut_short_*)
    assert bad.site["truncated"] == 4 and bad.logged("rat-lon-300004", "archived as truncated")
    assert sql(bad.data, "SELECT count(*) FROM articles WHERE url LIKE '%-300004.html'") == [(0,)]
    for path in (bad.data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and "rat-lon" in record.rec_headers.get_header("WARC-Target-URI"):
                    assert record.rec_headers.get_header("WARC-Truncated") == "length"
                    assert record.http_headers.get_header("Content-Length") == str(50 * 1024 * 1024)  # as served
                    assert MAX_BODY <= len(record.content_stream().read()) < 2 * MAX_BODY
                    return
    pytest.fail("no response record for the huge body")


def test_binary_served_as_html_is_archived_not_extracted(bad: BadCrawl) -> None:
    assert bad.status("/bai/nhi-phan-300005.html") == [200]
    assert bad.site["binary"] == 1 and bad.logged("nhi-phan-300005", "binary content")
    assert sql(bad.data, "SELECT count(*) FROM articles WHERE url LIKE '%-300005.html'") == [(0,)]


def test_redirect_loop_is_an_error_with_its_hops_archived(bad: BadCrawl) -> None:
    assert bad.status("/bai/vong-a-300006.html") == [302] and bad.status("/bai/vong-b-300007.html") == [302]
    assert bad.site["error_reasons/redirect_loop"] == 1 and bad.logged("vong-a-300006", "redirect loop")


def test_gzip_bomb_is_refused_after_being_archived(bad: BadCrawl) -> None:
    assert bad.status("/bai/bom-300008.html") == [200]  # the compressed bytes are in the WARC
    assert bad.site["error_reasons/decompression_bomb"] == 1 and bad.logged("bom-300008", "decompression_bomb")


def test_stalling_server_times_out(bad: BadCrawl) -> None:
    assert bad.status("/bai/treo-300009.html") == []  # no response, so no capture: the stats say it
    assert bad.site["error_reasons/DownloadTimeoutError"] == 1 and bad.logged("treo-300009", "DownloadTimeoutError")


def test_server_error_is_recorded_per_attempt(bad: BadCrawl) -> None:
    assert bad.status("/bai/loi-300010.html") == [500, 500]  # the first try and one retry
    assert bad.site["error_reasons/http_500"] == 1 and bad.logged("loi-300010", "http_500")


def test_empty_200_is_recorded(bad: BadCrawl) -> None:
    assert bad.status("/bai/rong-300011.html") == [200]
    assert bad.site["empty"] == 1 and bad.logged("rong-300011", "empty body")


def disconnect_records(bad: BadCrawl, path: str) -> list[tuple[str | None, int, int]]:
    """(WARC-Truncated, body bytes stored, Content-Length as served) of each response record of `path`."""
    found = []
    for warc in sorted((bad.data / "warc").glob("*.warc.gz")):
        with open(warc, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI").endswith(path):
                    found.append((record.rec_headers.get_header("WARC-Truncated"),
                                  len(record.content_stream().read()),
                                  int(record.http_headers.get_header("Content-Length"))))
    return found


def test_body_cut_short_by_the_server_is_archived_and_retried(bad: BadCrawl) -> None:
    """The server sends half the announced body, then closes: each attempt is archived with the bytes that
    came, marked WARC-Truncated: disconnect; after the retry it is an error, and no article."""
    path = "/bai/dut-300012.html"
    assert bad.status(path) == [200, 200]  # the first try and one retry (RETRY_TIMES=1)
    records = disconnect_records(bad, path)
    assert len(records) == 2
    for truncated, stored, declared in records:
        assert truncated == "disconnect" and 0 < stored < declared
    assert bad.site["error_reasons/dataloss"] == 1
    assert bad.site["dataloss"] == 3  # its two attempts, and the first of the page cut short once
    assert bad.logged("dut-300012", "fetch failed (dataloss)")
    assert sql(bad.data, "SELECT count(*) FROM articles WHERE url LIKE '%-300012.html'") == [(0,)]


def test_body_cut_short_once_is_stored_from_the_retry(bad: BadCrawl) -> None:
    path = "/bai/dut-mot-lan-300013.html"
    assert bad.status(path) == [200, 200]
    (cut, whole) = disconnect_records(bad, path)
    assert cut[0] == "disconnect" and cut[1] < cut[2]
    assert whole[0] is None and whole[1] == whole[2]
    assert sql(bad.data, "SELECT title FROM articles WHERE url LIKE '%-300013.html'") == [
        ("Đường liên xã được nâng cấp",)]
    assert bad.logged("dut-mot-lan-300013", "closed the connection after")


def test_malformed_sitemap_and_self_listing_index(bad: BadCrawl) -> None:
    assert bad.status("/sitemap-hong.xml") == [200] and bad.status("/sitemap.xml") == [200]
    assert bad.site["bad_sitemaps"] == 1 and bad.logged("sitemap-hong.xml", "unreadable sitemap")
    assert bad.site["sitemap_self_references"] == 1 and bad.logged("sitemap.xml", "lists itself")


def test_errors_are_counted_but_the_site_did_not_fail(bad: BadCrawl) -> None:
    (stats,) = sql(bad.data, "SELECT stats FROM runs")[0]
    (summary,) = json.loads(stats)["sites"].values()
    assert summary["status"] == "ok" and summary["errors"] == 5
    assert set(summary["error_reasons"]) == {"redirect_loop", "decompression_bomb", "DownloadTimeoutError",
                                             "http_500", "dataloss"}


def test_every_warc_file_is_valid(bad: BadCrawl) -> None:
    warcio_check(sorted((bad.data / "warc").glob("*.warc.gz")))


def test_a_rebuild_from_the_warc_files_equals_the_crawl(bad: BadCrawl, tmp_path: Path) -> None:
    """Mislabelled charset, windows-1258, bodies cut at GUARD_MAX_BODY or by the server: the rows made again
    from the WARC files alone are the crawl's, row for row (one function, crawler.ingest.derive)."""
    from tests.test_index import tables, warcs_only

    data = warcs_only(bad.data, tmp_path / "data")
    run_baotinh("index", "--data-dir", str(data), "--rebuild", check=True)
    expected = tables(bad.data)
    assert len(expected["articles"]) == 5 and len(expected["captures"]) >= 18
    assert tables(data) == expected
