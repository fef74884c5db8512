"""Dates (YYYYMMDD, 0 for what is left out), years, spans and times of day."""

from __future__ import annotations

import pytest

from pipelines.figures.find import find_figures


def dates(text: str) -> list[tuple[str, float, float | None, str | None, str]]:
    return [
        (f.raw, f.value, f.value_to, f.unit, f.kind)
        for f in find_figures(text)
        if f.kind in ("date", "year", "time")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # months
        ("Tính đến tháng 12/2019 còn 755 tổ chức.", [("tháng 12/2019", 20191200, None, "tháng", "date")]),
        ("Lên sàn vào tháng 10/2011.", [("tháng 10/2011", 20111000, None, "tháng", "date")]),
        ("Kết quả công bố vào tháng 3.", [("tháng 3", 300, None, "tháng", "date")]),
        ("Ký ngày 17 tháng 3 năm 2024.", [("ngày 17 tháng 3 năm 2024", 20240317, None, "ngày", "date")]),
        ("Kéo dài đến tháng 3 - 6/2027.", [("tháng 3 - 6/2027", 20270300, 20270600, "tháng", "date")]),
        (
            "Giai đoạn T9/2013-T9/2014.",
            [("T9/2013", 20130900, None, "tháng", "date"), ("T9/2014", 20140900, None, "tháng", "date")],
        ),
        ("Doanh thu 5/2023 giảm.", [("5/2023", 20230500, None, "tháng", "date")]),
        # days
        ("Có hiệu lực từ ngày 1/3/2026.", [("ngày 1/3/2026", 20260301, None, "ngày", "date")]),
        ("Có hiệu lực từ 01/3/2026.", [("01/3/2026", 20260301, None, "ngày", "date")]),
        ("Trước ngày 31/3 hằng năm.", [("ngày 31/3", 331, None, "ngày", "date")]),
        ("Sáng 2/11, Quốc hội thảo luận.", [("2/11", 1102, None, "ngày", "date")]),
        ("Chứng khoán phiên 6/3: VN-Index giảm.", [("6/3", 306, None, "ngày", "date")]),
        ("Sáng nay (5/3), trời rét.", [("5/3", 305, None, "ngày", "date")]),
        ("Có hiệu lực từ ngày 5-3.", [("ngày 5-3", 305, None, "ngày", "date")]),  # NLĐ style
        ("Lượng đơn hàng dịp 8-3 giảm.", [("8-3", 308, None, "ngày", "date")]),
        (
            "Ngày 30-4 và 1-5 đông khách.",
            [("Ngày 30-4", 430, None, "ngày", "date"), ("1-5", 501, None, "ngày", "date")],
        ),
        ("Ban hành ngày 05.03.2026.", [("ngày 05.03.2026", 20260305, None, "ngày", "date")]),
        # spans of days
        ("Từ ngày 17 đến 20/9, tỉnh tổ chức hội chợ.", [("ngày 17 đến 20/9", 917, 920, "ngày", "date")]),
        (
            "Diễn ra từ ngày 10 đến 12/10/2025.",
            [("ngày 10 đến 12/10/2025", 20251010, 20251012, "ngày", "date")],
        ),
        (
            "Từ ngày 24/3/2021 đến ngày 30/12/2022.",
            [("ngày 24/3/2021 đến ngày 30/12/2022", 20210324, 20221230, "ngày", "date")],
        ),
        ("Từ 1/3 đến 15/3/2025 xử lý 12 vụ.", [("1/3 đến 15/3/2025", 20250301, 20250315, "ngày", "date")]),
        ("Ngày 5-7/3 có mưa.", [("Ngày 5-7/3", 305, 307, "ngày", "date")]),
        # quarters: the first month of the quarter, unit "quý"
        ("Trong quý III/2025, doanh thu tăng.", [("quý III/2025", 20250700, None, "quý", "date")]),
        ("Trong quý 1/2024 có 215 doanh nghiệp.", [("quý 1/2024", 20240100, None, "quý", "date")]),
        # years
        ("Năm 2024, thu ngân sách tăng.", [("Năm 2024", 2024, None, "năm", "year")]),
        ("Đầu nhiệm kỳ 2015-2020 có 801 tổ chức.", [("2015-2020", 2015, 2020, "năm", "year")]),
        ("Giai đoạn 2021 - 2023 giảm.", [("2021 - 2023", 2021, 2023, "năm", "year")]),
        ("Từ năm 2021 đến năm 2023.", [("năm 2021 đến năm 2023", 2021, 2023, "năm", "year")]),
        ("Niên vụ 2023/2024 được mùa.", [("2023/2024", 2023, 2024, "năm", "year")]),
        ("Năm 938, Ngô Quyền đánh tan quân Nam Hán.", [("Năm 938", 938, None, "năm", "year")]),
        ("Tầm nhìn 2045.", [("2045", 2045, None, "năm", "year")]),
        ("Trong 2 năm 2023-2024 xây 15 km.", [("2023-2024", 2023, 2024, "năm", "year")]),
        # times of day
        (
            "Khai mạc lúc 8h30 ngày 15/10/2024.",
            [("8h30", 8.5, None, "giờ", "time"), ("ngày 15/10/2024", 20241015, None, "ngày", "date")],
        ),
        (
            "Khoảng 20h ngày 3/2 xảy ra tai nạn.",
            [("20h", 20, None, "giờ", "time"), ("ngày 3/2", 203, None, "ngày", "date")],
        ),
        ("Họp lúc 14 giờ 30 phút.", [("14 giờ 30 phút", 14.5, None, "giờ", "time")]),
    ],
)
def test_dates(text: str, expected: list[tuple[str, float, float | None, str, str]]) -> None:
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "raw", "value", "unit"),
    [
        ("Kim ngạch 9 tháng ước đạt 1,25 tỷ USD.", "9 tháng", 9, "tháng"),
        ("Trong 6 tháng đầu năm.", "6 tháng", 6, "tháng"),
        ("Trong 24h qua có 3 vụ.", None, None, None),  # "24h" alone is neither a time nor a unit we know
    ],
)
def test_periods_are_durations_not_dates(
    text: str, raw: str | None, value: float | None, unit: str | None
) -> None:
    durations = [(f.raw, f.value, f.unit) for f in find_figures(text) if f.kind == "duration"]
    assert durations == ([(raw, value, unit)] if raw else [])
    assert dates(text) == []


