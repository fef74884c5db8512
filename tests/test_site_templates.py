"""Site templates in the crawl and in `baotinh index`: learned from the site's archived articles at the end
of a run, stored as files beside the archive, applied by the next crawl, named in the WARC files, and applied
again by `index` exactly as the crawl did.

The fixture site (tests/sites/templated) prints two template lines on every article. Two real crawls into one
data directory: the first archives five articles (no templates yet: the lines stay) and learns; the home page
then links two more articles, which the second crawl archives with the lines removed."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.records import warcinfo_fields
from crawler.demo.server import SiteServer
from crawler.ingest.template_store import WARCINFO_FIELD, TemplateStore
from pipelines.extraction.version import EXTRACTOR_VERSION
from tests.conftest import copy_site, run_baotinh, sql

NOTICE = "Mọi sao chép phải ghi rõ nguồn gốc bài viết và đường dẫn gốc của Tin Tỉnh Mẫu."
SECTION = "thuộc chuyên mục Đời sống địa phương."
LATER = ('<li><a href="/tin/cau-treo-moi-noi-hai-bo-suoi-p1006.html">Cầu treo mới nối hai bờ suối</a></li>\n'
         '<li><a href="/tin/phien-cho-vung-cao-dong-vui-cuoi-tuan-p1007.html">Phiên chợ vùng cao đông vui cuối '
         'tuần</a></li>')
# every row a record gives; runs, sites, warc_files and search_docs carry the time they were written
TABLES = {
    "captures": "SELECT * FROM captures ORDER BY capture_id",
    "articles": "SELECT * FROM articles ORDER BY article_id",
    "images": "SELECT * FROM images ORDER BY article_id, src",
    "figures": "SELECT * FROM figures ORDER BY article_id, char_start, raw",
}


@dataclass
class Crawled:
    data: Path
    slug: str
    digest: str
    runs: list[str]
    second: list[Path]  # WARC files of the second crawl
    rows: dict[str, list[tuple]]  # every row after the second crawl
    stderr: list[str]

    def articles(self, run: int) -> list[tuple]:
        return sql(self.data, "SELECT a.url, a.text, a.extractor FROM articles a JOIN captures c USING (capture_id) "
                              "WHERE c.run_id = ? ORDER BY a.url", self.runs[run])


def rows(data: Path) -> dict[str, list[tuple]]:
    return {table: sql(data, query) for table, query in TABLES.items()}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    tmp = tmp_path_factory.mktemp("templates")
    site = copy_site(tmp / "site", "templated")
    data = tmp / "data"
    with SiteServer(site) as server:
        args = ("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data))
        first = run_baotinh(*args, check=True)
        before = set((data / "warc").glob("*.warc.gz"))
        home = site / "index.html"
        home.write_text(home.read_text(encoding="utf-8").replace("<!-- LATER -->", LATER), encoding="utf-8")
        second = run_baotinh(*args, check=True)
    slug = "127-0-0-1-" + server.base_url.rsplit(":", 1)[1]
    current = json.loads((data / "templates" / slug / "current.json").read_text(encoding="utf-8"))
    runs = [r for (r,) in sql(data, "SELECT run_id FROM runs ORDER BY started_at")]
    return Crawled(data, slug, current["digest"], runs, sorted(set((data / "warc").glob("*.warc.gz")) - before),
                   rows(data), [first.stderr, second.stderr])


def test_the_first_crawl_keeps_the_lines_and_learns_them(crawled: Crawled) -> None:
    first = crawled.articles(0)
    assert len(first) == 5
    for _url, text, extractor in first:
        assert NOTICE in text and SECTION in text
        assert extractor == EXTRACTOR_VERSION
    learned = TemplateStore(crawled.data).load(crawled.slug, crawled.digest)
    assert learned.lines == {NOTICE.lower(), "bài viết {title} " + SECTION.lower()}
    assert learned.pages >= 5 and learned.extractor == EXTRACTOR_VERSION


def test_the_next_crawl_drops_them_and_says_which_set(crawled: Crawled) -> None:
    second = crawled.articles(1)
    assert [url.rsplit("/", 1)[1] for url, _, _ in second] == [
        "cau-treo-moi-noi-hai-bo-suoi-p1006.html", "phien-cho-vung-cao-dong-vui-cuoi-tuan-p1007.html"]
    for _url, text, extractor in second:
        assert NOTICE not in text and SECTION not in text
        assert text.startswith(("Cây cầu dài 60 m", "Hàng trăm người dân"))
        assert extractor == f"{EXTRACTOR_VERSION} templates/{crawled.digest}"
    assert f"site templates {crawled.digest} applied (2 lines" in crawled.stderr[1]


def test_every_warc_file_names_the_sets_its_crawl_applied(crawled: Crawled) -> None:
    assert crawled.second
    for path in crawled.second:
        assert warcinfo_fields(path)[WARCINFO_FIELD] == f"{crawled.slug}/{crawled.digest}"
    first = sorted(set((crawled.data / "warc").glob("*.warc.gz")) - set(crawled.second))
    assert first and all(WARCINFO_FIELD not in warcinfo_fields(p) for p in first)


def test_index_of_the_files_gives_the_crawls_rows(crawled: Crawled, tmp_path: Path) -> None:
    # the database made again from the archive alone: each file with the templates its warcinfo names
    data = tmp_path / "data"
    shutil.copytree(crawled.data, data, ignore=shutil.ignore_patterns("baotinh.duckdb*", "spool"))
    result = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "Traceback" not in result.stderr
    assert rows(data) == crawled.rows
    assert sum(len(r) for r in crawled.rows.values()) > 20


def test_rebuild_applies_the_current_set_and_says_so(crawled: Crawled, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled.data, data)
    result = run_baotinh("index", "--rebuild", "--data-dir", str(data), check=True)
    assert f"templates: the current sets: {crawled.slug} {crawled.digest} (2 lines)" in result.stderr
    rebuilt = rows(data)
    texts = sql(data, "SELECT text, extractor FROM articles")
    assert len(texts) == 7
    for text, extractor in texts:
        assert NOTICE not in text and extractor.endswith(f"templates/{crawled.digest}")
    # the second crawl used this very set: its rows are the same, row for row
    second_run = {r[0] for r in sql(data, "SELECT capture_id FROM captures WHERE run_id = ?", crawled.runs[1])}
    for table in TABLES:  # the first column of each is the capture id (article_id = capture_id)
        mine = [r for r in crawled.rows[table] if r[0] in second_run]
        assert mine == [r for r in rebuilt[table] if r[0] in second_run], table
        assert mine or table == "images", table  # the site has no photos
    # indexing twice changes nothing
    run_baotinh("index", "--rebuild", "--data-dir", str(data), check=True)
    assert rows(data) == rebuilt
    run_baotinh("index", "--data-dir", str(data), check=True)
    assert rows(data) == rebuilt


def test_a_set_stays_while_something_names_it(crawled: Crawled, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled.data, data)
    folder = data / "templates" / crawled.slug
    stray = folder / "0123456789ab.json"
    stray.write_text((folder / f"{crawled.digest}.json").read_text(encoding="utf-8"), encoding="utf-8")
    current = json.loads((folder / "current.json").read_text(encoding="utf-8"))
    (folder / "current.json").write_text(json.dumps({**current, "articles": 1}), encoding="utf-8")  # due again
    run_baotinh("index", "--data-dir", str(data), check=True)
    assert (folder / f"{crawled.digest}.json").exists()  # named by rows and by the second crawl's files
    assert not stray.exists()  # named by nothing


def test_an_exported_package_re_indexed_gives_the_crawls_rows(crawled: Crawled, tmp_path: Path) -> None:
    package = tmp_path / "package"
    run_baotinh("export", "--data-dir", str(crawled.data), "--out", str(package), "--no-wacz", check=True)
    assert (package / "templates" / crawled.slug / f"{crawled.digest}.json").exists()
    assert "templates/SITE/*.json" in (package / "README.md").read_text(encoding="utf-8")
    run_baotinh("index", "--data-dir", str(package), check=True)  # as the README tells the recipient
    assert rows(package) == crawled.rows


def test_a_first_crawl_learns_from_its_stored_rows_without_reading_its_records_again(tmp_path: Path) -> None:
    # the rows of a site's first crawl were made without templates by this extractor: what deriving their
    # records again would give, so learning needs no WARC file (here there is none left to read)
    from crawler.ingest.template_learning import learn_sites
    from crawler.spiders.news import resolve_sites
    from pipelines.database.store import DB_NAME, Store

    site = copy_site(tmp_path / "site", "templated")
    data = tmp_path / "data"
    with SiteServer(site) as server:
        run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data), "--set",
                    "TEMPLATES_ENABLED=False", check=True)
    (crawled,) = resolve_sites("", server.base_url + "/", {})
    assert not (data / "templates").exists()
    for path in (data / "warc").glob("*.warc.gz"):
        path.unlink()
    (outcome,) = learn_sites(data, Store(data / DB_NAME), [crawled], processes=1)
    assert outcome.templates.lines == {NOTICE.lower(), "bài viết {title} " + SECTION.lower()}
    assert outcome.templates.pages == 5
