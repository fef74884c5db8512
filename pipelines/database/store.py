"""Store: batched writes into the DuckDB file, through Arrow, holding the file only for the write itself.

A DuckDB file opened read-write by one process cannot be opened by another at all, so the store connects
per batch and lets go at once: a researcher's shell can open the database between batches. When the file
is busy (the shell holds it), the batch goes to a spool of Parquet files beside the database instead, and
the spool is merged at the next write that gets the lock. Nothing is lost either way. A file that is cut
short or corrupt is damaged, not busy (pipelines.database.damage): connect() raises StoreDamaged, and write()
spools the batch all the same (its rows are in the WARC files too) until the file is restored or rebuilt.

Tables are created from `queries/schema.sql`, the one place the schema is written (pipelines.database.schema).

The backend is a seam: without `catalog` the tables are the local DuckDB file (the embedded default, all of
the above); with a LakeCatalog (pipelines.database.lake, `BAOTINH_CATALOG=ducklake:…`) they are a DuckLake
catalog that many writers commit into at once: no file lock, a batch is replaced by key with delete + insert
(DuckLake has no primary keys), and a commit that conflicts with another writer's is run again. The spool
stays beside `path` either way: a catalog that cannot be reached costs no batch.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from pipelines.database.arrow_rows import Rows, Scan, to_arrow
from pipelines.database.damage import StoreDamaged, damage_reason, size_problem
from pipelines.database.extensions import quote
from pipelines.database.lake import CatalogUnreachable, LakeCatalog
from pipelines.database.memory import bounded_memory
from pipelines.database.schema import apply_schema, rollback, schema_sql

logger = logging.getLogger(__name__)

__all__ = ["DB_NAME", "Batch", "CatalogUnreachable", "Rows", "Store", "StoreBusy", "StoreDamaged", "Tables",
           "data_store", "schema_sql", "to_arrow"]

DB_NAME = "baotinh.duckdb"  # the database file in a data directory

# Insert order matters to a reader: captures before the articles that point at them.
TABLE_ORDER = ("runs", "sites", "captures", "articles", "images", "figures", "warc_files")
CHILD_TABLES = ("images", "figures")
REPLACE_FILE = "replace_files.json"  # in a spooled batch: the WARC files whose old rows it replaces
CONFLICT_RETRIES = 20  # a catalog's commit that lost to another writer's is run again, this many times at most
CONFLICT_WAIT = 0.05  # seconds before the first retry, doubled each time (up to 2 s), with jitter
# A batch waits this long for a reader that opens the file now and then (a shell's query, a status line) before it
# is spooled: without it a reader polling at the flush interval can keep every batch out of the file
WRITE_WAIT = 2.0
# Rows of a row group written by the store: a batch's checkpoint rewrites at most about this many rows of a table
# (open_for_writing); 8,192 rows of `articles` are ~25 MB of text, of `figures` ~10 MB
WRITE_ROW_GROUP = 8_192
# DuckDB memory a batch is written within (joins and sorts beyond it spill beside the file): what it holds of
# the tables it reads, whose blocks it would otherwise keep (_write_memory)
WRITE_MEMORY_LIMIT = "48MB"
Batch = dict[str, list[dict[str, Any]]]
Tables = Mapping[str, Rows]  # what write() takes: each table's rows as dicts or as Arrow (arrow_rows)
T = TypeVar("T")


class StoreBusy(RuntimeError):
    """Another process holds the database file."""


def data_store(data_dir: Path, catalog: str | None = None, data_path: str | None = None) -> Store:
    """The store of a data directory: its DuckDB file, or the DuckLake catalog `catalog` names
    (BAOTINH_CATALOG, with its BAOTINH_CATALOG_DATA_PATH); the spool is the data directory's either way."""
    lake = LakeCatalog(catalog, data_path or None) if catalog else None
    return Store(Path(data_dir) / DB_NAME, catalog=lake)


