"""Remove boxes (related news, teaser cards, promotions, share and print bars, tag lists, comment forms)
before extraction, inside the article element too.

A box is found by its heading (BOX_TITLES), its class/id (BOX_CLASSES) or its shape: a list whose
every item opens with a headline link, a small card holding another article's headline link, a block
whose whole text is one link to another page. It is removed only when it looks like a box: mostly
links, or a form, and small beside the article. A box is a block: a link or a bold word inside running
text is never one, whatever its class ("ngân hàng <a class="tag-relate">…</a> và …" keeps its words).
Mutates the tree it is given; returns the names of the rules used.
"""

from __future__ import annotations

from lxml.etree import Element
from lxml.html import HtmlElement

from pipelines.extraction.rules import (
    ANY_BOX_CLASS,
    ANY_BOX_TITLE,
    BOX_CLASSES,
    BOX_OR_PROMO_CLASS,
    BOX_TITLES,
    PROMO_CLASS,
)
from pipelines.extraction.text import FlatTexts, flat_text, words_around

INLINE = frozenset({"b", "strong", "em", "i", "u", "span", "font", "a", "small", "mark", "label"})
KEEP = frozenset({"html", "body", "article", "main", "h1"})
MAX_BOX_CHARS = 1500  # a box bigger than this is probably the article itself, whatever its class says
MIN_LINK_SHARE = 0.5
LINK_ITEM_CHARS = 20
FORM_TAGS = ("form", "textarea", "input", "button", "select")
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
CARD_TAGS = frozenset({"div", "section", "aside", "table", "figure", "li", "p"})
CARD_MAX_CHARS = 400
CARD_LINK_SHARE = 0.35
HEADLINE_WORDS = 5
LINK_LINE_WORDS = 3
PROMO_MAX_CHARS = 900  # a product or booking card may carry a paragraph of blurb
ANCHOR_BOXES = frozenset({"xem_them", "muc_luc", "toc", "co_the_ban_quan_tam", "doc_tiep"})
SKIP_HREF = ("#", "javascript:", "mailto:", "tel:")
PROSE_CHARS = 120
PROSE_SIBLINGS = 2


def prune_boxes(tree: HtmlElement, neighbours: list[str] | None = None, texts: FlatTexts | None = None) -> list[str]:
    """Remove the boxes; return the rules used. When `neighbours` is given, the texts of the blocks
    right before and after each "Xem thêm"/"Mục lục" box are added to it: content farms set their
    wrapper lines there (see `wrappers`). `texts`: block texts already taken of this tree as it is now."""
    used: list[str] = []
    if texts is None:  # every box is found before the first is removed: the texts hold for all three walks
        texts = FlatTexts()
    for element, rule_name in _boxes(tree, texts) + _link_lists(tree, texts) + _cards(tree, texts):
        if _detached(element, tree):
            continue
        if neighbours is not None and rule_name in ANCHOR_BOXES:
            neighbours.extend(flat_text(n) for n in (element.getprevious(), element.getnext()) if n is not None)
        element.drop_tree()  # keeps the tail text, which belongs to the surrounding block
        used.append(rule_name)
    return used


def _boxes(tree: HtmlElement, texts: FlatTexts) -> list[tuple[HtmlElement, str]]:
    """One pass over the tree for both kinds of box: by heading text and by class/id."""
    found = []
    # A page repeats a few class names (and short texts) on thousands of elements: each is matched once.
    rules: dict[str, tuple[str | None, bool]] = {}
    titles: dict[str, str | None] = {}  # by the text as written: most repeat as they are
    for element in tree.iter(Element):  # elements only, picked inside lxml
        text = element.text
        if text and len(text) <= 60 and not text.isspace():  # str.split() and isspace() agree on whitespace
            if text not in titles:
                titles[text] = _title_rule(" ".join(text.split()))
            title_rule = titles[text]
            if title_rule is not None:
                box = _box_of_heading(element, " ".join(text.split()), texts)
                if box is not None:
                    found.append((box, title_rule))
                    continue
        classes, ids = element.get("class"), element.get("id")
        if not (classes or ids) or element.tag in KEEP:
            continue
        names = f"{classes or ''} {ids or ''}"
        if len(names) <= 4:
            continue
        rule = rules.get(names)
        if rule is None:
            rule = rules[names] = (
                (_class_rule(names), PROMO_CLASS.search(names) is not None)
                if BOX_OR_PROMO_CLASS.search(names) is not None
                else (None, False)
            )
        box_rule, promo = rule
        # most class names name no box: the neighbours of the element are looked at only for those that do
        if (box_rule is None and not promo) or _in_running_text(element):
            continue
        if box_rule is not None and _small_box(element, texts):
            found.append((element, box_rule))
        elif promo and _promo(element, texts):
            found.append((element, "promotion"))
    return found


