"""NewsSpider: finds the articles of one or more news sites. Discovery only: it yields requests, never items.

    scrapy crawl news -a site=baophutho            # sites from crawler/sites.toml (comma-separated)
    scrapy crawl news -a start_url=https://x.vn/   # an unseen site, its domain taken from the URL

Where articles are found: sitemaps (robots.txt `Sitemap:` lines, /sitemap.xml, the registry's sitemaps;
indexes and news sitemaps included), RSS/Atom feeds (the registry's and those a page announces), and
listing pages followed to BAOTINH_LISTING_DEPTH. Article pages are dead ends: following every link of
every article costs ~4x the crawl rate for little gain. The rows of every response are made from its WARC
record (crawler.extensions.ingest), with the same article-or-listing decision (crawler.ingest.article_page).

Bounded by default: at most BAOTINH_MAX_PAGES requests per site and run (`--max-pages`; the rest waits for the
next run, which goes on incrementally) and BAOTINH_MAX_LINKS_PER_PAGE links followed from one page (article-like
links first), so a tag cloud or a page of 20,000 links cannot run away; each is logged once per site when
reached (stats `site/SLUG/over_cap`, `site/SLUG/links_cut`). robots.txt is Scrapy's RobotsTxtMiddleware's,
fetched once per host: a link to it is not followed.

Incremental (the downloader middleware crawler.middlewares.incremental): the spider asks it whether an article
URL was archived by an earlier run before scheduling it, and tells it which pages were articles; conditional
requests and 304s are the middleware's, so a callback always gets the page itself. BAOTINH_SINCE skips
sitemap entries whose lastmod is older.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import url_query_cleaner

from archive.capture import NotArchived
from crawler.extensions.requisites import REQUISITE_KEY
from crawler.ingest.article_page import is_article_page
from crawler.ingest.decode import unreadable
from crawler.middlewares.guards import Rejected
from crawler.middlewares.incremental import (
    KNOWN_ABSENT,
    TRACK_ABSENCE,
    AlreadyArchived,
    Incremental,
    as_aware,
    incremental_of,
    parse_since,
)
from crawler.registry import RegistryError, Site, load_sites
from crawler.spiders.discovery import DiscoveryError, feed_links, parse_feed, parse_sitemap

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml")
TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "fbclid", "gclid")
def resolve_sites(site: str | None, start_url: str | None, registry: dict[str, Site] | None) -> list[Site]:
    """The sites a crawl covers, from comma-separated slugs and/or start URLs (all sites when neither)."""
    chosen: list[Site] = []
    if site:
        registry = registry if registry is not None else load_sites()
        for slug in (s.strip() for s in site.split(",") if s.strip()):
            if slug not in registry:
                raise RegistryError(f"unknown site {slug!r} (see `baotinh sites` for the list)")
            chosen.append(registry[slug])
    if start_url:
        chosen.extend(Site.from_start_url(u.strip()) for u in start_url.split(",") if u.strip())
    if not chosen:
        registry = registry if registry is not None else load_sites()
        chosen = list(registry.values())
    return chosen


class NewsSpider(Spider):
    name = "news"

    def __init__(
        self,
        site: str | None = None,
        start_url: str | None = None,
        max_pages: str | int | None = None,
        sites: Iterable[Site] | None = None,
        registry: dict[str, Site] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        chosen = list(sites) if sites is not None else resolve_sites(site, start_url, registry)
        self.sites: dict[str, Site] = {s.slug: s for s in chosen}
        self.allowed_domains = sorted({h for s in chosen for h in s.hosts})
        self.max_pages_arg = int(max_pages) if max_pages not in (None, "") else None
        self.scheduled: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.links = LinkExtractor(unique=True)
        self.capped: set[tuple[str, str]] = set()  # (site, bound) already logged as reached
        self._incremental: Incremental | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        settings = crawler.settings
        if kwargs.get("sites") is None and settings.get("BAOTINH_SITES_FILE"):
            # `scrapy crawl news -a site=SLUG -s BAOTINH_SITES_FILE=…` (a Scrapyd job): the slug is that file's
            kwargs["registry"] = load_sites(Path(settings.get("BAOTINH_SITES_FILE")))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = spider.max_pages_arg or settings.getint("BAOTINH_MAX_PAGES") or None
        spider.max_links = settings.getint("BAOTINH_MAX_LINKS_PER_PAGE") or None
        spider.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        spider.listing_depth = settings.getint("BAOTINH_LISTING_DEPTH")
        spider.since = parse_since(settings.get("BAOTINH_SINCE"))
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.response_downloaded, signal=signals.response_downloaded)
        return spider

    @property
    def incremental(self) -> Incremental | None:
        """The crawl's incremental state (None when INCREMENTAL_ENABLED is off), found once the engine runs."""
        if self._incremental is None:
            self._incremental = incremental_of(self.crawler)
        return self._incremental

    # -- requests ----------------------------------------------------------------------------------------
    def site_for(self, url: str) -> Site | None:
        return next((s for s in self.sites.values() if s.owns(url)), None)

    def request(self, url: str, site: Site, callback: Any, depth: int = 0, priority: int = 0) -> Request | None:
        """A request for `url` within `site`, or None when already scheduled or archived, off-site, over the
        cap, or the site was given up for this run."""
        url = url_query_cleaner(url.split("#", 1)[0], TRACKING_PARAMS, remove=True, keep_fragments=False)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not site.owns(url) or url in self.seen:
            return None
        if self.obey_robots and parts.path == "/robots.txt" and not parts.query:
            return None  # RobotsTxtMiddleware fetched (and archived) it for this host already
        stats = self.crawler.stats
        if stats.get_value(f"site/{site.slug}/given_up"):
            return None
        incremental = self.incremental
        if callback == self.parse_page and incremental is not None and incremental.archived(url, site.slug):
            self.seen.add(url)
            return None
        if self.max_pages is not None and self.scheduled[site.slug] >= self.max_pages:
            stats.inc_value(f"site/{site.slug}/over_cap")
            self._reached(site, "pages", f"{self.max_pages:,} pages requested (BAOTINH_MAX_PAGES, --max-pages): "
                          "the rest waits for the next run")
            return None
        self.seen.add(url)
        self.scheduled[site.slug] += 1
        meta: dict[str, Any] = {"site": site.slug, "listing_depth": depth}
        if callback in (self.parse_feed, self.parse_sitemap) and not url.endswith("/sitemap.xml"):
            meta[TRACK_ABSENCE] = True  # a 404 here is an error once, then a known absence (see fetch_failed)
        return Request(url, callback=callback, errback=self.fetch_failed, priority=priority, meta=meta)

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites.values():
            logger.info("crawling %s (%s), start %s", site.slug, site.name, ", ".join(site.start_urls))
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(site.start_urls[0]))
            candidates = [
                *(self.request(u, site, self.parse_page) for u in site.start_urls),
                *(self.request(u, site, self.parse_feed, priority=5) for u in site.feeds),
                *(self.request(u, site, self.parse_sitemap, priority=5) for u in site.sitemaps),
                self.request(origin + "/sitemap.xml", site, self.parse_sitemap, priority=5),
            ]
            for request in candidates:
                if request is not None:
                    yield request

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Sitemaps named in robots.txt (read by RobotsTxtMiddleware, so robots.txt is fetched once)."""
        site = self.site_for(request.url)
        parser = getattr(robotparser, "rp", None)  # Protego, Scrapy's default robots.txt parser
        if site is None or parser is None:
            return
        for url in parser.sitemaps:
            follow = self.request(urljoin(request.url, url), site, self.parse_sitemap, priority=5)
            if follow is not None:
                assert self.crawler.engine is not None
                self.crawler.engine.crawl(follow)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Per-site counters of every response off the wire (redirect hops and robots.txt included; page
        requisites have their own, crawler.extensions.requisites)."""
        if REQUISITE_KEY in request.meta:
            return
        slug = request.meta.get("site")
        if slug is None:
            site = self.site_for(request.url)
            slug = site.slug if site is not None else None
        if slug is None:
            return
        stats = self.crawler.stats
        stats.inc_value(f"site/{slug}/responses")
        stats.inc_value(f"site/{slug}/bytes", len(response.body))
        if response.status < 400 and "site" in request.meta:
            stats.inc_value(f"site/{slug}/ok_responses")

    # -- callbacks ---------------------------------------------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        site = self.sites[response.meta["site"]]
        stats = self.crawler.stats
        try:
            kind, entries = parse_sitemap(response.body, response.url)
        except DiscoveryError as e:
            logger.warning("%s: unreadable sitemap %s: %s", site.slug, response.url, e)
            stats.inc_value(f"site/{site.slug}/bad_sitemaps")
            return
        stats.inc_value(f"site/{site.slug}/sitemaps")
        for entry in entries:
            if entry.loc == response.url or entry.loc in response.meta.get("redirect_urls", ()):
                logger.warning("%s: sitemap %s lists itself; not followed again", site.slug, response.url)
                stats.inc_value(f"site/{site.slug}/sitemap_self_references")
                continue
            if self.since is not None and entry.lastmod is not None and as_aware(entry.lastmod) < self.since:
                stats.inc_value(f"site/{site.slug}/older_than_since")
                continue
            if kind == "index":
                follow = self.request(entry.loc, site, self.parse_sitemap, priority=5)
            else:
                follow = self.request(entry.loc, site, self.parse_page, depth=self.listing_depth, priority=1)
            if follow is not None:
                yield follow

    def parse_feed(self, response: Response) -> Iterator[Request]:
        site = self.sites[response.meta["site"]]
        try:
            links = parse_feed(response.body, response.url)
        except DiscoveryError as e:
            logger.warning("%s: unreadable feed %s: %s", site.slug, response.url, e)
            self.crawler.stats.inc_value(f"site/{site.slug}/bad_feeds")
            return
        self.crawler.stats.inc_value(f"site/{site.slug}/feeds")
        for link in links:
            follow = self.request(link, site, self.parse_page, depth=self.listing_depth, priority=1)
            if follow is not None:
                yield follow

    def parse_page(self, response: Response) -> Iterator[Request]:
        site = self.sites[response.meta["site"]]
        stats = self.crawler.stats
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if not isinstance(response, TextResponse) or (content_type and not content_type.startswith(HTML_TYPES)):
            return  # nothing to follow; the rows say why (crawler.ingest.derive)
        if "download_stopped" in response.flags:
            return  # cut at GUARD_MAX_BODY: archived, not worth reading
        if unreadable(response.body) is not None:
            return  # nothing to read (the rows count it and log it once)
        # the page is parsed only when neither the URL nor its <head> says article: a listing's tree gives its links
        if is_article_page(site, response.url, response.text, tree=lambda: response.selector):
            stats.inc_value(f"site/{site.slug}/article_pages")
            if self.incremental is not None:
                self.incremental.record_article(response)
            return
        stats.inc_value(f"site/{site.slug}/listing_pages")
        depth = response.meta.get("listing_depth", 0)
        for feed in feed_links(response.selector, response.url):
            follow = self.request(feed, site, self.parse_feed, priority=5)
            if follow is not None:
                yield follow
        if depth >= self.listing_depth:
            return
        links = [(site.is_article_url(link.url), link.url) for link in self.links.extract_links(response)]
        links.sort(key=lambda pair: not pair[0])  # article-like links first (stable: page order within each)
        taken = cut = 0
        for article_like, url in links:
            if self.max_links is not None and taken >= self.max_links:
                cut += int(site.owns(url) and url not in self.seen)
                continue
            follow = self.request(url, site, self.parse_page, depth=depth + 1, priority=1 if article_like else 0)
            if follow is not None:
                taken += 1
                yield follow
        if cut:
            stats.inc_value(f"site/{site.slug}/links_cut", cut)
            stats.inc_value(f"site/{site.slug}/pages_with_links_cut")
            self._reached(site, "links", f"{response.url} has {cut:,} more links than the "
                          f"{self.max_links:,} followed from one page (BAOTINH_MAX_LINKS_PER_PAGE): not followed")

    def _reached(self, site: Site, bound: str, line: str) -> None:
        """A bound reached: said once per site and run (the stats count every time)."""
        if (site.slug, bound) not in self.capped:
            self.capped.add((site.slug, bound))
            logger.info("%s: %s", site.slug, line)

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        slug = request.meta.get("site", "?")
        stats = self.crawler.stats
        if failure.check(Rejected) and failure.value.reason == "site_given_up":
            stats.inc_value(f"site/{slug}/skipped_given_up")
            return
        if failure.check(AlreadyArchived):
            return  # an archived article reached through a redirect: counted as already_archived
        if failure.check(NotArchived):
            stats.inc_value(f"site/{slug}/not_archived")  # the disk is full (said once): the next run fetches it
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            if request.url.endswith("/sitemap.xml") and status == 404:
                return  # the guessed /sitemap.xml is often absent; not an error
            if request.meta.get(KNOWN_ABSENT):
                return  # absent in an earlier run too: counted as known_absent, logged at info
            reason = f"http_{status}"
        elif failure.check(Rejected):
            reason = failure.value.reason
        elif failure.check(IgnoreRequest):
            reason = ignore_reason(failure.value)
            if reason is None:
                # robots.txt said no (or another middleware chose to skip): policy, not a failure
                stats.inc_value(f"site/{slug}/skipped")
                logger.debug("%s: skipped %s: %s", slug, request.url, failure.value)
                return
        else:
            reason = failure.type.__name__ if failure.type else "error"
        logger.warning("%s: fetch failed (%s): %s: %s", slug, reason, request.url, failure.getErrorMessage())
        self.crawler.stats.inc_value("baotinh/fetch_errors")
        self.crawler.stats.inc_value(f"site/{slug}/errors")
        self.crawler.stats.inc_value(f"site/{slug}/error_reasons/{reason}")


def ignore_reason(error: BaseException) -> str | None:
    """The error reason of an IgnoreRequest raised by Scrapy, or None when it is policy (robots.txt)."""
    if "robots.txt" in str(error):
        return None
    if type(error.__cause__).__name__ == "_DecompressionMaxSizeExceeded":
        return "decompression_bomb"  # HttpCompressionMiddleware stopped at DOWNLOAD_MAXSIZE
    if "max redirections" in str(error):
        return "too_many_redirects"
    return "ignored"

