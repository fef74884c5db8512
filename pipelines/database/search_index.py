"""The full-text index behind `baotinh search` and the `search_articles` macro: BM25 over folded text.

DuckDB's FTS extension is not bundled with the `duckdb` wheel and cannot be downloaded here; it is loaded from
the pinned `duckdb-ext-fts` package (pipelines.database.extensions).

FTS cannot fold `đ` (its strip_accents keeps it), so it indexes `search_docs`, a table of folded copies
(schema.sql's `fold()`), with no stemmer and no stop words: Vietnamese syllables are short words, and
English stop words ("to", "an") are Vietnamese ones. Queries are folded by the same macro.

FTS builds its index in one go and never updates it. Rebuilding after every crawl would hold the database
for minutes once the archive is large, so `refresh()` builds once and afterwards applies the difference
(articles added, changed or gone) to the index tables in SQL, the same way create_fts_index fills them;
tests/test_search.py checks that the scores equal those of a fresh build.

Memory is bounded, whatever the number of articles: create_fts_index over every article at once held all
their text and tokens in memory (~30 MB per 1,000 articles, past any `memory_limit`), so a build makes the
index over no document and then adds the articles BUILD_BATCH at a time, by the same difference; and the
connection that refreshes works within a memory limit on one thread (pipelines.database.memory).

In a DuckLake catalog (pipelines.database.lake) only `search_docs` is kept, the same way: FTS writes its index
as macros in a schema of its own, and DuckLake stores no macros. A reader builds the index in a session of
its own from the catalog's `search_docs` (README, "Scaling out"); `search_articles_folded` needs none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.database.extensions import ENV_EXTENSIONS, extension_directory, load_extension
from pipelines.database.memory import bounded_memory
from pipelines.database.schema import rollback
from pipelines.database.store import CatalogUnreachable, Store, StoreBusy, StoreDamaged

logger = logging.getLogger(__name__)

__all__ = ["ENV_EXTENSIONS", "Refresh", "extension_directory", "refresh", "refresh_database", "refresh_store"]

FTS = "fts_main_search_docs"
# the same split as schema.sql's search_terms(): runs of anything but a-z and 0-9
IGNORE = "[^a-z0-9]+"
# beyond this share of the index changed at once, a fresh build is cheaper than the difference
REBUILD_SHARE = 0.3
# articles folded and indexed at a time, by a build and by a large difference: the refresh's memory
BUILD_BATCH = 1_000

# The table macro researchers call in the shell; `baotinh search` calls it too. Made after the index,
# because DuckDB binds a macro's body when it is created.
SEARCH_MACRO = f"""
CREATE OR REPLACE MACRO search_articles(q, site := NULL, since := NULL, until := NULL, max_hits := 20) AS TABLE
WITH hits AS (
    SELECT d.article_id, d.day,
           {FTS}.match_bm25(d.article_id, array_to_string(search_terms(q), ' '), conjunctive := 1) AS score
    FROM search_docs d
    WHERE (site IS NULL OR d.site = site)
      AND (since IS NULL OR d.day >= CAST(since AS DATE))
      AND (until IS NULL OR d.day <= CAST(until AS DATE))
),
top AS (
    SELECT h.score, h.day, h.article_id
    FROM hits h JOIN search_docs d USING (article_id)
    WHERE h.score IS NOT NULL AND search_phrases_match(concat_ws(' ', d.title, d.body), q)
    ORDER BY h.score DESC, h.day DESC, h.article_id
    LIMIT max_hits
)
SELECT t.score, t.day, a.site, a.title, search_snippet(a.text, q) AS snippet, a.url, a.article_id, a.published_at
FROM top t JOIN articles a USING (article_id)
ORDER BY t.score DESC, t.day DESC, t.article_id
"""

# What search_docs should hold: one row per article of latest_articles.
WANTED = """
CREATE OR REPLACE TEMP TABLE _wanted AS
SELECT article_id, site, day,
       hash(title, lead, text, site, day) AS doc_hash
