"""Where the extracted article sits in the page.

trafilatura returns text, not nodes, so the article is found again: the elements whose own text opens
an extracted paragraph ("hits"), and the deepest element holding most of them (the container). A
paragraph that also shows up elsewhere (a teaser repeating the sapo) must not stretch the container to
the whole page, hence "most", not "all".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

KEY_CHARS = 24
MAX_PARAGRAPHS = 80
MAJORITY = 0.8


@dataclass
class Location:
    container: HtmlElement | None = None
    first: HtmlElement | None = None  # the element the first located paragraph starts in
    last: HtmlElement | None = None  # ... and the last one
    hits: dict[str, HtmlElement] = field(default_factory=dict)  # paragraph key -> its element


def norm(text: str | None) -> str:
    """Whitespace collapsed: `\\s+` and str.split() agree on what whitespace is, and split/join is faster."""
    return " ".join((text or "").split())


def paragraph_key(text: str) -> str:
    """The first KEY_CHARS characters, whitespace collapsed (without collapsing the whole text)."""
    return norm(text.lstrip()[: KEY_CHARS * 3])[:KEY_CHARS]


def locate_article(tree: HtmlElement, paragraphs: list[str]) -> Location:
    wanted = {paragraph_key(p) for p in paragraphs[:MAX_PARAGRAPHS]}
    wanted = {k for k in wanted if len(k) == KEY_CHARS}
    if not wanted:
        return Location()
    hits: list[HtmlElement] = []
    by_key: dict[str, HtmlElement] = {}
    for element in tree.iter():
        text = element.text
        if text and len(text) >= KEY_CHARS:
            key = paragraph_key(text)
            if key in wanted:
                hits.append(element)
                by_key.setdefault(key, element)
    if not hits:
        return Location()
    counts: dict[HtmlElement, int] = {}
    for hit in hits:
        for ancestor in hit.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    needed = max(1, int(len(hits) * MAJORITY))
    # Elements holding most hits all lie on one chain (two of them share a hit); take the deepest.
    qualified = [a for a, n in counts.items() if n >= needed]
    container = max(qualified, key=lambda a: sum(1 for _ in a.iterancestors()), default=None)
    inside = [h for h in hits if container is not None and container in h.iterancestors()] or hits
    return Location(container, inside[0], inside[-1], by_key)
