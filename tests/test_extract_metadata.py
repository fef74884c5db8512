"""Metadata a researcher can trust: dates to the minute at +07:00, people (never the site) as authors,
source and photo credits, titles without the site's name, the sapo as lead."""

from __future__ import annotations

import doctest
from datetime import datetime, timedelta, timezone

import pytest
from lxml.etree import XPath
from lxml.html import fromstring

from pipelines.extraction import bylines, extract, text
from pipelines.extraction import published as vi_dates
from pipelines.extraction.bylines import Byline, dateline_credit, is_site_name, parse_byline, split_photo_credit
from pipelines.extraction.extract import EXTRACTOR_VERSION
from pipelines.extraction.metadata import strip_site_name
from pipelines.extraction.published import parse_datetime, parse_stamp
from pipelines.extraction.signals import logos
from tests.extract_fixtures.pages import AUTHOR, PARAGRAPHS, SAPO, TITLE, URL, article_page

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize("module", [bylines, vi_dates, extract, text], ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:
    failures, _ = doctest.testmod(module)
    assert failures == 0


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Thứ Sáu, 09/10/2020 - 15:20", datetime(2020, 10, 9, 15, 20, tzinfo=VN)),
        ("09:35 21/09/2022", datetime(2022, 9, 21, 9, 35, tzinfo=VN)),
        ("30/11/2021 | 10:05", datetime(2021, 11, 30, 10, 5, tzinfo=VN)),
        ("07/03/2026 08:06 GMT+7", datetime(2026, 3, 7, 8, 6, tzinfo=VN)),
        ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),
        ("07-03-2026 - 09:40 AM", datetime(2026, 3, 7, 9, 40, tzinfo=VN)),
        ("Cập nhật 07/03/2026 - 02:15 PM", datetime(2026, 3, 7, 14, 15, tzinfo=VN)),
        ("Nguyên Minh - 07/03/2026 08:47", datetime(2026, 3, 7, 8, 47, tzinfo=VN)),
        ("2026-03-07T08:52:11.000 +07:00", datetime(2026, 3, 7, 8, 52, 11, tzinfo=VN)),
        ("2026-03-07T00:01:00", datetime(2026, 3, 7, 0, 1, tzinfo=VN)),
        ("2026-03-07T01:01:00Z", datetime(2026, 3, 7, 8, 1, tzinfo=VN)),
        ("Hà Nội, ngày 5 tháng 3 năm 2026", datetime(2026, 3, 5, tzinfo=VN)),
    ],
)
def test_vietnamese_date_formats(shown: str, expected: datetime) -> None:
    assert parse_datetime(shown) == expected


def test_a_day_without_time_says_so() -> None:
    stamp = parse_stamp("Thứ năm, 2/11/2023")
    assert stamp is not None and not stamp.has_time
    assert parse_stamp("31/02/2024 10:00") is None
    assert parse_stamp("không có ngày") is None


def test_published_from_json_ld_first() -> None:
    article = extract.extract(article_page(date_line="Thứ Hai, 06/05/2024 09:99"), URL)
    assert article is not None
    assert article.published_at == datetime(2024, 5, 6, 8, 30, tzinfo=VN)


def test_published_from_the_date_line_when_nothing_is_declared() -> None:
    article = extract.extract(article_page(json_ld=False, date_line="Thứ Hai, 06/05/2024 - 15:20"), URL)
    assert article is not None
    assert article.published_at == datetime(2024, 5, 6, 15, 20, tzinfo=VN)


def test_todays_date_in_the_header_is_not_the_publication_date() -> None:
    page = article_page(json_ld=False, date_line="06/05/2024 | 10:05").replace(
        "<header>", '<header><span class="time-now">Thứ Bảy, 09/03/2025</span>'
    )
    article = extract.extract(page, URL)
    assert article is not None
    assert article.published_at == datetime(2024, 5, 6, 10, 5, tzinfo=VN)


def test_time_of_day_comes_from_the_page_when_meta_gives_only_the_day() -> None:
    head = '<meta property="article:published_time" content="2024-05-06">'
    page = article_page(json_ld=False, head=head, date_line="06/05/2024 | 10:05")
    article = extract.extract(page, URL)
    assert article is not None
    assert article.published_at == datetime(2024, 5, 6, 10, 5, tzinfo=VN)


def test_dates_after_the_fetch_are_not_publication_dates() -> None:
    page = article_page(json_ld=False, date_line="Thứ Hai, 06/05/2024 - 15:20")
    article = extract.extract(page, URL, fetched_at=datetime(2024, 1, 1, tzinfo=VN))
    assert article is not None and article.published_at is None