FROM latest_articles
"""


@dataclass
class Refresh:
    """What refresh() did: 'built', 'updated', 'unchanged', 'unavailable' (with the reason), or 'documents'
    (search_docs only: a catalog without the index)."""

    action: str
    documents: int = 0
    added: int = 0
    removed: int = 0
    reason: str | None = None

    def __str__(self) -> str:
        if self.action == "unavailable":
            return f"full-text index not built ({self.reason}); search matches folded text instead"
        if self.action == "documents":
            return (f"search_docs up to date: {self.documents:,} articles (+{self.added:,} −{self.removed:,}); "
                    "the catalog keeps no full-text index (a reader builds one)")
        if self.action == "unchanged":
            return f"search index up to date ({self.documents:,} articles)"
        return (f"search index {self.action}: {self.documents:,} articles"
                f" (+{self.added:,} −{self.removed:,})")


def load_fts(con: duckdb.DuckDBPyConnection) -> str | None:
    """Load the FTS extension from the package; None when loaded, else why not (one line)."""
    return load_extension(con, "fts")


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = ?",
        [FTS],
    ).fetchone()[0])


def macro_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'search_articles' "
        "AND database_name = current_database()"
    ).fetchone()[0])


def refresh(con: duckdb.DuckDBPyConnection, *, rebuild: bool = False, rebuild_share: float = REBUILD_SHARE,
            fts: bool = True, batch: int = BUILD_BATCH) -> Refresh:
    """Bring search_docs and (`fts`) its FTS index up to date with latest_articles, in one transaction;
    articles are indexed `batch` at a time."""
    reason = load_fts(con) if fts else None
    if reason is not None:
        return Refresh("unavailable", reason=reason)
    with bounded_memory(con):
        return _refresh(con, rebuild, rebuild_share, fts, batch)


def _refresh(con: duckdb.DuckDBPyConnection, rebuild: bool, rebuild_share: float, fts: bool, batch: int
             ) -> Refresh:
    con.begin()
    try:
        con.execute(WANTED)
        added, removed = _difference(con)
        total = con.execute("SELECT count(*) FROM _wanted").fetchone()[0]
        exists = fts and index_exists(con)
        if not fts:
            con.execute("DELETE FROM search_docs WHERE article_id IN (SELECT article_id FROM _removed)")
            _fold_added(con)
            result = Refresh("documents", documents=total, added=added, removed=removed)
        elif exists and not rebuild and not added and not removed and macro_exists(con):
            result = Refresh("unchanged", documents=total)
        elif not exists or rebuild or (added + removed) > rebuild_share * max(total, 1):
            _build(con, batch)
            result = Refresh("built", documents=total, added=added, removed=removed)
        else:
            _update(con, batch)
            result = Refresh("updated", documents=total, added=added, removed=removed)
        con.execute("DROP TABLE IF EXISTS _wanted")
        con.commit()
    except BaseException:
        rollback(con)
        raise
    return result


def refresh_database(db_path: Path, *, rebuild: bool = False) -> str:
    """After a crawl or index run: merge the spool, then refresh the search index. Returns one line to show.

    When another process holds the database, nothing waits: the rows stay spooled and the index as it was.
    """
    return refresh_store(Store(db_path), rebuild=rebuild)


def refresh_store(store: Store, *, rebuild: bool = False) -> str:
    """refresh_database() for a store of either kind (a DuckLake catalog keeps search_docs only)."""
    try:
        if not store.exists():
            return f"no database at {store.where} yet"
        merged = store.merge_spool()

        def attempt() -> Refresh:
            with store.connect() as con:
                return refresh(con, rebuild=rebuild, fts=store.catalog is None)

        result = store.retrying(attempt)
    except CatalogUnreachable as e:
        waiting = store.spooled()
        return f"search index not refreshed: {e}" + (f"; {waiting} batch(es) wait in {store.spool_dir}"
                                                     if waiting else "")
    except (StoreBusy, StoreDamaged) as e:
        waiting = store.spooled()
        why = "is open in another process" if isinstance(e, StoreBusy) else f"cannot be read ({e.reason})"
        return (f"search index not refreshed: {store.path.name} {why}"
                + (f"; {waiting} batch(es) wait in {store.spool_dir} for the next run or `baotinh index`"
                   if waiting else ""))
    return str(result) + (f"; {merged} spooled batch(es) merged" if merged else "")


def _difference(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _removed AS
        SELECT s.article_id FROM search_docs s
        ANTI JOIN _wanted w ON w.article_id = s.article_id AND w.doc_hash = s.doc_hash
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _added AS
        SELECT w.* FROM _wanted w ANTI JOIN search_docs s ON s.article_id = w.article_id AND s.doc_hash = w.doc_hash
    """)
    return (con.execute("SELECT count(*) FROM _added").fetchone()[0],
            con.execute("SELECT count(*) FROM _removed").fetchone()[0])


