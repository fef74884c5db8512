"""Remove inline boxes (related news, share and print bars, tag lists, comment forms) before extraction.

A box is found by its heading (BOX_TITLES), its class/id (BOX_CLASSES) or its shape (a list whose
every item is one headline link), and removed only when it looks like a box: mostly links, or a
form, and small beside the article. A heading alone in the middle of real text is left alone.
Mutates the tree it is given; returns the names of the rules used.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from pipelines.extraction.rules import ANY_BOX_CLASS, ANY_BOX_TITLE, BOX_CLASSES, BOX_TITLES
from pipelines.extraction.signals import WHITESPACE

INLINE = frozenset({"b", "strong", "em", "i", "u", "span", "font", "a", "small", "mark", "label"})
KEEP = frozenset({"html", "body", "article", "main", "h1"})
MAX_BOX_CHARS = 1500  # a box bigger than this is probably the article itself, whatever its class says
MIN_LINK_SHARE = 0.5
LINK_ITEM_CHARS = 20
FORM_TAGS = ("form", "textarea", "input", "button", "select")


def prune_boxes(tree: HtmlElement) -> list[str]:
    used: list[str] = []
    for element, rule_name in _boxes(tree) + _link_lists(tree):
        if _detached(element, tree):
            continue
        element.drop_tree()  # keeps the tail text, which belongs to the surrounding block
        used.append(rule_name)
    return used


def _boxes(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """One pass over the tree for both kinds of box: by heading text and by class/id."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        text = element.text
        if text and len(text) <= 60:
            heading = WHITESPACE.sub(" ", text).strip()
            if heading and ANY_BOX_TITLE.fullmatch(heading):
                box = _box_of_heading(element, heading)
                if box is not None:
                    found.append((box, next(r.name for r in BOX_TITLES if r.pattern.fullmatch(heading))))
                    continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if len(names) > 4 and element.tag not in KEEP and ANY_BOX_CLASS.search(names) and _small_box(element):
            found.append((element, next(r.name for r in BOX_CLASSES if r.pattern.search(names))))
    return found


def _box_of_heading(element: HtmlElement, heading: str) -> HtmlElement | None:
    block = element
    while (parent := block.getparent()) is not None and parent.tag not in KEEP and _text(parent) == heading:
        block = parent
    rest = len(_text(block)) - len(heading)
    if rest > 0:
        # "Xem thêm: <a>…</a>" in one paragraph is a box line; "<b>Xem thêm</b> các quy định…" is text.
        return block if _link_share(block, rest) >= MIN_LINK_SHARE else None
    box = None
    candidate = block.getparent()
    for _ in range(3):
        if candidate is None or candidate.tag in KEEP or candidate.find(".//h1") is not None:
            break
        rest = len(_text(candidate)) - len(heading)
        if rest > MAX_BOX_CHARS or not (
            rest <= 0 or _has_form(candidate) or _link_share(candidate, rest) >= MIN_LINK_SHARE
        ):
            break
        box, candidate = candidate, candidate.getparent()
    if box is None and block.tag in INLINE:
        # "<b>Xem thêm</b> các quy định…": an inline word inside a sentence, not a box heading.
        return None
    return box if box is not None else block


def _small_box(element: HtmlElement) -> bool:
    length = len(_text(element))
    if length > MAX_BOX_CHARS or element.find(".//h1") is not None:
        return False
    # Short bars go whatever they hold; longer boxes only when made of links or a form.
    return length <= 300 or _has_form(element) or _link_share(element, length) >= MIN_LINK_SHARE


def _link_lists(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Lists whose every item is one headline link: related-article lists with no heading."""
    found = []
    for element in tree.iter("ul", "ol"):
        items = [item for item in element if item.tag == "li"]
        if len(items) < 2:
            continue
        texts = [_text(item) for item in items]
        if all(
            len(t) >= LINK_ITEM_CHARS and _link_share(item, len(t)) >= 0.9
            for item, t in zip(items, texts, strict=True)
        ):
            found.append((element, "link_list"))
    return found


def _text(element: HtmlElement) -> str:
    return WHITESPACE.sub(" ", element.text_content()).strip()


def _link_share(element: HtmlElement, length: int) -> float:
    if length <= 0:
        return 1.0
    return sum(len(_text(a)) for a in element.iter("a")) / length


def _has_form(element: HtmlElement) -> bool:
    return any(True for _ in element.iter(*FORM_TAGS))


def _detached(element: HtmlElement, root: HtmlElement) -> bool:
    top = element
    while (parent := top.getparent()) is not None:
        top = parent
    return top is not root
