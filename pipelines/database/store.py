"""Store: batched writes into the DuckDB file, through Arrow, holding the file only for the write itself.

A DuckDB file opened read-write by one process cannot be opened by another at all, so the store connects
per batch and lets go at once: a researcher's shell can open the database between batches. When the file
is busy (the shell holds it), the batch goes to a spool of Parquet files beside the database instead, and
the spool is merged at the next write that gets the lock. Nothing is lost either way.

Tables are created from `queries/schema.sql`, the one place the schema is written (pipelines.database.schema).
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.database.schema import apply_schema, schema_sql

logger = logging.getLogger(__name__)

__all__ = ["DB_NAME", "Batch", "Store", "StoreBusy", "schema_sql"]

DB_NAME = "baotinh.duckdb"  # the database file in a data directory

# Insert order matters to a reader: captures before the articles that point at them.
TABLE_ORDER = ("runs", "sites", "captures", "articles", "images", "figures", "warc_files")
CHILD_TABLES = ("images", "figures")
REPLACE_FILE = "replace_files.json"  # in a spooled batch: the WARC files whose old rows it replaces
Batch = dict[str, list[dict[str, Any]]]


class StoreBusy(RuntimeError):
    """Another process holds the database file."""


def _to_arrow(rows: list[dict[str, Any]]) -> pa.Table:
    # One time zone per column for Arrow: instants go in as UTC (TIMESTAMPTZ keeps the instant, not the zone).
    fixed = [
        {k: v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for k, v in row.items()}
        for row in rows
    ]
    return pa.Table.from_pylist(fixed)


def _is_lock_error(error: duckdb.Error) -> bool:
    # 'IO Error: Could not set lock on file "…": Conflicting lock is held in … (PID 4242)'
    return "Could not set lock on file" in str(error) or "Conflicting lock" in str(error)


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
    def connect(self, read_only: bool = False, wait: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection, closed on exit. `wait` seconds are spent retrying while another process holds the
        file (a crawl holds it for a batch at a time); then StoreBusy."""
        deadline = time.monotonic() + wait
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.IOException as e:
                if not _is_lock_error(e):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{self.path} is open in another process") from e
                time.sleep(0.05)
        try:
            if not self._schema_ready and not read_only:
                apply_schema(con)
                self._schema_ready = True
            yield con
        finally:
            con.close()

    def ensure_schema(self) -> None:
        with self.connect():
            pass

    def write(self, batch: Batch, replace_files: Sequence[str] = ()) -> bool:
        """Write one batch in one transaction; spool it if the database is busy. True when written.

        `replace_files`: WARC file names whose earlier rows (captures, their articles, images, figures and
        warc_files row) are deleted in the same transaction, so a re-indexed file holds exactly its new rows.
        """
        batch = {t: rows for t, rows in batch.items() if rows}
        if not batch and not replace_files:
            return True
        try:
            with self.connect() as con:
                self._merge_spool(con)
                self._insert(con, batch, replace_files)
            return True
        except StoreBusy:
            if not self.busy_logged:
                logger.warning(
                    "database %s is open in another process; keeping rows in %s until it is free",
                    self.path, self.spool_dir,
                )
                self.busy_logged = True
            self._spool(batch, replace_files)
            return False
        except duckdb.Error as e:
            # a schema or disk problem must not cost the batch: keep it for the next merge (on a full disk the
            # spool fails too, and its OSError is raised: the caller leaves the rows to the WARC files)
            self._spool(batch, replace_files)
            logger.error("cannot write to %s (%s); batch kept in %s", self.path, e, self.spool_dir)
            return False

    def merge_spool(self) -> int:
        """Merge spooled batches now (raises StoreBusy if the file is still held). Returns batches merged."""
        with self.connect() as con:
            return self._merge_spool(con)

    def spooled(self) -> int:
        """Batches waiting in the spool."""
        if not self.spool_dir.exists():
            return 0
        return sum(1 for p in self.spool_dir.iterdir() if p.is_dir() and p.suffix != ".partial")

    # -- internals ------------------------------------------------------------------------------------------
    @staticmethod
    def _insert(
        con: duckdb.DuckDBPyConnection,
        batch: dict[str, pa.Table | list[dict[str, Any]]],
        replace_files: Sequence[str] = (),
    ) -> None:
        con.begin()
        try:
            if replace_files:
                _delete_files(con, list(replace_files))
            tables = {t: rows if isinstance(rows, pa.Table) else _to_arrow(rows)
                      for t, rows in batch.items() if rows is not None and len(rows)}
            if "articles" in tables:
                # An article written again is replaced with its images and figures as a whole, also when it
                # now has none of them.
                con.register("_articles", tables["articles"])
                for child in CHILD_TABLES:
                    con.execute(f"DELETE FROM {child} WHERE article_id IN (SELECT article_id FROM _articles)")
                con.unregister("_articles")
            for table in TABLE_ORDER:
                if table not in tables:
                    continue
                con.register("_batch", tables[table])
                # Re-runs stay idempotent (a re-merged spool, a re-indexed file): keyed tables replace their rows.
                if table in CHILD_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM _batch)")
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")
                else:
                    con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _batch")
                con.unregister("_batch")
            con.commit()
        except BaseException:
            # a commit that failed (a full disk) has ended the transaction already: the error to raise is its own
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            raise

    def _spool(self, batch: Batch, replace_files: Sequence[str] = ()) -> None:
        target = self.spool_dir / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.partial"
        target.mkdir(parents=True)
        try:
            for table, rows in batch.items():
                pq.write_table(_to_arrow(rows), target / f"{table}.parquet")
            if replace_files:
                (target / REPLACE_FILE).write_text(json.dumps(list(replace_files)), encoding="utf-8")
        except OSError:  # a full disk: the half-written batch goes at once (its rows are in the WARC files)
            shutil.rmtree(target, ignore_errors=True)
            raise
        target.rename(target.with_suffix(""))  # a batch appears whole or not at all

    def _merge_spool(self, con: duckdb.DuckDBPyConnection) -> int:
        if not self.spool_dir.exists():
            return 0
        merged = 0
        # names start with a timestamp: batches merge in the order they were written
        for folder in sorted(p for p in self.spool_dir.iterdir() if p.is_dir() and p.suffix != ".partial"):
            batch = {f.stem: pq.read_table(f) for f in folder.glob("*.parquet")}
            replace = folder / REPLACE_FILE
            files = json.loads(replace.read_text(encoding="utf-8")) if replace.exists() else []
            self._insert(con, batch, files)
            shutil.rmtree(folder)
            merged += 1
        if merged:
            logger.info("merged %d spooled batch(es) into %s", merged, self.path)
        return merged


def _delete_files(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _gone AS SELECT capture_id FROM captures WHERE warc_file IN "
                "(SELECT unnest(?::VARCHAR[]))", [files])
    for table in (*CHILD_TABLES, "articles"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT capture_id FROM _gone)")
    con.execute("DELETE FROM captures WHERE capture_id IN (SELECT capture_id FROM _gone)")
    con.execute("DELETE FROM warc_files WHERE warc_file IN (SELECT unnest(?::VARCHAR[]))", [files])
    con.execute("DROP TABLE _gone")
