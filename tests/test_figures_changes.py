"""Changes (the size of a rise or fall), ranges, ratios, ranks and the subject a figure counts."""

from __future__ import annotations

import pytest

from pipelines.figures.find import find_figures


def changes(text: str) -> list[tuple[str, str]]:
    return [(f.raw, f.change) for f in find_figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu ngân sách tăng 12,3% so với cùng kỳ.", [("12,3%", "increase")]),
        ("Thành lập mới 28 xã (giảm 52 đơn vị).", [("28 xã", "none"), ("52", "decrease")]),
        ("Giá trị tăng gấp 2,5 lần.", [("2,5 lần", "increase")]),
        ("Kim ngạch tăng gần 2 lần.", [("2 lần", "increase")]),
        ("Cổ phiếu tăng tới 240% sau ba tháng.", [("240%", "increase"), ("ba tháng", "none")]),
        ("Giá vàng giảm 900.000 đồng/lượng.", [("900.000 đồng/lượng", "decrease")]),
        ("Giao dịch giảm gần 20% trong tháng 2/2026.", [("20%", "decrease"), ("tháng 2/2026", "none")]),
        ("Bệnh nhân sụt 2-3 kg.", [("2-3 kg", "decrease")]),
        ("Giá tăng khoảng 20-30% từ sau dịch.", [("20-30%", "increase")]),
        ("Tăng trưởng 7,2% trong quý.", [("7,2%", "increase")]),
        ("VN-Index tăng 12,5 điểm lên 1.267,8 điểm.", [("12,5 điểm", "increase"), ("1.267,8 điểm", "none")]),
        # a level reached is not a change
        ("Giảm từ 15% xuống còn 10%.", [("15%", "none"), ("10%", "none")]),
        ("Tăng tỷ lệ dự trữ từ 1% lên 3%.", [("1%", "none"), ("3%", "none")]),
        (
            "Lương tăng từ 1,8 triệu đồng lên 2,34 triệu đồng.",
            [("1,8 triệu đồng", "none"), ("2,34 triệu đồng", "none")],
        ),
        ("Chỉ số tăng +1,2%.", [("+1,2%", "increase")]),
        ("Chỉ số hôm nay -0,5%.", [("-0,5%", "decrease")]),
        # "tăng cường", "giảm nghèo" are not changes of the number that follows
        ("Tăng cường 5 tổ công tác; giảm nghèo cho 120 hộ.", [("5", "none"), ("120 hộ", "none")]),
    ],
)
def test_changes(text: str, expected: list[tuple[str, str]]) -> None:
    assert changes(text) == expected


@pytest.mark.parametrize(
    ("text", "raw", "value", "value_to", "unit", "scaled", "kind"),
    [
        ("Phạt tiền từ 20 đến 30 triệu đồng.", "20 đến 30 triệu đồng", 20, 30, "triệu đồng", 2e7, "money"),
        (
            "Bị phạt từ 500.000 đồng đến 20.000.000 đồng.",
            "500.000 đồng đến 20.000.000 đồng",
            500000,
            20000000,
            "đồng",
            500000,
            "money",
        ),
        (
            "Giá khoảng 750.000 đồng đến 1 triệu đồng.",
            "750.000 đồng đến 1 triệu đồng",
            750000,
            1000000,
            "đồng",
            750000,
            "money",
        ),
        ("Bó hoa giá 2 - 4 triệu đồng.", "2 - 4 triệu đồng", 2, 4, "triệu đồng", 2e6, "money"),
        ("Thu hút 0,5 - 1 tỷ USD.", "0,5 - 1 tỷ USD", 0.5, 1, "tỷ USD", 5e8, "money"),
        (
            "Niêm yết 180,8-183,8 triệu đồng/lượng.",
            "180,8-183,8 triệu đồng/lượng",
            180.8,
            183.8,
            "triệu đồng/lượng",
            1.808e8,
            "rate",
        ),
        ("Chiếm khoảng 15-25% ca bệnh.", "15-25%", 15, 25, "%", 15, "percent"),
        ("Lượng mưa 50-100 mm.", "50-100 mm", 50, 100, "mm", 0.05, "length"),
        ("Kéo dài 6–12 tháng.", "6–12 tháng", 6, 12, "tháng", 180, "duration"),
        ("Giá tăng 3 - 4 lần.", "3 - 4 lần", 3, 4, "lần", 3, "multiple"),
        ("Khoảng từ 10 đến 15 người.", "10 đến 15 người", 10, 15, "người", 10, "count"),
    ],
)
def test_ranges_keep_their_kind_and_put_the_upper_end_in_value_to(
    text: str, raw: str, value: float, value_to: float, unit: str, scaled: float, kind: str
) -> None:
    [found] = [f for f in find_figures(text) if f.raw == raw]
    assert (found.value, found.value_to, found.unit, found.scaled_value, found.kind) == (
        pytest.approx(value),
        pytest.approx(value_to),
        unit,
        pytest.approx(scaled),
        kind,
    )


