"""Passages of the article that trafilatura left out, put back where they stand.

trafilatura takes <p> elements; it skips running text set directly in a <div> among them ("<div>Hơn 10
năm…</div>") and text that follows a photo table without a <p> around it. Those passages sit inside
the article's container, between paragraphs it kept, so they are read from the container and put back
in reading order. Only prose is taken: a run of at least MIN_WORDS words, mostly not links, outside
captions, figures, forms and tables holding photos.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from pipelines.extraction.class_names import class_pattern
from pipelines.extraction.location import Location, norm, paragraph_key
from pipelines.extraction.text import BLOCKS, read_text

MIN_WORDS = 12
MAX_LINK_SHARE = 0.3
HOLDERS = frozenset({"div", "section", "article", "td", "main", "center", "font"})
NOT_PROSE = frozenset({"figure", "figcaption", "form", "button", "select", "textarea", "script", "style", "a", "h1"})
CAPTION_CLASS = class_pattern(r"caption|chu-?thich|chuthich|desc|credit|note|ad[sv]?\b|banner|hidden")


def restore_passages(location: Location, paragraphs: list[str]) -> list[str]:
    """`paragraphs` with the container's missed prose inserted in reading order."""
    container = location.container
    if container is None or not location.hits:
        return paragraphs
    order: dict[HtmlElement, int] = {}
    for index, element in enumerate(container.iter()):
        order[element] = index
    positions = [order.get(location.hits.get(paragraph_key(p)), -1) for p in paragraphs]  # type: ignore[arg-type]
    known = [p for p in positions if p >= 0]
    if len(known) < 2:
        return paragraphs
    start, end = min(known), max(known)
    present = norm(" ".join(paragraphs))
    found: list[tuple[int, str]] = []
    marked: dict[HtmlElement, bool] = {}
    for element, index in order.items():
        if not start < index < end or element.tag not in HOLDERS or _excluded(element, container, marked):
            continue
        for anchor, run in _runs(element):
            if _prose(run) and norm(run)[:60] not in present:
                # A run after a block child stands after everything inside that child.
                position = index if anchor is None else max(order.get(e, index) for e in anchor.iter())
                found.append((position, run))
    if not found:
        return paragraphs
    merged = list(zip(positions, paragraphs, strict=True))
    for index, run in found:
        after = max((i for i, (p, _) in enumerate(merged) if 0 <= p <= index), default=-1)
        merged.insert(after + 1, (index, run))
    return [text for _, text in merged]


def _runs(element: HtmlElement) -> list[tuple[HtmlElement | None, str]]:
    """Text set directly in `element`: its own text with its inline children, cut at block children
    (the text after a block child, such as a photo table, is a run of its own, anchored to that child)."""
    runs: list[tuple[HtmlElement | None, str]] = []
    anchor: HtmlElement | None = None
    current: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in BLOCKS:
            runs.append((anchor, "".join(current)))
            anchor, current = child, []
        elif tag and tag not in NOT_PROSE:
            current.append(read_text(child))
        current.append(child.tail or "")
    runs.append((anchor, "".join(current)))
    return [(a, norm(r)) for a, r in runs if r.strip()]


def _prose(run: str) -> bool:
    return len(run.split()) >= MIN_WORDS and run[-1:] in '.!?…”"):;' and not run.startswith(("©", "(c)"))


def _excluded(element: HtmlElement, container: HtmlElement, marked: dict[HtmlElement, bool]) -> bool:
    """Inside a caption, a figure, a form, a photo table or something hidden, or mostly links: not running
    text. `marked` holds what is known of the ancestors: the holders of one container share them."""
    top = container.getparent()
    for node in (element, *element.iterancestors()):
        if node is top:
            break
        if node not in marked:
            marked[node] = _not_prose(node)
        if marked[node]:
            return True
    links = sum(len(a.text_content()) for a in element.iter("a"))
    return links > MAX_LINK_SHARE * max(1, len(element.text_content()))


def _not_prose(node: HtmlElement) -> bool:
    """A caption, a figure, a form, a photo table or something hidden."""
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in NOT_PROSE or (tag == "table" and node.find(".//img") is not None):
        return True
    return bool(CAPTION_CLASS.search(node.get("class") or "")) or "display:none" in (node.get("style") or "").replace(
        " ", ""
    )
