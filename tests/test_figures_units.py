"""Magnitude words and units: what a figure measures, its unit as written, and its value in the base unit."""

from __future__ import annotations

import pytest

from pipelines.figures.figure import Figure
from pipelines.figures.find import KINDS, find_figures


def figure(text: str, raw: str) -> Figure:
    [found] = [f for f in find_figures(text) if f.raw == raw]
    return found


@pytest.mark.parametrize(
    ("text", "raw", "value", "unit", "scaled", "base", "kind"),
    [
        # money
        (
            "Thu ngân sách đạt 4.125,6 tỷ đồng.",
            "4.125,6 tỷ đồng",
            4125.6,
            "tỷ đồng",
            4.1256e12,
            "đồng",
            "money",
        ),
        ("Xuất khẩu đạt 1,25 tỷ USD.", "1,25 tỷ USD", 1.25, "tỷ USD", 1.25e9, "USD", "money"),
        ("Vốn 1,5 nghìn tỷ đồng.", "1,5 nghìn tỷ đồng", 1.5, "nghìn tỷ đồng", 1.5e12, "đồng", "money"),
        ("Phạt 7,5 triệu đồng.", "7,5 triệu đồng", 7.5, "triệu đồng", 7.5e6, "đồng", "money"),
        ("Mức phạt tối đa 75.000.000 đồng.", "75.000.000 đồng", 75e6, "đồng", 75e6, "đồng", "money"),
        ("Giá vé 100.000đ một người.", "100.000đ", 100000, "đ", 100000, "đồng", "money"),
        ("Hỗ trợ 2 tỷ 500 triệu đồng.", "2 tỷ 500 triệu đồng", 2.5, "tỷ đồng", 2.5e9, "đồng", "money"),
        (
            "Lương 1 triệu 200 nghìn đồng.",
            "1 triệu 200 nghìn đồng",
            1.2,
            "triệu đồng",
            1.2e6,
            "đồng",
            "money",
        ),
        ("Tổng vốn 5 tỷ đồng tiền thuế.", "5 tỷ đồng", 5, "tỷ đồng", 5e9, "đồng", "money"),
        ("Giá 50 ngàn đồng mỗi kg.", "50 ngàn đồng", 50, "ngàn đồng", 50000, "đồng", "money"),
        ("Quỹ có 3 triệu euro.", "3 triệu euro", 3, "triệu euro", 3e6, "EUR", "money"),
        # percent
        ("Tỷ lệ đạt 87,5%.", "87,5%", 87.5, "%", 87.5, "%", "percent"),
        ("Còn 30 % nữa.", "30 %", 30, "%", 30, "%", "percent"),
        (
            "Cao hơn 1,5 điểm phần trăm.",
            "1,5 điểm phần trăm",
            1.5,
            "điểm phần trăm",
            1.5,
            "điểm phần trăm",
            "percent",
        ),
        # measures
        ("Gieo cấy 45.200 ha lúa.", "45.200 ha", 45200, "ha", 4.52e8, "m²", "area"),
        ("Rộng 20ha.", "20ha", 20, "ha", 200000, "m²", "area"),
        ("Diện tích sàn 1.500 m2.", "1.500 m2", 1500, "m2", 1500, "m²", "area"),
        ("Tuyến đường dài 12,5 km.", "12,5 km", 12.5, "km", 12500, "m", "length"),
        ("Cao 2,5m.", "2,5m", 2.5, "m", 2.5, "m", "length"),
        ("Sản lượng 282.500 tấn.", "282.500 tấn", 282500, "tấn", 2.825e8, "kg", "mass"),
        ("Sụt 3 tạ mỗi sào.", "3 tạ", 3, "tạ", 300, "kg", "mass"),
        ("Sản lượng 1,5 triệu tấn.", "1,5 triệu tấn", 1.5, "triệu tấn", 1.5e9, "kg", "mass"),
        ("Bể chứa 500 m³ nước.", "500 m³", 500, "m³", 500000, "lít", "volume"),
        ("Công suất 50 MW.", "50 MW", 50, "MW", 5e7, "W", "power"),
        ("Sản lượng điện 1,2 tỷ kWh.", "1,2 tỷ kWh", 1.2, "tỷ kWh", 1.2e12, "Wh", "energy"),
        ("Nhiệt độ cao nhất 39 độ C.", "39 độ C", 39, "độ C", 39, "°C", "temperature"),
        ("Nhiệt độ xuống -2 độ C.", "-2 độ C", -2, "độ C", -2, "°C", "temperature"),
        ("Ông A, 58 tuổi, trú tại xã B.", "58 tuổi", 58, "tuổi", 58, "tuổi", "age"),
        # durations (days; months and years are calendar averages)
        ("Hoàn thành trong 24 tháng.", "24 tháng", 24, "tháng", 720, "ngày", "duration"),
        ("Sau 15 ngày.", "15 ngày", 15, "ngày", 15, "ngày", "duration"),
        ("Cấm giao dịch 02 năm.", "02 năm", 2, "năm", 730, "ngày", "duration"),
        ("Sau ba tháng giao dịch.", "ba tháng", 3, "tháng", 90, "ngày", "duration"),
        # counts: a counted unit is its own base; a bare magnitude has none
        ("Có 1.250 hộ nghèo.", "1.250 hộ", 1250, "hộ", 1250, "hộ", "count"),
        ("Dân số 1.516.900 người.", "1.516.900 người", 1516900, "người", 1516900, "người", "count"),
        ("Đàn lợn 520 nghìn con.", "520 nghìn con", 520, "nghìn con", 520000, "con", "count"),
        (
            "Hủy 709,9 triệu cổ phiếu FLC.",
            "709,9 triệu cổ phiếu",
            709.9,
            "triệu cổ phiếu",
            7.099e8,
            "cổ phiếu",
            "count",
        ),
        ("Giảm 1,5 triệu thùng dầu mỗi ngày.", "1,5 triệu", 1.5, "triệu", 1.5e6, None, "count"),
        ("Sáp nhập 80 đơn vị hành chính cấp xã.", "80", 80, None, 80, None, "count"),
        ("VN-Index về 1.767 điểm.", "1.767 điểm", 1767, "điểm", 1767, "điểm", "count"),
        # multiples
        ("Giá tăng gấp 2,5 lần.", "2,5 lần", 2.5, "lần", 2.5, "lần", "multiple"),
    ],
)
def test_units(
    text: str, raw: str, value: float, unit: str | None, scaled: float, base: str | None, kind: str
) -> None:
    found = figure(text, raw)
    assert (found.value, found.unit, found.scaled_value, found.base_unit, found.kind) == (
        pytest.approx(value),
        unit,
        pytest.approx(scaled),
        base,
        kind,
    )
    assert kind in KINDS


