"""PageRequisites: each archived article's own photos fetched and archived after it, so it replays with them.

Which files: those derive() names for an article (crawler.ingest.requisites): the photos its `images` rows
hold and its og:image, at most REQUISITES_MAX_PER_ARTICLE of them; never a stylesheet, script, font, logo,
advertisement or listing thumbnail. They are asked once the article's rows are made (`record_derived`,
crawler.extensions.ingest), with the article as Referer, as a browser would.

How: through the whole downloader, so robots.txt (of a photo host too), politeness, retries and WARC capture
apply as to any page. A photo host outside the site's domains (a CDN) joins the spider's allowed domains:
Scrapy's RobotsTxtMiddleware asks a host's robots.txt with a request of its own, which OffsiteMiddleware
would drop for a host outside them, and Scrapy would then obey no robots.txt there at all. The spider still
follows links within its sites only (crawler.spiders.news), so such a host serves requisites only.

Each URL is asked once per run, and not again in a later run once archived: the URLs archived are journaled
(crawler.run.requisite_journal), whatever their status. A body over REQUISITES_MAX_SIZE (announced by
Content-Length, or while it arrives) is dropped unarchived. A missing photo is logged at info and counted,
never a site error. While rows are still being made the crawl is kept open (spider_idle), since they may name
requisites still to fetch.

Stats: `requisites/requested`, `requisites/archived`, `requisites/bytes`, `requisites/already_archived` (an
earlier run's), `requisites/duplicate` (this run's), `requisites/over_cap`, `requisites/too_large`,
`requisites/robots_forbidden`, `requisites/failed`, `requisites/status_count/STATUS`, `requisites/hosts`
(photo hosts added), and `site/SLUG/requisites`. Settings: REQUISITES_ENABLED (off: none fetched),
REQUISITES_MAX_SIZE, REQUISITES_MAX_PER_ARTICLE; it needs ARCHIVE_ENABLED and EXTRACT_ENABLED (the requisites
come from the rows).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured, StopDownload
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extensions.ingest import LiveIngest, record_derived
from crawler.ingest.derive import Derived
from crawler.ingest.response import ArchivedResponse
from crawler.run.requisite_journal import RequisiteJournal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

REQUISITE_KEY = "requisite_of"  # request.meta: (site slug, article URL) of a page requisite
ACCEPT = b"image/avif,image/webp,image/apng,image/*,*/*;q=0.8"  # what a browser asks for an <img>
PRIORITY = 3  # before articles (1) and listings (0): a photo archived close in time to its page


class PageRequisites:
    def __init__(self, crawler: Crawler, journal: RequisiteJournal, max_size: int, max_per_article: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.journal = journal
        self.max_size = max_size
        self.max_per_article = max_per_article
        self.run_id = crawler.settings.get("BAOTINH_RUN_ID")
        self.asked: set[str] = set()
        self.ingest: LiveIngest | None = None
        self.held = False  # spider_idle was refused while rows were still being made
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.record_derived, signal=record_derived)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageRequisites:
        settings = crawler.settings
        if not settings.getbool("REQUISITES_ENABLED"):
            raise NotConfigured("REQUISITES_ENABLED is off: no page requisite is fetched")
        for needed in ("ARCHIVE_ENABLED", "EXTRACT_ENABLED"):
            if not settings.getbool(needed):
                raise NotConfigured(f"{needed} is off: page requisites come from the rows of archived articles")
        journal = RequisiteJournal(Path(settings.get("BAOTINH_DATA_DIR") or "data"))
        return cls(crawler, journal, settings.getint("REQUISITES_MAX_SIZE"),
                   settings.getint("REQUISITES_MAX_PER_ARTICLE"))

    def spider_opened(self) -> None:
        self.ingest = self.crawler.get_extension(LiveIngest)

    def spider_closed(self) -> None:
        self.journal.close()

    # -- which requisites ---------------------------------------------------------------------------------
    def record_derived(self, derived: Derived, response: ArchivedResponse) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if derived.requisites and engine is not None and slot is not None and slot.closing is None:
            for i, url in enumerate(derived.requisites):
                if i >= self.max_per_article:
                    self.stats.inc_value("requisites/over_cap", len(derived.requisites) - i)
                    break
                request = self.request(url, derived.site, response.url)
                if request is not None:
                    engine.crawl(request)
        if self.held and self.ingest is not None and not self.ingest.pending and slot is not None:
            self.held = False
            slot.nextcall.schedule()  # the engine asks spider_idle again now, not at its next heartbeat (5 s)

    def request(self, url: str, site: str, page: str) -> Request | None:
        if url in self.asked:
            self.stats.inc_value("requisites/duplicate")
            return None
        self.asked.add(url)
        if self.journal.is_archived(url):
            self.stats.inc_value("requisites/already_archived")
            return None
        self._allow_host(url)
        self.stats.inc_value("requisites/requested")
        self.stats.inc_value(f"site/{site}/requisites")
        return Request(url, callback=self.archived, errback=self.failed, priority=PRIORITY,
                       headers={b"Referer": page.encode(), b"Accept": ACCEPT},
                       meta={REQUISITE_KEY: (site, page), "allow_offsite": True})

    def _allow_host(self, url: str) -> None:
        spider = self.crawler.spider
        allowed = getattr(spider, "allowed_domains", None)
        host = urlsplit(url).hostname
        if not host or not isinstance(allowed, list) or not allowed:
            return  # no allowed domains: every host is allowed
        if host not in allowed and not any(host.endswith("." + domain) for domain in allowed):
            allowed.append(host)  # OffsiteMiddleware reads the list again at each request
            self.stats.inc_value("requisites/hosts")
            logger.info("photo host %s: page requisites are fetched from it too (its robots.txt obeyed)", host)

    def spider_idle(self) -> None:
        if self.ingest is not None and self.ingest.pending:
            self.held = True
            raise DontCloseSpider  # rows still being made may name requisites

    # -- size cap ------------------------------------------------------------------------------------------
    def headers_received(self, headers: Any, body_length: int, request: Request, **kwargs: Any) -> None:
        if REQUISITE_KEY in request.meta and body_length > self.max_size:
            raise StopDownload(fail=True)

    def bytes_received(self, data: bytes, request: Request, **kwargs: Any) -> None:
        if REQUISITE_KEY not in request.meta:
            return
        received = request.meta.get("_requisite_bytes", 0) + len(data)
        request.meta["_requisite_bytes"] = received
        if received > self.max_size:
            raise StopDownload(fail=True)

    # -- outcomes -----------------------------------------------------------------------------------------
    def archived(self, response: Response) -> None:
        self._record(response.request, response.status, len(response.body))  # type: ignore[arg-type]

    def failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        site, page = request.meta[REQUISITE_KEY]
        if failure.check(HttpError):
            response = failure.value.response
            self._record(request, response.status, len(response.body))
            logger.info("%s: photo %s of %s answered %d", site, request.url, page, response.status)
            return
        if failure.check(StopDownload):
            self.stats.inc_value("requisites/too_large")
            logger.info("%s: photo %s of %s is over REQUISITES_MAX_SIZE (%d bytes); not archived", site,
                        request.url, page, self.max_size)
            return
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.stats.inc_value("requisites/robots_forbidden")
            return
        self.stats.inc_value("requisites/failed")
        logger.info("%s: photo %s of %s not fetched: %s", site, request.url, page, failure.getErrorMessage())

    def _record(self, request: Request, status: int, size: int) -> None:
        self.stats.inc_value(f"requisites/status_count/{status}")
        warc = request.meta.get("warc")
        if not warc:
            return
        self.stats.inc_value("requisites/archived")
        self.stats.inc_value("requisites/bytes", size)
        self.journal.record([*request.meta.get("redirect_urls", ()), request.url], warc, status, self.run_id)
