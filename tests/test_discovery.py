"""Sitemaps, feeds and the article-or-listing decision, on bytes and HTML written here."""

from __future__ import annotations

import gzip

import pytest
from parsel import Selector

from crawler.ingest.article_page import is_article_page, looks_like_article, url_looks_like_article
from crawler.registry import Site
from crawler.spiders.discovery import DiscoveryError, feed_links, parse_feed, parse_sitemap

BASE = "https://baophutho.vn/"


def test_sitemap_index() -> None:
    body = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://baophutho.vn/sitemap-1.xml</loc><lastmod>2026-03-01</lastmod></sitemap>
    <sitemap><loc>/sitemap-2.xml.gz</loc></sitemap></sitemapindex>"""
    kind, entries = parse_sitemap(body, BASE)
    assert kind == "index"
    assert [e.loc for e in entries] == ["https://baophutho.vn/sitemap-1.xml", "https://baophutho.vn/sitemap-2.xml.gz"]
    assert entries[0].lastmod is not None and entries[0].lastmod.year == 2026


def test_news_sitemap_gzipped_uses_publication_date() -> None:
    body = gzip.compress(b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://baophutho.vn/a-123456.html</loc>
      <news:news><news:publication_date>2026-03-12T09:14:00+07:00</news:publication_date></news:news></url></urlset>""")
    kind, entries = parse_sitemap(body, BASE)
    assert kind == "urlset" and entries[0].loc.endswith("a-123456.html")
    assert entries[0].lastmod.isoformat() == "2026-03-12T09:14:00+07:00"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>not found</body></html>", "not <urlset>"),
        (b"", "not <urlset>"),
        (b"\x1f\x8b\x08garbage", "not valid gzip"),
        (b"\x00\x01binary\xff", "not"),
    ],
)
def test_malformed_sitemaps_raise_with_reason(body: bytes, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        parse_sitemap(body, BASE)


def test_truncated_sitemap_keeps_what_it_can() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://baophutho.vn/a-111111.html</loc>
    </url><url><loc>https://baophutho.vn/b-2222"""
    kind, entries = parse_sitemap(body, BASE)
    assert kind == "urlset" and entries[0].loc == "https://baophutho.vn/a-111111.html"


def test_rss_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>A</title><link>https://baophutho.vn/a-1.html</link></item>
    <item><link> /b-2.html </link></item></channel></rss>"""
    assert parse_feed(rss, BASE) == ["https://baophutho.vn/a-1.html", "https://baophutho.vn/b-2.html"]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/x"/>
    <link href="https://baophutho.vn/c-3.html"/></entry></feed>"""
    assert parse_feed(atom, BASE) == ["https://baophutho.vn/c-3.html"]
    with pytest.raises(DiscoveryError):
        parse_feed(b"<html><p>no feed</p></html>", BASE)


def test_feed_links_announced_by_page() -> None:
    page = Selector(text='<head><link rel="alternate" type="application/rss+xml" href="/rss/home.rss"></head>')
    assert feed_links(page, BASE) == ["https://baophutho.vn/rss/home.rss"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://baophutho.vn/kinh-te/nong-dan-thu-hoach-che-202611120915.html", True),
        ("https://baodautu.vn/xu-phat-giam-doc-tai-chinh-d538952.html", True),
        ("https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-4954454.html", True),
        ("https://vccidata.com.vn/tai-sao-phai-nang-cao-nang-luc-lanh-dao-cua-dang/", True),
        ("https://baophutho.vn/", False),
        ("https://baophutho.vn/kinh-te/", False),
        ("https://baodautu.vn/tai-chinh-chung-khoan-d6/", False),
        ("https://baophutho.vn/tag/nong-thon-moi-xay-dung-ket-qua", False),
        ("https://baophutho.vn/tim-kiem/?q=abc", False),
    ],
)
def test_url_shape(url: str, expected: bool) -> None:
    assert url_looks_like_article(url) is expected


