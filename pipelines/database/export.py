"""export_tables(): the database's tables as Parquet files, with a README of their columns.

For researchers who receive an archive rather than a database: one `TABLE.parquet` per table plus
`README.md`, whose column descriptions are taken from the comments of `queries/schema.sql`, so they cannot
drift from the schema. A site and a date range narrow the export; rows that others point at come along
(an article's capture, images and figures; a capture's run; a WARC file's row), so joins still work.

>>> export_tables(Path("data/baotinh.duckdb"), Path("out"), site="baophutho", since=date(2026, 1, 1))
... # doctest: +SKIP
[PosixPath('out/sites.parquet'), …, PosixPath('out/README.md')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

from pipelines.database.schema import schema_sql
from pipelines.database.store import Store

VIETNAM = timezone(timedelta(hours=7))
TABLES = ("sites", "runs", "captures", "articles", "images", "figures", "warc_files")

# Temp tables holding the rows to export, filled in this order; parameters $site, $since, $until.
SELECTIONS = {
    "articles": """
        SELECT * FROM articles a
        WHERE ($site::VARCHAR IS NULL OR a.site = $site)
          AND ($since::TIMESTAMPTZ IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since)
          AND ($until::TIMESTAMPTZ IS NULL OR coalesce(a.published_at, a.fetched_at) < $until)""",
    "images": "SELECT * FROM images WHERE article_id IN (SELECT article_id FROM _x_articles)",
    "figures": "SELECT * FROM figures WHERE article_id IN (SELECT article_id FROM _x_articles)",
    "captures": """
        SELECT * FROM captures c
        WHERE (($site::VARCHAR IS NULL OR c.site = $site)
               AND ($since::TIMESTAMPTZ IS NULL OR c.fetched_at >= $since)
               AND ($until::TIMESTAMPTZ IS NULL OR c.fetched_at < $until))
           OR c.capture_id IN (SELECT capture_id FROM _x_articles)""",
    "runs": "SELECT * FROM runs WHERE $site::VARCHAR IS NULL AND $since::TIMESTAMPTZ IS NULL "
            "AND $until::TIMESTAMPTZ IS NULL "
            "OR run_id IN (SELECT run_id FROM _x_captures)",
    "warc_files": "SELECT * FROM warc_files WHERE warc_file IN (SELECT warc_file FROM _x_captures)",
    "sites": "SELECT * FROM sites WHERE $site::VARCHAR IS NULL OR site = $site "
             "OR site IN (SELECT site FROM _x_articles UNION SELECT site FROM _x_captures)",
}
TABLE_RE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", re.DOTALL)
COLUMN_RE = re.compile(r"^\s+(\w+)\s+([A-Z][A-Z0-9_]*(?:\[\])?)[^-\n]*(?:--\s*(.*))?$")


@dataclass
class TableDoc:
    name: str
    about: str
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # name, type, meaning


def table_docs(sql: str | None = None) -> dict[str, TableDoc]:
    """What schema.sql's comments say of each table and column."""
    sql = sql if sql is not None else schema_sql()
    docs = {}
    for match in TABLE_RE.finditer(sql):
        name, body = match[1], match[2]
        before = sql[: match.start()].removesuffix("\n").split("\n")
        about: list[str] = []
        while before and before[-1].startswith("--"):
            about.insert(0, before.pop().lstrip("- ").strip())
        doc = TableDoc(name, " ".join(a for a in about if a))
        for line in body.split("\n"):
            column = COLUMN_RE.match(line)
            if column and column[1].upper() not in ("PRIMARY", "UNIQUE", "CHECK"):
                doc.columns.append((column[1], column[2], (column[3] or "").strip()))
        docs[name] = doc
    return docs


def export_tables(
    db_path: Path,
    out_dir: Path,
    site: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    *,
    wait: float = 10.0,
) -> list[Path]:
    """Write every table (the rows of `site`, published or fetched between `since` and `until`) as
    `out_dir/TABLE.parquet`, and `out_dir/README.md`. Returns the files written.

    Dates are Vietnamese days, both included; a datetime is an instant, `until` then excluded (so the export
    of one run can start at its first fetch).
    """
    out_dir = Path(out_dir)
    start, end = _instant(since), _instant(until, end=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    counts: dict[str, int] = {}
    with Store(db_path).connect(read_only=True, wait=wait) as con:
        for table, query in SELECTIONS.items():
            given = {"site": site, "since": start, "until": end}
            params = {k: v for k, v in given.items() if f"${k}" in query}
            con.execute(f"CREATE OR REPLACE TEMP TABLE _x_{table} AS {query}", params)
        for table in TABLES:
            path = out_dir / f"{table}.parquet"
            counts[table] = con.execute(f"SELECT count(*) FROM _x_{table}").fetchone()[0]
            con.execute(f"COPY _x_{table} TO '{_quote(str(path))}' (FORMAT parquet, COMPRESSION zstd)")
            written.append(path)
    readme = out_dir / "README.md"
    readme.write_text(readme_text(counts, site, since, until), encoding="utf-8")
    written.append(readme)
    return written


def readme_text(counts: dict[str, int], site: str | None, since: date | None, until: date | None) -> str:
    docs = table_docs()
    scope = [f"site {site}" if site else "every site"]
    if since or until:
        scope.append(f"dates {since or '…'} to {until or '…'} (Vietnamese dates of publication or fetch)")
    lines = [
        "# baotinh tables",
        "",
        f"Exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from a baotinh database: {', '.join(scope)}.",
        "One Parquet file per table; times are instants (UTC); `article_id` = `capture_id` = the WARC-Record-ID",
        "of the response record, so `captures.warc_file` and `warc_offset` lead to the page as it was served.",
        "Read them with DuckDB (`SELECT * FROM 'articles.parquet'`), pandas or R's arrow package.",
        "",
    ]
    for table in TABLES:
        doc = docs.get(table)
        lines += [f"## {table}.parquet ({counts.get(table, 0):,} rows)", ""]
        if doc is None:
            continue
        if doc.about:
            lines += [doc.about, ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| {name} | {kind} | {meaning.replace('|', '/')} |" for name, kind, meaning in doc.columns]
        lines.append("")
    return "\n".join(lines)


def _instant(when: date | datetime | None, end: bool = False) -> datetime | None:
    """A Vietnamese day's first instant (the next day's for `end`, an excluded bound), or the instant given."""
    if when is None or isinstance(when, datetime):
        return when
    day = when + timedelta(days=1) if end else when
    return datetime.combine(day, time(0), VIETNAM)


def _quote(text: str) -> str:
    return text.replace("'", "''")
