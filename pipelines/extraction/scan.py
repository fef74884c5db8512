"""One pass over the page before anything is removed: where the headline is, and every date and
author block with where it stands (the article's own header, or another item's teaser, the masthead,
a menu, the footer, a form).

Dates and bylines often share a bar with the share buttons, which the box pruner removes, so they are
read here, first. Each spot keeps its document position, so later steps can prefer the one next to
the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.extraction.bylines import fold
from pipelines.extraction.class_names import class_pattern
from pipelines.extraction.published import Stamp, parse_stamps
from pipelines.extraction.signals import PageSignals
from pipelines.extraction.text import read_text, text_content

DATE_SOURCE = r"date|time|publish|ngay-?dang|thoi-?gian|pdate|timestamp|meta"
DATE_CLASS = class_pattern(DATE_SOURCE)
# Today's date in the site header ("time-now", "today") is the day of the visit, not of the article.
CLOCK_CLASS = class_pattern(r"now|today|current|clock|weather|hom-?nay|lich")
AUTHOR_SOURCE = r"author|byline|tac-?gia|writer|butdanh|but-danh|signature"
AUTHOR_CLASS = class_pattern(AUTHOR_SOURCE)
# Either: most class names name neither, and are settled by one search, not two.
DATE_OR_AUTHOR_CLASS = class_pattern(f"{DATE_SOURCE}|{AUTHOR_SOURCE}")
# Page furniture around the article: masthead, menus, sidebars, footers. Matched on whole class tokens.
CHROME_CLASS = class_pattern(
    r"(?:^|[\s_-])(?:header|masthead|top-?bar|topbar|top-?nav|menu|nav|navbar|footer|sidebar|side-?bar|"
    r"aside|widget|sticky-?bar|breaking|ticker|marquee)(?=$|[\s_-])"
)
CHROME_TAGS = frozenset({"header", "nav", "footer", "aside"})
FORM_TAGS = frozenset({"form", "textarea", "input", "select", "button", "label"})
COMMENT_CLASS = class_pattern(r"comment|binh-?luan|binhluan|y-?kien|reply|respond")
SPOT_TAGS = frozenset({"time", "span", "div", "p", "li", "small", "em", "i", "b", "strong", "font", "td", "a", "abbr"})
DATE_DIGITS = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|tháng\s+\d{1,2}\s+năm\s+\d{4}", re.I)
ANY_DIGIT = re.compile(r"\d")
SPOT_MAX_CHARS = 120
TEASER_REACH = 3  # ancestors searched for another article's headline link
TEASER_MAX_CHARS = 500
HEADLINE_LINK_WORDS = 5
MAX_SPOTS = 60


@dataclass(frozen=True)
class Spot:
    """A date or author block: its text, position in document order, and whether it belongs to the
    page rather than to the article (another item's teaser, the masthead, a menu, the footer, a form)."""

    text: str
    order: int
    foreign: bool
    why: str = ""
    stamps: tuple[Stamp, ...] = ()


@dataclass
class PageScan:
    headline_order: int | None = None
    dates: list[Spot] = field(default_factory=list)
    authors: list[Spot] = field(default_factory=list)


def scan_page(tree: HtmlElement, signals: PageSignals, *, dates: bool = True, authors: bool = True) -> PageScan:
    """The headline's place and the date spots (`dates`), the author spots (`authors`): a page whose declared
    time or people settle them is not read for them."""
    scan = PageScan()
    if not (dates or authors):
        return scan
    headline_key = _headline_key(signals)
    most_dates = MAX_SPOTS if dates else 0
    most_authors = MAX_SPOTS if authors else 0
    # (date class, author class) per class/id string: pages repeat a few on many elements
    classes: dict[str, tuple[bool, bool]] = {}
    marks = _Marks()
    teasers: dict[HtmlElement, bool] = {}  # _holds_other_headline per ancestor: the spots of a block share them
    for order, element in enumerate(tree.iter()):
        tag = element.tag  # a comment's tag is a function: neither "h1" nor in SPOT_TAGS
        if tag == "h1" and scan.headline_order is None and dates:
            if headline_key is None or fold(read_text(element))[:30] in headline_key:
                scan.headline_order = order
            continue
        if tag not in SPOT_TAGS:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        found = classes.get(names)
        if found is None:
            found = classes[names] = (
                (DATE_CLASS.search(names) is not None, AUTHOR_CLASS.search(names) is not None)
                if DATE_OR_AUTHOR_CLASS.search(names) is not None
                else (False, False)
            )
        date_class, author_class = found
        dated = len(scan.dates) < most_dates and (tag == "time" or date_class or _own_text_has_date(element))
        authored = len(scan.authors) < most_authors and author_class
        if not (dated or authored):
            continue
        text = element.get("datetime") if tag == "time" and element.get("datetime") else read_text(element)
        if not text or len(text) > SPOT_MAX_CHARS:
            continue
        why = _foreign(element, teasers, marks)
        if dated and not why and marks.clock(names):
            why = "clock"
        if dated:
            stamps = parse_stamps(text)
            if stamps:
                scan.dates.append(Spot(text, order, bool(why), why, stamps))
        if authored:
            scan.authors.append(Spot(text, order, bool(why), why))
    return scan


class _Marks:
    """The clock, comment and chrome classes of class/id strings, each matched once a page."""

    def __init__(self) -> None:
        self.clock = CLOCK_CLASS.matcher()
        self.comment = COMMENT_CLASS.matcher()
        self.chrome = CHROME_CLASS.matcher()


def _headline_key(signals: PageSignals) -> str | None:
    """Folded titles the article's <h1> must begin like; None when the page declares none."""
    declared = [t for t in (signals.og_title, signals.title_tag) if t]
    return " ".join(fold(t) for t in declared) if declared else None


def _own_text_has_date(element: HtmlElement) -> bool:
    """A date written in the element itself (not in its children): "<span>07:12 ngày 24/03/2024</span>"."""
    own = element.text or ""
    if len(own) > SPOT_MAX_CHARS:
        return False
    if len(element):
        own = "".join([own, *(child.tail or "" for child in element)])
    # every date has a digit: one scan for it settles most texts (DATE_DIGITS costs ~2 us a text)
    return len(own) <= SPOT_MAX_CHARS and ANY_DIGIT.search(own) is not None and DATE_DIGITS.search(own) is not None


def _foreign(element: HtmlElement, teasers: dict[HtmlElement, bool], marks: _Marks) -> str:
    """Why the block belongs to the page, not the article: "" when it may be the article's. `teasers`:
    what is known of which ancestors hold another article's headline; `marks`: of which class names."""
    in_article = False
    chain = [element, *element.iterancestors()]
    for depth, node in enumerate(chain):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "article" or tag == "main":
            in_article = True
        if tag in FORM_TAGS or (tag != "body" and marks.comment(f"{node.get('class', '')} {node.get('id', '')}")):
            return "form"
        if depth and depth <= TEASER_REACH:
            if node not in teasers:
                teasers[node] = _holds_other_headline(node)
            if teasers[node]:
                return "teaser"
    for node in chain:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html"):
            break
        marked = tag in CHROME_TAGS or marks.chrome(f"{node.get('class', '')} {node.get('id', '')}")
        # <header> inside <article> is the article's own header; a block holding the headline is too.
        if marked and not (in_article and tag in ("header", "footer")) and node.find(".//h1") is None:
            return "chrome"
    return ""


def _holds_other_headline(node: HtmlElement) -> bool:
    """A small block with a link whose text is a headline: a teaser for another article."""
    if node.tag in ("body", "html") or len(text_content(node)) > TEASER_MAX_CHARS:
        return False
    for link in node.iter("a"):
        href = link.get("href") or ""
        if href and not href.startswith(("#", "javascript:", "mailto:")):
            words = text_content(link).split()
            if len(words) >= HEADLINE_LINK_WORDS:
                return True
    return False
