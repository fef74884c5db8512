"""Table rows from an analysed page: the shape `Store.write()` takes (see queries/schema.sql)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.ingest.analysis import Analysis


def article_rows(
    analysis: Analysis, *, capture_id: str, site: str | None, fetched_at: datetime | None
) -> dict[str, list[dict[str, Any]]]:
    """Rows for `articles`, `images` and `figures` of one article; its id is the capture it came from."""
    article = analysis.article
    article_id = capture_id
    return {
        "articles": [
            {
                "article_id": article_id,
                "url": article.url,
                "site": site,
                "title": article.title,
                "lead": article.lead,
                "author": article.author,
                "published_at": article.published_at,
                "text": article.text,
                "source_credit": article.source_credit,
                "capture_id": capture_id,
                "extractor": article.extractor,
                "fetched_at": fetched_at,
            }
        ],
        "images": [
            {"article_id": article_id, "src": i.src, "caption": i.caption, "credit": i.credit}
            for i in article.images
        ],
        "figures": [
            {
                "article_id": article_id,
                "value": f.value,
                "value_to": f.value_to,
                "unit": f.unit,
                "scaled_value": f.scaled_value,
                "base_unit": f.base_unit,
                "kind": f.kind,
                "change": f.change,
                "subject": f.subject,
                "raw": f.raw,
                "sentence": f.sentence,
                "char_start": f.start,
                "char_end": f.end,
            }
            for f in analysis.figures
        ],
    }
