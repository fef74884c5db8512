"""Article or not: listings, home, tag, search and error pages give None; articles give an Article.
And extract() stays a pure function: same page, same result, no state kept between calls."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from pipelines import extraction
from pipelines.extraction.article import Article
from pipelines.extraction.extract import extract
from tests.extract_fixtures.pages import PARAGRAPHS, TITLE, URL, article_page, listing_page

SECTION = "https://baophutho.vn/kinh-te.htm"


@pytest.mark.parametrize("og_type", ["website", "article"])
def test_listing_page_is_not_an_article(og_type: str) -> None:
    # og:type says "article" on many Vietnamese listing pages; the teasers decide.
    assert extract(listing_page(SECTION, og_type=og_type), SECTION) is None


@pytest.mark.parametrize("time_first", [False, True])
def test_teasers_alone_make_a_listing(time_first: bool) -> None:
    """No self-linking section heading, og:type "article": the repeated teasers still tell."""
    page = listing_page(SECTION, og_type="article", h1_links_here=False, time_first=time_first)
    assert extract(page, SECTION) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://baophutho.vn/",
        "https://baophutho.vn/tag/che-xanh.htm",
        "https://baophutho.vn/tim-kiem?q=ch%C3%A8",
        "https://baophutho.vn/kinh-te/trang-2.htm",
    ],
)
def test_home_tag_search_and_paging_pages_are_not_articles(url: str) -> None:
    assert extract(listing_page(url), url) is None


@pytest.mark.parametrize(
    "title", ["404 - Không tìm thấy trang", "Lỗi 404", "Page not found", "Bài viết không tồn tại", "Lỗi"]
)
def test_error_pages_are_not_articles(title: str) -> None:
    page = article_page().replace(f"<title>{TITLE}", f"<title>{title}")
    page = page.replace(f">{TITLE}</h1>", f">{title}</h1>")
    assert extract(page, URL) is None


@pytest.mark.parametrize(
    "title", ["500 tỷ đồng cho giao thông nông thôn", "Quốc lộ 32 bị sạt lở: không tìm thấy người mất tích"]
)
def test_headlines_with_numbers_or_error_words_are_articles(title: str) -> None:
    page = article_page().replace(TITLE, title)
    article = extract(page, URL)
    assert article is not None and article.title == title


def test_article_without_any_metadata_is_still_an_article() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>{body}</body></html>"
    article = extract(page, "http://chethaiphutho.vn/?p=1234")
    assert article is not None and article.title == TITLE
    assert article.text.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("junk", ["", " ", "plain text, no markup", "<html></html>", "<<<>>>", "\x00\x01"])
def test_junk_gives_none_not_an_error(junk: str) -> None:
    assert extract(junk, URL) is None


def test_malformed_urls_are_no_error() -> None:
    links = '<p><a href="http://[bad">x</a><img src="http://[bad/a.jpg" alt=""></p>'
    assert extract(article_page(inside=links), URL) is not None
    assert extract(article_page(), "http://[bad") is not None
    assert extract(article_page(), "http://host:port/x") is not None


def test_same_page_same_article() -> None:
    first, second = extract(article_page(), URL), extract(article_page(), URL)
    assert isinstance(first, Article) and first == second
    assert Article.from_dict(first.to_dict()) == first


EXTRACTION_MODULES = (
    "extract", "article", "body", "images", "metadata", "boxes", "bylines", "page_kind", "signals", "published",
    "rules", "text",
)  # fmt: skip


def test_no_module_level_mutable_state() -> None:
    """extract() runs in a process pool and over archives: nothing may be cached between calls."""
    assert set(EXTRACTION_MODULES) == {info.name for info in pkgutil.iter_modules(extraction.__path__)}
    for module_name in EXTRACTION_MODULES:
        module = importlib.import_module(f"pipelines.extraction.{module_name}")
        for name, value in vars(module).items():
            if not name.startswith("__"):
                assert not isinstance(value, list | dict | set), f"pipelines.extraction.{module_name}.{name} is mutable"
