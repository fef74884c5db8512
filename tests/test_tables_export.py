"""export_tables(): Parquet files of the tables and a README of their columns, narrowed by site and dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.database.export import TABLES, export_tables, table_docs
from tests.dbfixture import article_id


def parquet_rows(path: Path, query: str = "SELECT count(*) FROM t") -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{path}')")
        return con.execute(query).fetchall()


def test_every_table_is_written_with_every_row_and_column(fixture_db: Path, tmp_path: Path) -> None:
    files = export_tables(fixture_db, tmp_path / "out")
    assert [f.name for f in files] == [f"{t}.parquet" for t in TABLES] + ["README.md"]
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        for table in TABLES:
            expected = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            assert parquet_rows(tmp_path / "out" / f"{table}.parquet", "SELECT * FROM t ORDER BY ALL") == expected


def test_site_and_dates_narrow_the_export_and_keep_what_rows_point_at(fixture_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_tables(fixture_db, out, site="vccidata", since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert parquet_rows(out / "articles.parquet", "SELECT article_id FROM t") == [(article_id(4),)]
    assert parquet_rows(out / "images.parquet", "SELECT article_id FROM t") == [(article_id(4),)]
    # the article's capture comes along; so do the run and WARC file it names, and the site
    assert (article_id(4),) in parquet_rows(out / "captures.parquet", "SELECT capture_id FROM t")
    assert parquet_rows(out / "runs.parquet", "SELECT run_id FROM t") == [("20260313T190000Z-aaaa",)]
    assert parquet_rows(out / "warc_files.parquet") == [(1,)]
    assert parquet_rows(out / "sites.parquet", "SELECT site FROM t") == [("vccidata",)]
    assert parquet_rows(out / "figures.parquet") == [(0,)]  # an empty table still has its columns


def test_readme_describes_every_column_from_schema_comments(fixture_db: Path, tmp_path: Path) -> None:
    export_tables(fixture_db, tmp_path / "out", site="baophutho")
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "site baophutho" in readme
    assert "## articles.parquet (4 rows)" in readme
    docs = table_docs()
    for table in TABLES:
        for name, kind, meaning in docs[table].columns:
            assert f"| {name} | {kind} | {meaning.replace('|', '/')} |" in readme
    assert "| payload_digest | VARCHAR | WARC-Payload-Digest (sha1, base32) of the body as served |" in readme
