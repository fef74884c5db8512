"""Bylines as Vietnamese papers print them — roles, initials, several names — never a form label or a
brand; and photo credits split from captions whatever words with "ảnh" in them the caption holds."""

from __future__ import annotations

import pytest

from pipelines.extraction.bylines import Byline, looks_like_name, parse_byline, split_photo_credit
from pipelines.extraction.extract import extract
from tests.extract_fixtures.layouts import URL, news_page, paragraphs


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
