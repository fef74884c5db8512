"""extract(html, url, fetched_at) -> Article | None: the article in a page, or None when there is none.

Pure: no Scrapy, no I/O. The live crawl and `baotinh index` call the same function.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import trafilatura

from pipelines.article import Article

EXTRACTOR_VERSION = f"baotinh-extract/1 trafilatura/{trafilatura.__version__}"
VIETNAM = timezone(timedelta(hours=7))
MIN_TEXT_CHARS = 200


def extract(html: str, url: str, fetched_at: datetime | None = None) -> Article | None:
    """Return the article of `html` or None.

    >>> extract("<html><body><p>menu</p></body></html>", "http://example.vn/") is None
    True
    """
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None or not doc.text or len(doc.text) < MIN_TEXT_CHARS:
        return None
    return Article(
        url=url,
        title=doc.title or None,
        text=doc.text,
        lead=doc.description or None,
        author=doc.author or None,
        published_at=_parse_date(doc.date),
        extractor=EXTRACTOR_VERSION,
    )


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)