def test_dates_carry_no_scaled_value_or_change() -> None:
    [date] = find_figures("Giá tăng từ tháng 5/2023.")
    assert (date.scaled_value, date.base_unit, date.change) == (None, None, "none")


def test_period_noun_is_the_subject_of_a_year_span() -> None:
    subjects = [f.subject for f in find_figures("Nhiệm kỳ 2020-2025 và năm học 2024-2025.")]
    assert subjects == ["nhiệm kỳ", "năm học"]


@pytest.mark.parametrize("text", ["Lương tháng 13 được chi trả.", "Ngày 45/3 không có."])
def test_impossible_dates_are_not_dates(text: str) -> None:
    assert dates(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giá vàng hôm nay, 7-3: bật tăng.", [("7-3", 307, None, "ngày", "date")]),
        ("Một ngày thứ sáu 6-3 đầy biến động.", [("6-3", 306, None, "ngày", "date")]),
    ],
)
def test_nld_style_dates_after_day_words(
    text: str, expected: list[tuple[str, float, None, str, str]]
) -> None:
    assert dates(text) == expected


def test_a_third_is_not_the_first_of_march() -> None:
    [third] = find_figures("Lượng khách chưa tới 1/3 so với trước.")
    assert (third.kind, third.value, third.value_to) == ("ratio", 1, 3)


def test_date_list_follows_the_date_before_it_not_a_word_number_found_earlier() -> None:
    text = "Ngày 30-4 và 1-5, ba ngày nghỉ."
    assert [(f.raw, f.kind) for f in find_figures(text)] == [
        ("Ngày 30-4", "date"),
        ("1-5", "date"),
        ("ba ngày", "duration"),
    ]


def test_a_span_may_name_the_part_of_day_at_its_end() -> None:
    assert dates("Mưa lớn từ đêm 9/9 đến sáng 10/9 làm ngập 125 ngôi nhà.") == [
        ("9/9 đến sáng 10/9", 909, 910, "ngày", "date")
    ]
