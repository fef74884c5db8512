"""Incremental: a downloader middleware over the state files of crawler.run.state, as Scrapy's HttpCacheMiddleware
is a policy over a storage. The spider only navigates; what earlier runs archived is this component's business.

It sits at 620, after RedirectMiddleware (600) and before WarcCapture (950), so its `process_request` sees every
request, the hops RedirectMiddleware schedules included, and its `process_response` sees each response after
WarcCapture archived it and before RedirectMiddleware follows it:

- **Already archived**: a request for an article an earlier run archived is dropped (`AlreadyArchived`, stat
  `site/SLUG/already_archived`) unless BAOTINH_REFRESH (`--refresh`). A redirected request to such an article
  is dropped the same way, and every URL of its redirect chain is journaled as an alias of the article: the
  next run does not even ask for the old URL. Which of the two this run fetched first does not matter: the hop
  to an article this run asked for by another link, which Scrapy's duplicate filter drops (signal
  `request_dropped`), is journaled as well, once the article is. The spider asks `archived()` before it
  schedules a request, so an archived URL costs no place under `--max-pages`.
- **Conditional requests**: a page that sent an ETag or Last-Modified when last fetched in full (sitemaps,
  feeds, listings: article pages are never asked again) is asked with If-None-Match / If-Modified-Since,
  provided its earlier record can still be read. The record it came from goes into
  `request.meta["warc_confirms"]`, so WarcCapture writes a 304 as a server-not-modified revisit of it; the
  304 is then answered, for the spider, with that earlier page read back from the WARC (flag `revived`,
  stat `site/SLUG/not_modified`): the links behind an unchanged listing are still followed.
- **Known absent**: a feed or sitemap that answered 404 is recorded (`state/sites/SLUG/absent.json`); it is
  asked again every run, but a 404 it keeps answering is `request.meta["known_absent"]`: an info line and
  stat `site/SLUG/known_absent` instead of a new error every run.
- **Journal**: `record_article()` (the spider calls it for each article page) appends the page, with the URLs
  that redirected to it, to `articles.jsonl` at once.

Settings: INCREMENTAL_ENABLED (off: every page fetched in full, nothing remembered), BAOTINH_REFRESH,
BAOTINH_DATA_DIR, ARCHIVE_DIR. BAOTINH_SINCE is the spider's (`parse_since`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.responsetypes import responsetypes
from warcio.timeutils import datetime_to_iso_date

from archive.capture import CONFIRMS_KEY, PAYLOAD_KEY
from archive.digests import Original
from archive.space import is_disk_full, stop_for_full_disk
from crawler.ingest.content_coding import decode_content
from crawler.ingest.response import ArchivedResponse, read_response
from crawler.run.state import ArchivedArticle, SiteState, site_folder

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7))
# Headers of an earlier response that no longer describe the body read back from its WARC record.
STALE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")
EARLIER_KEY = "_incremental_earlier"  # request.meta: (URL, record, decoded body) a conditional request stands on
TRACK_ABSENCE = "track_absence"  # request.meta, set by the spider: a feed or sitemap whose 404 is remembered
KNOWN_ABSENT = "known_absent"  # request.meta, set here: a 404 this resource answered in an earlier run too


class AlreadyArchived(IgnoreRequest):
    """A request for an article an earlier run archived: dropped on purpose, not a failure."""


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


def incremental_of(crawler: Crawler) -> Incremental | None:
    """The running crawl's Incremental middleware, or None when INCREMENTAL_ENABLED is off."""
    engine = crawler.engine
    if engine is None:
        return None
    return next((m for m in engine.downloader.middleware.middlewares if isinstance(m, Incremental)), None)


