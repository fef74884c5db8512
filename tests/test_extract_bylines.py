"""Bylines a researcher can trust: where Vietnamese papers print them, kept as printed, several names as
a list, never the site, a form label or "PV" alone. And photo credits split from captions whatever
words with "ảnh" in them the caption holds."""

from __future__ import annotations

import pytest

from pipelines.extraction.bylines import Byline, looks_like_name, parse_byline, split_photo_credit
from pipelines.extraction.extract import extract
from tests.extract_fixtures.layouts import (
    BODY,
    PUBLISHED_SHOWN,
    SITE,
    URL,
    article_ld,
    news_page,
    paragraphs,
)

CLOSINGS = {
    "bold last paragraph": ("<p><strong>Lò Thị Mai</strong></p>", "Lò Thị Mai"),
    "right-aligned last paragraph": ('<p style="text-align:right">Hoàng Nam</p>', "Hoàng Nam"),
    "initials": ('<p style="text-align:right"><b>T.H</b></p>', "T.H"),
    "initials after a role": ("<p><strong>Tin, ảnh: P.Y</strong></p>", "P.Y"),
    "bài và ảnh": ("<p><em>Bài và ảnh: Quàng Văn Hiếu</em></p>", "Quàng Văn Hiếu"),
    "two names with a dash": ("<p><b>Thanh Hà - Ngọc Lan</b></p>", "Thanh Hà; Ngọc Lan"),
    "two names with a comma": ("<p><b>Thanh Hà, Ngọc Lan</b></p>", "Thanh Hà; Ngọc Lan"),
    "a team with a role": ("<p><b>Nhóm thực hiện: Lan Anh - Quốc Tuấn</b></p>", "Lan Anh; Quốc Tuấn"),
}


@pytest.mark.parametrize("layout", CLOSINGS)
def test_closing_byline_of_the_body(layout: str) -> None:
    markup, author = CLOSINGS[layout]
    article = extract(news_page(body=paragraphs() + markup), URL)
    assert article is not None
    assert article.author == author
    assert author.split(";")[0] not in article.text  # metadata now, not text


AFTER = {
    "signature block after the body": '<div class="sign"><span class="name">Đinh Quang Huy</span></div>',
    "bold name in a block after the article": "<div><p><b>Đinh Quang Huy</b></p></div>",
}


@pytest.mark.parametrize("layout", AFTER)
def test_byline_block_after_the_body(layout: str) -> None:
    where = "after_body" if "body" in layout else "after_article"
    article = extract(news_page(**{where: AFTER[layout]}), URL)
    assert article is not None and article.author == "Đinh Quang Huy"


def test_bodies_set_as_divs_close_with_their_byline() -> None:
    """Sites setting each paragraph as a <div> come out as one block of lines; its last line is the byline."""
    blocks = "".join(f"<div>{p}</div>" for p in BODY) + '<div class="t1"><span>Anh Thư</span></div>'
    article = extract(news_page(body=blocks), URL)
    assert article is not None and article.author == "Anh Thư"
    assert not article.text.rstrip().endswith("Anh Thư")


@pytest.mark.parametrize("nobody", ["Nhóm PV", "PV", "BTV", "Tin: PV", "Phóng viên"])
def test_a_byline_naming_nobody_gives_no_author(nobody: str) -> None:
    article = extract(news_page(body=paragraphs() + f"<p><b>{nobody}</b></p>"), URL)
    assert article is not None and article.author is None
    assert nobody not in article.text.split("\n\n")


def test_a_comment_form_label_is_nobody() -> None:
    """The page's comment form has "Tên" and "Email" in "author" blocks; the article names nobody."""
    page = news_page()
    assert '<div class="author"><label>Tên</label>' in page
    article = extract(page, URL)
    assert article is not None and article.author is None


@pytest.mark.parametrize(
    "meta",
    [
        f'<meta name="author" content="{SITE}">',
        '<meta name="author" content="baosonla-test.vn">',
        '<meta name="author" content="Ban biên tập">',
    ],
)
def test_the_site_is_never_the_author(meta: str) -> None:
    article = extract(news_page(meta=meta), URL)
    assert article is not None and article.author is None


