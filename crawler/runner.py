"""run_crawl(): one crawl run in this process: settings, the per-run log file, the console, the exit code.

Scrapy's reactor starts once per process, so a process runs one crawl (the command line is one process).
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.recorder import new_run_id
from crawler.registry import Site
from crawler.spiders.news import NewsSpider

OUR_LOGGERS = ("crawler", "pipelines", "archive")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
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
) -> CrawlResult:
    data_dir = Path(data_dir)
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    log_file = data_dir / "logs" / f"{run_id}.log"
    settings = base_settings(overrides)
    settings.set("BAOTINH_DATA_DIR", str(data_dir), priority="cmdline")
    settings.set("BAOTINH_RUN_ID", run_id, priority="cmdline")
    settings.set("BAOTINH_COMMAND", command, priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    if max_pages:
        settings.set("BAOTINH_MAX_PAGES", max_pages, priority="cmdline")
    loopback = all(is_loopback(u) for s in sites for u in s.start_urls)
    if loopback and settings.getbool("BAOTINH_LOOPBACK_UNTHROTTLED"):
        for key, value in (("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY), ("AUTOTHROTTLE_ENABLED", False),
                           ("CONCURRENT_REQUESTS_PER_DOMAIN", 8)):
            if settings.getpriority(key) < settings.getpriority("BAOTINH_DATA_DIR"):
                settings.set(key, value, priority="cmdline")

    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    process = CrawlerProcess(settings)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    console.addFilter(_ConsoleFilter())
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    logging.getLogger().addHandler(console)
    logger = logging.getLogger("crawler.runner")
    logger.info("run %s: %d site(s), data in %s, log in %s", run_id, len(sites), data_dir, log_file)
    if loopback and settings.getbool("BAOTINH_LOOPBACK_UNTHROTTLED"):
        logger.info("all sites are on a loopback address: politeness delays are off for this run")
    crawler = process.create_crawler(NewsSpider)
    try:
        process.crawl(crawler, sites=sites)
        process.start()
    finally:
        logging.getLogger().removeHandler(console)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = str(stats.get("finish_reason", "not started"))
    code = EXIT_OK if reason in ("finished", "closespider_pagecount") else EXIT_FAILED
    return CrawlResult(run_id, code, reason, stats, log_file)