def open_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the DuckDB file at `path`, whose tables are written in row groups of
    WRITE_ROW_GROUP rows.

    The row group is what a write costs in memory. DuckDB writes each insert as row groups of its own and, at the
    checkpoint that ends a connection, merges small row groups that fit into one (a vacuum): at its default of
    122,880 rows that rewrote up to a whole row group of `figures` (+150 MB near 20,000 articles) and of
    `articles` (all their text, more with every article up to 122,880 of them) in one batch. The size is an
    option of ATTACH, not a setting kept in the file, so every writer attaches the file with it; readers and
    the file stay as they are. The database is named as duckdb.connect(path) names it (the file's stem)."""
    con = duckdb.connect()
    try:
        # ATTACH takes no parameters: the path goes in as a quoted literal
        con.execute(f"ATTACH '{quote(str(path))}' AS {_quoted(path.stem)} (ROW_GROUP_SIZE {WRITE_ROW_GROUP})")
        con.execute(f"USE {_quoted(path.stem)}")
        # beyond a memory limit joins and sorts spill beside the file, as they do on a connection made with its path
        con.execute("SET temp_directory = ?", [str(path) + ".tmp"])
    except BaseException:
        con.close()
        raise
    return con


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_lock_error(error: duckdb.Error) -> bool:
    # 'IO Error: Could not set lock on file "…": Conflicting lock is held in … (PID 4242)'
    return "Could not set lock on file" in str(error) or "Conflicting lock" in str(error)


class Store:
    """The DuckDB database of a data directory.

    >>> store = Store(Path("data/baotinh.duckdb"))                          # doctest: +SKIP
    >>> store.write({"captures": [{"capture_id": "<urn:uuid:…>", …}]})      # doctest: +SKIP
    """

    def __init__(self, path: Path, catalog: LakeCatalog | None = None) -> None:
        self.path = Path(path)  # the DuckDB file; with a catalog, where the spool is (beside it)
        self.catalog = catalog
        self.spool_dir = self.path.parent / "spool"
        self._schema_ready = False
        self.busy_logged = False
        self.unreachable_logged = False
        self.damage_logged = False
        self.damaged: str | None = None  # why the file could not be read, once a connection found it damaged

    @property
    def where(self) -> str:
        """The database as messages name it: the file, or the catalog."""
        return str(self.path) if self.catalog is None else self.catalog.label

    def exists(self) -> bool:
        """True when the database (the file, or the catalog's tables) exists."""
        return self.path.exists() if self.catalog is None else self.catalog.exists()

    @contextmanager
    def connect(self, read_only: bool = False, wait: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection, closed on exit. `wait` seconds are spent retrying while another process holds the
        file (a crawl holds it for a batch at a time); then StoreBusy. A file cut short or corrupt raises
        StoreDamaged, when it is opened or when a query in the block reaches the damage. With a catalog:
        CatalogUnreachable when it cannot be opened."""
        if self.catalog is not None:
            with self._catalog_connection(read_only) as con:
                yield con
            return
        deadline = time.monotonic() + wait
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        replay = self.path.with_name(self.path.name + ".wal").exists()
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=True) if read_only else open_for_writing(self.path)
                break
            except duckdb.IOException as e:
                if not _is_lock_error(e):
                    self._raise_if_damaged(e)
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{self.path} is open in another process") from e
                time.sleep(0.05)
        try:
            problem = None if replay else size_problem(con, self.path)
            if problem is not None:
                self.damaged = problem
                raise StoreDamaged(self.path, problem)
            if not self._schema_ready and not read_only:
                apply_schema(con)
                self._schema_ready = True
            yield con
        except duckdb.Error as e:
            self._raise_if_damaged(e)
            raise
        finally:
            con.close()

    @contextmanager
    def _catalog_connection(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        assert self.catalog is not None
        if not self._schema_ready and not read_only:
            # nodes starting together make the tables together: the losers of the race run it again
            self.retrying(self._apply_catalog_schema)
        con = self.catalog.open()
        try:
            yield con
        finally:
            con.close()

    def _apply_catalog_schema(self) -> None:
        assert self.catalog is not None
        with self.catalog.open(session=False) as con:
            self.catalog.apply_schema(con)
        self._schema_ready = True

    def retrying(self, work: Callable[[], T]) -> T:
        """`work()`, run again while it loses a commit to another writer of the catalog."""
        wait = CONFLICT_WAIT
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return work()
            except duckdb.Error as e:
                if self.catalog is None or not self.catalog.is_conflict(e) or attempt == CONFLICT_RETRIES:
                    raise
                logger.debug("commit to %s conflicted with another writer's (attempt %d): %s", self.where,
                             attempt + 1, str(e).splitlines()[0])
                time.sleep(wait * (0.5 + random.random()))
                wait = min(wait * 2, 2.0)
        raise AssertionError("unreachable")
    def _raise_if_damaged(self, error: duckdb.Error) -> None:
        reason = damage_reason(error, self.path)
        if reason is not None:
            self.damaged = reason
            raise StoreDamaged(self.path, reason) from error

    def ensure_schema(self) -> None:
        with self.connect():
            pass

    def write(self, batch: Tables, replace_files: Sequence[str] = ()) -> bool:
        """Write one batch in one transaction; spool it if the database is busy. True when written.

        `replace_files`: WARC file names whose earlier rows (captures, their articles, images, figures and
        warc_files row) are deleted in the same transaction, so a re-indexed file holds exactly its new rows.
        """
        batch = {t: rows for t, rows in batch.items() if len(rows)}
        if not batch and not replace_files:
            return True
        def attempt() -> None:
            with self.connect(wait=WRITE_WAIT) as con:
                self._bounded(con, lambda: (self._merge_spool(con), self._insert(con, batch, replace_files)))

        try:
            self.retrying(attempt)
            return True
        except CatalogUnreachable as e:
            if not self.unreachable_logged:
                logger.error("%s; keeping rows in %s until it can be reached", e, self.spool_dir)
                self.unreachable_logged = True
            self._spool(batch, replace_files)
            return False
        except StoreBusy:
            if not self.busy_logged:
                logger.warning(
                    "database %s is open in another process; keeping rows in %s until it is free",
                    self.path, self.spool_dir,
                )
                self.busy_logged = True
            self._spool(batch, replace_files)
            return False
        except StoreDamaged as e:
            # no waiting helps: the rows wait in the spool (and are in the WARC files) until the file is
            # restored or rebuilt
            if not self.damage_logged:
                logger.error("%s; keeping rows in %s", e, self.spool_dir)
                self.damage_logged = True
            self._spool(batch, replace_files)
            return False
        except duckdb.Error as e:
            # a schema or disk problem must not cost the batch: keep it for the next merge (on a full disk the
            # spool fails too, and its OSError is raised: the caller leaves the rows to the WARC files)
            self._spool(batch, replace_files)
            logger.error("cannot write to %s (%s); batch kept in %s", self.where, e, self.spool_dir)
            return False

    def merge_spool(self) -> int:
        """Merge spooled batches now (raises StoreBusy if the file is still held). Returns batches merged."""
        def attempt() -> int:
            with self.connect() as con:
                return self._bounded(con, lambda: self._merge_spool(con))

        return self.retrying(attempt)

    def spooled(self) -> int:
        """Batches waiting in the spool."""
        if not self.spool_dir.exists():
            return 0
        return sum(1 for p in self.spool_dir.iterdir() if p.is_dir() and p.suffix != ".partial")

    # -- internals ------------------------------------------------------------------------------------------
    def _bounded(self, con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
        """`work()` within WRITE_MEMORY_LIMIT: left to its default (80 % of the machine) DuckDB keeps every block
        a batch's deletes and key checks read, and they read whole columns of tables that grow with the archive.
        A batch too large for the limit (what a transaction inserts stays in memory) is written again without
        it: a limit must never keep rows out of the database. Each batch is its own transaction, so what was
        committed before stays. A catalog's connection is left as it is."""
        if self.catalog is not None:
            return work()
        try:
            with bounded_memory(con, WRITE_MEMORY_LIMIT):
                return work()
        except duckdb.OutOfMemoryException as e:
            logger.debug("batch larger than %s of DuckDB memory (%s): written without the limit",
                         WRITE_MEMORY_LIMIT, str(e).splitlines()[0])
            return work()

    def _insert(
        self,
        con: duckdb.DuckDBPyConnection,
        batch: Tables,
        replace_files: Sequence[str] = (),
    ) -> None:
        con.begin()
        try:
            if replace_files:
                _delete_files(con, list(replace_files))
            tables = {t: rows if isinstance(rows, pa.Table) else to_arrow(rows)
                      for t, rows in batch.items() if rows is not None and len(rows)}
            # A capture written again (a record indexed again) is replaced with all that was derived from it, also
            # when it now gives no article: a record's rows are one unit (crawler.ingest.sink). An article written
            # again is replaced with its images and figures as a whole, also when it now has none of them. Each
            # table is searched once for all the rows a batch replaces (a scan of the whole table each time).
            for table, ids in _replaced_ids(tables).items():
                con.register("_replaced", Scan(pa.table({"id": ids})))
                con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT id FROM _replaced)")
                con.unregister("_replaced")
            for table in TABLE_ORDER:
                if table not in tables:
                    continue
                # a catalog's upsert reads its batch twice (a Scan is read once)
                con.register("_batch", tables[table] if self.catalog is not None else Scan(tables[table]))
                # Re-runs stay idempotent (a re-merged spool, a re-indexed file): keyed tables replace their rows.
                if table in CHILD_TABLES:  # their rows of the batch's articles went above
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")
                elif self.catalog is not None:
                    self.catalog.upsert(con, table)
                else:
                    con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _batch")
                con.unregister("_batch")
            con.commit()
        except BaseException:
            # a commit that failed (a full disk) has ended the transaction already: the error to raise is its own
            rollback(con)
            raise

    def _spool(self, batch: Tables, replace_files: Sequence[str] = ()) -> None:
        import pyarrow.parquet as pq  # here: a crawl that never spools never maps Parquet's libraries

        target = self.spool_dir / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.partial"
        target.mkdir(parents=True)
        try:
            for table, rows in batch.items():
                pq.write_table(rows if isinstance(rows, pa.Table) else to_arrow(rows), target / f"{table}.parquet")
            if replace_files:
                (target / REPLACE_FILE).write_text(json.dumps(list(replace_files)), encoding="utf-8")
        except OSError:  # a full disk: the half-written batch goes at once (its rows are in the WARC files)
            shutil.rmtree(target, ignore_errors=True)
            raise
        target.rename(target.with_suffix(""))  # a batch appears whole or not at all

    def _merge_spool(self, con: duckdb.DuckDBPyConnection) -> int:
        if not self.spool_dir.exists():
            return 0
        import pyarrow.parquet as pq

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
            logger.info("merged %d spooled batch(es) into %s", merged, self.where)
        return merged


def _replaced_ids(tables: dict[str, pa.Table]) -> dict[str, pa.ChunkedArray]:
    """Per table derived from a capture, the article ids whose rows a batch replaces: those of its captures,
    and for images and figures also of its articles and of their own rows."""
    def ids(table: str, column: str) -> list[pa.ChunkedArray]:
        if table not in tables:
            return []
        values = tables[table].column(column)
        return [values if values.type == pa.string() else values.cast(pa.string())]  # a cast imports pyarrow.compute

    captures, articles = ids("captures", "capture_id"), ids("articles", "article_id")
    replaced = {"articles": captures}
    for child in CHILD_TABLES:
        replaced[child] = [*captures, *articles, *ids(child, "article_id")]
    return {table: pa.chunked_array([c for column in columns for c in column.chunks], pa.string())
            for table, columns in replaced.items() if columns}


def _delete_files(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _gone AS SELECT capture_id FROM captures WHERE warc_file IN "
                "(SELECT unnest(?::VARCHAR[]))", [files])
    for table in (*CHILD_TABLES, "articles"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT capture_id FROM _gone)")
    con.execute("DELETE FROM captures WHERE capture_id IN (SELECT capture_id FROM _gone)")
    con.execute("DELETE FROM warc_files WHERE warc_file IN (SELECT unnest(?::VARCHAR[]))", [files])
    con.execute("DROP TABLE _gone")
