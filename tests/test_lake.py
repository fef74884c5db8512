"""The tables in a DuckLake catalog on a real PostgreSQL server: the same tables and views as the DuckDB file,
two crawls of two sites committing into it at once with every article stored once, a conflict between two
writers run again, a researcher's DuckDB shell reading it through ATTACH, and an unreachable catalog as one
line and exit code 69."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from pipelines.database.lake import LakeCatalog
from pipelines.database.store import Store
from tests.cluster import Postgres, postgres  # noqa: F401  # the fixture: a throwaway PostgreSQL server
from tests.conftest import ENV, REPO, SITES, copy_site, duckdb_cli, run_baotinh
from tests.dbfixture import fixture_rows
from tests.tools import free_port

pytestmark = pytest.mark.cluster

TABLES = ("sites", "runs", "captures", "articles", "images", "figures", "warc_files", "schema_migrations")
VIEWS = ("latest_articles", "articles_by_site_month", "article_figures", "site_summary", "run_summary")
NOT_COMPARED = {"schema_migrations": " EXCLUDE (applied_at)"}  # when each database reached its version


def lake_store(pg: Postgres, name: str, tmp_path: Path) -> Store:
    return Store(tmp_path / "spool-side" / "baotinh.duckdb",
                 catalog=LakeCatalog(pg.catalog(pg.create_database(name)), str(tmp_path / f"{name}-files") + "/"))


def everything(store: Store) -> dict[str, list[tuple]]:
    with store.connect(read_only=True) as con:
        found = {t: con.execute(f"SELECT *{NOT_COMPARED.get(t, '')} FROM {t}").fetchall() for t in TABLES + VIEWS}
        found["search_articles_folded"] = con.execute("SELECT * FROM search_articles_folded('phu tho')").fetchall()
    return {name: sorted(rows, key=repr) for name, rows in found.items()}


def test_the_catalog_holds_the_same_tables_and_views_as_the_duckdb_file(
        postgres: Postgres, tmp_path: Path) -> None:  # noqa: F811
    local = Store(tmp_path / "local" / "baotinh.duckdb")
    lake = lake_store(postgres, "same_tables", tmp_path)
    for store in (local, lake, lake):  # the second write to the lake replaces its rows: nothing doubles
        assert store.write(fixture_rows())
    expected = everything(local)
    assert len(expected["articles"]) == 6 and len(expected["latest_articles"]) == 6
    assert everything(lake) == expected


def test_a_commit_that_loses_to_another_writer_is_run_again(postgres: Postgres, tmp_path: Path) -> None:  # noqa: F811
    store = lake_store(postgres, "conflict", tmp_path)
    store.ensure_schema()
    other = Store(tmp_path / "other" / "baotinh.duckdb", catalog=LakeCatalog(store.catalog.spec))
    row = fixture_rows()["sites"][:1]
    store.write({"sites": row})
    attempts: list[int] = []

    def work() -> None:
        attempts.append(len(attempts) + 1)
        with store.connect() as con:
            con.begin()
            con.execute("DELETE FROM sites WHERE site = 'baophutho'")
            if len(attempts) == 1:
                assert other.write({"sites": row})  # another node replaces the same row first
            con.execute("INSERT INTO sites BY NAME SELECT * FROM (SELECT 'baophutho' AS site, 'lại' AS name)")
            con.commit()

    store.retrying(work)
    assert attempts == [1, 2]
    with store.connect(read_only=True) as con:
        assert con.execute("SELECT site, name FROM sites").fetchall() == [("baophutho", "lại")]


def crawl(base: str, data: Path, catalog: str, files: Path) -> subprocess.Popen[str]:
    env = {**os.environ, **ENV, "BAOTINH_CATALOG": catalog, "BAOTINH_CATALOG_DATA_PATH": str(files) + "/"}
    # one request at a time, small batches: each crawl lasts seconds and commits many times
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--start-url", base + "/", "--data-dir", str(data),
         "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "STORE_BATCH_SIZE=5",
         "--set", "STORE_FLUSH_INTERVAL=0.3"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_two_crawls_commit_into_one_catalog_at_once(postgres: Postgres, tmp_path: Path) -> None:  # noqa: F811
    catalog = postgres.catalog(postgres.create_database("two_crawls"))
    news = copy_site(tmp_path / "news", rules='\n[delay]\n"/*" = 0.2\n')
    with SiteServer(news, host="127.0.0.2") as paper, SiteServer(SITES / "slow", host="127.0.0.3") as slow:
        crawls = [crawl(site.base_url, tmp_path / name, catalog, tmp_path / "lake-files")
                  for name, site in (("node-a", paper), ("node-b", slow))]
        errors = [c.communicate(timeout=300)[1] for c in crawls]
    assert [c.returncode for c in crawls] == [0, 0], "\n".join(e[-3000:] for e in errors)
    assert not any((tmp_path / n / "baotinh.duckdb").exists() for n in ("node-a", "node-b"))  # all in the lake

    query = ("SELECT site, count(*) AS articles, count(DISTINCT url) AS urls FROM lake.articles GROUP BY site "
             "ORDER BY site;\n"
             "SELECT count(*) FROM lake.captures c ANTI JOIN lake.articles a ON a.article_id = c.capture_id "
             "WHERE c.status = 200 AND c.url LIKE '%.html';\n"
             "SELECT run_id, started_at, finished_at, status FROM lake.runs ORDER BY started_at;\n")
    # a third process: the researcher's DuckDB shell, through ATTACH (queries/init.sql finds the extensions)
    shell = duckdb_cli("-init", str(REPO / "queries" / "init.sql"), "-csv", "-noheader", "-c",
                       f"ATTACH '{catalog}' AS lake (READ_ONLY);", "-c", query)
    assert shell.returncode == 0, shell.stderr
    lines = shell.stdout.splitlines()
    sites = [line.split(",") for line in lines[:2]]
    assert [(slug.rsplit("-", 1)[0], n, urls) for slug, n, urls in sites] \
        == [("127-0-0-2", "5", "5"), ("127-0-0-3", "12", "12")]  # every article once
    assert lines[2] == "0"  # and no article page without its article
    runs = [line.split(",") for line in lines[3:]]
    assert len(runs) == 2 and {r[3] for r in runs} == {"finished"}
    (_, start_a, end_a, _), (_, start_b, end_b, _) = runs
    assert datetime.fromisoformat(start_b) < datetime.fromisoformat(end_a), "the crawls did not overlap"


def test_an_unreachable_catalog_is_one_line_and_exit_69(news_site: SiteServer, tmp_path: Path) -> None:
    closed = f"ducklake:postgres:dbname=none host=127.0.0.1 port={free_port()} user=baotinh connect_timeout=2"
    (tmp_path / "warc").mkdir()
    result = run_baotinh("index", "--data-dir", str(tmp_path), "--catalog", closed)
    assert result.returncode == 69, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("baotinh: catalog ducklake:postgres:dbname=none") and "cannot be opened" in line

    env = {**os.environ, **ENV, "BAOTINH_CATALOG": closed}
    crawl = subprocess.run([sys.executable, "-m", "crawler", "crawl", "--start-url", news_site.base_url + "/",
                            "--data-dir", str(tmp_path / "data")], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=120)
    assert crawl.returncode == 69, crawl.stderr
    assert crawl.stderr.strip().splitlines()[-1].endswith("nothing was crawled")
    assert "Traceback" not in crawl.stderr and not (tmp_path / "data" / "warc").exists()
