"""Table rows, in the shape `Store.write()` takes (see queries/schema.sql): a capture, an analysed article, a site."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.ingest.analysis import Analysis
from crawler.ingest.response import ArchivedResponse
from crawler.registry import Site
from pipelines.reposts.fingerprint import fingerprint


def capture_row(response: ArchivedResponse, site: str | None) -> dict[str, Any]:
    """The `captures` row of a response or revisit record; its id is the record's WARC-Record-ID."""
    return {
        "capture_id": response.record_id,
        "run_id": response.run_id,
        "url": response.url,
        "status": response.status,
        "mime": response.mime,
        "fetched_at": response.fetched_at,
        "warc_file": response.warc_file,
        "warc_offset": response.offset,
        "warc_length": response.length,
        "payload_digest": response.payload_digest,
        "revisit": response.record_type == "revisit",
        "site": site,
    }


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
                "fingerprint": fingerprint(article.text),  # near-duplicate MinHash: the repost clusters
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


def site_row(site: Site) -> dict[str, Any]:
    """The `sites` row of a registry entry (or of a --start-url site) as a crawl or index run used it."""
    return {
        "site": site.slug,
        "name": site.name,
        "province": site.province,
        "kind": site.kind,
        "domains": list(site.domains),
        "start_urls": list(site.start_urls),
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "article_pattern": site.article_pattern.pattern if site.article_pattern else None,
        "updated_at": datetime.now(UTC),
    }
