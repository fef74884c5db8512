"""Photo credits split from captions whatever words with "ảnh" in them the caption holds."""

from __future__ import annotations

import pytest

from pipelines.extraction.bylines import split_photo_credit
from pipelines.extraction.extract import extract
from tests.extract_fixtures.layouts import URL, news_page, paragraphs


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
