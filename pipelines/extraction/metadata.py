"""Title, lead (sapo), publication time and author of an article page, never the site's own name.

Each field takes the most specific source that gives a valid value: JSON-LD of the article, then
meta tags, then what the page shows (the sapo block, the date line under the title, the byline).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from lxml.html import HtmlElement

from pipelines.extraction.bylines import fold, is_site_name, looks_like_name, parse_byline
from pipelines.extraction.published import VIETNAM, Stamp, parse_stamp
from pipelines.extraction.signals import PageSignals, ld_people, node_text

TITLE_SEPARATORS = re.compile(r"(\s+[|–—:»·-]{1,2}\s+|\s*::\s*)")
HOST_NOISE = frozenset({"www", "m", "com", "vn", "net", "org", "gov", "edu", "info", "co", "uk"})
LEAD_CLASS = re.compile(
    r"sapo|chapo|(?:^|[\s_-])(?:lead|lede|description|desc|summary|excerpt|intro|standfirst)(?:$|[\s_-])",
    re.I,
)
NOT_LEAD_TAGS = frozenset({"meta", "a", "script", "style", "img", "ul", "li"})
DATE_CLASS = re.compile(r"date|time|publish|ngay-?dang|thoi-?gian|pdate|timestamp|meta", re.I)
# Today's date in the site header ("time-now", "today") is the day of the visit, not of the article.
CLOCK_CLASS = re.compile(r"now|today|current|clock|weather|hom-?nay", re.I)
AUTHOR_CLASS = re.compile(r"author|byline|tac-?gia|writer|butdanh", re.I)
SOURCE_CLASS = re.compile(r"(?:^|[\s_-])(?:source|nguon|nguon-?tin)(?:$|[\s_-])", re.I)
LEAD_CHARS = (40, 700)
DATELINE_TAG = re.compile(r"^\s*\([^()]{2,30}\)\s*[–—-]{1,2}\s*")


def site_tokens(signals: PageSignals) -> set[str]:
    labels = [label for label in signals.host.split(".") if label not in HOST_NOISE]
    tokens = {fold(label) for label in labels} | {fold(signals.host)}
    tokens |= {fold(name) for name in [signals.site_name, *signals.publisher_names] if name}
    return {t for t in tokens if t}


def find_title(signals: PageSignals, tokens: set[str]) -> str | None:
    headline = signals.ld_article.get("headline") if signals.ld_article else None
    declared = [
        t for t in (signals.og_title, headline if isinstance(headline, str) else "", signals.title_tag) if t
    ]
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
    for element in tree.iter():
        if element is stop:
            break
        if not isinstance(element.tag, str) or element.tag in NOT_LEAD_TAGS:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if not LEAD_CLASS.search(names):
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
    for element in tree.iter():
        if isinstance(element.tag, str) and SOURCE_CLASS.search(
            f"{element.get('class', '')} {element.get('id', '')}"
        ):
            if node_text(element) == line:
                return True
    return False


def find_published(tree: HtmlElement, signals: PageSignals, fetched_at: datetime | None) -> datetime | None:
    """The day from the most specific source; its time of day from any source giving one for that day."""
    raw = [signals.ld_article.get("datePublished")] if signals.ld_article else []
    parsed = [parse_stamp(value) for value in [*raw, *signals.published_meta] if isinstance(value, str)]
    declared = [s for s in parsed if s is not None and _plausible(s.value, fetched_at)]
    if declared and declared[0].has_time:
        return declared[0].value
    shown = [s for s in _shown_dates(tree) if _plausible(s.value, fetched_at)]
    timed = [s for s in declared + shown if s.has_time]
    if declared:
        day = declared[0].value
        same_day = [s.value for s in timed if s.value.astimezone(VIETNAM).date() == day.date()]
        return same_day[0] if same_day else day
    if timed:
        return timed[0].value
    return shown[0].value if shown else None


def _shown_dates(tree: HtmlElement, limit: int = 12) -> list[Stamp]:
    stamps: list[Stamp] = []
    for element in tree.iter("time", "span", "div", "p", "li", "small", "em"):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if (element.tag != "time" and not DATE_CLASS.search(names)) or CLOCK_CLASS.search(names):
            continue
        text = element.get("datetime") or node_text(element)
        if not text or len(text) > 120:
            continue
        stamp = parse_stamp(text)
        if stamp is not None:
            stamps.append(stamp)
            if stamp.has_time or len(stamps) >= limit:
                break
    return stamps


def _plausible(value: datetime, fetched_at: datetime | None) -> bool:
    if value.year < 1990:
        return False
    return fetched_at is None or value <= _aware(fetched_at) + timedelta(days=1)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def find_authors(tree: HtmlElement, signals: PageSignals, tokens: set[str]) -> tuple[str, ...]:
    """People credited for the article, from JSON-LD, the page's author block or meta tags."""
    if signals.ld_article:
        people = _people(ld_people(signals.ld_article.get("author")), tokens)
        if people:
            return people
    candidates: list[str] = []
    for element in tree.iter("div", "span", "p", "a", "strong", "b"):
        if AUTHOR_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
            text = node_text(element)
            if 2 <= len(text) <= 60:
                candidates.append(text)
                if len(candidates) >= 4:
                    break
    candidates.extend(signals.meta_authors)
    for candidate in candidates:
        people = _people([candidate], tokens)
        if people:
            return people
    return ()


def _people(lines: list[str], tokens: set[str]) -> tuple[str, ...]:
    people: list[str] = []
    for line in lines:
        byline = parse_byline(line, context="author")
        if byline is not None:
            people.extend(p for p in byline.authors if looks_like_name(p) and not is_site_name(p, tokens))
    return tuple(dict.fromkeys(people))
