"""`baotinh index`: the database rebuilt from WARC files alone equals the crawl's, row for row."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from crawler.demo.server import SiteServer
from crawler.ingest.sites import SiteResolver
from crawler.registry import Site, parse_site
from tests.conftest import run_baotinh

# What a crawl and an index run may differ in: which run stored a file's rows, and when rows were written.
# A capture's run_id is the same: the index reads it from the file's warcinfo record.
COMPARED = {
    "captures": "SELECT * FROM captures",
    "articles": "SELECT * FROM articles",
    "images": "SELECT * FROM images",
    "figures": "SELECT * FROM figures",
    "sites": "SELECT * EXCLUDE (updated_at) FROM sites",
    "warc_files": "SELECT * EXCLUDE (run_id, indexed_at) FROM warc_files",
    "search_docs": "SELECT * FROM search_docs",
    "repost_nodes": "SELECT * FROM repost_nodes",
    "repost_edges": "SELECT * FROM repost_edges",
    "repost_clusters": "SELECT * FROM repost_clusters",
    "reposts": "SELECT * FROM reposts",
}


def tables(data: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        return {name: sorted(con.execute(query).fetchall(), key=repr) for name, query in COMPARED.items()}


@pytest.fixture(scope="module")
def crawled(news_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("crawled") / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), check=True)
    return data


def warcs_only(crawled: Path, target: Path) -> Path:
    (target / "warc").mkdir(parents=True)
    for path in (crawled / "warc").glob("*.warc.gz"):
        shutil.copy(path, target / "warc" / path.name)
    return target


def test_a_rebuild_from_the_warc_files_equals_the_crawl(crawled: Path, tmp_path: Path) -> None:
    data = warcs_only(crawled, tmp_path / "data")
    result = run_baotinh("index", "--data-dir", str(data), "--rebuild", "--processes", "2", check=True)
    expected = tables(crawled)
    assert len(expected["articles"]) == 5 and len(expected["captures"]) >= 10
    assert tables(data) == expected
    assert "5 articles" in result.stderr and "search index built: 5 articles" in result.stderr


def test_a_rebuild_in_place_replaces_the_rows_with_equal_ones(crawled: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    before = tables(data)
    run_baotinh("index", "--data-dir", str(data), "--rebuild", "--processes", "1", check=True)
    assert tables(data) == before
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        (index_run,) = con.execute("SELECT run_id FROM runs WHERE command = 'index'").fetchone()
        (crawl_run,) = con.execute("SELECT run_id FROM runs WHERE command = 'crawl'").fetchone()
        assert con.execute("SELECT DISTINCT run_id FROM captures").fetchall() == [(crawl_run,)]  # who fetched
        assert con.execute("SELECT DISTINCT run_id FROM warc_files").fetchall() == [(index_run,)]  # who stored
        assert con.execute("SELECT status, pages, articles FROM run_summary WHERE command = 'index'").fetchall() \
            == [("finished", len(before["captures"]), 5)]


def test_files_the_crawl_stored_are_not_read_again(crawled: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    result = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "0 WARC file(s)" in result.stderr and "every WARC file is indexed already" in result.stderr
    assert "search index up to date (5 articles)" in result.stderr


def test_only_new_files_are_read_and_open_files_are_skipped(crawled: Path, tmp_path: Path) -> None:
    data = warcs_only(crawled, tmp_path / "data")
    run_baotinh("index", "--data-dir", str(data), check=True)
    (first,) = list((data / "warc").glob("*.warc.gz"))
    shutil.copy(first, data / "warc" / ("baotinh-29990101000000000-00000-later.warc.gz.open"))
    result = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "skipping 1 WARC file(s) still named .open" in result.stderr
    assert "0 WARC file(s)" in result.stderr


def test_the_registry_decides_the_site_and_its_article_pattern(news_site: SiteServer, crawled: Path,
                                                                tmp_path: Path) -> None:
    data = warcs_only(crawled, tmp_path / "data")
    host = news_site.base_url.removeprefix("http://")
    registry = tmp_path / "sites.toml"
    registry.write_text(
        f'[site.baotest]\nname = "Báo Thử"\nprovince = "Phú Thọ"\ndomains = ["{host}"]\n'
        f'start_urls = ["{news_site.base_url}/"]\n'
        "article_pattern = '/thoi-su/.*-\\d{6}\\.html$'\n",
        encoding="utf-8",
    )
    run_baotinh("index", "--data-dir", str(data), "--sites-file", str(registry), check=True)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT DISTINCT site FROM captures").fetchall() == [("baotest",)]
        # only the pattern's articles: the /kinh-te/ ones are listings for this registry
        assert con.execute("SELECT count(*), min(url LIKE '%/thoi-su/%') FROM articles").fetchone() == (2, True)
        assert con.execute("SELECT name, province, article_pattern FROM sites").fetchone() == (
            "Báo Thử", "Phú Thọ", r"/thoi-su/.*-\d{6}\.html$")


def test_site_resolver_prefers_the_database_then_the_registry_then_the_host() -> None:
    known = parse_site("baophutho", {"name": "Báo Phú Thọ", "domains": ["baophutho.vn"],
                                     "start_urls": ["https://baophutho.vn/"]})
    registry = {"other": parse_site("other", {"name": "Khác", "domains": ["baophutho.vn", "khac.vn"],
                                              "start_urls": ["https://khac.vn/"]})}
    resolver = SiteResolver([known], registry)
    assert resolver.site_for("https://m.baophutho.vn/a-100001.html").slug == "baophutho"
    assert resolver.site_for("https://khac.vn/").slug == "other"
    adhoc = resolver.site_for("http://127.0.0.1:8123/bai/x-200001.html")
    assert adhoc == Site.from_start_url("http://127.0.0.1:8123/")  # the site --start-url would have made
    assert adhoc.slug == "127-0-0-1-8123"


def test_index_reports_progress_and_user_errors(crawled: Path, tmp_path: Path) -> None:
    data = warcs_only(crawled, tmp_path / "data")
    result = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "index: 100% file 1/1" in result.stderr  # not a terminal: progress lines, not a bar
    missing = run_baotinh("index", "--data-dir", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "no warc/ folder and no database" in missing.stderr


def test_index_while_the_database_is_held(crawled: Path, tmp_path: Path) -> None:
    import sys

    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    hold = ("import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); "
            "sys.stdin.readline()")
    with subprocess.Popen([sys.executable, "-c", hold, str(data / "baotinh.duckdb")], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = run_baotinh("index", "--data-dir", str(data), "--rebuild")
        holder.communicate("\n", timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("close it (a DuckDB shell?) and run `baotinh index` again")


def test_the_walk_finds_every_record_where_warcio_does(crawled: Path, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    from archive.records import walk

    (path,) = list((crawled / "warc").glob("*.warc.gz"))
    walked = list(walk(path, chunk_size=997))  # records across chunk boundaries too
    assert walked[0].offset == 0 and walked[0].warc_type == "warcinfo"
    assert sum(m.length for m in walked) == path.stat().st_size and not [m for m in walked if m.problem]
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        theirs = []
        for record in records:
            record.content_stream().read()  # warcio knows a record's length once it has read it
            theirs.append((records.get_record_offset(), records.get_record_length(), record.rec_type))
    assert [(m.offset, m.length, m.warc_type) for m in walked] == theirs
    # a file cut in the middle of a record: the whole records are found, the rest is named
    cut = tmp_path / path.name
    cut.write_bytes(path.read_bytes()[: walked[-1].offset + 10])
    *whole, last = walk(cut)
    assert whole == walked[:-1]
    assert last.offset == walked[-1].offset and last.problem is not None
    assert "the last 10 bytes are not a whole record" in last.problem


def test_a_damaged_record_costs_that_record_only(crawled: Path, tmp_path: Path) -> None:
    from archive.records import walk

    data = warcs_only(crawled, tmp_path / "data")
    (path,) = list((data / "warc").glob("*.warc.gz"))
    records = list(walk(path))
    article = next(r for r in records if r.warc_type == "response" and r.length > 1000)  # a page, not robots.txt
    raw = bytearray(path.read_bytes())
    raw[article.offset + 200: article.offset + 260] = b"\x00" * 60  # inside its deflate stream
    path.write_bytes(bytes(raw))
    result = run_baotinh("index", "--data-dir", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr  # damage counts in the exit code
    assert f"{path.name} at offset {article.offset}: damaged gzip member" in result.stderr
    assert "1 damaged span(s) in 1 WARC file(s)" in result.stderr
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        responses = sum(1 for r in records if r.warc_type == "response")
        assert con.execute("SELECT count(*) FROM captures").fetchone()[0] == responses - 1
        assert con.execute("SELECT count(*) FROM captures WHERE warc_offset = ?", [article.offset]).fetchone() == (0,)


def test_verify_finds_a_closed_file_without_rows_and_names_the_fix(crawled: Path, tmp_path: Path) -> None:
    from archive.writer import WarcFileWriter
    from tests.test_writer import exchange

    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    assert run_baotinh("verify", "--data-dir", str(data)).returncode == 0
    writer = WarcFileWriter(data / "warc", hostname="elsewhere")  # a file whose rows never reached the database
    for n in range(2):
        writer.write_exchange(exchange(n))
    writer.close()
    (name,) = writer.files_closed
    result = run_baotinh("verify", "--data-dir", str(data))
    assert result.returncode == 1
    (fault,) = [line for line in result.stdout.splitlines() if "FAULT" in line]
    assert name in fault and f"run `baotinh index --data-dir {data}`" in fault
    run_baotinh("index", "--data-dir", str(data), check=True)  # what the fault line says to do
    fixed = run_baotinh("verify", "--data-dir", str(data))
    assert fixed.returncode == 0 and "0 faults" in fixed.stdout