def test_page_metadata_beats_url_shape() -> None:
    listing = Selector(text='<head><meta property="og:type" content="website"></head>')
    assert looks_like_article("https://x.vn/bai-viet-rat-dai-ve-mot-chu-de-123456.html", listing) is False
    jsonld = Selector(text='<script type="application/ld+json">{"@graph": [{"@type": ["NewsArticle"]}]}</script>')
    assert looks_like_article("https://x.vn/p?id=5", jsonld) is True
    og_article_home = Selector(text='<head><meta property="og:type" content="article"></head>')
    assert looks_like_article("https://x.vn/", og_article_home) is False
    broken = Selector(text='<script type="application/ld+json">{not json</script>')
    assert looks_like_article("https://x.vn/kinh-te/", broken) is False


def _never() -> Selector:
    raise AssertionError("the whole page was parsed, though its <head> settles it")


@pytest.mark.parametrize(
    ("page", "parsed"),
    [
        # the head's signals settle it: the whole page is never parsed
        ('<html><head><meta property="og:type" content="article"></head><body><p>x</p></body></html>', False),
        ('<head><script type="application/ld+json">{"@type": "NewsArticle"}</script></head><body>', False),
        ('<head><meta property="article:published_time" content="2026-11-12"><body><p>x</p>', False),
        # the head up to its og:type says article, though the head's end is found inside a later script
        ('<head><meta property="og:type" content="article"><script>var b = "<body>";</script></head>', False),
        # a listing's og:type first, an article's JSON-LD after it; a mention of og:type before the tag
        ('<head><meta property="og:type" content="website"><script type="application/ld+json">'
         '{"@type": "NewsArticle"}</script></head><body>', False),
        ('<head><!-- og:type --><meta property="og:type" content="article"></head><body>', False),
        # the head says nothing, or not article: the body may (ld+json or og:type there), so the whole page decides
        ('<head><title>t</title></head><body><script type="application/ld+json">{"@type": "NewsArticle"}'
         "</script></body>", True),
        ('<head><meta property="og:type" content="website"></head><body>'
         '<script type="application/ld+json">{"@type": "NewsArticle"}</script></body>', True),
        # a cut that may fall inside a script or a tag settles nothing
        ('<head><script type="application/ld+json">{"@type": "NewsArticle"}<body></script></head>', True),
        ('<head><meta content="<body>" property="og:type"></head>', True),
    ],
)
def test_article_by_head_alone(page: str, parsed: bool) -> None:
    site = Site.from_start_url("https://x.vn/")
    url = "https://x.vn/p?id=5"  # no article shape: only the page can say article
    whole = Selector(text=page)
    tree = (lambda: whole) if parsed else _never
    assert is_article_page(site, url, page, tree=tree) is looks_like_article(url, whole)
    assert is_article_page(site, url, page) is looks_like_article(url, whole)  # parsed from the text itself


def test_listing_is_parsed_once_for_its_links() -> None:
    site = Site.from_start_url("https://x.vn/")
    page = '<head><meta property="og:type" content="website"></head><body><a href="/a-123456.html">a</a></body>'
    trees: list[Selector] = []

    def tree() -> Selector:
        trees.append(Selector(text=page))
        return trees[-1]

    assert is_article_page(site, "https://x.vn/kinh-te/", page, tree=tree) is False
    assert len(trees) == 1
    assert is_article_page(site, "https://x.vn/", '<head><meta property="og:type" content="article"></head>',
                           tree=_never) is False  # a home page is no article, whatever its head says


def test_spider_callbacks_return_no_value() -> None:
    """WARN_ON_GENERATOR_RETURN_VALUE is off (Scrapy re-read the callbacks' source every few responses): the
    check it made on each response is made here, once, on every callback the spider gives a request."""
    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.spiders.news import NewsSpider

    callbacks = [getattr(NewsSpider, name) for name in dir(NewsSpider)
                 if name.startswith("parse") or name == "fetch_failed"]
    assert len(callbacks) >= 4
    assert not [c.__name__ for c in callbacks if is_generator_with_return_value(c)]
