"""RowSink: rows into the Store in batches, for the live crawl and `baotinh index` alike.

- A unit added is never split: a record's capture row and the rows derived from it go into the same batch
  (one transaction), so "its capture row is stored" means "the record is fully derived", and a record is
  either all in the database or not at all.
- Batches are written in the order units were added, so a unit added after a file's last record (its
  `warc_files` row) is stored only once every record of that file is.
- Keyed tables replace their rows (Store.write), so writing the same units twice changes nothing.
- A unit's rows may come as lists of dicts or as Arrow tables (pipelines.database.arrow_rows: `baotinh index`'s
  workers send Arrow); a batch is the parts of each table joined in order.

With `background`, batches are written by one thread (in order) while the crawl goes on fetching: a batch
holds the database file ~0.1 s (connect, insert, checkpoint), which on the reactor thread would stall every
download for that long. A busy database spools the batch (pipelines.database.store): nothing is lost. A batch
that cannot be written at all (a full disk: `on_full_disk` is told) leaves its WARC files without their
`warc_files` rows, so the next start indexes them again.

Memory stays bounded however slow the database gets: while a batch is being written, the rows that come in
wait and go together in the next one (one write of many rows costs about what one of few does: the connect
and checkpoint dominate), and once `max_waiting` rows wait, adding more waits for the write in progress,
which holds the crawl back as a synchronous sink would. Without this, a crawl that fetched faster than its
database took rows queued a batch every half second behind the writing thread: at 20,000 pages half the
rows were still in memory when fetching ended.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from archive.space import is_disk_full
from pipelines.database.arrow_rows import Rows, joined
from pipelines.database.store import Batch, Store, Tables

logger = logging.getLogger(__name__)

MAX_WAITING = 20_000  # rows (STORE_MAX_WAITING): tens of MB at most, ~40 batches of the default size


class RowSink:
    """>>> sink = RowSink(Store(Path("data/baotinh.duckdb")), batch_rows=500)   # doctest: +SKIP
    >>> sink.add(derived.rows); sink.close()                                   # doctest: +SKIP
    """

    def __init__(self, store: Store, batch_rows: int, *, background: bool = False,
                 with_batch: Callable[[], Batch] | None = None,
                 on_full_disk: Callable[[Exception], None] | None = None, max_waiting: int | None = None) -> None:
        self.store = store
        self.on_full_disk = on_full_disk  # called (in the writing thread) instead of logging a batch lost that way
        self.batch_rows = batch_rows
        # rows that may wait while a batch is written, before add() waits for that write (background only)
        self.max_waiting = max(max_waiting or MAX_WAITING, batch_rows)
        self.with_batch = with_batch  # rows added to every batch (the run's counters so far)
        self.pending: dict[str, list[Rows]] = {}  # each table's parts, in the order they were added
        self.pending_rows = 0
        self.written = self.spooled = self.failed = 0
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="baotinh-store") if background else None
        self._last: Future[bool | None] | None = None
        self._lost = False  # set (in the writing thread) once a batch could not be written

    def add(self, rows: Tables) -> None:
        """One unit of rows, stored whole: a record's (its capture row replaces all earlier rows of the record), or
        a run of records' (`baotinh index`'s workers send each run's rows as one Arrow table per table)."""
        for table, table_rows in rows.items():
            if len(table_rows):
                parts = self.pending.setdefault(table, [])
                if isinstance(table_rows, list) and parts and isinstance(parts[-1], list):
                    parts[-1].extend(table_rows)
                else:
                    parts.append(list(table_rows) if isinstance(table_rows, list) else table_rows)
                self.pending_rows += len(table_rows)
        if self.pending_rows >= self.batch_rows:
            self.flush()

    def flush(self, force: bool = False) -> None:
        """Write what is pending (in the background thread if there is one); `force`: the `with_batch` rows
        even when nothing else is pending."""
        if not self.pending and not force:
            return
        # one writing thread, batches in order: the last one done means none is being written
        if self._writer is not None and not force and self._last is not None and not self._last.done():
            if self.pending_rows < self.max_waiting:
                return  # a write is in progress: these rows go with the next batch, together
            wait([self._last])  # as many rows wait as may: hold the caller (the crawl) until the database took them
        pending = self.pending
        if self.with_batch is not None:
            for table, rows in self.with_batch().items():
                pending.setdefault(table, []).append(rows)
        if not pending:
            return
        self.pending, self.pending_rows = {}, 0
        if self._writer is None:
            self._count(self._write(pending))
            return
        self._last = self._writer.submit(self._write, pending)
        self._last.add_done_callback(lambda done: self._count(done.result()))  # _write never raises

    def _write(self, pending: dict[str, list[Rows]]) -> bool | None:
        try:
            batch = {table: joined(parts) for table, parts in pending.items()}  # here: off the caller's thread
            if self._lost:
                batch.pop("warc_files", None)  # a file with rows lost is not indexed: the next start reads it again
            return self.store.write(batch)
        except Exception as e:  # a row Arrow cannot take, a full disk: the rows come back from the WARC files
            self._lost = True
            if self.on_full_disk is not None and is_disk_full(e):
                self.on_full_disk(e)
                return None
            logger.error("batch of %d rows not written to %s: %s: %s; its WARC files will be indexed again",
                         sum(len(part) for parts in pending.values() for part in parts), self.store.path,
                         type(e).__name__, e)
            return None

    def _count(self, written: bool | None) -> None:
        if written is None:
            self.failed += 1
        elif written:
            self.written += 1
        else:
            self.spooled += 1

    def last_write(self) -> Future[bool | None] | None:
        """The background write queued last (done means every earlier batch is done too)."""
        return self._last

    def close(self) -> None:
        """Write what is pending (and the `with_batch` rows once more) and wait for every batch."""
        self.flush(force=True)
        if self._writer is not None:
            self._writer.shutdown(wait=True)