def _fold_added(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        INSERT INTO search_docs
        SELECT w.article_id, w.site, w.day, fold(coalesce(a.title, '')), fold(concat_ws(' ', a.lead, a.text)),
               w.doc_hash
        FROM _added w JOIN articles a USING (article_id)
    """)


def _build(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    """The index made anew: over no document (its tables, tokenizer and scoring macros, as create_fts_index
    makes them), then every wanted article added `batch` at a time, as a difference adds them."""
    con.execute("DELETE FROM search_docs")
    con.execute(
        "PRAGMA create_fts_index('search_docs', 'article_id', 'title', 'body', stemmer = 'none', "
        f"stopwords = 'none', ignore = '{IGNORE}', strip_accents = 1, lower = 1, overwrite = 1)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _removed AS SELECT NULL::VARCHAR AS article_id LIMIT 0")
    con.execute("CREATE OR REPLACE TEMP TABLE _added AS SELECT * FROM _wanted")
    _update(con, batch)
    con.execute(SEARCH_MACRO)


def _update(con: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Apply _removed and _added to the FTS tables as create_fts_index would have filled them:
    docs(docid, name, len), terms(docid, fieldid, termid) one row per token, dict(termid, term, df),
    stats(num_docs, avgdl). The added articles go in `batch` at a time: their text and tokens are what is held."""
    _remove(con)
    con.execute("CREATE OR REPLACE TEMP TABLE _adding AS SELECT *, row_number() OVER (ORDER BY article_id) - 1 "
                "AS n FROM _added")
    (count,) = con.execute("SELECT count(*) FROM _adding").fetchone()
    for start in range(0, count, max(batch, 1)):
        con.execute("CREATE OR REPLACE TEMP TABLE _added AS SELECT * EXCLUDE (n) FROM _adding "
                    "WHERE n >= ? AND n < ?", [start, start + batch])
        _add(con)
        # each batch is committed: a transaction holds in memory all it wrote until it ends. The index is whole
        # at every commit (search_docs and the index agree), so a refresh cut short leaves fewer articles
        # indexed, and the next one adds the rest as a difference.
        _stats(con)
        con.commit()
        con.begin()
    con.execute("DROP TABLE _adding")
    _stats(con)


def _stats(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DELETE FROM {FTS}.stats")
    con.execute(f"INSERT INTO {FTS}.stats SELECT count(*), avg(len) FROM {FTS}.docs")


def _remove(con: duckdb.DuckDBPyConnection) -> None:
    """The index and search_docs without the articles of _removed and the old versions of those of _added."""
    s = FTS
    # the old versions go: document frequencies first, while their terms are still there
    con.execute(f"CREATE OR REPLACE TEMP TABLE _gone AS SELECT docid FROM {s}.docs WHERE name IN "
                "(SELECT article_id FROM _removed UNION SELECT article_id FROM _added)")
    con.execute(f"""
        UPDATE {s}.dict SET df = dict.df - g.n
        FROM (SELECT termid, count(DISTINCT docid) AS n FROM {s}.terms WHERE docid IN (SELECT docid FROM _gone)
              GROUP BY termid) g
        WHERE dict.termid = g.termid
    """)
    con.execute(f"DELETE FROM {s}.terms WHERE docid IN (SELECT docid FROM _gone)")
    con.execute(f"DELETE FROM {s}.docs WHERE docid IN (SELECT docid FROM _gone)")
    con.execute(f"DELETE FROM {s}.dict WHERE df <= 0")
    con.execute("DELETE FROM search_docs WHERE article_id IN (SELECT article_id FROM _removed)")
    con.execute("DROP TABLE _gone")


def _add(con: duckdb.DuckDBPyConnection) -> None:
    """The articles of _added into search_docs and the index (none of them is there)."""
    s = FTS
    _fold_added(con)
    # the new ones: tokens of each field, split exactly as the index splits (its own tokenize macro)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _new_docs AS
        SELECT article_id, (SELECT coalesce(max(docid) + 1, 0) FROM {s}.docs) + row_number() OVER () - 1 AS docid
        FROM _added
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _tokens AS
        WITH fields AS (
            SELECT n.docid, f.fieldid, CASE f.field WHEN 'title' THEN d.title ELSE d.body END AS value
            FROM _new_docs n JOIN search_docs d USING (article_id) CROSS JOIN {s}.fields f
        )
        SELECT docid, fieldid, term
        FROM (SELECT docid, fieldid, unnest({s}.tokenize(value)) AS term FROM fields)
        WHERE term <> ''
    """)
    con.execute(f"""
        INSERT INTO {s}.dict
        SELECT (SELECT coalesce(max(termid) + 1, 0) FROM {s}.dict) + row_number() OVER (ORDER BY term) - 1, term, 0
        FROM (SELECT DISTINCT term FROM _tokens WHERE term NOT IN (SELECT term FROM {s}.dict))
    """)
    con.execute(f"""
        INSERT INTO {s}.terms
        SELECT t.docid, t.fieldid, d.termid FROM _tokens t JOIN {s}.dict d USING (term)
    """)
    con.execute(f"""
        UPDATE {s}.dict SET df = dict.df + g.n
        FROM (SELECT term, count(DISTINCT docid) AS n FROM _tokens GROUP BY term) g
        WHERE dict.term = g.term
    """)
    con.execute(f"""
        INSERT INTO {s}.docs
        SELECT n.docid, n.article_id, (SELECT count(*) FROM _tokens t WHERE t.docid = n.docid)
        FROM _new_docs n
    """)
    for temp in ("_new_docs", "_tokens"):
        con.execute(f"DROP TABLE {temp}")

