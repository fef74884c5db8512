"""Content-farm wrappers found by what they do — echo the title, address the reader, name the site,
invite — at the start, the end, or around a "Xem thêm" block; whatever their wording. And the article's
own lines that do one of these things alone stay."""

from __future__ import annotations

import pytest

from pipelines.extraction.bylines import fold
from pipelines.extraction.extract import extract
from pipelines.extraction.wrappers import drop_wrappers, wrapper_signals
from tests.extract_fixtures.layouts import BODY, FARM_HOST, FARM_SITE, TITLE, URL, farm_page, news_page, paragraphs

LOW = TITLE[0].lower() + TITLE[1:]
FARM_URL = f"https://{FARM_HOST}/mo-rong-tuyen-duong/"
OPENINGS = [
    f"Bạn đang băn khoăn không biết {LOW} có gì đáng chú ý?",
    f"Cùng {FARM_SITE} tìm hiểu ngay về {LOW} trong bài viết dưới đây nhé.",
    f"Quý độc giả muốn biết {LOW} diễn ra thế nào? Mời đọc tiếp.",
]
CLOSINGS = [
    f"Trên đây là toàn bộ thông tin về {LOW} mà chúng tôi muốn gửi tới các bạn.",
    f"{FARM_SITE} chúc bạn luôn thượng lộ bình an trên mọi nẻo đường.",
    "Đừng quên theo dõi chúng tôi để cập nhật thêm nhiều tin hay mỗi ngày nhé!",
]


@pytest.mark.parametrize("line", OPENINGS)
def test_opening_teasers_go(line: str) -> None:
    article = extract(farm_page(opening=[line], closing=[]), FARM_URL)
    assert article is not None
    assert line not in article.text
    assert article.text.split("\n\n")[0] == BODY[0]


@pytest.mark.parametrize("line", CLOSINGS)
def test_closing_summaries_and_wishes_go(line: str) -> None:
    article = extract(farm_page(opening=[], closing=[line]), FARM_URL)
    assert article is not None
    assert line not in article.text
    assert article.text.split("\n\n")[-1] == BODY[-1]


def test_lines_around_a_see_also_block_go() -> None:
    middle = (
        '<p>Xem thêm: <a href="/bai-khac/">Kinh nghiệm đi đèo mùa mưa</a></p>'
        f"<p>Các bạn hãy cùng {FARM_SITE} đọc tiếp phần dưới đây nhé.</p>"
    )
    article = extract(farm_page(opening=[], closing=[], middle=middle), FARM_URL)
    assert article is not None
    assert "đọc tiếp phần dưới đây" not in article.text
    assert [p for p in BODY if p not in article.text] == []


@pytest.mark.parametrize(
    "line",
    [
        "Hãy cùng chung tay giữ gìn những con đường mới để chúng bền vững qua nhiều mùa mưa lũ.",
        "Nhiều bạn trẻ trong bản tình nguyện tham gia phát quang hai bên đường, góp công cùng đơn vị thi công.",
        f"{TITLE} là yêu cầu được lãnh đạo tỉnh đặt ra tại cuộc họp sáng nay với các sở, ngành.",
    ],
)
def test_the_articles_own_lines_stay(line: str) -> None:
    """A civic call, "bạn trẻ" (young people), a sapo echoing the title: one signal, or no reader."""
    for body in (f"<p>{line}</p>" + paragraphs(), paragraphs() + f"<p>{line}</p>"):
        article = extract(news_page(sapo=None, body=body), URL)
        assert article is not None and line in article.text


def test_signals_by_name() -> None:
    words = frozenset(w.lower() for w in TITLE.split())
    site = [fold(FARM_SITE)]
    assert wrapper_signals(OPENINGS[0], words, site) == ["echo", "reader"]
    assert wrapper_signals(OPENINGS[1], words, site) == ["echo", "site", "invite"]
    assert wrapper_signals(CLOSINGS[2], words, site) == ["reader", "site", "invite"] or "site" in wrapper_signals(
        CLOSINGS[2], words, site
    )
    assert wrapper_signals(BODY[0], words, site) == []


def test_only_the_edges_are_looked_at() -> None:
    """A reader-addressing line in the middle of the text is the article's (a quote, an explanation)."""
    middle = f"Bạn đọc có thể thấy {LOW} là mong mỏi của bà con."
    paragraphs_in = [*BODY[:2], middle, *BODY[2:]]
    kept, dropped = drop_wrappers(paragraphs_in, TITLE, [fold(FARM_SITE)])
    assert (kept, dropped) == (paragraphs_in, 0)
    kept, dropped = drop_wrappers([middle, *BODY], TITLE, [fold(FARM_SITE)])
    assert (kept, dropped) == (BODY, 1)
