"""queries/schema.sql: documented, idempotent, versioned, and migrating a database of the first release."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.database.export import table_docs
from pipelines.database.schema import SCHEMA_VERSION, SchemaError, apply_schema, current_version, migrations, schema_sql
from pipelines.database.store import Store
from tests.conftest import REPO, duckdb_cli

TABLES = {"schema_migrations", "sites", "runs", "captures", "articles", "figures", "images", "warc_files",
          "search_docs", "repost_nodes", "repost_edges", "repost_clusters", "reposts"}
VIEWS = {"latest_articles", "articles_by_site_month", "article_figures", "site_summary", "run_summary"}

# The schema of the first release (version 1), as its databases have it.
V1 = """
CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, command VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
                   status VARCHAR, stats JSON);
CREATE TABLE captures (capture_id VARCHAR PRIMARY KEY, run_id VARCHAR, url VARCHAR, status INTEGER, mime VARCHAR,
                       fetched_at TIMESTAMPTZ, warc_file VARCHAR, warc_offset BIGINT, warc_length BIGINT,
                       payload_digest VARCHAR, revisit BOOLEAN);
CREATE TABLE articles (article_id VARCHAR PRIMARY KEY, url VARCHAR, site VARCHAR, title VARCHAR, lead VARCHAR,
                       author VARCHAR, published_at TIMESTAMPTZ, text VARCHAR, source_credit VARCHAR,
                       capture_id VARCHAR, extractor VARCHAR, fetched_at TIMESTAMPTZ);
CREATE TABLE figures (article_id VARCHAR, value DOUBLE, unit VARCHAR, scaled_value DOUBLE, base_unit VARCHAR,
                      kind VARCHAR, change VARCHAR, subject VARCHAR, raw VARCHAR, sentence VARCHAR,
                      char_start INTEGER, char_end INTEGER);
CREATE TABLE images (article_id VARCHAR, src VARCHAR, caption VARCHAR, credit VARCHAR);
INSERT INTO captures VALUES ('<c1>', 'r1', 'https://baophutho.vn/a-100001.html', 200, 'text/html',
                             '2026-03-12 02:00:00+00', 'f.warc.gz', 0, 10, NULL, false),
                            ('<c2>', 'r1', 'https://baophutho.vn/robots.txt', 200, 'text/plain',
                             '2026-03-12 02:00:00+00', 'f.warc.gz', 10, 10, NULL, false);
INSERT INTO articles (article_id, url, site, title, text, capture_id)
VALUES ('<c1>', 'https://baophutho.vn/a-100001.html', 'baophutho', 'Đảng bộ tỉnh', 'Nội dung', '<c1>');
"""


def catalog(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "tables": con.execute("SELECT table_name, sql FROM duckdb_tables() ORDER BY 1").fetchall(),
            "views": con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall(),
            "macros": con.execute("SELECT function_name, macro_definition FROM duckdb_functions() "
                                  "WHERE function_type LIKE '%macro' AND NOT internal ORDER BY 1").fetchall(),
            "versions": con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall(),
        }


def test_a_new_database_gets_every_table_view_and_the_version(tmp_path: Path) -> None:
    Store(tmp_path / "b.duckdb").ensure_schema()
    with duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION
    assert TABLES <= tables and VIEWS <= views


def test_schema_sql_run_twice_by_the_shell_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    schema = str(REPO / "queries" / "schema.sql")
    first = duckdb_cli(db.as_posix(), "-bail", "-f", schema)
    assert first.returncode == 0, first.stderr
    before = catalog(db)
    again = duckdb_cli(db.as_posix(), "-bail", "-f", schema)
    assert again.returncode == 0, again.stderr
    assert catalog(db) == before


def test_every_table_and_column_is_documented() -> None:
    docs = table_docs()
    assert TABLES <= set(docs)
    for table, doc in docs.items():
        assert doc.about, f"table {table} has no comment above it"
        for name, _, meaning in doc.columns:
            assert meaning, f"{table}.{name} has no comment"


def test_the_version_is_recorded_once_by_schema_sql_and_migrations_are_numbered() -> None:
    assert re.search(rf"INSERT OR IGNORE INTO schema_migrations\s+VALUES \({SCHEMA_VERSION},", schema_sql())
    versions = [v for v, _ in migrations()]
    assert versions == sorted(set(versions)) and versions[-1] == SCHEMA_VERSION
    names = [p.name for p in (REPO / "queries" / "migrations").iterdir()]
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+\.sql", n) for n in names), names


def test_a_first_release_database_is_migrated_with_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(V1)
        assert current_version(con) == 1
    store = Store(db)
    store.ensure_schema()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == SCHEMA_VERSION
        # captures learned their site from the article extracted from them
        assert con.execute("SELECT capture_id, site FROM captures ORDER BY 1").fetchall() == [
            ("<c1>", "baophutho"), ("<c2>", None)]
        assert con.execute("SELECT title FROM latest_articles").fetchall() == [("Đảng bộ tỉnh",)]
    # and the store writes the new columns
    assert store.write({"captures": [{"capture_id": "<c3>", "url": "https://baophutho.vn/", "site": "baophutho",
                                      "fetched_at": datetime(2026, 3, 12, tzinfo=UTC)}]})


def test_migrations_run_once_in_order_before_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    Store(db).ensure_schema()
    first, second = SCHEMA_VERSION + 1, SCHEMA_VERSION + 2
    steps = [(first, "ALTER TABLE articles ADD COLUMN words INTEGER; INSERT INTO runs (run_id) VALUES ('m1');"),
             (second, "UPDATE runs SET status = 'migrated' WHERE run_id = 'm1';")]
    sql = schema_sql() + f"\nINSERT OR IGNORE INTO schema_migrations VALUES ({second}, now(), 'test');"
    with duckdb.connect(str(db)) as con:
        assert apply_schema(con, sql=sql, steps=steps, latest=second) == SCHEMA_VERSION
        assert apply_schema(con, sql=sql, steps=steps, latest=second) == second  # nothing left to migrate
        assert con.execute("SELECT run_id, status FROM runs").fetchall() == [("m1", "migrated")]
        assert "words" in {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() "
                                                     "WHERE table_name = 'articles'").fetchall()}


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    Store(db).ensure_schema()
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, now(), 'from the future')")
    with pytest.raises(SchemaError, match="schema version 99, newer than this baotinh"):
        Store(db).ensure_schema()


def test_views_answer_on_the_fixture_database(fixture_db: Path) -> None:
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        # the content farm's repost is its own article; a URL fetched twice would keep its latest row only
        assert con.execute("SELECT count(*) FROM latest_articles").fetchone()[0] == 6
        months = con.execute("SELECT site, month, articles FROM articles_by_site_month "
                             "WHERE site = 'baophutho' ORDER BY month").fetchall()
        assert [(str(m), n) for _, m, n in months] == [("2026-01-01", 1), ("2026-03-01", 3)]  # undated: fetch day
        assert con.execute("SELECT site, captures, articles FROM site_summary").fetchall() == [
            ("baophutho", 6, 4), ("vccidata", 2, 2)]
        assert con.execute("SELECT command, pages, errors FROM run_summary ORDER BY started_at").fetchall() == [
            ("crawl", 8, 1), ("index", 8, 0)]
        folded = con.execute("SELECT fold('Đảng bộ tỉnh Phú Thọ ĐẮK LẮK')").fetchone()[0]
        assert folded == "dang bo tinh phu tho dak lak"
