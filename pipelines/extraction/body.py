"""From trafilatura's body tree to the article's paragraphs: wrapper lines, captions and bylines out.

Each top-level block of the body (paragraph, heading, list, quote, table) becomes one paragraph;
LINE_RULES run on every line; on Vietnamese pages, wrapper lines are scored by what they do
(`wrappers`); a caption already kept with its photo is not repeated as text; a byline or a source
credit closing the article ("Lê Phương", "Theo TTXVN") becomes metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.etree import _Element
from trafilatura.xml import xmltotxt

from pipelines.extraction.bylines import ROLE_PREFIX, fold, names_site, parse_byline
from pipelines.extraction.rules import match_line
from pipelines.extraction.wrappers import drop_wrappers

LIST_MARKER = " -•*·+>"
CREDIT_REACH = 3  # "credit" lines count only among the last paragraphs; earlier they are text
BYLINE_MAX_CHARS = 80
SITE_LINE_WORDS = 8
# Lines that open or close a block the wrappers stand around ("Xem thêm:", "Mục lục").
ANCHOR_RULES = frozenset({"xem_them", "xem_them_bare", "muc_luc", "co_the_ban_quan_tam", "tin_lien_quan"})
VIETNAMESE_LETTERS = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


@dataclass
class Body:
    paragraphs: list[str]
    authors: tuple[str, ...] = ()
    credit: str | None = None
    rules_used: list[str] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)  # where "Xem thêm"/"Mục lục" lines were taken out


def body_paragraphs(body: _Element | None) -> list[str]:
    if body is None:
        return []
    paragraphs = []
    for child in body:
        text = xmltotxt(child, False).strip()
        if text:
            paragraphs.append(text)
    return paragraphs


def is_vietnamese(text: str) -> bool:
    sample = text[:3000].lower()
    return sum(1 for ch in sample if ch in VIETNAMESE_LETTERS) >= max(3, len(sample) // 100)


def drop_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline repeated as the first paragraph is the title, not text."""
    key = fold(title or "")
    return [p for i, p in enumerate(paragraphs) if not (key and i < 2 and fold(p) == key)]


def clean_body(
    paragraphs: list[str],
    captions: list[str],
    *,
    vietnamese: bool,
    site: frozenset[str] | set[str] = frozenset(),
    title: str | None = None,
    beside: list[str] | None = None,
) -> Body:
    """Wrapper lines, printed captions and lines naming the site ("BÁO ĐIỆN TỬ CHÍNH PHỦ") out;
    the closing byline into `authors`/`credit` (Vietnamese pages only). `beside` holds the texts of
    blocks next to a "Xem thêm"/"Mục lục" box pruned from the page."""
    # each paragraph is folded only when there is something to compare it with
    caption_keys = {fold(c) for c in captions if c}
    body = Body(paragraphs=[])
    _apply_line_rules([p for p in paragraphs if not caption_keys or fold(p) not in caption_keys], body)
    keys = {fold(b)[:40] for b in beside or () if b}
    if keys:
        body.anchors.extend(i for i, p in enumerate(body.paragraphs) if fold(p)[:40] in keys)
    if vietnamese:
        body.paragraphs, dropped = drop_wrappers(body.paragraphs, title, site, body.anchors)
        body.rules_used.extend(["wrapper"] * dropped)
        body.paragraphs = [p for p in body.paragraphs if not _is_masthead(p, site)]
        _take_bylines(body)
    return body


def _is_masthead(paragraph: str, site: frozenset[str] | set[str]) -> bool:
    return len(paragraph.split()) <= SITE_LINE_WORDS and names_site(paragraph, site)


def _apply_line_rules(paragraphs: list[str], body: Body) -> None:
    count = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        kept: list[str] = []
        cut = False
        for raw in paragraph.split("\n"):
            line = raw.strip()
            rule = match_line(line.lstrip(LIST_MARKER)) if line else None
            if rule is None:
                if line:
                    kept.append(line)
                continue
            if rule.action == "credit":
                if index < count - CREDIT_REACH:
                    kept.append(line)
                    continue
                found = rule.pattern.match(line.lstrip(LIST_MARKER))
                body.credit = body.credit or (found["credit"].strip() if found else None)
            body.rules_used.append(rule.name)
            if rule.name in ANCHOR_RULES:
                body.anchors.append(len(body.paragraphs))
            if rule.action == "cut" and index >= count / 2:
                cut = True
                break
        if kept:
            body.paragraphs.append("\n".join(kept))
        if cut:
            return


def _take_bylines(body: Body) -> None:
    """A short closing line that parses as a byline is metadata, not text (two at most). The line
    may close a paragraph of several lines: sites that set paragraphs as <div>s give one block."""
    for _ in range(2):
        if not body.paragraphs:
            break
        *rest, last = body.paragraphs[-1].split("\n")
        if (len(body.paragraphs) < 2 and not rest) or len(last) > BYLINE_MAX_CHARS:
            break
        byline = parse_byline(last, context="body")
        if byline is None:
            break
        if rest:
            body.paragraphs[-1] = "\n".join(rest)
        else:
            body.paragraphs.pop()
        body.authors = body.authors or byline.authors
        body.credit = body.credit or byline.credit
    if (
        len(body.paragraphs) > 1
        and ROLE_PREFIX.match(body.paragraphs[0])
        and len(body.paragraphs[0]) <= BYLINE_MAX_CHARS
    ):
        byline = parse_byline(body.paragraphs[0], context="author")
        if byline and byline.authors:
            body.paragraphs.pop(0)
            body.authors = body.authors or byline.authors
