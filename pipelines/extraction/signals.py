"""What a page says about itself: meta tags, JSON-LD, <title>, <h1>. Read once, used by every later step.

Pure and read-only: `read_signals(tree, url)` never changes the tree.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml.html import HtmlElement

from pipelines.extraction.text import read_text

WHITESPACE = re.compile(r"\s+")

# schema.org types that mean "this page is one article" (subtypes included by name).
ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
        "liveblogposting", "techarticle", "scholarlyarticle", "report", "socialmediaposting",
    }
)  # fmt: skip
# ... and types that mean "this page lists other pages".
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "dc.date.issued", "dc.date", "dcterms.created", "date", "sailthru.date", "parsely-pub-date",
    "publish-date", "article.published", "cxenseparse:recs:publishtime",
)  # fmt: skip


def clean_text(value: str | None) -> str:
    """Collapse whitespace and undo (even doubly) escaped entities, as some CMS put in JSON-LD."""
    if not value:
        return ""
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    return WHITESPACE.sub(" ", value).strip()


def resolve(base: str, href: str) -> str | None:
    """`href` made absolute against `base`, or None when either is not a valid URL ("http://[bad")."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def split_url(url: str) -> SplitResult:
    """urlsplit() that never raises: a malformed URL reads as an empty one."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def node_text(element: HtmlElement) -> str:
    """The element's text as a reader reads it (see `text.read_text`), entities undone."""
    return clean_text(read_text(element))


MASTHEAD_LOGOS = 4


def logos(tree: HtmlElement, most: int = MASTHEAD_LOGOS) -> list[HtmlElement]:
    """The first `most` logos in page order: links and images whose class or id says "logo", and images
    inside an element whose class or id does. (The XPath `//a[contains(@class,'logo') or …]|//img[…]
    |//*[…]//img` gives the same, but scans the whole page three times, where this stops at the masthead.)"""
    found = []
    under: dict[HtmlElement, bool] = {}  # whether an element or one above it says "logo": images share ancestors
    for element in tree.iter("a", "img"):
        if _says_logo(element) or (element.tag == "img" and _under_logo(element, under)):
            found.append(element)
            if len(found) == most:
                break
    return found


def _under_logo(img: HtmlElement, under: dict[HtmlElement, bool]) -> bool:
    """An ancestor of `img` says "logo"; `under` keeps the answer for every element passed on the way up."""
    passed = []
    answer = False
    for up in img.iterancestors():
        known = under.get(up)
        if known is not None:
            answer = known
            break
        passed.append(up)
        if _says_logo(up):
            answer = True
            break
    for node in passed:
        under[node] = answer
    return answer


def _says_logo(element: HtmlElement) -> bool:
    return "logo" in (element.get("class") or "") or "logo" in (element.get("id") or "")


@dataclass
class PageSignals:
    url: str
    host: str
    lang: str = ""
    title_tag: str = ""
    og_title: str = ""
    og_type: str = ""
    site_name: str = ""
    description: str = ""
    h1: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)
    published_meta: list[str] = field(default_factory=list)
    ld_article: dict[str, Any] | None = None
    ld_types: set[str] = field(default_factory=set)
    publisher_names: list[str] = field(default_factory=list)
    masthead: list[str] = field(default_factory=list)  # the logo's alt/title text: the site's name

    @property
    def ld_listing(self) -> bool:
        return bool(self.ld_types & LISTING_TYPES) and self.ld_article is None


def read_signals(tree: HtmlElement, url: str) -> PageSignals:
    try:
        host = (split_url(url).hostname or "").lower().removeprefix("www.")
    except ValueError:  # a port that is not a number
        host = ""
    signals = PageSignals(url=url, host=host)
    signals.lang = (tree.get("lang") or "").lower()
    title = tree.find(".//title")
    signals.title_tag = node_text(title) if title is not None else ""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if not key:
            continue
        content = clean_text(meta.get("content"))
        if not content:
            continue
        if key == "og:title" and not signals.og_title:
            signals.og_title = content
        elif key == "og:type":
            signals.og_type = content.lower()
        elif key in ("og:site_name", "application-name") and not signals.site_name:
            signals.site_name = content
        elif key in ("description", "og:description") and not signals.description:
            signals.description = content
        elif key in ("author", "article:author", "dc.creator", "byl", "sailthru.author", "dable:author"):
            signals.meta_authors.append(content)
        elif key in PUBLISHED_META:
            signals.published_meta.append(content)
    for time_el in tree.iterfind(".//time[@itemprop='datePublished']"):
        if time_el.get("datetime"):
            signals.published_meta.append(time_el.get("datetime", ""))
    signals.h1 = [text for text in (node_text(h) for h in tree.iter("h1")) if text]
    for logo in logos(tree):
        name = clean_text(logo.get("alt") or logo.get("title") or "")
        if name and len(name.split()) <= 8:
            signals.masthead.append(name)
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        _read_json_ld(script.text or "", signals)
    return signals


def _read_json_ld(raw: str, signals: PageSignals) -> None:
    try:
        data = json.loads(raw)
    except ValueError:
        # Some CMS emit trailing commas or raw newlines in strings; one lenient retry is enough.
        try:
            data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
        except ValueError:
            return
    # Only top-level objects and @graph members describe this page; nested ones (ItemList entries,
    # "mainEntityOfPage") describe others.
    for item in _top_level(data):
        types = item.get("@type")
        names = {t.lower() for t in ([types] if isinstance(types, str) else types or []) if isinstance(t, str)}
        signals.ld_types |= names
        if names & ARTICLE_TYPES and signals.ld_article is None:
            signals.ld_article = item
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                signals.publisher_names.append(clean_text(publisher["name"]))
        elif names & {"organization", "newsmediaorganization", "website"}:
            if isinstance(item.get("name"), str):
                signals.publisher_names.append(clean_text(item["name"]))


def _top_level(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(g for g in graph if isinstance(g, dict))
    return out


def ld_people(value: Any) -> list[str]:
    """Names of the Person entries in a JSON-LD author value (organisations are not authors)."""
    people: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str):
            people.append(clean_text(entry))
        elif isinstance(entry, dict) and "organization" not in str(entry.get("@type", "")).lower():
            name = entry.get("name")
            if isinstance(name, str):
                people.append(clean_text(name))
    return [p for p in people if p]
