"""A run is bounded by default, for real: a page with 20,000 on-site links (a tag cloud gone wild) is followed
only as far as BAOTINH_MAX_LINKS_PER_PAGE, pages per site and run stop at BAOTINH_MAX_PAGES (`--max-pages`
overrides it), each said once; and a 5 MB robots.txt is requested once per host, a page linking to it
included."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler import settings as defaults
from tests.conftest import run_baotinh, sql
from tests.full_disk import ARTICLE
from tests.hostile import HostileServer

LINKS = 20_000
TAG_CLOUD = {"/the/index.html": {"kind": "links", "count": LINKS}, "/the/*": {"kind": "links"}}


@pytest.fixture(scope="module")
def tag_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServer]:
    with HostileServer(tmp_path_factory.mktemp("tag-cloud"), hostile=TAG_CLOUD) as server:
        yield server


def site_stats(data: Path) -> dict[str, int]:
    (stats,) = sql(data, "SELECT stats FROM runs")[0]
    flat = json.loads(stats)
    (slug,) = flat["sites"]
    return {k.removeprefix(f"site/{slug}/"): v for k, v in flat.items() if k.startswith(f"site/{slug}/")}


def tags_asked(server: HostileServer, since: int) -> int:
    return sum(bool(re.fullmatch(r"/the/\d+\.html", p)) for p in server.requested[since:])


def test_a_run_is_bounded_by_default() -> None:
    assert defaults.BAOTINH_MAX_PAGES > 0 and defaults.BAOTINH_MAX_LINKS_PER_PAGE > 0
    assert defaults.BAOTINH_MAX_LINKS_PER_PAGE < LINKS < defaults.BAOTINH_MAX_PAGES * 10


def test_a_page_of_20000_links_is_followed_only_so_far(tag_cloud: HostileServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    before = len(tag_cloud.requested)
    result = run_baotinh("crawl", "--start-url", tag_cloud.base_url + "/the/index.html", "--data-dir", str(data),
                         check=True, timeout=600)
    cap = defaults.BAOTINH_MAX_LINKS_PER_PAGE
    assert tags_asked(tag_cloud, before) == cap
    cut = LINKS - cap
    said = [line for line in result.stderr.splitlines() if "BAOTINH_MAX_LINKS_PER_PAGE" in line]
    assert len(said) == 1 and f"has {cut:,} more links than the {cap:,} followed from one page" in said[0]
    stats = site_stats(data)
    assert stats["links_cut"] == cut and stats["pages_with_links_cut"] == 1


@pytest.mark.parametrize("bound", [["--max-pages", "40"], ["--set", "BAOTINH_MAX_PAGES=40"]],
                         ids=["--max-pages", "setting"])
def test_pages_per_site_stop_at_the_cap(tag_cloud: HostileServer, tmp_path: Path, bound: list[str]) -> None:
    data = tmp_path / "data"
    before = len(tag_cloud.requested)
    result = run_baotinh("crawl", "--start-url", tag_cloud.base_url + "/the/index.html", "--data-dir", str(data),
                         *bound, check=True)
    asked = [p for p in tag_cloud.requested[before:] if p != "/robots.txt"]  # robots.txt is not the spider's
    assert len(asked) == 40 and tags_asked(tag_cloud, before) == 40 - 2  # the page itself and /sitemap.xml
    said = [line for line in result.stderr.splitlines() if "BAOTINH_MAX_PAGES" in line]
    assert len(said) == 1 and "40 pages requested" in said[0] and "the rest waits for the next run" in said[0]
    assert site_stats(data)["over_cap"] > 0


def big_robots_site(folder: Path) -> Path:
    """A home page linking to its own robots.txt, to an article and to a page robots.txt forbids at its end."""
    folder.mkdir(parents=True)
    lines = ["User-agent: *", *(f"Disallow: /khong-{n:07d}/trang-an-de-lam-robots-lon-hon/" for n in range(90_000)),
             "Disallow: /cam/"]
    (folder / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "bai").mkdir()
    (folder / "cam").mkdir()
    article = ('<html><head><meta property="og:type" content="article"><title>{0}</title></head><body><article>'
               f"<h1>{{0}}</h1>{ARTICLE}</article></body></html>")
    (folder / "bai" / "tin-tong-ket-cong-tac-nam-500001.html").write_text(article.format("Tổng kết năm"), "utf-8")
    (folder / "cam" / "trang-cam-500002.html").write_text(article.format("Trang cấm"), "utf-8")
    (folder / "index.html").write_text(
        '<html><head><meta property="og:type" content="website"><title>Trang chủ</title></head><body>'
        '<a href="/robots.txt">robots</a> <a href="/bai/tin-tong-ket-cong-tac-nam-500001.html">bài</a> '
        '<a href="/cam/trang-cam-500002.html">cấm</a></body></html>', encoding="utf-8")
    return folder


def test_a_5mb_robots_txt_is_requested_once(tmp_path: Path) -> None:
    site = big_robots_site(tmp_path / "site")
    size = (site / "robots.txt").stat().st_size
    assert size > 5_000_000
    with HostileServer(site) as server:
        data = tmp_path / "data"
        run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data), check=True)
        assert server.requested.count("/robots.txt") == 1
        assert "/bai/tin-tong-ket-cong-tac-nam-500001.html" in server.requested
        assert "/cam/trang-cam-500002.html" not in server.requested  # its last line was read and obeyed
    (robots,) = sql(data, "SELECT status, warc_length FROM captures WHERE url LIKE '%/robots.txt'")
    assert robots[0] == 200 and robots[1] > 0
    assert sql(data, "SELECT count(*) FROM articles") == [(1,)]
