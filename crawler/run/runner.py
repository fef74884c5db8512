"""run_crawl(): `baotinh crawl` in this process: settings, the per-run log file, the console, the exit code.

The run's life (lock, recovery and catch-up indexing, run rows, search refresh) is the RunLife extension's
(crawler.extensions.run_life), so `scrapy crawl news` gets it too. The command line takes the run lock
itself first only so that a second crawl leaves no trace at all (not even a log file): RunLife then finds
the lock held for this very run and goes on. Scrapy's reactor starts once per process, so a process runs
one crawl (the command line is one process).

Exit codes: 0 every site fine; 1 some site failed (crawler.run.stats) or the run did not finish (interrupted,
forced, failed: its status says which); 2 a usage or configuration error (crawler.cli); 75 another crawl
holds the data directory (crawler.run.lock.LockHeld). Once the reactor has stopped the run is over and
recorded: a SIGTERM or Ctrl-C from then on changes nothing, and the exit code stays the run's.

A run that could not record its end (forced, or no room for its runs.jsonl line) keeps the run lock until
the process exits and leaves its name in the lock file for the next start (crawler.extensions.run_life).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.registry import Site
from crawler.run.console import ConsoleFormatter
from crawler.run.identity import new_run_id
from crawler.run.lock import Holder, RunLock
from crawler.run.stats import ENDED_WELL, failed_sites, sites_summary
from crawler.spiders.news import NewsSpider

OUR_LOGGERS = ("crawler", "pipelines", "archive")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2  # and crawler.run.lock.EXIT_LOCKED (75)
# With DOWNLOAD_DELAY = 0, Scrapy 2.19 on the asyncio reactor starts every queued request of a download slot
# at once (the slot's transfer count is updated only when each task starts), so CONCURRENT_REQUESTS_PER_DOMAIN
# is not enforced. Any positive delay takes the one-request-per-turn path, which enforces it.
MIN_DOWNLOAD_DELAY = 0.001


@dataclass
class CrawlResult:
    run_id: str
    exit_code: int
    finish_reason: str
    stats: dict[str, Any]
    log_file: Path
    failed_sites: list[str]


def base_settings(overrides: dict[str, str] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    if settings.getfloat("DOWNLOAD_DELAY") < MIN_DOWNLOAD_DELAY:
        settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority=settings.getpriority("DOWNLOAD_DELAY") or 0)
    contact = settings.get("BAOTINH_CONTACT_URL")
    if settings.getpriority("USER_AGENT") < settings.getpriority("BAOTINH_CONTACT_URL"):
        settings.set("USER_AGENT", f"baotinh/{settings.get('BAOTINH_VERSION')} (+{contact})", priority="cmdline")
    return settings


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _ConsoleFilter(logging.Filter):
    """Our own INFO lines (progress, summary) and everyone's warnings reach the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in OUR_LOGGERS


def run_crawl(
    sites: list[Site],
    data_dir: Path,
    *,
    max_pages: int | None = None,
    overrides: dict[str, str] | None = None,
    command: str = "crawl",
    quiet: bool = False,
    refresh: bool = False,
    since: str | None = None,
    sites_file: Path | None = None,
) -> CrawlResult:
    """Crawl `sites` into `data_dir`. Raises crawler.run.lock.LockHeld when another crawl runs there."""
    data_dir = Path(data_dir)
    run_id = new_run_id()
    lock = RunLock(data_dir)
    stale = lock.acquire(run_id, command)  # before anything is written: a second crawl leaves no trace
    result: CrawlResult | None = None
    try:
        result = _locked_run(sites, data_dir, run_id, stale, max_pages=max_pages, overrides=overrides,
                             command=command, quiet=quiet, refresh=refresh, since=since, sites_file=sites_file)
        return result
    finally:
        if result is None or result.stats.get("run/recorded", True):
            lock.release()  # else the lock file says how the run ended, for the next start


def _locked_run(
    sites: list[Site],
    data_dir: Path,
    run_id: str,
    stale: Holder | None,
    *,
    max_pages: int | None,
    overrides: dict[str, str] | None,
    command: str,
    quiet: bool,
    refresh: bool,
    since: str | None,
    sites_file: Path | None,
) -> CrawlResult:
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    log_file = data_dir / "logs" / f"{run_id}.log"
    settings = base_settings(overrides)
    settings.set("BAOTINH_DATA_DIR", str(data_dir), priority="cmdline")
    settings.set("BAOTINH_RUN_ID", run_id, priority="cmdline")
    settings.set("BAOTINH_COMMAND", command, priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("BAOTINH_PREVIOUS_RUN", stale.__dict__ if stale else None, priority="cmdline")
    if sites_file:
        settings.set("BAOTINH_SITES_FILE", str(sites_file), priority="cmdline")
    if max_pages:
        settings.set("BAOTINH_MAX_PAGES", max_pages, priority="cmdline")
    if refresh:
        settings.set("BAOTINH_REFRESH", True, priority="cmdline")
    if since:
        settings.set("BAOTINH_SINCE", since, priority="cmdline")
    loopback = all(is_loopback(u) for s in sites for u in s.start_urls)
    if loopback and settings.getbool("BAOTINH_LOOPBACK_UNTHROTTLED"):
        for key, value in (("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY), ("AUTOTHROTTLE_ENABLED", False),
                           ("CONCURRENT_REQUESTS_PER_DOMAIN", 8)):
            if settings.getpriority(key) < settings.getpriority("BAOTINH_DATA_DIR"):
                settings.set(key, value, priority="cmdline")

    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    process = CrawlerProcess(settings)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(ConsoleFormatter())  # dated, one line a record (crawler.run.console)
    console.addFilter(_ConsoleFilter())
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    logging.getLogger().addHandler(console)
    logger = logging.getLogger("crawler.run.runner")
    logger.info("run %s: %d site(s), data in %s, log in %s", run_id, len(sites), data_dir, log_file)
    if loopback and settings.getbool("BAOTINH_LOOPBACK_UNTHROTTLED"):
        logger.info("all sites are on a loopback address: politeness delays are off for this run")
    failures: list[BaseException] = []
    try:
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, sites=sites).addErrback(lambda f: failures.append(f.value))
        process.start()
        # the reactor has stopped (and put back the handlers it found): the run is over and recorded
        for late in (signal.SIGTERM, signal.SIGINT):
            signal.signal(late, signal.SIG_IGN)
    finally:
        logging.getLogger().removeHandler(console)
    if failures:
        raise failures[0]  # the crawl could not start (a component failed to build): not a site's failure
    stats = crawler.stats.get_stats() if crawler.stats else {}
    # the run's status (RunLife: `forced` too, which Scrapy never gets to write), else Scrapy's close reason
    reason = str(stats.get("run/status") or stats.get("finish_reason", "not started"))
    failed = failed_sites(sites_summary(stats, [s.slug for s in sites]))
    # CLOSESPIDER_TIMEOUT / _PAGECOUNT end a run on purpose; the next run carries on where it stopped
    code = EXIT_OK if reason in ENDED_WELL and not failed else EXIT_FAILED
    return CrawlResult(run_id, code, reason, stats, log_file, failed)
