"""search(): ranked articles for a query, accent-insensitive, through the same macros the shell offers.

With the full-text index (pipelines.database.search_index) it calls `search_articles` (BM25 over folded text, every
word required, "quoted phrases" in order); without it, `search_articles_folded` (the same matching,
ranked by word counts), and the result says so once in `notice`. Each hit carries the other sites its article is
also on (`also_on`: the sites of its repost cluster, pipelines.database.repost_index).

>>> result = search(Path("data/baotinh.duckdb"), "phu tho", site="baophutho")   # doctest: +SKIP
>>> result.hits[0].title                                                         # doctest: +SKIP
'Tỉnh Phú Thọ triển khai kế hoạch …'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.database.search_index import load_fts, macro_exists
from pipelines.database.store import Store


@dataclass(frozen=True)
class Hit:
    score: float
    day: date | None
    site: str | None
    title: str | None
    snippet: str
    url: str
    article_id: str
    published_at: datetime | None
    also_on: tuple[str, ...] = ()  # other sites carrying the same article (its repost cluster's), by name


@dataclass
class SearchResult:
    hits: list[Hit]
    method: str  # "bm25" or "folded"
    notice: str | None = None  # one line for the user: the fallback, or a stale index


def search(
    db_path: Path,
    query: str,
    *,
    site: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 20,
    wait: float = 10.0,
) -> SearchResult:
    """Search the database read-only (waiting up to `wait` s while a crawl writes a batch)."""
    store = Store(db_path)
    with store.connect(read_only=True, wait=wait) as con:
        reason = load_fts(con)
        if reason is None and not macro_exists(con):
            reason = "the search index has not been built yet (`baotinh index` builds it)"
        notice = None
        if reason is None:
            method, macro = "bm25", "search_articles"
            missing = con.execute(
                "SELECT (SELECT count(DISTINCT url) FROM articles) - (SELECT count(*) FROM search_docs)"
            ).fetchone()[0]
            if missing > 0:
                notice = (f"{missing:,} article(s) stored since the search index was refreshed are not searched; "
                          "`baotinh index` refreshes it")
        else:
            method, macro = "folded", "search_articles_folded"
            notice = f"full-text search unavailable: {reason}; matching accent-folded words instead"
        rows = con.execute(
            f"SELECT score, day, site, title, snippet, url, article_id, published_at "
            f"FROM {macro}(?, site := ?, since := ?, until := ?, max_hits := ?)",
            [query, site, since, until, limit],
        ).fetchall()
        also = also_on(con, [row[6] for row in rows])
    return SearchResult([Hit(*row, also_on=also.get(row[6], ())) for row in rows], method, notice)


def also_on(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """The other sites of each article's repost cluster (none for a database made before repost clusters)."""
    if not article_ids or not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reposts' AND database_name = current_database()"
    ).fetchone()[0]:
        return {}
    rows = con.execute("""
        SELECT r.article_id, list(DISTINCT o.site ORDER BY o.site)
        FROM reposts r JOIN reposts o ON o.cluster_id = r.cluster_id AND o.site IS DISTINCT FROM r.site
        WHERE r.article_id IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY r.article_id
    """, [article_ids]).fetchall()
    return {article_id: tuple(sites) for article_id, sites in rows}


def known_sites(db_path: Path, wait: float = 10.0) -> list[str]:
    with Store(db_path).connect(read_only=True, wait=wait) as con:
        return [s for (s,) in con.execute(
            "SELECT site FROM sites UNION SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY 1"
        ).fetchall()]
