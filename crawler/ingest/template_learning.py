"""learn_sites(): each site's templates learned again from its own archive, when due.

One function for the end of a crawl (crawler.extensions.run_templates) and the end of `baotinh index`
(crawler.ingest.index), so both learn the same set from the same archive:

- **When**: the site has no set yet (and at least MIN_PAGES articles), its set was learned from another
  extractor version's output, or its articles have grown by `growth` (TEMPLATES_RELEARN_GROWTH) since.
  Otherwise nothing is read: a run over an unchanged site costs one query.
- **From what**: the site's newest `sample` articles (TEMPLATES_SAMPLE; `latest_articles`, one per URL), as
  derive() gives them *without* templates (a line already removed would not be seen again): a row this
  extractor made without templates as stored, any other read back from its WARC record and derived again, in
  worker processes.
- **Kept**: the new set becomes the site's current one (crawler.ingest.template_store); its rows are made
  with it from the next crawl on, or by `baotinh index --rebuild`. Sets no longer named by any row, WARC
  file or current.json are deleted.

The database is opened read-only; StoreBusy when a shell holds it (the caller logs it: the next run learns).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from archive.records import RecordError, read_record_in, warcinfo_fields
from crawler.ingest.derive import derive
from crawler.ingest.pool import worker_pool
from crawler.ingest.response import from_record
from crawler.ingest.template_store import (
    WARCINFO_FIELD,
    Learned,
    TemplateStore,
    digest_of_extractor,
    parse_warcinfo_value,
)
from crawler.registry import Site
from pipelines.extraction.article import Article
from pipelines.extraction.templates import MIN_PAGES, SiteTemplates, learn_templates
from pipelines.extraction.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from pipelines.database.store import Store

logger = logging.getLogger(__name__)

SAMPLE = 200
GROWTH = 1.25
CHUNK = 16
IN_PROCESS = 32  # records re-derived in this process: fewer than it takes to be worth spawning workers


@dataclass(frozen=True)
class Outcome:
    """A set learned for one site; `changed` when it differs from the set in use before."""

    site: str
    templates: SiteTemplates
    previous: Learned | None  # what was learned before (None: never)

    @property
    def changed(self) -> bool:
        """Whether rows made from now on differ: another set than the one in use before."""
        before = self.previous.digest if self.previous else None
        return (self.templates.digest if self.templates.lines else None) != before

    def describe(self) -> str:
        lines = len(self.templates.lines)
        what = f"{self.templates.digest} ({lines} line{'s' * (lines != 1)})" if lines else "no recurring line"
        again = self.previous is not None and not self.changed
        return f"{self.site}: site templates learned from {self.templates.pages} articles: {what}" + (
            ", as before" if again else "")


def due(learned: Learned | None, articles: int, growth: float = GROWTH) -> bool:
    """Whether a site with `articles` articles learns its templates again."""
    if articles < MIN_PAGES:
        return False
    if learned is None or learned.extractor != EXTRACTOR_VERSION:
        return True
    return articles > learned.articles and articles >= learned.articles * growth


def learn_sites(data_dir: Path, store: Store, sites: list[Site], *, sample: int = SAMPLE, growth: float = GROWTH,
                processes: int | None = None) -> list[Outcome]:
    """Learn the templates of each of `sites` that is due; returns what was learned."""
    templates = TemplateStore(data_dir)
    warc_dir = Path(data_dir) / "warc"
    by_slug = {s.slug: s for s in sites}
    with store.connect(read_only=True, wait=3) as con:
        counts = dict(con.execute(
            "SELECT site, count(*) FROM latest_articles WHERE site IN (SELECT unnest(?::VARCHAR[])) GROUP BY site",
            [sorted(by_slug)]).fetchall())
        todo = [slug for slug in sorted(by_slug) if due(templates.current(slug), counts.get(slug, 0), growth)]
        # The newest are picked over narrow columns, their text read after: joined with captures first, DuckDB
        # built its hash table over every article's text (+100 MB at 20,000 articles, at the end of each crawl)
        samples = {slug: con.execute(
            "SELECT c.warc_file, c.warc_offset, c.warc_length, a.url, a.title, a.text, a.extractor FROM "
            "(SELECT article_id, fetched_at FROM latest_articles WHERE site = ? "
            " ORDER BY fetched_at DESC, article_id DESC LIMIT ?) newest "
            "JOIN articles a USING (article_id) JOIN captures c ON c.capture_id = a.capture_id "
            "ORDER BY newest.fetched_at DESC, newest.article_id DESC",
            [slug, sample]).fetchall() for slug in todo}
        named = con.execute("SELECT DISTINCT site, extractor FROM articles WHERE extractor LIKE '%templates/%'"
                            ).fetchall()
    outcomes = []
    if todo:
        # A row made by this very extractor with no template applied is what deriving its record again without
        # templates would give (derive() is pure): its text is used as stored. Only the rest is read again,
        # so a site's first run, whose rows were all made without a set, learns without re-extracting.
        articles = {slug: [Article(url=url, title=title, text=text) for *_, url, title, text, extractor in rows
                           if extractor == EXTRACTOR_VERSION and text] for slug, rows in samples.items()}
        again = _rederive(warc_dir, {slug: (by_slug[slug], [row[:3] for row in samples[slug]
                                                            if row[6] != EXTRACTOR_VERSION or not row[5]])
                                     for slug in todo}, processes)
        for slug, found in again.items():
            articles[slug].extend(found)
        for slug in todo:
            previous = templates.current(slug)
            learned = learn_templates(slug, articles[slug])
            templates.save(slug, learned, Learned(
                learned.digest if learned.lines else None, counts.get(slug, 0), learned.pages, EXTRACTOR_VERSION,
                datetime.now(UTC).isoformat(timespec="seconds")))
            outcomes.append(Outcome(slug, learned, previous))
    keep = {(site, d) for site, extractor in named if (d := digest_of_extractor(extractor))}
    for path in sorted(warc_dir.glob("*.warc.gz*")) if warc_dir.is_dir() else []:
        keep |= set(parse_warcinfo_value(warcinfo_fields(path).get(WARCINFO_FIELD)).items())
    for gone in templates.prune(keep):
        logger.info("site templates %s removed: no row, WARC file or current set names them", gone)
    return outcomes


def _rederive(warc_dir: Path, work: dict[str, tuple[Site, list[tuple[str, int, int]]]], processes: int | None
              ) -> dict[str, list[Article]]:
    """Each site's sample derived again without templates, in worker processes."""
    tasks = []
    for slug, (site, rows) in work.items():
        by_file: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for warc_file, offset, length in rows:
            by_file[warc_file].append((offset, length))
        for warc_file, spans in sorted(by_file.items()):
            for i in range(0, len(spans), CHUNK):
                tasks.append((slug, warc_dir / warc_file, site, spans[i:i + CHUNK]))
    articles: dict[str, list[Article]] = {slug: [] for slug in work}
    total = sum(len(rows) for _, rows in work.values())
    workers = max(1, min(processes or os.cpu_count() or 1, len(tasks)))
    if workers == 1 or total <= IN_PROCESS:  # starting worker processes would cost more than the work
        for slug, path, site, spans in tasks:
            articles[slug].extend(untemplated_articles(path, site, spans))
    else:
        pool = worker_pool(workers)
        try:
            futures = [(slug, pool.submit(untemplated_articles, path, site, spans))
                       for slug, path, site, spans in tasks]
            for slug, future in futures:
                articles[slug].extend(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    lost = total - sum(map(len, articles.values()))
    if lost:
        logger.info("site templates: %d of %d sampled articles could not be read again or are no article "
                    "without templates; learned from the rest", lost, total)
    return articles


def untemplated_articles(path: Path, site: Site, spans: list[tuple[int, int]]) -> list[Article]:
    """In a worker: the articles of the records of `path` at (offset, length), derived without templates."""
    found = []
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        logger.warning("site templates: cannot read %s: %s", path, e)
        return []
    with fh:
        for offset, length in spans:
            try:
                response = from_record(read_record_in(fh, offset, length, path.name))
            except (RecordError, ValueError):
                continue
            rows = derive(response, site).rows.get("articles")
            if rows:
                found.append(Article(url=rows[0]["url"], title=rows[0]["title"], text=rows[0]["text"]))
    return found