def test_a_brand_declared_as_site_name_and_author_is_nobody() -> None:
    page = news_page(site_name="SonLaPlus", meta='<meta name="author" content="SonLaPlus">')
    article = extract(page, URL)
    assert article is not None and article.author is None


def test_json_ld_person_is_the_author_unless_it_is_the_site() -> None:
    person = extract(news_page(json_ld=article_ld(author={"@type": "Person", "name": "Cầm Thị Lan"})), URL)
    masthead = extract(news_page(json_ld=article_ld(author={"@type": "Person", "name": SITE})), URL)
    assert person is not None and person.author == "Cầm Thị Lan"
    assert masthead is not None and masthead.author is None


def test_author_block_in_the_article_header() -> None:
    line = f'<div class="meta"><span class="author">Mai Anh</span> - <span class="date">{PUBLISHED_SHOWN}</span></div>'
    article = extract(news_page(date_line=line), URL)
    assert article is not None and article.author == "Mai Anh"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tin, ảnh: P.Y", Byline(("P.Y",), None)),
        ("Tin và ảnh: T.H", Byline(("T.H",), None)),
        ("Video: Hà Linh", Byline(("Hà Linh",), None)),
        ("Bài: Thu Hà - Ảnh: Minh Hương", Byline(("Thu Hà",), None)),
        ("Tin: PV", Byline((), None)),
        ("Tên", None),
        ("Họ và tên", None),
        ("Email", None),
        ("VnExpress", None),
    ],
)
def test_bylines_as_printed(line: str, expected: Byline | None) -> None:
    assert parse_byline(line) == expected


@pytest.mark.parametrize("name", ["Tên", "Họ tên", "Email:", "VietnamPlus", "ZingNews"])
def test_form_labels_and_brands_are_not_names(name: str) -> None:
    assert not looks_like_name(name)


@pytest.mark.parametrize("name", ["P.Y", "T.H", "Lò Thị Mai", "NHẬT XUÂN", "Vì Thị Hoa"])
def test_names_and_initials_are_names(name: str) -> None:
    assert looks_like_name(name)


# -- photo credits (issue 12: "cảnh", "ảnh" inside the caption's own words) -----------------------------


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Quang cảnh hội nghị. Ảnh: Minh Đức", ("Quang cảnh hội nghị.", "Minh Đức")),
        (
            "Cảnh sát giao thông hướng dẫn người dân qua đèo. Ảnh: Thu Hà",
            ("Cảnh sát giao thông hướng dẫn người dân qua đèo.", "Thu Hà"),
        ),
        ("Hình ảnh tại lễ hội hoa ban. Ảnh: Lò Thị Mai", ("Hình ảnh tại lễ hội hoa ban.", "Lò Thị Mai")),
        ("Toàn cảnh khu tái định cư (Ảnh: TTXVN)", ("Toàn cảnh khu tái định cư", "TTXVN")),
        ("Hình ảnh tại lễ hội hoa ban", ("Hình ảnh tại lễ hội hoa ban", None)),
        ("Cảnh sát giao thông hướng dẫn người dân", ("Cảnh sát giao thông hướng dẫn người dân", None)),
    ],
)
def test_photo_credit_after_words_holding_anh(caption: str, expected: tuple[str, str | None]) -> None:
    assert split_photo_credit(caption) == expected


def test_caption_with_canh_keeps_its_credit_apart_in_the_article() -> None:
    photo = (
        '<figure><img src="/anh/hoi-nghi.jpg" alt=""><figcaption>Quang cảnh hội nghị triển khai dự án. '
        "Ảnh: Minh Đức</figcaption></figure>"
    )
    article = extract(news_page(body=paragraphs() + photo), URL)
    assert article is not None
    (image,) = article.images
    assert (image.caption, image.credit) == ("Quang cảnh hội nghị triển khai dự án.", "Minh Đức")
