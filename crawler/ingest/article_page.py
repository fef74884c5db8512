"""Article or listing: the crawl's one decision about a page, shared by the spider and the rows.

The spider follows the links of a listing and journals an article (articles are dead ends); the rows of a
page (crawler.ingest.derive) hold an article only for a page judged an article here. Both call
`is_article_page`, so a page archived by the crawl and the same page read back by `baotinh index` are judged
alike. Pure: parsel and lxml, no Scrapy (the spider hands in its response's text, and its selector, a parsel
Selector, for when the whole page must be read).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from parsel import Selector

if TYPE_CHECKING:
    from crawler.registry import Site

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting"}
# Article URLs of Vietnamese news sites end in a long numeric id or a long slug:
# /kinh-te/nong-dan-thu-hoach-che-202611120915.html, /chinh-tri/abc-d538952.html, /-4954454.html
ARTICLE_URL_RE = re.compile(
    r"(?:[-/_.]\d{5,}(?:\.[a-z]{2,5})?/?$)"           # trailing numeric id
    # a slug of 7+ syllables: Vietnamese category names stay within 5 ("chinh-tri-xay-dung-dang")
    r"|(?:/[^/?#]*(?:[a-z0-9]+-){6,}[a-z0-9]+(?:\.html?|\.chn|\.aspx?)?/?$)",
    re.IGNORECASE,
)
# Where a page's <head> ends, and what an article signal in it is spelt with (see head_says_article)
HEAD_END_RE = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
HEAD_SIGNALS = ("og:type", "ld+json", "article:published_time")
SCRIPT_TAG_RE = re.compile(r"<(/?)script", re.IGNORECASE)
NOT_ARTICLE_PATH_RE = re.compile(
    r"/(?:tag|tags|tu-khoa|chu-de|tim-kiem|search|category|chuyen-muc|author|tac-gia|page|trang)(?:[/-]|$)",
    re.IGNORECASE,
)


def structured_article_signal(page: Selector) -> bool | None:
    """What the page's own metadata says: True (article), False (a listing or website), None (silent)."""
    og_type = (page.xpath('//meta[@property="og:type"]/@content').get() or "").strip().lower()
    if og_type == "article":
        return True
    for raw in page.xpath('//script[@type="application/ld+json"]/text()').getall():
        for node in _jsonld_nodes(raw):
            types = node.get("@type")
            names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
            if names & ARTICLE_TYPES:
                return True
    if page.xpath('//meta[@property="article:published_time"]'):
        return True
    if og_type in ("website", "profile", "video.other"):
        return False
    return None


def _jsonld_nodes(raw: str) -> list[dict]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    stack, nodes = [data], []
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            nodes.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return nodes


def url_looks_like_article(url: str) -> bool:
    """The shape of Vietnamese news article URLs: a long numeric id or a long slug, not a tag/search path."""
    path = urlsplit(url).path
    if path in ("", "/") or NOT_ARTICLE_PATH_RE.search(path):
        return False
    return bool(ARTICLE_URL_RE.search(path))


def looks_like_article(url: str, page: Selector) -> bool:
    """Decide article-or-listing for a site without an article pattern: the page's metadata first, then
    the URL's shape. Listings are followed for links; articles are handed to extraction and not followed."""
    return _verdict(url, structured_article_signal(page))


def _verdict(url: str, signal: bool | None) -> bool:
    """The page's metadata signal decides (a home page is never an article), else the URL's shape."""
    if signal is not None:
        return signal and urlsplit(url).path not in ("", "/")
    return url_looks_like_article(url)


def head_says_article(text: str) -> bool:
    """Whether the page's <head> alone holds an article signal (`structured_article_signal` True for it).

    The head is the text before the first `</head>` or `<body>`; lxml parses a document in order, so the
    head's first og:type is the whole page's first, and any article signal in it is one of the whole page's:
    True here is the whole page's verdict, for a fraction of the parse. The head up to its first og:type tag
    is read first (most pages say article there, a few kB in), then the whole head. False only says the
    head does not settle it.

    >>> head_says_article('<head><meta property="og:type" content="article"></head><body>…</body>')
    True
    """
    end = HEAD_END_RE.search(text)
    if end is None:
        return False
    head = text[:end.start()]
    unread = head
    og_type = head.find("og:type")
    if og_type >= 0:
        tag_end = head.find(">", og_type) + 1
        says = _start_says_article(head[:tag_end]) if tag_end else None
        if says:
            return True
        if says is not None:
            unread = head[tag_end:]  # a listing's og:type: only a signal after it could still say article
    # none (or spelt with entities): the whole page decides
    return any(signal in unread for signal in HEAD_SIGNALS) and bool(_start_says_article(head))


def _start_says_article(start: str) -> bool | None:
    """Whether the page's first characters hold an article signal (then the whole page does); None when the
    cut may fall inside a script (an ld+json block cut short) or a tag, which settles nothing."""
    scripts = SCRIPT_TAG_RE.findall(start)  # "" for each <script, "/" for each </script
    if (scripts and not scripts[-1]) or start.rfind("<") > start.rfind(">"):
        return None
    return structured_article_signal(Selector(text=start)) is True


def is_article_page(site: Site, url: str, page: Selector | str,
                    tree: Callable[[], Selector] | None = None) -> bool:
    """The site's article pattern when it has one, else the page itself (`looks_like_article`).

    `page` is the page's selector, or its text: then its <head> first (`head_says_article`), and the whole
    text parsed only when that does not settle it: `tree` gives that parse when the caller has one (the
    spider's response.selector, which a listing's links are taken from too).
    """
    verdict = site.is_article_url(url)
    if verdict is not None:
        return verdict
    if isinstance(page, str):
        if head_says_article(page):
            return _verdict(url, True)
        page = tree() if tree is not None else Selector(text=page)
    return looks_like_article(url, page)
