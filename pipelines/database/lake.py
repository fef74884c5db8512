"""LakeCatalog: the tables in a DuckLake catalog that many crawl nodes write into at once.

`BAOTINH_CATALOG=ducklake:postgres:dbname=baotinh host=db.example` (any DuckLake metadata database: a
PostgreSQL server for many writers, `ducklake:FILE.ducklake` for one) with `BAOTINH_CATALOG_DATA_PATH` where
the Parquet files go (a folder every writer sees, or a bucket). DuckLake records the data path in the catalog
when it creates it, so readers and later writers may leave it out.

- One DuckDB instance (in memory) per catalog object attaches the lake once; each `open()` is a cursor of it,
  with the lake as its default database and the session objects of the schema (macros and views, see
  pipelines.database.lake_schema) made again, since they live in the session.
- The tables are made from queries/schema.sql, translated (no primary keys in DuckLake: rows are replaced by
  deleting the batch's keys and inserting, in one transaction).
- Several writers commit concurrently: DuckLake's optimistic concurrency fails a commit that deleted rows
  another transaction deleted first ("Failed to commit DuckLake transaction"); the store runs the whole
  transaction again (`is_conflict`).
- The extensions come from the pinned duckdb-ext-ducklake and duckdb-ext-postgres packages; nothing is
  downloaded. A catalog that cannot be reached is CatalogUnreachable, one line.
"""

from __future__ import annotations

import re
import threading
import time
from importlib import resources

import duckdb

from pipelines.database.extensions import load_extension, quote
from pipelines.database.lake_schema import LakeSchema, lake_schema
from pipelines.database.schema import SCHEMA_VERSION, apply_schema, migrations

ALIAS = "lake"
PREFIX = "ducklake:"
PASSWORD_RE = re.compile(r"(password\s*=\s*)\S+", re.I)
INIT_RACE = "Failed to initialize DuckLake"
INIT_RETRIES = 5


class CatalogUnreachable(RuntimeError):
    """The DuckLake catalog cannot be opened (server down, wrong name, extension missing): one line."""


def is_lake(spec: str | None) -> bool:
    return bool(spec) and spec.startswith(PREFIX)


class LakeCatalog:
    """>>> lake = LakeCatalog("ducklake:postgres:dbname=baotinh host=127.0.0.1", "/srv/lake/")  # doctest: +SKIP
    >>> Store(Path("data/baotinh.duckdb"), catalog=lake).write(batch)                          # doctest: +SKIP
    """

    fts = False  # FTS keeps its index as macros and tables in a schema of its own: DuckLake stores no macros

    def __init__(self, spec: str, data_path: str | None = None) -> None:
        if not is_lake(spec):
            raise CatalogUnreachable(f"catalog {spec!r}: expected ducklake:… (e.g. ducklake:postgres:dbname=baotinh)")
        self.spec = spec
        self.data_path = data_path
        self.schema: LakeSchema = lake_schema(resources.files("queries").joinpath("schema.sql")
                                              .read_text(encoding="utf-8"))
        self._db: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    @property
    def label(self) -> str:
        """The catalog as messages name it (a password in the spec is not shown)."""
        return PASSWORD_RE.sub(r"\1***", self.spec)

    def open(self, session: bool = True) -> duckdb.DuckDBPyConnection:
        """A connection with the lake as its default database and (`session`) the schema's macros and views,
        which need the tables; close it when done."""
        con = self._instance().cursor()
        try:
            con.execute(f"USE {ALIAS}")
            for statement in self.schema.session if session else ():
                con.execute(statement)
        except BaseException:
            con.close()
            raise
        return con

    def exists(self) -> bool:
        """True once the catalog holds baotinh's tables."""
        with self._instance().cursor() as con:
            return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
                                    "AND table_name = 'captures'", [ALIAS]).fetchone()[0])

    def apply_schema(self, con: duckdb.DuckDBPyConnection) -> int:
        steps = [(version, "\n".join(s + ";" for s in lake_schema(sql).tables)) for version, sql in migrations()]
        return apply_schema(con, sql=self.schema.tables_sql, steps=steps, latest=SCHEMA_VERSION)

    def upsert(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """The rows of the registered `_batch` replace those of `table` with the same keys."""
        key = self.schema.keys[table]
        con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM _batch)")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")

    @staticmethod
    def is_conflict(error: BaseException) -> bool:
        """A commit another writer's commit got in the way of ("Transaction conflict - attempting to delete from
        file … but another transaction has deleted from it"): run the transaction again."""
        text = str(error)
        return isinstance(error, duckdb.TransactionException) and (
            "conflict" in text.lower() or "Failed to commit DuckLake" in text)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _instance(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._db is None:
                self._db = self._attach()
            return self._db

    def _attach(self) -> duckdb.DuckDBPyConnection:
        db = duckdb.connect()
        try:
            for extension in ("ducklake", "postgres"):
                problem = load_extension(db, extension)
                if problem is not None and (extension == "ducklake" or ":postgres:" in self.spec):
                    raise CatalogUnreachable(f"catalog {self.label}: {problem}")
            options = f" (DATA_PATH '{quote(self.data_path)}')" if self.data_path else ""
            for attempt in range(INIT_RETRIES + 1):
                try:
                    db.execute(f"ATTACH '{quote(self.spec)}' AS {ALIAS}{options}")
                    break
                except duckdb.Error as e:
                    # two nodes making a new catalog at once: one of them loses the race to create DuckLake's
                    # own tables ("duplicate key value violates unique constraint"); the catalog then exists
                    if INIT_RACE in str(e) and attempt < INIT_RETRIES:
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    raise CatalogUnreachable(f"catalog {self.label} cannot be opened: {_first_line(e)}") from e
        except BaseException:
            db.close()
            raise
        return db


def _first_line(error: BaseException) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