# -- people and credits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lê Phương", Byline(("Lê Phương",), None)),
        ("NHẬT XUÂN - NGHI VŨ", Byline(("Nhật Xuân", "Nghi Vũ"), None)),
        ("Bài, ảnh: Minh Hương", Byline(("Minh Hương",), None)),
        ("Bài và ảnh: Đức Thọ", Byline(("Đức Thọ",), None)),
        ("Bài: Thu Hà - Ảnh: Minh Hương", Byline(("Thu Hà",), None)),
        ("Thu Hà (TTXVN)", Byline(("Thu Hà",), "TTXVN")),
        ("Thu Hà (tổng hợp)", Byline(("Thu Hà",), None)),
        ("Theo TTXVN", Byline((), "TTXVN")),
        ("(Theo VnExpress)", Byline((), "VnExpress")),
        ("Nguồn: baonghean.vn", Byline((), "baonghean.vn")),
        ("Nhóm PV", Byline((), None)),
        ("PV tổng hợp", Byline((), None)),
        ("Xem thêm", None),
        ("Hà Nội, ngày 5/3/2026", None),
    ],
)
def test_bylines(line: str, expected: Byline | None) -> None:
    assert parse_byline(line) == expected


def test_theo_a_person_is_the_author_in_an_author_field() -> None:
    assert parse_byline("Theo Hồ Hương", context="author") == Byline(("Hồ Hương",), None)
    assert parse_byline("Theo Dân Trí", context="author") == Byline((), "Dân Trí")


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("NLD COM VN", {"nld", "nldcomvn"}),
        ("Baochinhphu Vn", {"baochinhphu", "baochinhphuvn"}),
        ("Dân Trí", {"dantri", "dantricomvn"}),
        ("Báo Người Lao Động", {"nld", "baonguoilaodongonline"}),
    ],
)
def test_site_names_are_recognised(name: str, tokens: set[str]) -> None:
    assert is_site_name(name, tokens)


def test_people_are_not_site_names() -> None:
    assert not is_site_name("Minh Chiến", {"nld", "nldcomvn", "baonguoilaodongonline"})


MASTHEAD = """<html><body>
<header><div class="site-logo"><a href="/"><img src="/l.png" alt="Báo Phú Thọ"></a>
  <span><img src="/slogan.png" alt="Cơ quan của Đảng bộ"></span></div>
  <a class="logo-mobile" href="/">Báo Phú Thọ</a></header>
<main><img src="/photo.jpg" alt="Hội nghị"><a href="/x">Tin</a>
  <div id="logo-partner"><p><img src="/partner.png" alt="Đối tác"></p></div>
  <img class="footer-logo" src="/f.png" alt="Báo Phú Thọ điện tử"></main></body></html>"""


def test_logos_are_the_ones_the_page_names_in_page_order() -> None:
    # The masthead (the site's name, never an author) is read from these; lxml's XPath is the reference.
    tree = fromstring(MASTHEAD)
    reference = XPath(
        "//a[contains(@class,'logo') or contains(@id,'logo')]|//img[contains(@class,'logo') or contains(@id,'logo')]"
        "|//*[contains(@class,'logo') or contains(@id,'logo')]//img"
    )(tree)
    assert [e.get("src") or e.get("class") for e in logos(tree, most=10)] == [
        "/l.png", "/slogan.png", "logo-mobile", "/partner.png", "/f.png"
    ]  # fmt: skip
    assert logos(tree, most=10) == reference
    assert logos(tree) == reference[:4]


def test_author_is_a_person_never_the_site() -> None:
    article = extract.extract(article_page(), URL)
    assert article is not None
    # meta author "baophutho.vn" and the JSON-LD Organization are the site; the byline is the person.
    assert article.author == AUTHOR
    assert AUTHOR not in article.text.split("\n\n")


def test_a_byline_naming_nobody_is_no_author_and_no_text() -> None:
    article = extract.extract(article_page(byline="PV"), URL)
    assert article is not None and article.author is None
    assert article.text.split("\n\n")[-1] == PARAGRAPHS[-1]


def test_closing_source_credit() -> None:
    article = extract.extract(article_page(byline="Theo TTXVN"), URL)
    assert article is not None
    assert (article.author, article.source_credit) == (None, "TTXVN")
    assert not article.text.endswith("Theo TTXVN")


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp",
            ("Y bác sĩ nội soi cho bệnh nhân.", "Bệnh viện cung cấp"),
        ),
        ("Một buổi sinh hoạt chi bộ. Ảnh Đinh Vũ", ("Một buổi sinh hoạt chi bộ.", "Đinh Vũ")),
        ("Người dân mua vàng (Ảnh: TTXVN)", ("Người dân mua vàng", "TTXVN")),
        ("Giá vàng tăng mạnh (Ảnh minh họa)", ("Giá vàng tăng mạnh", None)),
        ("Thủ tướng phát biểu. Ảnh: VGP/Nhật Bắc", ("Thủ tướng phát biểu.", "VGP/Nhật Bắc")),
        ("Bó hoa hồng giá 1 triệu đồng - Ảnh: H.Y.T", ("Bó hoa hồng giá 1 triệu đồng", "H.Y.T")),
        ("Chụp ảnh cưới ở Hà Nội", ("Chụp ảnh cưới ở Hà Nội", None)),
    ],
)
def test_photo_credits(caption: str, expected: tuple[str, str | None]) -> None:
    assert split_photo_credit(caption) == expected


