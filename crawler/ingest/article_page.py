"""Article or listing: the crawl's one decision about a page, shared by the spider and the rows.

The spider follows the links of a listing and journals an article (articles are dead ends); the rows of a
page (crawler.ingest.derive) hold an article only for a page judged an article here. Both call
`is_article_page`, so a page archived by the crawl and the same page read back by `baotinh index` are judged
alike. Pure: parsel and lxml, no Scrapy (the spider hands in its response's selector, a parsel Selector).
"""

from __future__ import annotations

import json
import re
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
    signal = structured_article_signal(page)
    if signal is not None:
        return signal and urlsplit(url).path not in ("", "/")
    return url_looks_like_article(url)


def is_article_page(site: Site, url: str, page: Selector | str) -> bool:
    """The site's article pattern when it has one, else the page itself (`looks_like_article`).

    `page` is the page's selector, or its text (parsed only when the pattern does not decide).
    """
    verdict = site.is_article_url(url)
    if verdict is not None:
        return verdict
    return looks_like_article(url, Selector(text=page) if isinstance(page, str) else page)
