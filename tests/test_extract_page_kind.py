"""Article or not: listings, home, tag, search and error pages give None; articles give an Article.
And extract() stays a pure function: same page, same result, no state kept between calls."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from trafilatura.utils import load_html

from pipelines import extraction
from pipelines.extraction.article import Article
from pipelines.extraction.extract import extract
from pipelines.extraction.page_kind import Evidence, Shape, declared_evidence, judge, settled
from pipelines.extraction.signals import read_signals
from tests.extract_fixtures.layouts import URL as LAYOUT_URL
from tests.extract_fixtures.layouts import article_ld, home_page, news_page, section_page
from tests.extract_fixtures.pages import PARAGRAPHS, TITLE, URL, article_page, listing_page

UNSEEN_TITLE = "Trồng rau sạch trên sân thượng: kinh nghiệm sau ba mùa"
UNSEEN_BODY = [
    "Ba năm trước, gia đình tôi bắt đầu trồng rau trên sân thượng rộng chừng hai mươi mét vuông, chủ yếu để "
    "có rau ăn hằng ngày mà không phải lo thuốc trừ sâu.",
    "Mùa đầu tiên gần như thất bại vì đất quá chặt và tưới không đều; sang mùa thứ hai, tôi trộn thêm xơ dừa, "
    "phân trùn quế và lắp hệ thống tưới nhỏ giọt hẹn giờ.",
    "Đến mùa thứ ba, những luống cải, xà lách và rau thơm đã đủ cho cả nhà ăn, lại còn dư để biếu hàng xóm, "
    "và chi phí mỗi tháng chỉ còn bằng một bữa chợ.",
]

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
    "rules", "article_time", "authors", "location", "passages", "scan", "templates", "text", "version", "wrappers",
    "main_text", "page_tree", "class_names", "content", "link_density", "paragraph_maker",
    "basic_cleaning",
)  # fmt: skip


def test_no_module_level_mutable_state() -> None:
    """extract() runs in a process pool and over archives: nothing may be cached between calls."""
    assert set(EXTRACTION_MODULES) == {info.name for info in pkgutil.iter_modules(extraction.__path__)}
    for module_name in EXTRACTION_MODULES:
        module = importlib.import_module(f"pipelines.extraction.{module_name}")
        for name, value in vars(module).items():
            if not name.startswith("__"):
                assert not isinstance(value, list | dict | set), f"pipelines.extraction.{module_name}.{name} is mutable"


# -- home and section pages by structure; real articles kept whatever a weak signal says --------------


@pytest.mark.parametrize("url", ["https://baosonla-test.vn/", "https://baosonla-test.vn/trang-chu.html"])
@pytest.mark.parametrize("og_type", ["article", "website"])
@pytest.mark.parametrize("teasers", [6, 24])
def test_a_home_page_is_no_article_whatever_it_declares(url: str, og_type: str, teasers: int) -> None:
    """It claims og:type article, a NewsArticle JSON-LD and a publication time: the teasers decide."""
    assert extract(home_page(og_type=og_type, teasers=teasers), url) is None


@pytest.mark.parametrize(
    "variant",
    [{}, {"summary_tag": "div"}, {"teasers": 3}, {"featured_summary_words": 200}, {"og_type": "article"}],
    ids=["plain", "div summaries", "few teasers", "long featured summary", "og article"],
)
def test_a_section_page_is_no_article(variant: dict) -> None:
    assert extract(section_page(**variant), "https://baosonla-test.vn/giao-thong-c12/") is None


def _blog_post(
    *, url_path: str, sidebar_excerpt: bool = False, og_type: str = "", ld: bool = False, published: bool = False
) -> str:
    body = "".join(f"<p>{p}</p>" for p in UNSEEN_BODY)
    sidebar = (
        f'<aside><div class="recent"><h3><a href="{url_path}">{UNSEEN_TITLE}</a></h3><p>{UNSEEN_BODY[0]}</p></div>'
        '<div class="recent"><h3><a href="/2019/05/bai-khac-ve-vuon-rau">Một bài khác về vườn rau sạch của gia '
        "đình</a></h3></div></aside>"
        if sidebar_excerpt
        else ""
    )
    meta = f'<meta property="og:type" content="{og_type}">' if og_type else ""
    if published:
        meta += '<meta property="article:published_time" content="2019-05-12T08:00:00+07:00">'
    if ld:
        meta += '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "x"}</script>'
    return (
        f"<html><head><title>{UNSEEN_TITLE} – Góc nhỏ</title>{meta}</head><body><div class='site'>"
        f"<h2><a href='/'>Góc nhỏ</a></h2><main><h1>{UNSEEN_TITLE}</h1><div class='entry'>{body}</div></main>"
        f"{sidebar}</div></body></html>"
    )


@pytest.mark.parametrize(
    "kind",
    ["archives url", "excerpt in the sidebar", "og website beside json-ld", "no metadata at all"],
)
def test_real_articles_are_never_rejected(kind: str) -> None:
    host = "https://gocnho-test.vn"
    if kind == "archives url":
        page, url = _blog_post(url_path="/archives/2019/05/vuon-rau"), f"{host}/archives/2019/05/vuon-rau"
    elif kind == "excerpt in the sidebar":
        page, url = _blog_post(url_path="/2019/05/vuon-rau", sidebar_excerpt=True), f"{host}/2019/05/vuon-rau"
    elif kind == "og website beside json-ld":
        page, url = _blog_post(url_path="/vuon-rau", og_type="website", ld=True), f"{host}/vuon-rau"
    else:
        page, url = _blog_post(url_path="/p/42"), f"{host}/p/42"
    article = extract(page, url)
    assert article is not None and article.title == UNSEEN_TITLE
    assert [p for p in UNSEEN_BODY if p not in article.text] == []


def test_a_section_heading_does_not_reject_a_declared_article() -> None:
    """The <h1> is the section's name linking to its page; the JSON-LD says NewsArticle; og:type website."""
    page = news_page(
        og_type="website",
        json_ld=article_ld(),
        headline='<a href="https://baosonla-test.vn/giao-thong.html">Giao thông</a>',
    )
    article = extract(page, "https://baosonla-test.vn/giao-thong.html")
    assert article is not None


