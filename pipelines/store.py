"""Store: batched writes into the DuckDB file, through Arrow, holding the file only for the write itself.

A DuckDB file opened read-write by one process cannot be opened by another at all, so the store connects
per batch and lets go at once: a researcher's shell can open the database between batches. When the file
is busy (the shell holds it), the batch goes to a spool of Parquet files beside the database instead, and
the spool is merged at the next write that gets the lock. Nothing is lost either way.

Tables are created from `queries/schema.sql`, the one place the schema is written.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

# Insert order matters to a reader: captures before the articles that point at them.
TABLE_ORDER = ("runs", "captures", "articles", "images", "figures")
CHILD_TABLES = ("images", "figures")
Batch = dict[str, list[dict[str, Any]]]


class StoreBusy(RuntimeError):
    """Another process holds the database file."""


def schema_sql() -> str:
    return (resources.files("queries") / "schema.sql").read_text(encoding="utf-8")


def _to_arrow(rows: list[dict[str, Any]]) -> pa.Table:
    # One time zone per column for Arrow: instants go in as UTC (TIMESTAMPTZ keeps the instant, not the zone).
    fixed = [
        {k: v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for k, v in row.items()}
        for row in rows
    ]
    return pa.Table.from_pylist(fixed)


def _is_lock_error(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()


class Store:
    """The DuckDB database of a data directory.

    >>> store = Store(Path("data/baotinh.duckdb"))                          # doctest: +SKIP
    >>> store.write({"captures": [{"capture_id": "<urn:uuid:…>", …}]})      # doctest: +SKIP
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.spool_dir = self.path.parent / "spool"
        self._schema_ready = False
        self.busy_logged = False

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as e:
            if _is_lock_error(e):
                raise StoreBusy(f"{self.path} is open in another process") from e
            raise
        try:
            if not self._schema_ready and not read_only:
                con.execute(schema_sql())
                self._schema_ready = True
            yield con
        finally:
            con.close()

    def ensure_schema(self) -> None:
        with self.connect():
            pass

    def write(self, batch: Batch) -> bool:
        """Write one batch in one transaction; spool it if the database is busy. True when written."""
        batch = {t: rows for t, rows in batch.items() if rows}
        if not batch:
            return True
        try:
            with self.connect() as con:
                self._merge_spool(con)
                self._insert(con, batch)
            return True
        except StoreBusy:
            if not self.busy_logged:
                logger.warning(
                    "database %s is open in another process; keeping rows in %s until it is free",
                    self.path, self.spool_dir,
                )
                self.busy_logged = True
            self._spool(batch)
            return False
        except duckdb.Error as e:
            # a schema or disk problem must not cost the batch: keep it for the next merge
            logger.error("cannot write to %s (%s); batch kept in %s", self.path, e, self.spool_dir)
            self._spool(batch)
            return False

    def merge_spool(self) -> int:
        """Merge spooled batches now (raises StoreBusy if the file is still held). Returns batches merged."""
        with self.connect() as con:
            return self._merge_spool(con)

    # -- internals ------------------------------------------------------------------------------------------
    @staticmethod
    def _insert(con: duckdb.DuckDBPyConnection, batch: dict[str, pa.Table | list[dict[str, Any]]]) -> None:
        con.begin()
        try:
            for table in TABLE_ORDER:
                rows = batch.get(table)
                if rows is None or len(rows) == 0:
                    continue
                con.register("_batch", rows if isinstance(rows, pa.Table) else _to_arrow(rows))
                # Re-runs stay idempotent (a re-merged spool, a re-indexed file): keyed tables replace their
                # rows, and an article's figures and images are replaced as a whole.
                if table in CHILD_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM _batch)")
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")
                else:
                    con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _batch")
                con.unregister("_batch")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def _spool(self, batch: Batch) -> None:
        target = self.spool_dir / f"{uuid.uuid4().hex}.partial"
        target.mkdir(parents=True)
        for table, rows in batch.items():
            pq.write_table(_to_arrow(rows), target / f"{table}.parquet")
        target.rename(target.with_suffix(""))  # a batch appears whole or not at all

    def _merge_spool(self, con: duckdb.DuckDBPyConnection) -> int:
        if not self.spool_dir.exists():
            return 0
        merged = 0
        for folder in sorted(p for p in self.spool_dir.iterdir() if p.is_dir() and p.suffix != ".partial"):
            batch = {f.stem: pq.read_table(f) for f in folder.glob("*.parquet")}
            self._insert(con, batch)
            shutil.rmtree(folder)
            merged += 1
        if merged:
            logger.info("merged %d spooled batch(es) into %s", merged, self.path)
            self.busy_logged = False
        return merged
