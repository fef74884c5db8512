"""search(): ranked articles for a query, accent-insensitive, through the same macros the shell offers.

With the full-text index (pipelines.database.search_index) it calls `search_articles` (BM25 over folded text, every
word required, "quoted phrases" in order); without it, `search_articles_folded` (the same matching,
ranked by word counts), and the result says so once in `notice`.

>>> result = search(Path("data/baotinh.duckdb"), "phu tho", site="baophutho")   # doctest: +SKIP
>>> result.hits[0].title                                                         # doctest: +SKIP
'Tỉnh Phú Thọ triển khai kế hoạch …'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

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
    return SearchResult([Hit(*row) for row in rows], method, notice)


def known_sites(db_path: Path, wait: float = 10.0) -> list[str]:
    with Store(db_path).connect(read_only=True, wait=wait) as con:
        return [s for (s,) in con.execute(
            "SELECT site FROM sites UNION SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY 1"
        ).fetchall()]