def _title_rule(heading: str) -> str | None:
    """The name of the first box rule the heading matches whole, or None."""
    if ANY_BOX_TITLE.fullmatch(heading) is None:
        return None
    return next(r.name for r in BOX_TITLES if r.pattern.fullmatch(heading))


def _class_rule(names: str) -> str | None:
    """The name of the first box rule the class/id names match, or None."""
    if ANY_BOX_CLASS.search(names) is None:
        return None
    return next(r.name for r in BOX_CLASSES if r.pattern.search(names))


def _in_running_text(element: HtmlElement) -> bool:
    """An inline element with words before or after it in its block: part of a sentence."""
    return element.tag in INLINE and words_around(element)


def _promo(element: HtmlElement, texts: FlatTexts) -> bool:
    """A promotion card (book, product, booking, app): small, and holding a link, a button or a price
    rather than being the article."""
    if texts.longer(element, PROMO_MAX_CHARS) or element.find(".//h1") is not None:
        return False
    length = len(texts[element])
    return length <= 300 or element.find(".//a") is not None or _has_form(element)


def _box_of_heading(element: HtmlElement, heading: str, texts: FlatTexts) -> HtmlElement | None:
    block = element
    while (parent := block.getparent()) is not None and parent.tag not in KEEP and texts.equals(parent, heading):
        block = parent
    rest = len(texts[block]) - len(heading)
    if rest > 0:
        # "Xem thêm: <a>…</a>" in one paragraph is a box line; "<b>Xem thêm</b> các quy định…" is text.
        return block if _link_share(block, rest, texts) >= MIN_LINK_SHARE else None
    box = None
    candidate = block.getparent()
    for _ in range(3):
        if candidate is None or candidate.tag in KEEP or candidate.find(".//h1") is not None:
            break
        rest = len(texts[candidate]) - len(heading)
        if rest > MAX_BOX_CHARS or not (
            rest <= 0 or _has_form(candidate) or _link_share(candidate, rest, texts) >= MIN_LINK_SHARE
        ):
            break
        box, candidate = candidate, candidate.getparent()
    if box is None and block.tag in INLINE:
        # "<b>Xem thêm</b> các quy định…": an inline word inside a sentence, not a box heading.
        return None
    return box if box is not None else block


def _small_box(element: HtmlElement, texts: FlatTexts) -> bool:
    if texts.longer(element, MAX_BOX_CHARS) or element.find(".//h1") is not None:
        return False
    length = len(texts[element])
    # Short bars go whatever they hold; longer boxes only when made of links or a form.
    return length <= 300 or _has_form(element) or _link_share(element, length, texts) >= MIN_LINK_SHARE


def _link_lists(tree: HtmlElement, texts: FlatTexts) -> list[tuple[HtmlElement, str]]:
    """Lists whose every item is one headline link, or opens with one and adds a short summary:
    related-article lists with no heading."""
    found = []
    for element in tree.iter("ul", "ol"):
        items = [item for item in element if item.tag == "li"]
        if len(items) < 2:
            continue
        if all(
            len(t) >= LINK_ITEM_CHARS and (_link_share(item, len(t), texts) >= 0.9 or _teaser_item(item, t, texts))
            for item, t in ((item, texts[item]) for item in items)
        ):
            found.append((element, "link_list"))
    return found


