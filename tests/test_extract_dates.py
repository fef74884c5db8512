"""The article's own time: from its header line, its structured data or its meta tags; never a date of a
sidebar item, the masthead's clock or the footer; none when every date on the page is another item's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipelines.extraction.article_time import declared_time, find_published
from pipelines.extraction.extract import extract
from pipelines.extraction.page_tree import parse_page
from pipelines.extraction.published import parse_stamps
from pipelines.extraction.scan import scan_page
from pipelines.extraction.signals import read_signals
from tests.extract_fixtures.layouts import CLOCK, MOST_READ, PUBLISHED_SHOWN, URL, article_ld, news_page
from tests.gate.corpus import all_pages

VN = timezone(timedelta(hours=7))
SHOWN = datetime(2025, 3, 11, 7, 45, tzinfo=VN)


def published(page: str, fetched_at: datetime | None = None) -> datetime | None:
    article = extract(page, URL, fetched_at)
    assert article is not None
    return article.published_at


def test_the_date_line_under_the_headline() -> None:
    assert published(news_page()) == SHOWN


def test_a_page_whose_only_dates_are_other_items_has_no_date() -> None:
    """Masthead clock, "most read" items with their dates, the footer's licence date: none is the article's."""
    page = news_page(date_line=None)
    assert CLOCK in page and MOST_READ[0][1] in page and "02/03/2021" in page
    assert published(page) is None


@pytest.mark.parametrize("clock", [CLOCK, "Hôm nay: Thứ Tư, 24/12/2025 09:15"])
def test_the_masthead_clock_is_not_the_article_date(clock: str) -> None:
    page = news_page(date_line=None, sidebar="", clock=f"<span>{clock}</span>")
    assert published(page) is None


def test_a_sidebar_item_before_the_article_does_not_win() -> None:
    """The sidebar comes first in the page; its item's date is nearer the top than the article's."""
    sidebar = news_page(sidebar="").replace('<div class="container">', '<div class="container">' + _sidebar())
    assert published(sidebar) == SHOWN


def test_dates_in_a_related_box_inside_the_article_are_not_its_date() -> None:
    related = (
        '<div class="related"><ul><li><a href="/a-p1.html">Hàng trăm hộ dân được hỗ trợ làm nhà mới trước Tết</a>'
        ' <span class="date">12/01/2019</span></li><li><a href="/b-p2.html">Tỉnh khen thưởng các tập thể có '
        'thành tích xuất sắc trong năm</a> <span class="date">13/01/2019</span></li></ul></div>'
    )
    assert published(news_page(date_line=None, sidebar="", after_body=related)) is None


def test_a_date_line_without_any_class() -> None:
    page = news_page(date_line="<div><span>07:12 ngày 24/03/2024</span></div>")
    assert published(page) == datetime(2024, 3, 24, 7, 12, tzinfo=VN)


def test_a_date_line_above_the_headline() -> None:
    page = news_page(date_line=None).replace(
        '<h1 class="article-title">', f'<div class="kicker">{PUBLISHED_SHOWN}</div><h1 class="article-title">'
    )
    assert published(page) == SHOWN


def test_us_format_json_ld() -> None:
    """A CMS on US defaults: "3/24/2024 7:12:35 AM" beside the visible "07:12 ngày 24/03/2024"."""
    ld = article_ld(datePublished="3/24/2024 7:12:35 AM")
    assert published(news_page(json_ld=ld, date_line=None)) == datetime(2024, 3, 24, 7, 12, 35, tzinfo=VN)
    shown = "<div>07:12 ngày 24/03/2024</div>"
    assert published(news_page(json_ld=ld, date_line=shown)) == datetime(2024, 3, 24, 7, 12, 35, tzinfo=VN)


@pytest.mark.parametrize(("shown", "day"), [("07:12 03/04/2024", 3), ("07:12 04/03/2024", 4)])
def test_a_date_read_two_ways_takes_the_reading_the_page_shows(shown: str, day: int) -> None:
    ld = article_ld(datePublished="3/4/2024 7:12:35 AM")
    got = published(news_page(json_ld=ld, date_line=f'<div class="date">{shown}</div>'))
    assert got is not None and got.date().isoformat() == f"2024-{4 if day == 3 else 3:02d}-{day:02d}"


def test_declared_day_takes_the_time_shown_that_day() -> None:
    page = news_page(meta='<meta property="article:published_time" content="2025-03-11">')
    assert published(page) == SHOWN


def test_a_date_after_the_fetch_is_no_publication_date() -> None:
    assert published(news_page(), fetched_at=datetime(2025, 1, 1, tzinfo=VN)) is None


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("24/03/2024", ["2024-03-24"]),
        ("3/24/2024 7:12:35 AM", ["2024-03-24"]),
        ("3/4/2024 7:12:35 AM", ["2024-04-03", "2024-03-04"]),
        ("03/04/2024 07:12", ["2024-04-03"]),  # no AM/PM: day first, as Vietnamese pages write it
        ("31/31/2024", []),
    ],
)
def test_readings_of_a_date(text: str, readings: list[str]) -> None:
    assert [s.value.date().isoformat() for s in parse_stamps(text)] == readings


def _sidebar() -> str:
    items = "".join(
        f'<li><a href="/tin-{i}-p5{i}0.html">{title}</a> <span class="time">{day}</span></li>'
        for i, (title, day) in enumerate(MOST_READ)
    )
    return f'<div class="col-left"><h3>Tin mới</h3><ul class="list">{items}</ul></div>'


@pytest.mark.parametrize(
    ("declared", "settled"),
    [
        ("2025-03-11T07:45:00+07:00", datetime(2025, 3, 11, 7, 45, tzinfo=VN)),
        ("2025-03-11", None),  # a day: the time shown that day may complete it
        ("3/4/2024 7:12:35 AM", None),  # read two ways: the date the page shows decides
        ("không rõ", None),
    ],
)
def test_a_declared_time_settles_the_date_without_the_page(declared: str, settled: datetime | None) -> None:
    """When it does, the page's date spots are not read: find_published would give the same time."""
    page = news_page(json_ld=article_ld(datePublished=declared))
    tree = parse_page(page)
    signals = read_signals(tree, URL)
    assert declared_time(signals, None) == settled
    if settled is not None:
        assert find_published(signals, scan_page(tree, signals), None) == settled
    assert scan_page(tree, signals, dates=False).dates == []


def test_a_page_read_for_its_authors_only_finds_the_same_authors() -> None:
    for page in all_pages()[::4]:
        tree = parse_page(page.html())
        if tree is None:
            continue
        signals = read_signals(tree, page.url)
        both, authors = scan_page(tree, signals), scan_page(tree, signals, dates=False)
        assert (authors.authors, authors.dates, authors.headline_order) == (both.authors, [], None)
        assert scan_page(tree, signals, authors=False).dates == both.dates
