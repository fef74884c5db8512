"""RunTemplates: the site templates of a crawl, as a Scrapy extension.

- spider_opened: each crawled site's current set is loaded (crawler.ingest.template_store) and named in the
  warcinfo record of every WARC file the run writes (`baotinh-templates: SLUG/DIGEST …`), before the first
  file opens: whoever indexes those files later (`baotinh index`, recovery, a Spark task) derives their
  records with the same sets. LiveIngest hands each record's site set to derive() (`for_site`).
- At the end (a RunLife closer: the run's rows stored, the lock still held), the templates of the crawled
  sites that are due are learned again from their archived articles (crawler.ingest.template_learning); the
  next crawl applies them, `baotinh index --rebuild` applies them to the rows made before. A run stopped on
  request (SIGTERM, Ctrl-C) learns nothing; a shell holding the database postpones learning to the next run.

The sets are fixed for the run: a set learned at its end never changes a row of the run. Stats:
`templates/sites_applied`, `templates/learned`, `templates/changed`. Settings: TEMPLATES_ENABLED (off: no set
is applied or learned), TEMPLATES_SAMPLE, TEMPLATES_RELEARN_GROWTH, EXTRACT_PROCESSES.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.capture import WarcCapture
from crawler.extensions.run_life import RunLife
from crawler.ingest.template_learning import learn_sites
from crawler.ingest.template_store import WARCINFO_FIELD, TemplateStore, warcinfo_value
from pipelines.database.store import DB_NAME, CatalogUnreachable, Store, StoreBusy, StoreDamaged
from pipelines.extraction.templates import SiteTemplates

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RunTemplates:
    def __init__(self, crawler: Crawler, data_dir: Path, sample: int, growth: float, processes: int | None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.data_dir = data_dir
        self.sample = sample
        self.growth = growth
        self.processes = processes
        self.store = TemplateStore(data_dir)
        self.sets: dict[str, SiteTemplates] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunTemplates:
        settings = crawler.settings
        if not settings.getbool("TEMPLATES_ENABLED"):
            raise NotConfigured("TEMPLATES_ENABLED is off: no site templates applied or learned")
        return cls(crawler, Path(settings.get("BAOTINH_DATA_DIR") or "data"),
                   max(settings.getint("TEMPLATES_SAMPLE"), 1), settings.getfloat("TEMPLATES_RELEARN_GROWTH"),
                   settings.getint("EXTRACT_PROCESSES") or None)

    def for_site(self, slug: str) -> SiteTemplates | None:
        """The set the records of site `slug` are derived with in this run."""
        return self.sets.get(slug)

    def spider_opened(self) -> None:
        slugs = sorted(getattr(self.crawler.spider, "sites", {}) or {})
        self.sets = self.store.current_sets(slugs)
        self.stats.set_value("templates/sites_applied", len(self.sets))
        for slug, templates in sorted(self.sets.items()):
            logger.info("%s: site templates %s applied (%d lines, learned from %d articles)", slug,
                        templates.digest, len(templates.lines), templates.pages)
        capture = self.crawler.get_downloader_middleware(WarcCapture) if self.crawler.engine else None
        if capture is not None and self.sets:
            capture.writer.info[WARCINFO_FIELD] = warcinfo_value(self.sets)
        life = self.crawler.get_extension(RunLife)
        if life is not None:
            life.add_closer(self.learn)

    async def learn(self, reason: str) -> None:
        if reason == "shutdown":
            return  # asked to stop: learning (seconds of extraction) waits for the next run
        sites = list((getattr(self.crawler.spider, "sites", {}) or {}).values())
        life = self.crawler.get_extension(RunLife)
        store = life.store if life is not None else Store(self.data_dir / DB_NAME)  # the run's: a catalog too
        try:
            outcomes = await asyncio.to_thread(learn_sites, self.data_dir, store, sites, sample=self.sample,
                                               growth=self.growth, processes=self.processes)
        except (StoreBusy, StoreDamaged, CatalogUnreachable) as e:
            logger.info("site templates not learned: %s (the next run does)", e)
            return
        except OSError as e:  # a disk fault costs the learning, never the run
            logger.error("site templates not learned: %s: %s", type(e).__name__, e)
            return
        for outcome in outcomes:
            self.stats.inc_value("templates/learned")
            self.stats.inc_value("templates/changed", outcome.changed)
            logger.info("%s%s", outcome.describe(),
                        "; the next crawl applies them (`baotinh index --rebuild` to the rows made before)"
                        if outcome.changed else "")
