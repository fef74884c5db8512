"""Who wrote the article, as the page prints it: people only, never the site, a form label or "PV".

Where Vietnamese papers put the byline, most specific first:
1. JSON-LD `author` entries that are a Person;
2. an author-marked block of the article ("author", "byline", "tac-gia" classes), never one inside a
   comment form, another item's teaser, the masthead or a menu;
3. the closing line of the body ("Lê Phương", "Tin, ảnh: P.Y"), taken out of the text by `body`;
4. a short block right after the body: a bold or right-aligned name, a signature div;
5. meta tags (`author`, `article:author`), which often hold the site's name and are checked for it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from pipelines.extraction.bylines import Byline, is_site_name, looks_like_name, parse_byline
from pipelines.extraction.scan import PageScan
from pipelines.extraction.signals import PageSignals, ld_people
from pipelines.extraction.text import read_text

BYLINE_MAX_CHARS = 80
AFTER_BODY_BLOCKS = 4  # blocks with text looked at after the body's last paragraph
CONTENT_CHARS = 200  # a block this long is more article (or another one), not a byline


def declared_authors(signals: PageSignals, scan: PageScan, tokens: set[str]) -> tuple[str, ...]:
    """People from JSON-LD, else from the article's author-marked blocks."""
    people = ld_authors(signals, tokens)
    if people:
        return people
    for spot in scan.authors:
        if spot.foreign:
            continue
        people = people_in([spot.text], tokens)
        if people:
            return people
    return ()


def ld_authors(signals: PageSignals, tokens: set[str]) -> tuple[str, ...]:
    """The people the page's JSON-LD article names: when there are any, the page's blocks are not read."""
    return people_in(ld_people(signals.ld_article.get("author")), tokens) if signals.ld_article else ()


def meta_authors(signals: PageSignals, tokens: set[str]) -> tuple[str, ...]:
    return people_in(signals.meta_authors, tokens)


def byline_after_body(last: HtmlElement | None, tokens: set[str]) -> Byline | None:
    """The byline block that follows the body's last paragraph, or None."""
    if last is None:
        return None
    for block in _following_blocks(last):
        text = read_text(block) if len(block.text_content()) <= CONTENT_CHARS * 2 else "x" * CONTENT_CHARS
        if len(text) >= CONTENT_CHARS:
            return None
        if len(text) > BYLINE_MAX_CHARS:
            continue
        byline = parse_byline(text, context="body")
        if byline is not None and byline.authors:
            people = tuple(p for p in byline.authors if not is_site_name(p, tokens))
            return Byline(people, byline.credit) if people else None
    return None


def _following_blocks(element: HtmlElement) -> Iterator[HtmlElement]:
    """Elements after `element` in reading order, with text, nearest first (AFTER_BODY_BLOCKS at most)."""
    seen = 0
    node: HtmlElement | None = element
    while node is not None and node.tag not in ("body", "html"):
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or not sibling.text_content().strip():
                continue
            yield sibling
            seen += 1
            if seen >= AFTER_BODY_BLOCKS:
                return
        node = node.getparent()


def people_in(lines: list[str], tokens: set[str]) -> tuple[str, ...]:
    """The people named in author fields, without the site and anything that is not a name."""
    people: list[str] = []
    for line in lines:
        byline = parse_byline(line, context="author")
        if byline is not None:
            people.extend(p for p in byline.authors if looks_like_name(p) and not is_site_name(p, tokens))
    return tuple(dict.fromkeys(people))
