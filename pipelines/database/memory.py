"""bounded_memory(): DuckDB within a memory limit, on one thread, while a refresh reads the whole database.

A refresh at the end of a crawl (the search index, the repost clusters) reads every article. Left to its
defaults DuckDB caches every block it reads up to 80 % of the machine's memory, and each of its threads
keeps a malloc arena of its own that is not given back: the crawl process's peak grew with the archive.
Within REFRESH_MEMORY_LIMIT its caches stay bounded (joins and sorts spill to the database's temporary folder
beyond it); on one thread the arenas stay one (a second thread more than doubled the peak, and gained no time
on a crawl whose workers have the cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

REFRESH_MEMORY_LIMIT = "96MB"
REFRESH_THREADS = 1


@contextmanager
def bounded_memory(con: duckdb.DuckDBPyConnection, limit: str | None = None,
                   threads: int | None = None) -> Iterator[None]:
    """`con`'s database works within `limit` (its block cache included) on `threads` threads while the block
    runs, then as before. The store opens the database for one piece of work at a time, so the settings hold
    for that work alone.

    >>> with bounded_memory(con, "64MB"):
    ...     refresh(con)
    """
    settings = {"memory_limit": limit or REFRESH_MEMORY_LIMIT, "threads": threads or REFRESH_THREADS}
    before = {name: con.execute("SELECT current_setting(?)", [name]).fetchone()[0] for name in settings}
    for name, value in settings.items():
        con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"SET {name} = '{value}'")
