"""What a discovery document lists and what a page is: sitemaps, feeds, article-or-listing signals.

Pure functions over bytes or a parsel Selector (no Scrapy): the spider uses them on live responses and
`baotinh index` can use them on archived ones.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

if TYPE_CHECKING:
    from crawler.registry import Site

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
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


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read; the message says why."""


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None


def _xml_root(body: bytes, what: str) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        try:
            decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            body = decompressor.decompress(body, MAX_SITEMAP_BYTES)
            if decompressor.unconsumed_tail:
                raise DiscoveryError(f"{what} is larger than {MAX_SITEMAP_BYTES} bytes uncompressed")
        except (zlib.error, EOFError, gzip.BadGzipFile) as e:
            raise DiscoveryError(f"{what} is not valid gzip: {e}") from e
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body.strip() or b"<empty/>", parser=parser)
    except etree.XMLSyntaxError as e:
        raise DiscoveryError(f"{what} is not XML: {e}") from e
    if root is None:
        raise DiscoveryError(f"{what} is not XML")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _parse_lastmod(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_sitemap(body: bytes, base_url: str) -> tuple[str, list[SitemapEntry]]:
    """("index", child sitemaps) or ("urlset", pages) of a sitemap, plain or gzipped.

    News sitemaps (`news:publication_date`) give their publication date as lastmod when lastmod is absent.
    Raises DiscoveryError when the document is not a sitemap.
    """
    root = _xml_root(body, "sitemap")
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise DiscoveryError(f"sitemap root element is <{kind or '?'}>, not <urlset> or <sitemapindex>")
    entries: list[SitemapEntry] = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = None
        for child in node.iter():
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name == "lastmod" or (name == "publication_date" and lastmod is None):
                lastmod = text
        if loc:
            entries.append(SitemapEntry(urljoin(base_url, loc), _parse_lastmod(lastmod)))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def parse_feed(body: bytes, base_url: str) -> list[str]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed."""
    root = _xml_root(body, "feed")
    links: list[str] = []
    for node in root.iter():
        name = _local(node.tag)
        if name not in ("item", "entry"):
            continue
        for child in node:
            if _local(child.tag) != "link":
                continue
            href = child.get("href") or (child.text or "").strip()
            rel = child.get("rel", "alternate")
            if href and rel == "alternate":
                links.append(urljoin(base_url, href))
                break
    if not links and _local(root.tag) not in ("rss", "feed", "rdf"):
        raise DiscoveryError(f"feed root element is <{_local(root.tag)}>, not <rss>, <feed> or <rdf:RDF>")
    return links


def feed_links(page: Selector, base_url: str) -> list[str]:
    """Feeds a page announces with <link rel="alternate" type="application/rss+xml|atom+xml">."""
    hrefs = page.xpath(
        '//link[@rel="alternate"][contains(@type, "rss") or contains(@type, "atom")]/@href'
    ).getall()
    return [urljoin(base_url, h.strip()) for h in hrefs if h.strip()]


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


def is_article_page(site: Site, url: str, page: Selector) -> bool:
    """The crawl's one decision, also made by `baotinh index` on archived pages: the site's article pattern
    when it has one, else the page itself (`looks_like_article`)."""
    verdict = site.is_article_url(url)
    return looks_like_article(url, page) if verdict is None else verdict
