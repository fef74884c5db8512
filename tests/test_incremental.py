"""Incremental crawls of a copy of the news fixture site: a second crawl of an unchanged site asks only for
discovery pages, conditionally; a changed listing brings only its new article; `--refresh` and `--since`;
`baotinh status` answering while a shell holds the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import SiteServer
from crawler.middlewares.incremental import parse_since
from crawler.run.state import SiteState, read_runs, site_folder
from tests.conftest import CONDITIONAL_RULES, SITES, DatabaseHeld, copy_site, run_baotinh, sql, warcio_check

DISCOVERY = {"/robots.txt", "/", "/sitemap.xml", "/sitemap-news.xml", "/rss.xml", "/thoi-su/", "/kinh-te/"}
NEW_ARTICLE = "/kinh-te/hop-tac-xa-che-mo-rong-vung-nguyen-lieu-100006.html"


@dataclass
class Runs:
    server: SiteServer
    site: Path
    data: Path
    requested: list[list[str]]  # request paths of each run

    def crawl(self, *extra: str) -> list[str]:
        before = len(self.server.requested)
        run_baotinh("crawl", "--start-url", self.server.base_url + "/", "--data-dir", str(self.data), *extra,
                    check=True)
        self.requested.append(self.server.requested[before:])
        return self.requested[-1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("incremental")
    site = copy_site(root / "site", rules=CONDITIONAL_RULES)
    with SiteServer(site) as server:
        runs = Runs(server, site, root / "data", [])
        runs.crawl()
        runs.crawl()  # nothing changed
        yield runs


def test_second_crawl_of_an_unchanged_site_fetches_only_discovery_pages(runs: Runs) -> None:
    first, second = runs.requested[:2]
    assert any(p.endswith("-100001.html") for p in first)
    assert set(second) == DISCOVERY
    assert sorted(second) == sorted(set(second))  # each once


def test_discovery_pages_are_asked_conditionally_and_304s_archived(runs: Runs) -> None:
    second_run = read_runs(runs.data)[1]["run_id"]
    statuses = dict(sql(runs.data, "SELECT url, status FROM captures WHERE run_id = ?", second_run))
    assert {u.removeprefix(runs.server.base_url) for u, s in statuses.items() if s == 304} == DISCOVERY - {
        "/robots.txt"}
    requests = {}
    for path in sorted((runs.data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "request":
                    requests[record.rec_headers.get_header("WARC-Target-URI")] = record.http_headers
    assert requests[runs.server.base_url + "/sitemap.xml"].get_header("If-None-Match", "").startswith('"')
    assert requests[runs.server.base_url + "/"].get_header("If-Modified-Since", "").endswith("GMT")
    warcio_check(sorted((runs.data / "warc").glob("*.warc.gz")))


def test_second_run_is_recorded_with_its_counts(runs: Runs) -> None:
    first, second = read_runs(runs.data)[:2]
    (slug,) = second["sites"]
    assert first["sites"][slug]["articles"] == 5 and second["sites"][slug]["articles"] == 0
    assert second["sites"][slug]["not_modified"] == 6 and second["sites"][slug]["status"] == "ok"
    assert second["sites"][slug]["already_archived"] >= 5
    assert sql(runs.data, "SELECT count(*), count(DISTINCT url) FROM articles") == [(5, 5)]


def test_a_changed_listing_brings_only_its_new_article(runs: Runs) -> None:
    listing = runs.site / "kinh-te" / "index.html"
    html = listing.read_text(encoding="utf-8")
    link = f'<li><a href="{NEW_ARTICLE}">Hợp tác xã chè mở rộng vùng nguyên liệu</a></li>'
    listing.write_text(html.replace("<ul>", "<ul>" + link, 1), encoding="utf-8")
    old = runs.site / "kinh-te" / "nong-dan-thu-hoach-che-vu-xuan-duoc-gia-100003.html"
    (runs.site / NEW_ARTICLE.lstrip("/")).write_text(
        old.read_text(encoding="utf-8").replace("Nông dân thu hoạch chè", "Hợp tác xã chè mở rộng"),
        encoding="utf-8")
    requested = runs.crawl()
    assert set(requested) == DISCOVERY | {NEW_ARTICLE}
    assert sql(runs.data, "SELECT count(*) FROM articles WHERE url LIKE '%-100006.html'") == [(1,)]


def test_refresh_fetches_archived_articles_again(runs: Runs) -> None:
    requested = runs.crawl("--refresh")
    assert sum(p.endswith(".html") and "-1000" in p for p in requested) >= 5


def test_since_skips_older_sitemap_entries(tmp_path: Path) -> None:
    with SiteServer(SITES / "news") as server:
        # the news sitemap dates its one article 2026-03-12 09:14 +07:00; that article is linked nowhere else
        run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(tmp_path),
                    "--since", "2026-03-13", check=True)
        assert not any(p.endswith("-100005.html") for p in server.requested)
        assert any(p.endswith("-100004.html") for p in server.requested)  # feeds are not filtered
    (stats,) = sql(tmp_path, "SELECT stats FROM runs")[0]
    assert json.loads(stats)[f"site/127-0-0-1-{server.base_url.rsplit(':', 1)[1]}/older_than_since"] == 1


def test_since_dates_are_read_in_vietnam_time() -> None:
    assert parse_since("2026-03-12") == datetime(2026, 3, 11, 17, 0, tzinfo=UTC)
    assert parse_since("2026-03-12T09:14:00+07:00") > parse_since("2026-03-12")


def test_status_answers_while_a_shell_holds_the_database(runs: Runs) -> None:
    with DatabaseHeld(runs.data / "baotinh.duckdb"):
        result = run_baotinh("status", "--data-dir", str(runs.data), check=True)
    out = result.stdout
    assert out.startswith("no crawl running")
    for run in read_runs(runs.data):
        assert run["run_id"] in out
    slug = next(iter(read_runs(runs.data)[0]["sites"]))
    archived = SiteState(site_folder(runs.data, slug)).articles
    site_line = next(line for line in out.splitlines() if line.strip().startswith(slug))
    assert archived >= 5 and f" {archived} " in site_line and site_line.rstrip().endswith("ok")


def test_status_of_an_empty_data_directory(tmp_path: Path) -> None:
    result = run_baotinh("status", "--data-dir", str(tmp_path), check=True)
    assert "no crawl has finished" in result.stdout
    missing = run_baotinh("status", "--data-dir", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such data directory" in missing.stderr
