"""The text of an element as a reader reads it: no word glued to the next where a tag ends.

`element.text_content()` concatenates text nodes, so "<h1>Hà Nội:<br>mưa lớn</h1>" reads "Hà Nội:mưa lớn"
and "<div>…kết thúc.</div><div>Sau đó…</div>" reads "…kết thúc.Sau đó…". A browser breaks the line at
<br> and around blocks; and a headline whose pieces sit in separate spans ("<span>Hà Nội:</span><span>mưa
lớn</span>") is printed with the space its editor meant when punctuation ends one piece. `read_text`
puts a space at those boundaries, collapses whitespace and skips scripts, styles and comments.

>>> from lxml.html import fragment_fromstring
>>> read_text(fragment_fromstring("<h1><span>Hà Nội:</span><span>mưa lớn</span><br>kéo dài</h1>"))
'Hà Nội: mưa lớn kéo dài'
>>> read_text(fragment_fromstring("<p>TP.<b>HCM</b> và Đ<i>à</i> Nẵng</p>"))
'TP.HCM và Đà Nẵng'
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Elements a browser lays out on lines of their own (or as cells): their edges separate words.
BLOCKS = frozenset(
    """address article aside blockquote br caption dd details div dl dt fieldset figcaption figure footer
    form h1 h2 h3 h4 h5 h6 header hr li main nav ol option p pre section summary table tbody td th thead
    tr ul""".split()
)
SKIPPED = frozenset({"script", "style", "noscript", "template"})
# Punctuation that ends a headline piece; the next piece, in another tag, starts a new word.
PIECE_END = frozenset(":;,!?|–—")
HEAD_TIMES = 4  # FlatTexts.longer collapses a beginning this many times the limit long first
GAP = "\x00"  # a tentative space, kept unless a digit follows
PIECE_GAP = re.compile(r"\x00(.?)", re.DOTALL)


def read_text(element: HtmlElement) -> str:
    """The element's text with whitespace collapsed and a space wherever a tag boundary separates words."""
    parts: list[str] = []
    # An explicit stack, not recursion: hostile pages nest thousands of levels deep.
    stack: list[tuple[HtmlElement, bool]] = [(element, False)]
    while stack:
        node, done = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if done:
            _boundary(parts, tag in BLOCKS)
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if not tag or tag in SKIPPED:  # a comment, a script: its text is not read, its tail is
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        _boundary(parts, tag in BLOCKS)
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    text = "".join(parts)
    if GAP in text:
        text = PIECE_GAP.sub(_piece_gap, text)
    return " ".join(text.split())  # what `\\s+` to " " and strip() give


def flat_text(element: HtmlElement) -> str:
    """`element.text_content()` with whitespace collapsed (str.split() and `\\s+` agree on what
    whitespace is; split/join is the faster of the two)."""
    return " ".join(text_content(element).split())


def text_content(element: HtmlElement) -> str:
    """`element.text_content()`: an element without children (most links, spans, cells) is its own text,
    read without the XPath call text_content() makes (a few microseconds, on tens of thousands of
    elements a page's walks ask for).

    >>> from lxml.html import fragment_fromstring
    >>> text_content(fragment_fromstring("<a> Hà Nội </a>")), text_content(fragment_fromstring("<a>Hà <b>Nội</b></a>"))
    (' Hà Nội ', 'Hà Nội')
    """
    if len(element) == 0:
        return element.text or ""
    return element.text_content()


class FlatTexts(dict[HtmlElement, str]):
    """`flat_text(element)` computed once per element and kept: the box, teaser and shape rules ask for
    the same blocks' texts again and again. Valid while the tree is not changed; one is made per walk,
    never kept between pages.

    >>> from lxml.html import fragment_fromstring
    >>> FlatTexts()[fragment_fromstring("<p> Hà  <b>Nội</b> </p>")]
    'Hà Nội'
    """

    def __init__(self) -> None:
        super().__init__()
        # a length the collapsed text of a block found longer than some limit is known to exceed: teasers and
        # boxes climb from every link to the same long blocks, which are not kept whole
        self.least: dict[HtmlElement, int] = {}

    def __missing__(self, element: HtmlElement) -> str:
        text = flat_text(element)
        self[element] = text
        return text

    def longer(self, element: HtmlElement, limit: int) -> bool:
        """`len(self[element]) > limit`, without collapsing the whole text of a block far longer than `limit`
        (a page's wrapper, the article): the collapsed text of a beginning is never longer than the whole's.

        >>> from lxml.html import fragment_fromstring
        >>> texts = FlatTexts()
        >>> texts.longer(fragment_fromstring("<div>" + "chữ " * 1000 + "</div>"), 600), len(texts)
        (True, 0)
        """
        text = self.get(element)
        if text is None:
            if self.least.get(element, -1) > limit:
                return True
            raw = text_content(element)
            if len(raw) > HEAD_TIMES * limit:
                head = len(" ".join(raw[: HEAD_TIMES * limit].split()))
                if head > limit:
                    self.least[element] = head
                    return True
            text = self[element] = " ".join(raw.split())
        return len(text) > limit

    def equals(self, element: HtmlElement, text: str) -> bool:
        """`self[element] == text`, a large block told apart by its length."""
        return not self.longer(element, len(text)) and self[element] == text


def words_around(element: HtmlElement) -> bool:
    """True when words stand right before or after `element` in its parent: it is inside running text
    ("… ngân hàng <a>chính sách</a> và …"), not a block of its own."""
    if (element.tail or "").strip():
        return True
    before = element.getprevious()
    parent = element.getparent()
    text_before = before.tail if before is not None else (parent.text if parent is not None else "")
    return bool((text_before or "").strip())


def _boundary(parts: list[str], block: bool) -> None:
    if not parts:
        return
    last = parts[-1]
    if block:
        parts.append(" ")
    elif last and last[-1] in PIECE_END:
        parts.append(GAP)


def _piece_gap(found: re.Match[str]) -> str:
    # "1,<b>5</b>" is the number 1,5 and "10:<b>30</b>" a time: no space before a digit.
    return found[1] if found[1].isdigit() else " " + found[1]
