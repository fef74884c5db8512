"""Digits that are not figures: identifiers, codes, phone numbers, URLs, list markers, ordinals, scores."""

from __future__ import annotations

import pytest

from pipelines.figures.find import find_figures


def raws(text: str) -> list[str]:
    return [f.raw for f in find_figures(text)]


@pytest.mark.parametrize(
    "text",
    [
        # documents, clauses and codes
        "Chính phủ ban hành Nghị định số 357/2025/NĐ-CP về nhà ở.",
        "Giấy phép số 122/GP-BTTTT do Bộ Thông tin và Truyền thông cấp.",
        "Theo Thông tư 25/2025/TT-NHNN và Luật Chứng khoán số 54/2019/QH14.",
        "Thực hiện Nghị quyết 57-NQ/TW của Bộ Chính trị.",
        "Nghị định 68 có hiệu lực, sửa đổi khoản 1, 2 Điều 8 và điểm c khoản 2 Điều 10.",
        "Theo Quyết định 1234/QĐ-UBND của UBND tỉnh.",
        "Bổ sung Điều 7a và Chương 3 của Phụ lục 2.",
        # names with digits
        "Dịch COVID-19 bùng phát; Covid-19 và SARS-CoV-2 lây lan.",
        "Hợp đồng tương lai VN30 và đội tuyển U23 giành chiến thắng.",
        "Bác sĩ BS.CK2 Cao Thị Hồng, máy bay A320 và mạng 5G.",
        "Xe mang biển kiểm soát 29A-123.45 va chạm với xe BKS 30E-678.90.",
        # places, addresses and people's numbers
        "Địa chỉ: Tổ 1, Khu phố 3, Phường 5, Quận 1, thôn 2, xóm 4.",
        "Trụ sở tại 428 Đường Nguyễn Huệ và 121 Trần Phú.",
        "Cửa hàng ở 12 phố Hàng Bạc, ngõ 5.",
        "Học sinh lớp 12 của Trường số 1 thi tại phòng 301, tầng 5.",
        "Sạt lở tại Km 45+200 Quốc lộ 2 và km 12 quốc lộ 32C.",
        "Số tài khoản 1234567890; CCCD số 001234567890.",
        # phone numbers, URLs and e-mail addresses
        "Liên hệ đường dây nóng 0912 345 678 hoặc (0210) 3846 158.",
        "Gọi tổng đài 1900 1234 hoặc +84 912.345.678.",
        "Xem tại https://baophutho.vn/tin-tuc-2024/bai-viet-12345.htm.",
        "Chi tiết tại baophutho.vn/kinh-te-235.html hoặc www.example.vn/a/2024/5.",
        "Gửi thư về toasoan2024@baophutho.vn.",
        # list markers (words and digits)
        "Một là, đổi mới tư duy. Hai là, tăng cường kỷ luật. Ba là, nâng cao chất lượng.",
        "1. Bộ Ngoại giao gửi hồ sơ.\n2) Bộ Công an cho ý kiến.",
        "Bao gồm: (1) Miễn phí sát hạch; (2) Miễn phí cấp đổi.",
        "Bình luận (0)",
        # ordinals, versions, scores
        "Đây là lần thứ 6 liên tiếp; Đại hội lần thứ XX.",
        "Phiên bản 2.0 chạy trên iOS 17.2.",
        "Việt Nam thắng 2-1; tuyển thủ ghi bàn ở phút 89.",
    ],
)
def test_not_figures(text: str) -> None:
    assert raws(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the figure beside an identifier is still found
        (
            "Nghị định số 357/2025/NĐ-CP ngày 31/12/2025 phạt đến 75.000.000 đồng.",
            ["ngày 31/12/2025", "75.000.000 đồng"],
        ),
        ("Dịch COVID-19 làm 5 triệu người mất việc.", ["5 triệu người"]),
        ("Liên hệ 0912 345 678 để mua 2 tấn gạo.", ["2 tấn"]),
        ("Xem https://a.vn/x-2024 — giá 30.000 đồng/kg.", ["30.000 đồng/kg"]),
        ("Hai là, hỗ trợ 120 hộ nghèo.", ["120 hộ"]),
        (
            "Dân số 1.516.900 người; tổng số 500 người; chỉ số 98,86.",
            ["1.516.900 người", "500 người", "98,86"],
        ),
    ],
)
def test_figures_beside_non_figures(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trung tâm thương mại Landmark 55 mở cửa năm 2026.", ["năm 2026"]),
        ("Jackpot của sản phẩm Power 6/55 trị giá 114 tỷ đồng.", ["114 tỷ đồng"]),
        ("Cập nhật 7' trước: giá xăng tăng 2.000 đồng.", ["2.000 đồng"]),
        ("06/03/2026 - 00:05 Nhóm phân tích chỉ ra rủi ro.", ["06/03/2026", "00:05"]),
    ],
)
def test_names_and_clock_readings_are_not_counts(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Theo 5 chuyên gia, giá sẽ tăng.", ["5"]),
        ("Trong 12 dự án có 3 dự án chậm.", ["12 dự án", "3 dự án"]),
    ],
)
def test_a_plain_word_opening_a_sentence_is_no_product_name(text: str, expected: list[str]) -> None:
    assert raws(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giá vàng SJC 80,5-82,5 triệu đồng/lượng.", ["80,5-82,5 triệu đồng/lượng"]),
        ("Vốn FDI 1,6 tỷ USD, GRDP 8,2%.", ["1,6 tỷ USD", "8,2%"]),
    ],
)
def test_an_acronym_before_a_figure_is_no_product_name(text: str, expected: list[str]) -> None:
    assert raws(text) == expected