class Incremental:
    def __init__(self, crawler: Crawler, data_dir: Path, warc_dir: Path, run_id: str, refresh: bool) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.data_dir = data_dir
        self.warc_dir = warc_dir
        self.run_id = run_id
        self.refresh = refresh
        self.state: dict[str, SiteState] = {}
        # (site, URL) -> the hops to it whose request the duplicate filter dropped, until it is journaled
        self.hops_to: dict[tuple[str, str], list[str]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Incremental:
        settings = crawler.settings
        if not settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        data_dir = Path(settings.get("BAOTINH_DATA_DIR") or "data")
        return cls(crawler, data_dir, Path(settings.get("ARCHIVE_DIR") or data_dir / "warc"),
                   settings.get("BAOTINH_RUN_ID") or "", settings.getbool("BAOTINH_REFRESH"))

    def site(self, slug: str) -> SiteState:
        if slug not in self.state:
            self.state[slug] = SiteState(site_folder(self.data_dir, slug))
        return self.state[slug]

    def spider_closed(self) -> None:
        for slug, state in self.state.items():
            try:
                state.close()
            except OSError as e:  # the earlier validators stay: costs one full fetch of a page next run
                self._not_written(slug, state.folder, e, "the validators of its discovery pages")

    def _not_written(self, slug: str, path: Path, error: OSError, what: str) -> None:
        if is_disk_full(error):
            stop_for_full_disk(self.crawler, path, error)  # said once for the whole crawl
            return
        logger.error("%s: cannot write %s to %s: %s", slug, what, path, error)

    # -- what the spider asks -------------------------------------------------------------------------------
    def archived(self, url: str, slug: str) -> bool:
        """True when `url` is an article an earlier run archived and this run does not refresh."""
        if self.refresh or not self.site(slug).is_archived(url):
            return False
        self.stats.inc_value(f"site/{slug}/already_archived")
        return True

    def record_article(self, response: Response) -> None:
        """Journal an archived article page (nothing when the archive is off: then nothing was archived)."""
        warc = response.meta.get("warc")
        if not warc:
            return
        slug = response.meta["site"]
        state = self.site(slug)
        state.forget_validators(response.url)  # an article page is never asked again
        try:
            state.record_article(ArchivedArticle(
                url=response.url, capture_id=warc["capture_id"], warc_file=warc["warc_file"],
                warc_offset=warc["warc_offset"], run_id=self.run_id,
                aliases=tuple(dict.fromkeys([*response.meta.get("redirect_urls", ()),
                                             *self.hops_to.pop((slug, response.url), ())])),
            ))
        except OSError as e:  # not journaled: fetched again next run, and written then as a revisit
            self._not_written(slug, state.journal_path, e, f"{response.url} into the journal")

    def request_dropped(self, request: Request) -> None:
        """A redirect's request the scheduler refused: this run asked for its URL already, by another link.
        Its hops are journaled with the article (at once when it is archived, else when it is)."""
        chain, slug = request.meta.get("redirect_urls"), request.meta.get("site")
        if not chain or slug is None:
            return
        state = self.site(slug)
        if not state.is_archived(request.url):
            self.hops_to.setdefault((slug, request.url), []).extend(chain)
            return
        try:
            state.add_aliases(request.url, chain, self.run_id)
        except OSError as e:  # the hops are asked again next run
            self._not_written(slug, state.journal_path, e, "redirect aliases into the journal")

    # -- downloader middleware ------------------------------------------------------------------------------
    def process_request(self, request: Request) -> None:
        slug = request.meta.get("site")
        if slug is None:
            return  # robots.txt
        if self.archived(request.url, slug):
            chain = request.meta.get("redirect_urls") or []
            try:
                new = self.site(slug).add_aliases(request.url, chain, self.run_id)
            except OSError as e:  # the hops are asked again next run: that costs them, not the article
                self._not_written(slug, self.site(slug).journal_path, e, "redirect aliases into the journal")
                new = []
            if chain:
                logger.debug("%s: %s redirects to %s, archived already; not fetched (%d new aliases)", slug,
                             chain[0], request.url, len(new))
            raise AlreadyArchived(f"{request.url} is archived already")
        self._conditional(request, slug)

    def _conditional(self, request: Request, slug: str) -> None:
        # a redirected request inherits the headers and meta of the hop before it: those were for another URL
        earlier = request.meta.pop(EARLIER_KEY, None)
        if earlier is not None:
            for name in CONDITIONAL_HEADERS:
                request.headers.pop(name, None)
            request.meta.pop(CONFIRMS_KEY, None)
        state = self.site(slug)
        previous = state.validators.get(request.url)
        if not previous:
            return
        earlier = self._earlier_record(request.url, slug, previous)
        if earlier is None:
            return
        stored, _ = earlier
        if previous.get("etag"):
            request.headers[b"If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            request.headers[b"If-Modified-Since"] = previous["last_modified"]
        request.meta[EARLIER_KEY] = (request.url, *earlier)
        request.meta[CONFIRMS_KEY] = Original(
            url=stored.url, digest=stored.payload_digest or "", record_id=stored.record_id,
            warc_date=previous.get("warc_date") or datetime_to_iso_date(stored.fetched_at.replace(tzinfo=None),
                                                                        use_micros=True),
            warc_file=stored.warc_file, warc_offset=stored.offset,
        )

    def _earlier_record(self, url: str, slug: str, previous: dict[str, Any]
                        ) -> tuple[ArchivedResponse, bytes] | None:
        """The response record the validators of `url` came from with its decoded body, or None (and they are
        forgotten)."""
        path = self.warc_dir / str(previous.get("warc_file"))
        try:
            stored = read_response(path, int(previous["warc_offset"]))
            body = decode_content(stored.body, stored.header_values("Content-Encoding"))
        except (OSError, KeyError, ValueError, StopIteration) as e:
            problem = str(e) or type(e).__name__
        else:
            if stored.record_type == "response" and stored.url == url and stored.status == 200:
                return stored, body
            problem = f"the record there is a {stored.status} {stored.record_type} of {stored.url}"
        logger.info("%s: %s is asked in full: its earlier copy cannot be read from %s (%s)", slug, url,
                    path.name, problem)
        self.site(slug).forget_validators(url)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        slug = request.meta.get("site")
        if slug is None:
            return response
        earlier = request.meta.get(EARLIER_KEY)
        if response.status == 304 and earlier is not None and earlier[0] == request.url:
            self.stats.inc_value(f"site/{slug}/not_modified")
            return self._revive(response, earlier[1], earlier[2])
        if request.meta.get(TRACK_ABSENCE):
            self._absence(request, response, slug)
        self._remember(request, response, slug)
        return response

    def _revive(self, response: Response, stored: ArchivedResponse, body: bytes) -> Response:
        """The earlier 200, read back from its WARC record, in place of the 304 that confirmed it."""
        headers = [(k, v) for k, v in stored.headers if k.lower() not in STALE_HEADERS]
        cls = responsetypes.from_args(headers=dict(headers), url=response.url, body=body)
        return cls(url=response.url, status=200, headers=headers, body=body, request=response.request,
                   flags=[*response.flags, "revived"], ip_address=response.ip_address,
                   protocol=response.protocol)

    def _remember(self, request: Request, response: Response, slug: str) -> None:
        """Keep the validators of a page fetched in full, for a conditional request next run."""
        payload = request.meta.get(PAYLOAD_KEY)
        if response.status != 200 or request.meta.get("redirect_urls") or not isinstance(payload, Original):
            return  # a hop, an error, an unarchived or truncated body: nothing a 304 could stand for
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        state = self.site(slug)
        if not (etag or modified) or self.site(slug).is_archived(response.url):
            state.forget_validators(response.url)
            return
        state.remember_validators(response.url, etag.decode("latin-1") if etag else None,
                                  modified.decode("latin-1") if modified else None,
                                  payload.warc_file, payload.warc_offset, payload.record_id, payload.warc_date)

    def _absence(self, request: Request, response: Response, slug: str) -> None:
        state = self.site(slug)
        if response.status == 404:
            known = state.absent.get(request.url)
            if known is not None:
                request.meta[KNOWN_ABSENT] = known
                self.stats.inc_value(f"site/{slug}/known_absent")
                logger.info("%s: %s still answers 404 (absent since %s); not counted as an error again", slug,
                            request.url, known.get("since"))
            else:
                state.mark_absent(request.url, 404, self.run_id, datetime.now(UTC).isoformat(timespec="seconds"))
        elif response.status < 400 and state.forget_absent(request.url) is not None:
            logger.info("%s: %s answers again (%d) after a 404", slug, request.url, response.status)
