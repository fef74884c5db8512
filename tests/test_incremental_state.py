"""Incremental state that sees every request: a redirect from a URL never seen before to an article an earlier
run archived is dropped before the article is fetched, the hop is journaled as an alias of the article, and
the next run does not even ask for the old URL, whichever of the two this run fetched first. Real crawls of a
copy of the news fixture site."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.server import SiteServer
from crawler.run.state import SiteState, read_jsonl, read_runs, site_folder
from tests.conftest import copy_site, run_baotinh

ARTICLE = "/kinh-te/nong-dan-thu-hoach-che-vu-xuan-duoc-gia-100003.html"
OLD_URL = "/bai-cu/che-vu-xuan-100003.html"  # linked only after the first crawl, 301s to ARTICLE
OLDER_URL = "/luu-tru/che-xuan.html"  # a second hop in front of OLD_URL


def crawl(server: SiteServer, data: Path) -> list[str]:
    before = len(server.requested)
    run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data), check=True)
    return server.requested[before:]


def link_from_listing(site: Path, path: str) -> None:
    listing = site / "kinh-te" / "index.html"
    html = listing.read_text(encoding="utf-8")
    listing.write_text(html.replace("<ul>", f'<ul><li><a href="{path}">Bài cũ</a></li>', 1), encoding="utf-8")


def test_a_redirect_from_an_unseen_url_to_an_archived_article_does_not_fetch_the_article(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    data = tmp_path / "data"
    with SiteServer(site) as server:
        first = crawl(server, data)
        assert first.count(ARTICLE) == 1
        # the site now links an old URL of the article, through two hops
        server.rules.redirects[OLDER_URL] = (OLD_URL, 301)
        server.rules.redirects[OLD_URL] = (ARTICLE, 301)
        link_from_listing(site, OLDER_URL)

        second = crawl(server, data)
        assert second.count(OLDER_URL) == 1 and second.count(OLD_URL) == 1  # unseen: asked once, hops archived
        assert ARTICLE not in second

        third = crawl(server, data)
        assert OLDER_URL not in third and OLD_URL not in third and ARTICLE not in third

    slug = next(iter(read_runs(data)[0]["sites"]))
    second_run = read_runs(data)[1]
    assert second_run["sites"][slug]["already_archived"] >= 1
    assert second_run["sites"][slug]["errors"] == 0  # a dropped request is policy, not a failure
    # the journal holds the aliases with the capture of the article they lead to
    rows = [r for r in read_jsonl(site_folder(data, slug) / "articles.jsonl") if r["url"].endswith(ARTICLE)]
    assert len(rows) == 2
    original, alias = rows
    assert alias["capture_id"] == original["capture_id"] and alias["warc_file"] == original["warc_file"]
    assert [a.removeprefix(server.base_url) for a in alias["aliases"]] == [OLDER_URL, OLD_URL]
    state = SiteState(site_folder(data, slug))
    assert state.is_archived(server.base_url + OLD_URL) and state.articles == 5


def test_a_registry_feed_that_answers_404_is_an_error_once_then_a_known_absence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    site = copy_site(tmp_path / "site")
    with SiteServer(site) as server:
        registry = tmp_path / "sites.toml"
        registry.write_text(
            f'[site.baotest]\nname = "Báo Thử"\nprovince = "Phú Thọ"\n'
            f'domains = ["{server.base_url.removeprefix("http://")}"]\nstart_urls = ["{server.base_url}/"]\n'
            f'feeds = ["{server.base_url}/tin-moi.rss"]\n', encoding="utf-8")
        args = ("crawl", "baotest", "--sites-file", str(registry), "--data-dir", str(data))
        runs = [run_baotinh(*args, check=True) for _ in range(2)]
        (site / "tin-moi.rss").write_text((site / "rss.xml").read_text(encoding="utf-8"), encoding="utf-8")
        runs.append(run_baotinh(*args, check=True))
        assert server.requested.count("/tin-moi.rss") == 3  # asked every run: it may come back
    first, second, third = (r["sites"]["baotest"] for r in read_runs(data))
    assert first["errors"] == 1 and first["error_reasons"] == {"http_404": 1} and first["status"] == "ok"
    assert second["errors"] == 0 and "error_reasons" not in second and second["known_absent"] == 1
    assert third["errors"] == 0 and third["known_absent"] == 0
    assert "fetch failed (http_404)" in runs[0].stderr
    assert "fetch failed" not in runs[1].stderr  # the operator's cron log stays quiet ...
    log = sorted((data / "logs").glob("*.log"))[1].read_text(encoding="utf-8")
    assert "tin-moi.rss still answers 404 (absent since" in log  # ... the run's own log says it, at info
    absent = json.loads((site_folder(data, "baotest") / "absent.json").read_text(encoding="utf-8"))
    assert absent == {}  # it answered again in the third run


def test_a_reopened_journal_knows_its_urls_and_journals_aliases_with_the_right_capture(tmp_path: Path) -> None:
    from crawler.run.state import ArchivedArticle

    folder = tmp_path / "state" / "sites" / "x"
    state = SiteState(folder)
    for n in range(3):
        state.record_article(ArchivedArticle(url=f"https://x.vn/bai-{n}.html", capture_id=f"<urn:uuid:{n}>",
                                             warc_file=f"f{n}.warc.gz", warc_offset=100 * n, run_id="r1"))
    state.close()
    again = SiteState(folder)  # what it keeps is where each line starts: the line is read back for aliases
    assert again.articles == 3 and again.is_archived("https://x.vn/bai-1.html")
    assert not again.is_archived("https://x.vn/cu-1.html")
    assert again.add_aliases("https://x.vn/bai-1.html", ["https://x.vn/cu-1.html"], "r2") == ["https://x.vn/cu-1.html"]
    assert again.add_aliases("https://x.vn/bai-1.html", ["https://x.vn/cu-1.html"], "r2") == []  # known now
    again.close()
    last = list(read_jsonl(folder / "articles.jsonl"))[-1]
    assert last == {"url": "https://x.vn/bai-1.html", "capture_id": "<urn:uuid:1>", "warc_file": "f1.warc.gz",
                    "warc_offset": 100, "run_id": "r2", "aliases": ["https://x.vn/cu-1.html"]}
    third = SiteState(folder)
    assert third.articles == 3 and third.is_archived("https://x.vn/cu-1.html")
    assert third.add_aliases("https://x.vn/cu-1.html", ["https://x.vn/cu-cu-1.html"], "r3")  # an alias's line
    third.close()


def test_a_redirect_to_an_article_this_run_fetched_first_is_not_asked_again(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    data = tmp_path / "data"
    with SiteServer(site) as server:
        server.rules.redirects[OLD_URL] = (ARTICLE, 301)
        server.rules.delay[OLD_URL] = 2.0  # its 301 comes when the article, linked beside it, is fetched already
        link_from_listing(site, OLD_URL)
        first = crawl(server, data)
        assert first.count(OLD_URL) == 1 and first.count(ARTICLE) == 1
        second = crawl(server, data)  # the hop Scrapy's duplicate filter dropped was journaled from the 301
        assert OLD_URL not in second and ARTICLE not in second