@pytest.mark.parametrize(
    ("text", "raw", "unit", "base", "scaled"),
    [
        ("Năng suất 62,5 tạ/ha.", "62,5 tạ/ha", "tạ/ha", "kg/ha", 6250),
        ("Thu 150 triệu đồng/ha.", "150 triệu đồng/ha", "triệu đồng/ha", "đồng/ha", 1.5e8),
        ("Vàng 183,8 triệu đồng/lượng.", "183,8 triệu đồng/lượng", "triệu đồng/lượng", "đồng/lượng", 1.838e8),
        ("Giá 3.000 đồng/cổ phiếu.", "3.000 đồng/cổ phiếu", "đồng/cổ phiếu", "đồng/cổ phiếu", 3000),
        ("Vàng 5.172 USD/ounce.", "5.172 USD/ounce", "USD/ounce", "USD/ounce", 5172),
        (
            "Thu nhập 65 triệu đồng/người/năm.",
            "65 triệu đồng/người/năm",
            "triệu đồng/người/năm",
            "đồng/người/năm",
            6.5e7,
        ),
        ("Mật độ 426 người/km2.", "426 người/km2", "người/km2", "người/km2", 426),
        ("Tỷ giá 24.265 đồng/USD.", "24.265 đồng/USD", "đồng/USD", "đồng/USD", 24265),
        ("Tốc độ tối đa 80 km/h.", "80 km/h", "km/h", "km/h", 80),
    ],
)
def test_compound_units_are_rates(text: str, raw: str, unit: str, base: str, scaled: float) -> None:
    found = figure(text, raw)
    assert (found.kind, found.unit, found.base_unit, found.scaled_value) == (
        "rate",
        unit,
        base,
        pytest.approx(scaled),
    )


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Có 5 đồng chí được khen thưởng.", "đồng chí"),  # comrades, not money
        ("Chỉ số đo với 6 đồng tiền chủ chốt.", "đồng tiền chủ chốt"),  # currencies, not money
        ("Cấp 3 hộ chiếu mới.", "hộ chiếu mới"),  # passports, not households
    ],
)
def test_words_that_start_like_units_are_counted_nouns(text: str, subject: str) -> None:
    [found] = find_figures(text)
    assert (found.kind, found.unit, found.subject) == ("count", None, subject)


@pytest.mark.parametrize(
    ("text", "raw", "value", "unit", "kind"),
    [
        # A word that names things by number ("tuyến 3", "lô 12", "khu 5") before a measured quantity:
        # the unit says the number is a quantity, not the thing's identifier.
        (
            "Dự án có chiều dài tuyến 11,63km; điểm đầu giao với quốc lộ 6, điểm cuối giao với tỉnh lộ 110 "
            "tại xã Chiềng Mung, huyện Mai Sơn.",
            "11,63km",
            11.63,
            "km",
            "length",
        ),
        ("Phần diện tích lô 1.262m² được giao cho hợp tác xã trồng rau.", "1.262m²", 1262, "m²", "area"),
        ("Mỗi khu 1.262 m² đất sản xuất được chia cho ba hộ.", "1.262 m²", 1262, "m²", "area"),
        ("Giá gói thầu 1.200 tỷ đồng, thi công trong hai năm.", "1.200 tỷ đồng", 1200, "tỷ đồng", "money"),
    ],
)
def test_a_measured_quantity_after_a_naming_word(text: str, raw: str, value: float, unit: str, kind: str) -> None:
    found = figure(text, raw)
    assert (found.value, found.unit, found.kind) == (value, unit, kind)


@pytest.mark.parametrize("text", ["Tuyến 3 đi qua trung tâm.", "Lô 12 đã có chủ.", "Khu 5 nằm cạnh chợ huyện."])
def test_a_naming_word_before_a_bare_number_still_names(text: str) -> None:
    assert [f.raw for f in find_figures(text) if f.kind not in ("date", "year")] == []
