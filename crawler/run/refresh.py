"""The end of a crawl's refreshes (the spool merged, the search index, the repost clusters) in a process of their own.

Each refresh reads every article of the database and holds ~140-170 MB while it runs at 20,000 articles, more as
the archive grows, on top of what the crawl process holds for Scrapy and its libraries: run in the crawl process,
they made its peak. In a spawned process (a fresh interpreter that imports DuckDB, not Scrapy) that memory is the
child's and is given back when it ends; the crawl process waits for it and logs its lines. The child refreshes
the store the crawl wrote (its DuckDB file or catalog, named by what store_of() read), which the crawl process no
longer holds, and dies with the crawl process (crawler.ingest.pool). A child that cannot start or dies leaves the
index and the clusters to the next run, as a failed refresh did.
"""

from __future__ import annotations

import logging
from pathlib import Path

from crawler.ingest.pool import worker_pool

Lines = list[tuple[int, str]]  # (logging level, message) of each line the refreshes had to say


def refresh_in_child(data_dir: Path, catalog: str | None, data_path: str | None) -> Lines:
    """refresh_store() and refresh_reposts_store() of data_store(data_dir, catalog, data_path), in a spawned
    process; their lines (what they logged included) to log in this one."""
    try:
        with worker_pool(1) as pool:  # spawned, and killed with this process (a crawl killed mid-refresh)
            return pool.submit(refresh, Path(data_dir), catalog, data_path).result()
    except Exception as e:  # the child could not start, or died (killed, out of memory): derived state only
        return [(logging.ERROR, f"search index and repost clusters not refreshed ({type(e).__name__}: {e}); "
                                "the next run or `baotinh index` refreshes them")]


def refresh(data_dir: Path, catalog: str | None, data_path: str | None) -> Lines:
    """The refreshes themselves (in the child), as the crawl process ran them."""
    import duckdb

    from pipelines.database.repost_index import refresh_reposts_store
    from pipelines.database.search_index import refresh_store
    from pipelines.database.store import data_store

    lines: Lines = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append((record.levelno, record.getMessage()))

    keep = Keep(logging.WARNING)
    logging.getLogger().addHandler(keep)
    try:
        store = data_store(data_dir, catalog, data_path)
        try:
            lines.append((logging.INFO, refresh_store(store)))
        except (OSError, duckdb.Error) as e:
            lines.append((logging.ERROR, f"search index not refreshed ({type(e).__name__}: {e}); the next run or "
                                         "`baotinh index` refreshes it"))
        lines.append((logging.INFO, refresh_reposts_store(store)))
    finally:
        logging.getLogger().removeHandler(keep)
    return lines
