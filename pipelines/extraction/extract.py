"""extract(html, url, fetched_at) -> Article | None: the article in a page, or None when there is none.

Pure: no Scrapy, no I/O, no module state. The live crawl and `baotinh index` call the same function,
in a process pool. The steps, each in its own module:

1. signals: what the page declares (JSON-LD, meta tags, <title>, <h1>);
2. page_kind: teaser blocks, counted before anything is removed;
3. boxes: inline boxes (Tin liên quan, share bars, Mục lục, comment forms) leave the tree;
4. trafilatura finds the main text; page_kind.judge decides article or not;
5. images / body: photos with captions, wrapper lines and bylines out;
6. metadata: title, lead, time, author; bylines: source credit.
"""

from __future__ import annotations

from datetime import datetime

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipelines.extraction.article import Article
from pipelines.extraction.body import body_paragraphs, clean_body, drop_title, is_vietnamese
from pipelines.extraction.boxes import prune_boxes
from pipelines.extraction.bylines import dateline_credit, fold, is_site_name
from pipelines.extraction.images import find_images, locate_article
from pipelines.extraction.metadata import (
    clean_lead,
    find_authors,
    find_lead,
    find_published,
    find_title,
    site_tokens,
    source_line,
)
from pipelines.extraction.page_kind import judge, teaser_share, teaser_texts
from pipelines.extraction.rules import match_line
from pipelines.extraction.signals import read_signals

# Bump the first part whenever a change can alter what is extracted from the same page.
EXTRACTOR_VERSION = f"baotinh-extract/2 trafilatura/{trafilatura.__version__}"
MIN_TEXT_CHARS = 200


def extract(html: str, url: str, fetched_at: datetime | None = None) -> Article | None:
    """Return the article of `html` or None.

    >>> extract("<html><body><p>menu</p></body></html>", "http://example.vn/") is None
    True
    """
    tree = load_html(html)
    if tree is None:
        return None
    signals = read_signals(tree, url)
    teasers = teaser_texts(tree)
    # Date and byline blocks often share a bar with the share buttons: read them before pruning.
    tokens = site_tokens(signals)
    published_at = find_published(tree, signals, fetched_at)
    authors = find_authors(tree, signals, tokens)
    prune_boxes(tree)
    paragraphs = _main_text(tree, url, favor_precision=True)
    if sum(len(p) for p in paragraphs) < MIN_TEXT_CHARS:
        # Precision mode sometimes keeps next to nothing of a short article; balanced mode may get it.
        paragraphs = _main_text(tree, url, favor_precision=False)
        if sum(len(p) for p in paragraphs) < MIN_TEXT_CHARS:
            return None
    verdict = judge(signals, tree, teaser_share("\n".join(paragraphs), teasers))
    if not verdict.is_article:
        return None

    title = find_title(signals, tokens)
    paragraphs = drop_title(paragraphs, title)
    container, first = locate_article(tree, paragraphs)
    images, captions = find_images(container, url)
    vietnamese = signals.lang.startswith("vi") or is_vietnamese(" ".join(paragraphs[:5]))
    # cafef-style "<p class="source">Đại Đoàn kết</p>" closes the text, after the byline.
    shown_source = paragraphs.pop() if len(paragraphs) > 1 and source_line(tree, paragraphs[-1]) else None
    body = clean_body(paragraphs, captions, vietnamese=vietnamese, site=tokens)
    credit = body.credit or shown_source or _dateline_credit(body.paragraphs, tokens)
    lead, shown = (
        find_lead(tree, first, signals) if first is not None else (signals.description or None, False)
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
    return Article(
        url=url,
        title=title,
        text=text,
        lead=clean_lead(lead),
        author="; ".join(authors or body.authors) or None,
        published_at=published_at,
        source_credit=credit,
        images=images,
        extractor=EXTRACTOR_VERSION,
    )


def _dateline_credit(paragraphs: list[str], tokens: set[str]) -> str | None:
    """An opening "PTĐT – …" credits another paper; "(Dân trí) - …" on dantri.com.vn is the site itself."""
    for opening in paragraphs[:2]:
        found = dateline_credit(opening)
        if found and not is_site_name(found, tokens):
            return found
    return None


def _main_text(tree: HtmlElement, url: str, *, favor_precision: bool) -> list[str]:
    document = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, favor_precision=favor_precision
    )
    return body_paragraphs(document.body if document else None)


def _already_in(lead: str, paragraphs: list[str]) -> bool:
    key = fold(lead)[:60]
    return any(key in fold(p) for p in paragraphs[:3])
