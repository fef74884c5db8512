"""apply_schema(): bring a database to the current schema version, migrating an older one first.

`queries/schema.sql` always describes the latest version and is idempotent. A change that schema.sql cannot
make by itself (a column added to an existing table) is a numbered file `queries/migrations/NNNN_name.sql`;
each runs once, in order, on a database older than its number, then schema.sql runs. The versions reached
are rows of `schema_migrations`. A database made before versions were recorded (it has `captures` but no
`schema_migrations`) is version 1.
"""

from __future__ import annotations

import contextlib
import re
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb

SCHEMA_VERSION = 3
MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaError(RuntimeError):
    """The database is newer than this baotinh, or a migration failed."""


def schema_sql() -> str:
    return (resources.files("queries") / "schema.sql").read_text(encoding="utf-8")


def migrations(folder: Traversable | None = None) -> list[tuple[int, str]]:
    """(version, SQL) of every migration file, in version order."""
    folder = folder or resources.files("queries") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match[1]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """0 for an empty database, 1 for one made before versions were recorded."""
    tables = {t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()}
    if "schema_migrations" in tables:
        return con.execute("SELECT coalesce(max(version), 1) FROM schema_migrations").fetchone()[0]
    return 1 if "captures" in tables else 0


def apply_schema(
    con: duckdb.DuckDBPyConnection, *, sql: str | None = None, steps: list[tuple[int, str]] | None = None,
    latest: int = SCHEMA_VERSION,
) -> int:
    """Migrate and create in one transaction; returns the version the database was at before."""
    con.begin()
    try:
        before = current_version(con)
        if before > latest:
            raise SchemaError(f"the database is at schema version {before}, newer than this baotinh ({latest}): "
                              "upgrade baotinh before writing to it")
        if before > 0:  # an empty database gets the latest schema directly
            for version, step in steps if steps is not None else migrations():
                if before < version <= latest:
                    try:
                        con.execute(step)
                    except duckdb.Error as e:
                        raise SchemaError(f"migration to schema version {version} failed: {e}") from e
        con.execute(sql if sql is not None else schema_sql())
        con.commit()
    except BaseException:
        rollback(con)
        raise
    return before


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any. A commit that failed (a DuckLake conflict, a full disk) has ended
    it already, and DuckDB then refuses the rollback with an error of its own that would hide the commit's:
    the error worth raising is the one that made us roll back."""
    with contextlib.suppress(duckdb.Error):
        con.rollback()