@pytest.mark.parametrize(
    ("paragraph", "credit"),
    [
        ("PTĐT – Tổ chức cơ sở Đảng là nền tảng của Đảng.", "PTĐT"),
        ("(Dân trí) - Giá vàng trong nước tiếp tục giảm.", "Dân trí"),
        ("(NLĐO)- Không ít hộ kinh doanh chưa quen.", "NLĐO"),
        ("TTXVN - Sáng 5/3, tại Hà Nội.", "TTXVN"),
        ("Ngày 22/10, bác sĩ cho biết.", None),
        ("Hà Nội - Sáng nay trời mưa.", None),
    ],
)
def test_dateline_credits(paragraph: str, credit: str | None) -> None:
    assert dateline_credit(paragraph) == credit


def test_source_block_after_the_byline() -> None:
    article = extract.extract(article_page(after='<p class="source">Đại Đoàn kết</p>'), URL)
    assert article is not None
    assert (article.author, article.source_credit) == (AUTHOR, "Đại Đoàn kết")
    assert article.text.split("\n\n")[-1] == PARAGRAPHS[-1]


def test_lines_naming_the_site_are_not_text() -> None:
    article = extract.extract(article_page(inside="<p>BÁO PHÚ THỌ ĐIỆN TỬ</p>"), URL)
    assert article is not None and "BÁO PHÚ THỌ" not in article.text


def test_the_papers_own_dateline_is_no_source_credit() -> None:
    page = article_page().replace(f"<p>{PARAGRAPHS[0]}", f"<p>(Báo Phú Thọ) - {PARAGRAPHS[0]}")
    article = extract.extract(page, URL)
    assert article is not None and article.source_credit is None


# -- title, lead, images ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tokens", "expected"),
    [
        ("Giá vàng giảm | Báo Dân trí", {"dantri", "baodantri"}, "Giá vàng giảm"),
        ("Kinh doanh - Tuổi Trẻ Online", {"tuoitre"}, "Kinh doanh"),
        ("Lúa - gạo tăng giá - Báo Phú Thọ", {"baophutho"}, "Lúa - gạo tăng giá"),
        ("VnExpress - Chứng khoán tuần qua", {"vnexpress"}, "Chứng khoán tuần qua"),
        ("Bảo hiểm y tế: những điểm mới", {"nld"}, "Bảo hiểm y tế: những điểm mới"),
    ],
)
def test_title_without_site_name(title: str, tokens: set[str], expected: str) -> None:
    assert strip_site_name(title, tokens) == expected


def test_title_lead_and_text_shape() -> None:
    article = extract.extract(article_page(), URL)
    assert article is not None
    assert article.title == TITLE
    assert article.lead == SAPO
    assert article.text.split("\n\n") == [SAPO, *PARAGRAPHS]
    assert article.extractor == EXTRACTOR_VERSION


PHOTO_LAYOUTS = {
    "figure": '<figure class="image"><img src="/anh/che.jpg" width="700" alt="">'
    "<figcaption>Nông dân xã Minh Đài thu hái chè. Ảnh: Minh Hương</figcaption></figure>",
    "cms caption block": '<div class="VCSortableInPreviewMode" type="Photo"><div><a href="/anh/che.jpg">'
    '<img data-src="/anh/che.jpg" src="data:image/gif;base64,R0lGOD" alt=""></a></div>'
    '<div class="PhotoCMS_Caption"><p>Nông dân xã Minh Đài thu hái chè (Ảnh: Minh Hương)</p></div></div>',
    "italic line": '<p style="text-align:center"><img src="/anh/che.jpg" alt=""></p>'
    '<p style="text-align:center"><em>Nông dân xã Minh Đài thu hái chè. Ảnh: Minh Hương</em></p>',
    "table": '<table class="image center"><tr><td><img src="/anh/che.jpg"></td></tr>'
    '<tr><td class="image_desc">Nông dân xã Minh Đài thu hái chè. Ảnh: Minh Hương</td></tr></table>',
    "table with p.Image": '<table class="tplCaption"><tr><td><img src="/anh/che.jpg"></td></tr>'
    '<tr><td><p class="Image">Nông dân xã Minh Đài thu hái chè. Ảnh: <em>Minh Hương</em></p>'
    "</td></tr></table>",
}


@pytest.mark.parametrize("layout", PHOTO_LAYOUTS)
def test_photo_caption_and_credit(layout: str) -> None:
    article = extract.extract(article_page(inside=PHOTO_LAYOUTS[layout]), URL)
    assert article is not None
    (image,) = article.images
    assert image.src == "https://baophutho.vn/anh/che.jpg"
    assert image.caption in ("Nông dân xã Minh Đài thu hái chè.", "Nông dân xã Minh Đài thu hái chè")
    assert image.credit == "Minh Hương"
    assert "Minh Hương" not in article.text  # the caption lives with its photo, not in the text
    assert article.text.split("\n\n") == [SAPO, *PARAGRAPHS]


def test_teaser_thumbnails_are_not_photos_of_the_article() -> None:
    teaser = '<div class="related"><a href="/bai-khac-215000.htm"><img src="/anh/khac.jpg" alt=""></a></div>'
    article = extract.extract(article_page(inside=teaser), URL)
    assert article is not None and article.images == []
