"""Politeness: a downloader middleware (560, between RetryMiddleware and the network) that keeps a crawl
kind to each site and gives up on a site that keeps failing, without stopping the others.

- robots.txt `Crawl-delay` (which Scrapy 2.19's parsers read but nothing applies): the host's download slot
  gets that delay, without jitter, re-applied before each request because AutoThrottle lowers slot delays.
  A delay over POLITENESS_CRAWL_DELAY_MAX gives the site up for the run: honouring `Crawl-delay: 3600`
  would keep a cron run alive for days (and every run after it waiting on the lock).
- 429 and 503: the host's slot is paused for `Retry-After` seconds (or POLITENESS_BACKOFF without one)
  before anything else goes to it, the retry included (RetryMiddleware retries both). A Retry-After longer
  than POLITENESS_RETRY_AFTER_MAX means "not today": the site is given up for this run.
- POLITENESS_MAX_FAILURES failed fetches in a row (5xx, 429, timeouts, refused connections; retries count)
  and the site is given up for this run: its queued requests end as `Rejected("site_given_up")`, the stat
  `site/SLUG/given_up` holds the reason, and the run ends with exit code 1.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from crawler.middlewares.guards import Rejected

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

BACKOFF_STATUSES = (429, 503)
SLOT_KEY = "download_slot"


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), or None when unreadable.

    >>> parse_retry_after(b"120")
    120.0
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Politeness:
    def __init__(self, crawler: Crawler, max_failures: int, backoff: float, retry_after_max: float,
                 crawl_delay_max: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_failures = max_failures
        self.backoff = backoff
        self.retry_after_max = retry_after_max
        self.crawl_delay_max = crawl_delay_max
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.crawl_delays: dict[str, float] = {}
        self.failures: Counter[str] = Counter()
        self.given_up: dict[str, str] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Politeness:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getint("POLITENESS_MAX_FAILURES"),
            settings.getfloat("POLITENESS_BACKOFF"),
            settings.getfloat("POLITENESS_RETRY_AFTER_MAX"),
            settings.getfloat("POLITENESS_CRAWL_DELAY_MAX"),
        )

    # -- which site ----------------------------------------------------------------------------------------
    def site_of(self, request: Request) -> str:
        slug = request.meta.get("site")
        if slug:
            return slug
        site_for = getattr(self.crawler.spider, "site_for", None)
        site = site_for(request.url) if site_for else None
        return site.slug if site is not None else (urlsplit(request.url).hostname or "?")

    def _slot(self, request: Request) -> Any:
        engine = self.crawler.engine
        key = request.meta.get(SLOT_KEY) or urlsplit(request.url).hostname or ""
        return key, (engine.downloader.slots.get(key) if engine else None)

    # -- Crawl-delay ---------------------------------------------------------------------------------------
    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent) if hasattr(robotparser, "crawl_delay") else None
        host = urlsplit(request.url).hostname or ""
        if delay and self.crawl_delay_max and delay > self.crawl_delay_max:
            self.give_up(self.site_of(request), f"robots.txt asks for Crawl-delay {delay:g}s "
                         "(over POLITENESS_CRAWL_DELAY_MAX)")
        elif delay and delay > 0:
            self.crawl_delays[host] = float(delay)
            self.stats.set_value(f"politeness/crawl_delay/{host}", float(delay))
            logger.info("%s: robots.txt asks for Crawl-delay %gs; requests to it are spaced that far apart",
                        host, delay)

    def process_request(self, request: Request) -> None:
        site = self.site_of(request)
        if site in self.given_up and not request.meta.get("dont_obey_robotstxt"):
            raise Rejected("site_given_up", f"{site} was given up for this run ({self.given_up[site]})")
        delay = self.crawl_delays.get(urlsplit(request.url).hostname or "")
        if delay:
            key, slot = self._slot(request)
            engine = self.crawler.engine
            if engine is not None:  # slots created later (or after garbage collection) start with it
                engine.downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0)
            if slot is not None:
                slot.delay = max(slot.delay, delay)
                slot.jitter = 0

    # -- outcomes ------------------------------------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        site = self.site_of(request)
        if response.status in BACKOFF_STATUSES:
            self._back_off(request, response, site)
            self._failed(site, f"http_{response.status}")
        elif response.status >= 500:
            self._failed(site, f"http_{response.status}")
        else:
            self.failures[site] = 0
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None  # a refusal on our side (robots.txt, a guard), not the site failing
        self._failed(self.site_of(request), type(exception).__name__)
        return None

    def _back_off(self, request: Request, response: Response, site: str) -> None:
        header = response.headers.get(b"Retry-After")
        wait = parse_retry_after(header)
        if wait is None:
            wait = self.backoff
        if wait > self.retry_after_max:
            self.give_up(site, f"asked to retry after {wait:.0f}s (over POLITENESS_RETRY_AFTER_MAX)")
            return
        key, slot = self._slot(request)
        if slot is not None:
            # The slot sends its next request once `delay` has passed since `lastseen`: moving lastseen
            # into the future holds every queued request of the host, the retry included.
            slot.lastseen = max(slot.lastseen, monotonic() + wait)
        self.stats.inc_value("politeness/backoffs")
        logger.warning("%s: %s answered %d; pausing requests to %s for %gs%s", site, response.url,
                       response.status, key, wait, " (Retry-After)" if header else "")

    def _failed(self, site: str, reason: str) -> None:
        self.failures[site] += 1
        if self.max_failures and self.failures[site] >= self.max_failures and site not in self.given_up:
            self.give_up(site, f"{self.failures[site]} failed fetches in a row, last {reason}")

    def give_up(self, site: str, reason: str) -> None:
        if site in self.given_up:
            return
        self.given_up[site] = reason
        self.stats.set_value(f"site/{site}/given_up", reason)
        logger.error("%s: giving up on this site for the rest of the run: %s", site, reason)
