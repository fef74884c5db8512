"""extract(html, url, fetched_at) -> Article | None: the article in a page, or None when there is none.

Pure: no Scrapy, no I/O, no module state (the collector's threshold is raised for the call, then put
back). The live crawl and `baotinh index` call the same function, in a process pool. The page is parsed
once and every step shares that tree:

0. page_tree parses it (load_html's steps, elements whose class lxml picks without calling Python);
1. signals: what the page declares (JSON-LD, meta tags, <title>, <h1>); when that alone rules out an
   article (page_kind.settled: an error page, a home page URL declared a website), nothing more is done;
2. scan: the headline's place, date and author blocks with where they stand (unless the page's declared
   time and people settle them); teaser blocks — all read before anything is removed;
3. boxes: related lists, teaser cards, promotion, share and comment blocks leave the tree;
4. main_text: trafilatura's cascade finds the main text (readability only where it can matter);
   location finds it again in the page; passages puts back the prose trafilatura skipped inside the
   article; page_kind decides article or not;
5. templates (the site's own recurring lines), images, body: captions, wrappers, bylines out;
6. metadata, article_time, authors: title, lead, time, people, source credit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from pipelines.extraction.article import Article
from pipelines.extraction.article_time import declared_time, find_published
from pipelines.extraction.authors import byline_after_body, declared_authors, ld_authors, meta_authors
from pipelines.extraction.body import clean_body, drop_title, is_vietnamese
from pipelines.extraction.boxes import prune_boxes
from pipelines.extraction.bylines import dateline_credit, fold, is_site_name
from pipelines.extraction.images import find_images
from pipelines.extraction.location import locate_article
from pipelines.extraction.main_text import main_text
from pipelines.extraction.metadata import clean_lead, find_lead, find_title, site_tokens, source_line
from pipelines.extraction.page_kind import (
    container_shape,
    declared_evidence,
    judge,
    settled,
    teaser_blocks,
    teaser_share,
    teasers_inside,
)
from pipelines.extraction.page_tree import parse_page
from pipelines.extraction.passages import restore_passages
from pipelines.extraction.rules import match_line
from pipelines.extraction.scan import scan_page
from pipelines.extraction.signals import PageSignals, read_signals
from pipelines.extraction.templates import SiteTemplates, drop_template_lines
from pipelines.extraction.text import FlatTexts
from pipelines.extraction.version import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "extract"]
MIN_TEXT_CHARS = 200
# One extraction makes a Python object for each element of the page and of trafilatura's copies (some
# hundred thousand, nearly all freed by reference counting): at Python's 700 allocations a collection,
# the collector runs hundreds of times a page over objects that are not garbage. 10,000 keeps ~5 % of the
# time; the threshold is the caller's again when extract() returns.
COLLECT_EVERY = 10_000


def extract(
    html: str, url: str, fetched_at: datetime | None = None, *, templates: SiteTemplates | None = None
) -> Article | None:
    """Return the article of `html` or None. `templates` are the site's learned template lines.

    >>> extract("<html><body><p>menu</p></body></html>", "http://example.vn/") is None
    True
    """
    with _fewer_collections():
        return _extract(html, url, fetched_at, templates)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    first, *rest = gc.get_threshold()
    gc.set_threshold(max(first, COLLECT_EVERY), *rest)
    try:
        yield
    finally:
        gc.set_threshold(first, *rest)


def _extract(html: str, url: str, fetched_at: datetime | None, templates: SiteTemplates | None) -> Article | None:
    tree = parse_page(html)
    if tree is None:
        return None
    # lxml makes a Python object for an element each time a walk reaches it unless one is alive: holding
    # them all makes that cost once per element, not once per walk (a dozen walks below).
    _alive = list(tree.iter())
    signals = read_signals(tree, url)
    page = declared_evidence(signals, tree)
    if settled(page) is not None:  # an error page, or a listing whatever its text: no extraction
        return None
    tokens = site_tokens(signals)
    # What the page declares may settle the time and the people; what it shows is read for the rest.
    published_at = declared_time(signals, fetched_at)
    declared = ld_authors(signals, tokens)
    scan = scan_page(tree, signals, dates=published_at is None, authors=not declared)
    if published_at is None:
        published_at = find_published(signals, scan, fetched_at)
    if not declared:
        declared = declared_authors(signals, scan, tokens)
    texts = FlatTexts()  # block texts of the tree as loaded: shared until prune_boxes removes the first box
    teasers = teaser_blocks(tree, texts)
    neighbours: list[str] = []
    prune_boxes(tree, neighbours, texts)
    # A page declaring itself no article (page.score < 0) is most likely a listing: its text is weighed
    # for a listing's shape, and the longer texts of trafilatura's rescues would be thrown away with it.
    paragraphs = main_text(tree, url, _declared_length(signals), rescue=page.score >= 0)
    if sum(len(p) for p in paragraphs) < MIN_TEXT_CHARS:
        return None
    location = locate_article(tree, paragraphs)
    paragraphs = restore_passages(location, paragraphs)
    share = teaser_share("\n".join(paragraphs), teasers_inside(teasers, location.container))
    shape = container_shape(location.container, url, sum(len(p) for p in paragraphs), location.hits.values())
    verdict = judge(page, share, shape, len(teasers))
    if not verdict.is_article:
        return None

    title = find_title(signals, tokens)
    paragraphs = drop_template_lines(drop_title(paragraphs, title), title, templates)
    images, captions = find_images(location.container, url)
    vietnamese = signals.lang.startswith("vi") or is_vietnamese(" ".join(paragraphs[:5]))
    # cafef-style "<p class="source">Đại Đoàn kết</p>" closes the text, after the byline.
    shown_source = paragraphs.pop() if len(paragraphs) > 1 and source_line(tree, paragraphs[-1]) else None
    body = clean_body(paragraphs, captions, vietnamese=vietnamese, site=tokens, title=title, beside=neighbours)
    after = byline_after_body(location.last, tokens) if vietnamese and not body.authors else None
    authors = declared or body.authors or (after.authors if after else ()) or meta_authors(signals, tokens)
    credit = body.credit or shown_source or (after.credit if after else None)
    credit = credit or _dateline_credit(body.paragraphs, tokens)
    lead, shown = (
        find_lead(tree, location.first, signals) if location.first is not None else (signals.description or None, False)
    )
    if lead and match_line(lead) is not None:
        lead, shown = None, False
    # A Vietnamese sapo is the article's first paragraph; an English standfirst is left to `lead`
    # (the Zyte truth leaves it out of the body).
    if lead and shown and vietnamese and not _already_in(lead, body.paragraphs):
        body.paragraphs.insert(0, lead)
    text = "\n\n".join(body.paragraphs)
    if len(text) < MIN_TEXT_CHARS:
        return None
    version = (
        f"{EXTRACTOR_VERSION} templates/{templates.digest}" if templates and templates.lines else EXTRACTOR_VERSION
    )
    return Article(
        url=url,
        title=title,
        text=text,
        lead=clean_lead(lead),
        author="; ".join(authors) or None,
        published_at=published_at,
        source_credit=credit,
        images=images,
        extractor=version,
        doubt=verdict.reason if verdict.doubtful else None,
    )


def _dateline_credit(paragraphs: list[str], tokens: set[str]) -> str | None:
    """An opening "PTĐT – …" credits another paper; "(Dân trí) - …" on dantri.com.vn is the site itself."""
    for opening in paragraphs[:2]:
        found = dateline_credit(opening)
        if found and not is_site_name(found, tokens):
            return found
    return None


def _declared_length(signals: PageSignals) -> int:
    body = (signals.ld_article or {}).get("articleBody")
    return len(body) if isinstance(body, str) else 0


def _already_in(lead: str, paragraphs: list[str]) -> bool:
    key = fold(lead)[:60]
    return any(key in fold(p) for p in paragraphs[:3])