def test_a_falling_pair_is_not_a_range() -> None:
    assert [(f.raw, f.value_to) for f in find_figures("Tỷ lệ 5% - 3% còn lại.")] == [
        ("5%", None),
        ("3%", None),
    ]


def test_different_units_are_not_a_range() -> None:
    assert [f.raw for f in find_figures("Giảm 5% đến 2025.")] == ["5%", "2025"]


def test_ratio_keeps_both_numbers_and_the_fraction() -> None:
    [ratio] = find_figures("Kiện toàn, sắp xếp 1.038/2.887 khu dân cư.")
    assert (ratio.kind, ratio.value, ratio.value_to, ratio.subject) == ("ratio", 1038, 2887, "khu dân cư")
    assert ratio.scaled_value == pytest.approx(1038 / 2887)


@pytest.mark.parametrize(
    ("text", "value", "value_to"),
    [
        ("Chỉ số PCI xếp thứ 12/63 tỉnh, thành phố.", 12, 63),
        ("Tỉnh đứng thứ 3 cả nước về thu hút FDI.", 3, None),
        ("Xếp hạng 5 toàn quốc.", 5, None),
    ],
)
def test_ranks(text: str, value: float, value_to: float | None) -> None:
    [rank] = find_figures(text)
    assert (rank.kind, rank.value, rank.value_to) == ("rank", value, value_to)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Sáp nhập 80 đơn vị hành chính cấp xã thuộc 10 huyện.", "đơn vị hành chính cấp xã"),
        ("Toàn tỉnh có 801 tổ chức cơ sở đảng, sau sắp xếp còn ít hơn.", "tổ chức cơ sở đảng"),
        ("Kết nạp 2 đảng viên mới.Phương thức lãnh đạo đổi mới.", "đảng viên mới"),
        ("Tỉnh có 1.250 hộ nghèo, chiếm 2,15%.", "hộ nghèo"),
        ("Gieo cấy 45.200 ha lúa xuân.", "lúa xuân"),
        ("Ấn Độ mua 20 triệu thùng dầu thô Nga trong vài ngày.", "thùng dầu thô Nga"),
        ("Nhật Bản nhập hơn 90% dầu từ Trung Đông.", "dầu"),
        ("Giải ngân 2.560 tỷ đồng vốn đầu tư công, đạt 65,7% kế hoạch.", "vốn đầu tư công"),
        ("Sở hữu 432.860 cổ phiếu AAT, tương đương 0,611%.", "cổ phiếu AAT"),
        ("Tạm giữ 3.450 bao thuốc lá lậu.", "bao thuốc lá lậu"),
        ("Phạt tiền từ 20 đến 30 triệu đồng đối với hành vi vi phạm.", None),
        ("Tỷ lệ đạt 87,5%, cao hơn năm trước.", None),
        ("Có 4,4 triệu xác định bằng 40%.", None),
    ],
)
def test_subject_is_the_counted_noun_phrase_after_the_number(text: str, subject: str | None) -> None:
    assert find_figures(text)[0].subject == subject


def test_durations_and_dates_have_no_subject() -> None:
    assert [f.subject for f in find_figures("Sau 15 ngày làm việc, ngày 5/3 công bố.")] == [None, None]