def _teaser_item(item: HtmlElement, text: str, texts: FlatTexts) -> bool:
    """A list item opening with a headline link to another page, then a line of summary."""
    if len(text) > CARD_MAX_CHARS:
        return False
    link = next((a for a in item.iter("a") if texts[a]), None)
    if link is None or not _goes_elsewhere(link):
        return False
    headline = texts[link]
    words = len(headline.split())
    framed = _thumbnail_link(item, link) or any(a.tag in HEADINGS for a in link.iterancestors())
    return (words >= HEADLINE_WORDS or (framed and words >= LINK_LINE_WORDS)) and text.startswith(headline[:20])


def _cards(tree: HtmlElement, texts: FlatTexts) -> list[tuple[HtmlElement, str]]:
    """Blocks whose text is one link to another page ("<p><a>Đọc thêm bài khác…</a></p>"), and small
    cards holding another article's headline link beside a thumbnail or a line of summary — set amid
    the article's prose. Among other cards (a listing page), they are the page, not a box in it."""
    found = []
    prose: dict[HtmlElement, bool] = {}
    for link in tree.iter("a"):
        text = texts[link]
        words = len(text.split())
        if words < LINK_LINE_WORDS or not _goes_elsewhere(link):
            continue
        block = link
        while (parent := block.getparent()) is not None and parent.tag not in KEEP and texts.equals(parent, text):
            block = parent
        if block is not link and block.tag in CARD_TAGS and block.find(".//img") is None:
            if _amid_prose(block, prose, texts):
                found.append((block, "link_line"))
            continue
        if words < HEADLINE_WORDS or words_around(block):  # a link inside a sentence is no teaser
            continue
        card = block.getparent()
        if card is None or card.tag in KEEP or card.tag not in CARD_TAGS or card.find(".//h1") is not None:
            continue
        length = len(texts[card])
        if (
            length <= CARD_MAX_CHARS
            and (_link_share(card, length, texts) >= CARD_LINK_SHARE or _thumbnail_link(card, link))
            and _amid_prose(card, prose, texts)
        ):
            found.append((card, "teaser_card"))
    return found


def _amid_prose(block: HtmlElement, cache: dict[HtmlElement, bool], texts: FlatTexts) -> bool:
    """At least PROSE_SIBLINGS siblings of `block` are running text: long, mostly not links, and no
    card themselves (on a listing, cards with long summaries stand beside other cards)."""
    parent = block.getparent()
    if parent is None:
        return False
    if parent not in cache:
        count = 0
        for sibling in parent:
            if not isinstance(sibling.tag, str):
                continue
            length = len(texts[sibling])
            if (
                length >= PROSE_CHARS
                and _link_share(sibling, length, texts) < 0.3
                and not _standalone_headline(sibling, texts)
            ):
                count += 1
                if count >= PROSE_SIBLINGS:
                    break
        cache[parent] = count >= PROSE_SIBLINGS
    return cache[parent]


def _standalone_headline(block: HtmlElement, texts: FlatTexts) -> bool:
    """A headline link standing on its own (in its heading, no words around it): a teaser's."""
    for link in block.iter("a"):
        text = texts[link]
        if len(text.split()) < HEADLINE_WORDS:
            continue
        holder = link
        while (parent := holder.getparent()) is not None and parent is not block and texts.equals(parent, text):
            holder = parent
        if not words_around(holder):
            return True
    return False


def _goes_elsewhere(link: HtmlElement) -> bool:
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(SKIP_HREF)


def _thumbnail_link(card: HtmlElement, headline: HtmlElement) -> bool:
    """The card's image links where its headline links: a teaser's thumbnail."""
    href = headline.get("href")
    return any(a is not headline and a.get("href") == href and a.find(".//img") is not None for a in card.iter("a"))


def _link_share(element: HtmlElement, length: int, texts: FlatTexts) -> float:
    if length <= 0:
        return 1.0
    return sum(len(texts[a]) for a in element.iter("a")) / length


def _has_form(element: HtmlElement) -> bool:
    return any(True for _ in element.iter(*FORM_TAGS))


def _detached(element: HtmlElement, root: HtmlElement) -> bool:
    top = element
    while (parent := top.getparent()) is not None:
        top = parent
    return top is not root
