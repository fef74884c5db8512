"""Vietnamese number notation: "." groups thousands, "," marks decimals; English only when it must be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.figures.find import find_figures
from pipelines.figures.numbers import looks_english, parse_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("4.125,6", "4125.6"),
        ("1.038", "1038"),
        ("75.000.000", "75000000"),
        ("87,5", "87.5"),
        ("0,611", "0.611"),
        ("2015", "2015"),
        ("02", "2"),  # "thời hạn 02 năm"
        ("1.267,8", "1267.8"),
        ("1,500", "1.5"),  # Vietnamese: one and a half
        ("1,234,567", "1234567"),  # two comma groups cannot be Vietnamese
        ("4,125.6", "4125.6"),  # English grouping with a decimal point
        ("1.5", "1.5"),  # not a Vietnamese grouping, so a decimal point
    ],
)
def test_vietnamese_notation(token: str, value: str) -> None:
    assert parse_number(token) == Decimal(value)


@pytest.mark.parametrize("token", ["1.2.3", "2.0.1", "1.5.20"])
def test_version_strings_are_not_numbers(token: str) -> None:
    assert parse_number(token) is None


def test_english_context_reads_english_notation() -> None:
    assert parse_number("1,500", english=True) == Decimal(1500)
    assert parse_number("1.038", english=True) == Decimal("1.038")
    assert parse_number("4.125,6", english=True) == Decimal("4125.6")  # cannot be English


@pytest.mark.parametrize(
    ("window", "english"),
    [
        ('the director said "output rose 1,500 tons this year"', True),
        ("sản lượng tăng 1,500 tấn", False),
        ("1,500", False),  # too little text to tell
    ],
)
def test_looks_english(window: str, english: bool) -> None:
    assert looks_english(window) is english


def test_english_quote_inside_a_vietnamese_article() -> None:
    text = 'Ông nói: "Our output rose by 1.5 percent to 1,500 tons this year," rồi cảm ơn.'
    values = [(f.raw, f.value, f.kind) for f in find_figures(text)]
    assert values == [("1.5 percent", 1.5, "percent"), ("1,500", 1500.0, "count")]


def test_vietnamese_grouping_wins_outside_english_text() -> None:
    [figure] = find_figures("Kiện toàn 1.038 khu dân cư và 1,5 ha đất.")[:1]
    assert figure.value == 1038


@pytest.mark.parametrize(
    "text",
    [
        "Phiên bản iOS 17.2 đã có mặt.",
        "Bản cập nhật 2.1.3 sửa lỗi bảo mật.",
        "Ứng dụng chạy trên Android 14 và Windows 11.",
    ],
)
def test_versions_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_decimal_comma_with_magnitude_scales_exactly() -> None:
    [figure] = find_figures("Thu ngân sách đạt 4.125,6 tỷ đồng.")
    assert (figure.value, figure.scaled_value) == (4125.6, 4.1256e12)
