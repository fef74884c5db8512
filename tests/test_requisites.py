"""Page requisites: each archived article's own photos (its `images` rows and its og:image) are fetched after
it, from its site or from a photo host of another name (a "CDN" on 127.0.0.2), archived, replayed by pywb in
the article, and never fetched again; nothing else is (stylesheet, logo, listing and related thumbnails).

Three real crawls into one data directory: the first archives two articles and their photos; the home page
then links a third article, whose photos are one new and one already archived; the third crawl (`--refresh`)
fetches every article again and no photo. The photo host's robots.txt forbids one photo, which several
requests reach while it is being fetched (crawler.middlewares.robots)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import SiteServer
from tests.conftest import SITES, copy_site, run_baotinh, sql
from tests.tools import pywb_bin, wayback

A1 = "/tin/mua-lua-chin-tren-ruong-bac-thang-p2001.html"
A2 = "/tin/phien-cho-vung-cao-ngay-dau-thu-p2002.html"
A3 = "/tin/cau-treo-moi-qua-suoi-nam-la-p2003.html"
LATER = f'<li><a href="{A3}"><img src="/thumbs/t3.png" width="240" height="135"> Cầu treo mới qua suối Nậm La</a></li>'
CAP = 20000  # bytes: /anh/rat-lon.png (43 KB) is over it
NEVER = ("/static/site.css", "/static/logo.png", "/thumbs/t1.png", "/thumbs/t2.png", "/thumbs/t3.png")


@dataclass
class Crawls:
    data: Path
    paper: SiteServer
    cdn: SiteServer
    paper_requests: list[list[str]]  # request paths per crawl
    cdn_requests: list[list[str]]
    runs: list[str]

    def url(self, server: SiteServer, path: str) -> str:
        return server.base_url + path

    def stats(self, run: int) -> dict:
        (stats,) = sql(self.data, "SELECT stats FROM runs WHERE run_id = ?", self.runs[run])[0]
        return json.loads(stats)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawls]:
    tmp = tmp_path_factory.mktemp("requisites")
    data = tmp / "data"
    # a host of another name, as a CDN is: Scrapy keys download slots (and robots.txt) by host name
    with SiteServer(SITES / "photos-cdn", host="127.0.0.2") as cdn:
        site = copy_site(tmp / "site", "photos")
        for page in (site / "tin").glob("*.html"):
            page.write_text(page.read_text(encoding="utf-8").replace("{{CDN}}", cdn.base_url), encoding="utf-8")
        with SiteServer(site) as paper:
            args = ("crawl", "--start-url", paper.base_url + "/", "--data-dir", str(data),
                    "--set", f"REQUISITES_MAX_SIZE={CAP}")
            paper_requests, cdn_requests = [], []
            for extra in ((), ("later",), ("--refresh",)):
                if extra == ("later",):
                    home = site / "index.html"
                    home.write_text(home.read_text(encoding="utf-8").replace("<!-- LATER -->", LATER),
                                    encoding="utf-8")
                    extra = ()
                seen = len(paper.requested), len(cdn.requested)
                run_baotinh(*args, *extra, check=True)
                paper_requests.append(paper.requested[seen[0]:])
                cdn_requests.append(cdn.requested[seen[1]:])
            runs = [r for (r,) in sql(data, "SELECT run_id FROM runs ORDER BY started_at")]
            yield Crawls(data, paper, cdn, paper_requests, cdn_requests, runs)


def served(root: Path, path: str) -> bytes:
    return (root / path.lstrip("/")).read_bytes()


def image_records(data: Path) -> dict[str, tuple[int, bytes, str | None]]:
    """URL -> (HTTP status, payload, Referer of its request) of every image response, read with warcio."""
    found: dict[str, tuple[int, bytes, str | None]] = {}
    referers: dict[str, str | None] = {}
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "request":
                    referers[url] = record.http_headers.get_header("Referer")
                elif record.rec_type == "response" and url.endswith(".png"):
                    found[url] = (int(record.http_headers.get_statuscode()), record.content_stream().read(), None)
    return {url: (status, body, referers.get(url)) for url, (status, body, _) in found.items()}


def test_each_article_photo_and_og_image_is_archived_from_its_host(crawls: Crawls) -> None:
    records = image_records(crawls.data)
    paper, cdn = crawls.paper.base_url, crawls.cdn.base_url
    assert sorted(records) == sorted([
        cdn + "/anh/mua-lua-1.png", cdn + "/anh/cho-phien.png", cdn + "/chia-se/mua-lua.png",  # og:image
        paper + "/anh/dong-lua.png", paper + "/anh/cau-treo.png", paper + "/anh/khong-co.png"])
    for url, (status, body, referer) in records.items():
        root = SITES / ("photos-cdn" if url.startswith(cdn) else "photos")
        if url.endswith("khong-co.png"):
            assert status == 404  # archived as answered, and not asked again
            continue
        assert status == 200 and body == served(root, url.split("/", 3)[3]), url
        assert referer is not None and referer.startswith(paper + "/tin/"), url  # as a browser sends it


def test_nothing_else_is_fetched(crawls: Crawls) -> None:
    every = [p for run in crawls.paper_requests for p in run]
    assert A1 in every and A3 in every
    assert not set(NEVER) & set(every)
    cdn = [p for run in crawls.cdn_requests for p in run]
    assert "/robots.txt" in cdn and "/rieng/anh.png" not in cdn  # the photo host's robots.txt is obeyed
    # over the size cap: asked, dropped as soon as its Content-Length said so, not archived
    assert "/anh/rat-lon.png" in cdn
    assert not sql(crawls.data, "SELECT url FROM captures WHERE url LIKE '%rat-lon%'")
    stats = crawls.stats(0)
    assert stats["requisites/too_large"] == 1 and stats["requisites/robots_forbidden"] == 1


def test_each_photo_once_per_run_and_never_again(crawls: Crawls) -> None:
    first, second, third = crawls.cdn_requests
    assert first.count("/anh/mua-lua-1.png") == 1  # two articles show it
    # the second crawl: the new article's own new photo; its photo archived by the first crawl is not asked
    assert [p for p in crawls.paper_requests[1] if p.startswith("/anh/")] == ["/anh/cau-treo.png"]
    assert not [p for p in second if p.endswith(".png")]
    assert crawls.stats(1)["requisites/already_archived"] == 1
    # --refresh fetches every article again, and no photo (an unchanged article is a revisit: no new rows)
    assert {A1, A2, A3} <= set(crawls.paper_requests[2])
    assert not [p for p in crawls.paper_requests[2] + third if p.endswith(".png")]
    assert "requisites/requested" not in crawls.stats(2)
    journal = [json.loads(line) for line in (crawls.data / "state" / "requisites.jsonl").read_text().splitlines()]
    assert sorted(r["url"] for r in journal) == sorted(image_records(crawls.data))


def test_photo_records_give_a_capture_row_and_no_article(crawls: Crawls, tmp_path: Path) -> None:
    photos = sql(crawls.data, "SELECT capture_id, url, status, mime FROM captures WHERE url LIKE '%.png'")
    assert len(photos) == 6 and {m for _, _, s, m in photos if s == 200} == {"image/png"}
    ids = [cid for cid, *_ in photos]
    assert sql(crawls.data, "SELECT count(*) FROM articles WHERE article_id IN (SELECT unnest(?))", ids) == [(0,)]
    srcs = {src for (src,) in sql(crawls.data, "SELECT src FROM images")}
    assert {url for _, url, _, _ in photos} - {crawls.cdn.base_url + "/chia-se/mua-lua.png"} <= srcs
    # the same rows again from the archive alone
    data = tmp_path / "data"
    shutil.copytree(crawls.data, data)
    tables = ("SELECT * FROM captures ORDER BY capture_id", "SELECT * FROM articles ORDER BY article_id",
              "SELECT * FROM images ORDER BY article_id, src")
    before = [sql(data, q) for q in tables]
    run_baotinh("index", "--rebuild", "--data-dir", str(data), check=True)
    assert [sql(data, q) for q in tables] == before


def test_pywb_replays_the_article_with_its_photos(crawls: Crawls, tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    warcs = sorted(map(str, (crawls.data / "warc").glob("*.warc.gz")))
    for args in (["init", "photos"], ["add", "photos", *warcs]):
        result = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    (stamp,) = sql(crawls.data, "SELECT strftime(min(fetched_at), '%Y%m%d%H%M%S') FROM captures WHERE url = ?",
                   crawls.url(crawls.paper, A1))[0]
    with wayback(tmp_path) as replay:
        page_url = f"{replay}/photos/{stamp}mp_/{crawls.url(crawls.paper, A1)}"
        with urllib.request.urlopen(page_url, timeout=30) as response:
            page = response.read().decode("utf-8")
        sources = re.findall(r'<img src="([^"]+)"', page)
        photos = {"/anh/mua-lua-1.png": SITES / "photos-cdn", "/anh/dong-lua.png": SITES / "photos"}
        checked = 0
        for src in sources:
            path = next((p for p in photos if src.endswith(p)), None)
            if path is None:
                continue
            assert "/photos/" in src and "im_/" in src, src  # rewritten to the archive, not the live host
            with urllib.request.urlopen(urljoin(page_url, src), timeout=30) as response:
                assert response.read() == served(photos[path], path)
            checked += 1
        assert checked == len(photos), sources


def test_turned_off_no_photo_is_fetched(crawls: Crawls, tmp_path: Path) -> None:
    seen = len(crawls.paper.requested), len(crawls.cdn.requested)
    run_baotinh("crawl", "--start-url", crawls.paper.base_url + "/", "--data-dir", str(tmp_path / "data"),
                "--set", "REQUISITES_ENABLED=false", check=True)
    asked = crawls.paper.requested[seen[0]:]
    assert A1 in asked and not [p for p in asked if p.endswith(".png")]
    assert crawls.cdn.requested[seen[1]:] == []
    assert sql(tmp_path / "data", "SELECT count(*) FROM captures WHERE url LIKE '%.png'") == [(0,)]