def test_a_doubtful_article_is_kept_and_says_why() -> None:
    page = _blog_post(url_path="/tag/vuon-rau", og_type="website", published=True)
    article = extract(page, "https://gocnho-test.vn/tag/vuon-rau")
    assert article is not None
    assert article.doubt is not None and "listing url" in article.doubt and "og:type website" in article.doubt
    assert extract(news_page(), LAYOUT_URL).doubt is None  # type: ignore[union-attr]


# -- a page settled by what it declares, before its text is extracted --------------------------------


def _declared(page: str, url: str) -> Evidence:
    tree = load_html(page)
    return declared_evidence(read_signals(tree, url), tree)


def test_a_listing_settled_before_extraction_is_one_whatever_its_text() -> None:
    """A home page URL, og:type website and a section heading: extract() skips the text; the best text
    shape there is (one long block of prose, no links) could not have made it an article either."""
    url = "https://baophutho.vn/"
    evidence = _declared(listing_page(url), url)
    early = settled(evidence)
    assert early is not None and not early.is_article
    prose = Shape(chars=5000, link_chars=0, headline_links=0, text_chars=5000)
    assert not judge(evidence, 0.0, prose).is_article
    assert extract(listing_page(url), url) is None


def test_an_article_is_never_settled_before_its_text() -> None:
    for page, url in ((article_page(), URL), (listing_page(SECTION), SECTION)):
        assert settled(_declared(page, url)) is None  # the text decides
    assert extract(article_page(), URL) is not None
