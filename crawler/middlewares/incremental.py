"""Incremental: what NewsSpider remembers of earlier runs, through the state files of crawler.run.state.

- An article URL archived by an earlier run is skipped unless BAOTINH_REFRESH (`--refresh`).
- A discovery page (sitemap, feed, listing) that sent ETag / Last-Modified is asked for conditionally.
  A 304 is archived like any response; the page is then read back from the earlier run's WARC record, so
  the links behind an unchanged listing or sitemap index are still followed (their articles are skipped as
  archived, their sub-listings asked conditionally in turn).
- Each article page archived is journaled at once, with the URLs that redirected to it.
- BAOTINH_SINCE (`--since`): the date sitemap entries must not be older than.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from crawler.ingest.content_coding import decode_content
from crawler.ingest.response import read_response
from crawler.run.state import ArchivedArticle, SiteState, site_folder

logger = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7))
# Headers of an earlier response that no longer describe the body read back from its WARC record.
STALE_HEADERS = (b"Content-Encoding", b"Content-Length", b"Transfer-Encoding")


def parse_since(value: str | datetime | None) -> datetime | None:
    """BAOTINH_SINCE as an aware datetime: `2026-03-01` (midnight in Vietnam) or a full ISO 8601 time.

    >>> parse_since("2026-03-01").isoformat()
    '2026-03-01T00:00:00+07:00'
    """
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    return as_aware(parsed)


def as_aware(moment: datetime) -> datetime:
    """A date without a zone, as sitemaps often write them, read as Vietnamese time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


class Incremental:
    def __init__(self, data_dir: Path, warc_dir: Path, slugs: list[str], run_id: str, refresh: bool,
                 crawler: Any) -> None:
        self.warc_dir = warc_dir
        self.run_id = run_id
        self.refresh = refresh
        self.crawler = crawler  # for its stats, which exist only once the crawl starts
        self.state = {slug: SiteState(site_folder(data_dir, slug)) for slug in slugs}

    def close(self) -> None:
        for state in self.state.values():
            state.close()

    def archived(self, url: str, slug: str) -> bool:
        """True when `url` is an article an earlier run archived and this run does not refresh."""
        if self.refresh or not self.state[slug].is_archived(url):
            return False
        self.crawler.stats.inc_value(f"site/{slug}/already_archived")
        return True

    def conditional(self, url: str, slug: str) -> tuple[dict[str, str], dict[str, Any]]:
        """Headers and meta that ask whether a page seen before changed (empty when never seen)."""
        previous = self.state[slug].validators.get(url)
        if not previous:
            return {}, {}
        headers = {}
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
        return headers, {"handle_httpstatus_list": [304], "previous": previous}

    def revive(self, response: Response) -> Response | None:
        """The response itself, or for a 304 the earlier 200 read back from its WARC record (None if gone)."""
        if response.status != 304:
            return response
        slug = response.meta["site"]
        self.crawler.stats.inc_value(f"site/{slug}/not_modified")
        previous = response.meta.get("previous") or {}
        path = self.warc_dir / str(previous.get("warc_file"))
        try:
            old = read_response(path, int(previous["warc_offset"]))
            body = decode_content(old.body, old.header_values("Content-Encoding"))
        except (OSError, KeyError, ValueError, StopIteration) as e:
            logger.warning("%s: %s is unchanged (304) but its earlier copy cannot be read from %s (%s); "
                           "it will be fetched in full next run", slug, response.url, path, e)
            self.state[slug].forget_validators(response.url)
            return None
        headers = [(k, v) for k, v in old.headers if k.encode("latin-1") not in STALE_HEADERS]
        cls = responsetypes.from_args(headers=dict(headers), url=response.url, body=body)
        return cls(url=response.url, status=200, headers=headers, body=body, request=response.request,
                   flags=[*response.flags, "revived"])

    def remember(self, response: Response) -> None:
        """Keep the validators of a discovery page fetched in full, for a conditional request next run."""
        warc = response.meta.get("warc")
        if "revived" in response.flags or warc is None or response.meta.get("redirect_urls"):
            return
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        state = self.state[response.meta["site"]]
        if response.status != 200 or not (etag or modified):
            state.forget_validators(response.url)
            return
        state.remember_validators(response.url, etag.decode("latin-1") if etag else None,
                                  modified.decode("latin-1") if modified else None,
                                  warc["warc_file"], warc["warc_offset"])

    def record_article(self, response: Response) -> None:
        """Journal an archived article page (nothing when the archive is off: then nothing was archived)."""
        warc = response.meta.get("warc")
        if not warc:
            return
        self.state[response.meta["site"]].record_article(ArchivedArticle(
            url=response.url, capture_id=warc["capture_id"], warc_file=warc["warc_file"],
            warc_offset=warc["warc_offset"], run_id=self.run_id,
            aliases=tuple(response.meta.get("redirect_urls", ())),
        ))
