"""Title, lead (sapo) and source line of an article page, and the names that mean the site itself.

Each field takes the most specific source that gives a valid value: the <h1> the declared titles
confirm, JSON-LD and meta tags, then what the page shows (the sapo block). Times are chosen in
`article_time`, people in `authors`.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipelines.extraction.bylines import fold, is_site_name
from pipelines.extraction.class_names import class_pattern
from pipelines.extraction.signals import PageSignals, node_text

TITLE_SEPARATORS = re.compile(r"(\s+[|–—:»·-]{1,2}\s+|\s*::\s*)")
HOST_NOISE = frozenset({"www", "m", "com", "vn", "net", "org", "gov", "edu", "info", "co", "uk"})
LEAD_CLASS = class_pattern(
    r"sapo|chapo|(?:^|[\s_-])(?:lead|lede|description|desc|summary|excerpt|intro|standfirst)(?:$|[\s_-])"
)
NOT_LEAD_TAGS = frozenset({"meta", "a", "script", "style", "img", "ul", "li"})
SOURCE_CLASS = class_pattern(r"(?:^|[\s_-])(?:source|nguon|nguon-?tin)(?:$|[\s_-])")
LEAD_CHARS = (40, 700)
DATELINE_TAG = re.compile(r"^\s*\([^()]{2,30}\)\s*[–—-]{1,2}\s*")


def site_tokens(signals: PageSignals) -> set[str]:
    """Folded names of the site: host labels, og:site_name, publishers, the masthead, the <title> suffix."""
    labels = [label for label in signals.host.split(".") if label not in HOST_NOISE]
    tokens = {fold(label) for label in labels} | {fold(signals.host)}
    names = [signals.site_name, *signals.publisher_names, *signals.masthead, *_title_ends(signals)]
    tokens |= {fold(name) for name in names if name}
    return {t for t in tokens if t}


def _title_ends(signals: PageSignals) -> list[str]:
    """ "Headline | Báo Cần Thơ": the short end of the <title> that is not the headline."""
    pieces = TITLE_SEPARATORS.split(signals.title_tag)[0::2]
    if len(pieces) < 2:
        return []
    headline = fold(signals.og_title or (signals.h1[0] if signals.h1 else ""))
    longest = max(pieces, key=len)
    ends = [e for e in (pieces[-1], pieces[0]) if e is not longest]
    return [e for e in ends if len(e.split()) <= 6 and fold(e) and fold(e) not in headline]


def find_title(signals: PageSignals, tokens: set[str]) -> str | None:
    headline = signals.ld_article.get("headline") if signals.ld_article else None
    declared = [t for t in (signals.og_title, headline if isinstance(headline, str) else "", signals.title_tag) if t]
    for h1 in signals.h1[:2]:
        key = fold(h1)[:40]
        if len(h1.split()) >= 2 and any(key and key in fold(d) for d in declared):
            return _spaced_like(h1, declared)
    for candidate in declared:
        title = strip_site_name(candidate, tokens)
        if title:
            return title
    return signals.h1[0] if signals.h1 else None


def _spaced_like(h1: str, declared: list[str]) -> str:
    """The headline with the spaces a declared title gives it, when both hold the same characters:
    "<h1><span>Hà Nội:</span><span>mưa lớn</span></h1>" and og:title "Hà Nội: mưa lớn"."""
    squashed = h1.replace(" ", "")
    for title in declared:
        if title.replace(" ", "") == squashed and len(title) > len(h1):
            return title
    return h1


def strip_site_name(title: str, tokens: set[str]) -> str:
    """ "Giá vàng giảm | Báo Dân trí" -> "Giá vàng giảm": drop leading/trailing parts naming the site."""
    pieces = TITLE_SEPARATORS.split(title)
    parts, separators = pieces[0::2], pieces[1::2]
    start, end = 0, len(parts)
    while end - start > 1 and _names_site(parts[end - 1], tokens):
        end -= 1
    while end - start > 1 and _names_site(parts[start], tokens):
        start += 1
    kept = parts[start]
    for index in range(start + 1, end):
        kept += separators[index - 1] + parts[index]
    return kept.strip()


def _names_site(part: str, tokens: set[str]) -> bool:
    return len(part.split()) <= 6 and is_site_name(part, tokens)


def find_lead(tree: HtmlElement, stop: HtmlElement, signals: PageSignals) -> tuple[str | None, bool]:
    """(lead, shown): the sapo shown before the article's first paragraph, else the meta description."""
    described = fold(signals.description)[:40]
    is_lead = LEAD_CLASS.matcher()
    for element in tree.iter():
        if element is stop:
            break
        if not isinstance(element.tag, str) or element.tag in NOT_LEAD_TAGS:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if not is_lead(names):
            continue
        text = node_text(element)
        if not LEAD_CHARS[0] <= len(text) <= LEAD_CHARS[1] or _linked(element):
            continue
        # "sapo" is Vietnamese CMS vocabulary; generic words ("summary") must agree with the description.
        if "sapo" in names.lower() or "chapo" in names.lower() or (described and described in fold(text)):
            return text, True
    return signals.description or None, False


def clean_lead(lead: str | None) -> str | None:
    """The lead without the paper's own "(Dân trí) - " tag."""
    if not lead:
        return None
    return DATELINE_TAG.sub("", lead).strip() or None


def _linked(element: HtmlElement) -> bool:
    linked = sum(len(node_text(a)) for a in element.iter("a"))
    return linked > 0.5 * len(node_text(element))


def source_line(tree: HtmlElement, line: str) -> bool:
    """True when `line` is the text of a source-classed block ("<p class="source">Đại Đoàn kết</p>")."""
    if len(line) > 60:
        return False
    is_source = SOURCE_CLASS.matcher()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if is_source(f"{element.get('class', '')} {element.get('id', '')}") and node_text(element) == line:
            return True
    return False
