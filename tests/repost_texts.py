"""Hand-made pairs for the repost tests: copies a content farm would make of a paper's article, and different
articles that look alike.

The articles are the demo paper's (crawler/demo/site/_src/baophutho.toml: sapo and body paragraphs); the
farm's wrapper lines are the seed page's (VCCIDATA's, tests/corpus/seed/); the campaign paragraph and the
weather bulletins are written here, as Báo Phú Thọ-like papers print them.
"""

from __future__ import annotations

import tomllib
import unicodedata

from tests.conftest import REPO

PAPER = tomllib.loads((REPO / "crawler" / "demo" / "site" / "_src" / "baophutho.toml").read_text(encoding="utf-8"))

# lines every article page of the paper carries (an extractor without the site's templates keeps them)
TEMPLATE_TOP = "Báo Phú Thọ điện tử - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Phú Thọ"
TEMPLATE_BOTTOM = ("Chia sẻ: Facebook Zalo In bài viết. Ý kiến bạn đọc. Tin liên quan.",
                   "Giấy phép số 125/GP-BTTTT ngày 15/3/2023 của Bộ Thông tin và Truyền thông. Tổng biên tập: "
                   "Nguyễn Văn Thắng. Địa chỉ: Số 100, đường Hùng Vương, phường Việt Trì, tỉnh Phú Thọ.")
# a campaign's standard paragraph, printed at the end of many of the paper's articles that month
CAMPAIGN = (
    "Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong "
    "cách Hồ Chí Minh, Báo Phú Thọ mở chuyên mục “Những tấm gương bình dị mà cao quý” nhằm biểu dương những tập "
    "thể, cá nhân tiêu biểu trên các lĩnh vực của đời sống xã hội. Các cấp ủy, chính quyền, Mặt trận Tổ quốc và "
    "các đoàn thể chính trị - xã hội từ tỉnh đến cơ sở tiếp tục tuyên truyền sâu rộng, tạo sự lan tỏa mạnh mẽ "
    "trong cán bộ, đảng viên và các tầng lớp Nhân dân, góp phần thực hiện thắng lợi Nghị quyết Đại hội Đảng bộ "
    "tỉnh lần thứ I, nhiệm kỳ 2025-2030. Bạn đọc có thể gửi thông tin về những tấm gương người tốt, việc tốt "
    "đến Ban biên tập qua thư điện tử hoặc đường dây nóng của Báo để được giới thiệu trên các ấn phẩm."
)
# the content farm's lines around a copy, as on the seed page
FARM_BEFORE = (
    "Bạn đang quan tâm đến {title} phải không? Nào hãy cùng VCCIDATA đón xem bài viết này ngay sau đây nhé, vì "
    "nó vô cùng thú vị và hay đấy!",
    "XEM VIDEO {title} tại đây.",
    "Bạn đang xem: {title}",
    "Xem thêm: Trọn Bộ Đề Thi Tiếng Anh Lớp 3 Và 4 Mới Nhất, Đề Thi Tiếng Anh Lớp 3 Học Kỳ 1",
)
FARM_AFTER = (
    "XEM THÊM: Công nghệ xác định vị trí là gì",
    "Vậy là đến đây bài viết về {title} đã dừng lại rồi. Hy vọng bạn luôn theo dõi và đọc những bài viết hay "
    "của chúng tôi trên website VCCIDATA.COM.VN",
    "Chúc các bạn luôn gặt hái nhiều thành công trong cuộc sống!",
)
BULLETIN = (
    "Theo Đài Khí tượng Thủy văn tỉnh Phú Thọ, ngày {day}/11 khu vực {place} có mây, ngày nắng, đêm và sáng "
    "sớm có sương mù rải rác.",
    "Nhiệt độ thấp nhất từ {low} đến {low2} độ C, cao nhất từ {high} đến {high2} độ C; độ ẩm không khí từ {wet} "
    "đến 90%.",
    "Gió đông bắc cấp {wind}, vùng núi {mountain} có nơi gió giật cấp {gust}; trời rét về đêm và sáng sớm.",
    "Mực nước sông {river} lúc 7 giờ sáng nay đo được {level} m, thấp hơn báo động I là {below} m; các hồ chứa "
    "giữ mực nước ở mức {lake} m.",
    "Người dân {place} cần chủ động giữ ấm, bảo vệ cây trồng, vật nuôi, nhất là trâu bò chăn thả trên đồi.",
)


def paragraphs(key: str) -> list[str]:
    """The sapo and body paragraphs of a demo paper article."""
    article = next(a for a in PAPER["article"] if a["key"] == key)
    return [article["sapo"], *article["body"]]


def title(key: str) -> str:
    return next(a for a in PAPER["article"] if a["key"] == key)["title"]


def paper_page(body: list[str]) -> str:
    """An article's text as the paper's page gives it to an extractor that kept the template lines."""
    return "\n\n".join([TEMPLATE_TOP, *body, *TEMPLATE_BOTTOM])


def farm_copy(key: str, body: list[str]) -> str:
    """The text of a farm's copy: its wrapper lines around `body`."""
    name = title(key).title()
    return "\n\n".join([*(line.format(title=name) for line in FARM_BEFORE), *body,
                        *(line.format(title=name) for line in FARM_AFTER)])


def without_marks(text: str) -> str:
    """The text typed without diacritics: "Đảng bộ tỉnh" → "Dang bo tinh"."""
    flat = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in flat if not unicodedata.combining(c))


def other_punctuation(text: str) -> str:
    """Commas between words dropped (not those of 4.125,6), dashes, quotes and semicolons changed, a space
    before %: as a farm's editor retypes a text."""
    return (text.replace(", ", " ").replace(" - ", " – ").replace("“", '"').replace("”", '"')
            .replace(";", ".").replace("%", " %"))


def bulletin(day: int, place: str, low: int, high: int, river: str, level: float) -> str:
    return "\n\n".join([TEMPLATE_TOP, " ".join(BULLETIN).format(
        day=day, place=place, low=low, low2=low + 2, high=high, high2=high + 3, wet=60 + day % 10,
        wind=2 + day % 2, mountain="Tân Sơn" if day % 2 else "Thanh Sơn", gust=4 + day % 3, river=river,
        level=f"{level:.2f}".replace(".", ","), below=f"{7.5 - level:.2f}".replace(".", ","),
        lake=20 + day % 7), *TEMPLATE_BOTTOM])
