"""What a discovery document lists: sitemaps, feeds, the feeds a page announces.

Pure functions over bytes or a parsel Selector (no Scrapy). Whether a page is an article or a listing is
decided in crawler.ingest.article_page, which the spider and the rows share.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed


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
