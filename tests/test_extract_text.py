"""Text reads as it is printed: no word glued to the next at a tag boundary, in headlines and body."""

from __future__ import annotations

import pytest
from lxml.etree import SubElement
from lxml.html import fragment_fromstring

from pipelines.extraction.extract import extract
from pipelines.extraction.text import FlatTexts, read_text
from tests.extract_fixtures.layouts import URL, news_page

HEADLINES = [
    '<span class="kicker">Sơn La:</span><span>mở rộng tuyến đường nối hai huyện vùng cao</span>',
    "Sơn La:<br>mở rộng tuyến đường nối hai huyện vùng cao",
    "<div>Sơn La:</div><div>mở rộng tuyến đường nối hai huyện vùng cao</div>",
]


@pytest.mark.parametrize("headline", HEADLINES)
def test_headline_pieces_are_joined_as_they_read(headline: str) -> None:
    title = "Sơn La: mở rộng tuyến đường nối hai huyện vùng cao"
    for title_tag in (None, "Tin giao thông"):
        article = extract(news_page(title=title, headline=headline, title_tag=title_tag), URL)
        assert article is not None and article.title == title


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Câu một kết thúc.<br>Câu hai bắt đầu.</p>", "Câu một kết thúc. Câu hai bắt đầu."),
        ("<div><div>Dòng một.</div><div>Dòng hai.</div></div>", "Dòng một. Dòng hai."),
        ("<p>TP.<b>HCM</b> và Đ<i>à</i> Nẵng</p>", "TP.HCM và Đà Nẵng"),
        ("<p>Giá 1,<b>5</b> tỷ đồng, lúc 10:<b>30</b></p>", "Giá 1,5 tỷ đồng, lúc 10:30"),
        ("<p>a<!-- chú thích -->b<script>var x = 1;</script>c</p>", "abc"),
        ("<td>Ô một</td>", "Ô một"),
    ],
)
def test_read_text(markup: str, expected: str) -> None:
    assert read_text(fragment_fromstring(markup)) == expected


def test_read_text_survives_deep_nesting() -> None:
    """Hostile pages nest deeper than Python recurses; the walk uses no recursion."""
    root = node = fragment_fromstring("<div></div>")
    for _ in range(5000):
        node = SubElement(node, "span")
    node.text = "sâu"
    assert read_text(root) == "sâu"


def test_a_block_found_too_long_is_not_read_again_for_a_smaller_limit() -> None:
    """Teasers and boxes climb from every link to the same long blocks: what one climb learned holds."""
    block = fragment_fromstring("<div>" + "<p>chữ <a href='/x'>một</a> hai</p>" * 400 + "</div>")
    texts = FlatTexts()
    assert texts.longer(block, 500)
    known = texts.least[block]
    assert known > 500 and block not in texts
    assert texts.longer(block, 300) and texts.longer(block, known - 1)
    assert not texts.longer(block, 100_000) and len(texts[block]) == len(texts.get(block, ""))
