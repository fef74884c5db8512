# ruff: noqa: E501 (one rule per line, however long: adding a rule stays a one-line change)
"""The Vietnamese rules, as named data: one line adds a rule, and its `example` is its test.

Three kinds:
- LINE_RULES match one line of extracted text (content-farm wrappers, star ratings, comment forms)
  and drop it ("drop"); near the end of the article take it as the source credit ("credit"), or drop
  it and everything after it ("cut"). Elsewhere "credit" lines stay text and "cut" lines are dropped.
- BOX_TITLES match the heading of an inline box ("Tin liên quan", "Mục lục"); the box goes before
  extraction when it is made of links or a form.
- BOX_CLASSES match class/id tokens of share and print bars, ratings, tag lists, comment forms.

tests/test_extract_rules.py checks every rule against its example, inside a real page, so a new rule
needs nothing but its line here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipelines.extraction.class_names import class_pattern

Action = Literal["drop", "credit", "cut"]
TITLE = r"(?:{})\s*[:：]?"  # a box heading, with or without its colon
CLASS_TOKEN = r"(?:^|[\s_-])(?:{})(?=$|[\s_-])"  # whole parts of "box-tin-lien-quan"


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]
    example: str
    action: Action = "drop"


@dataclass(frozen=True)
class BoxRule:
    name: str
    pattern: re.Pattern[str]
    example: str
    source: str  # the rule's own alternatives, joined with the others' into one regex per kind


def line(name: str, pattern: str, example: str, action: Action = "drop") -> LineRule:
    """A rule on one whole line of text (matched from its start, case-insensitive)."""
    return LineRule(name, re.compile(pattern, re.IGNORECASE), example, action)


def box_title(name: str, pattern: str, example: str) -> BoxRule:
    """A rule on the heading of a box: the heading's whole text must match (a trailing ':' is allowed)."""
    return BoxRule(name, re.compile(TITLE.format(pattern), re.IGNORECASE), example, pattern)


def box_class(name: str, tokens: str, example: str) -> BoxRule:
    """A rule on class/id tokens; `tokens` match whole dash/underscore-separated parts of a class name."""
    return BoxRule(name, re.compile(CLASS_TOKEN.format(tokens), re.IGNORECASE), example, tokens)


# One rule per line, on purpose: `ruff format` leaves these tables alone.
# fmt: off
# Content-farm wrappers first (they frame a reposted article), then boxes that leak in as lines.
LINE_RULES: tuple[LineRule, ...] = (
    line("farm_teaser", r"bạn đang (?:quan tâm|tìm kiếm|tìm hiểu|muốn (?:biết|tìm)).{0,200}(?:phải không|đúng không)\s*\?", "Bạn đang quan tâm đến Tại Sao Phải Nâng Cao Năng Lực Lãnh Đạo Của Đảng phải không? Nào hãy cùng VCCIDATA đón xem bài viết này ngay sau đây nhé!"),
    line("farm_teaser_invite", r"(?:nào )?hãy cùng .{2,60} (?:đón xem|tìm hiểu|theo dõi) bài viết", "Hãy cùng Blog Hỏi Đáp tìm hiểu bài viết dưới đây nhé."),
    line("farm_dang_xem", r"bạn đang xem\s*[:：]", "Bạn đang xem: Tại sao phải nâng cao năng lực lãnh đạo của đảng"),
    line("farm_xem_video", r"xem video\b.{0,200}\btại đây\b", "XEM VIDEO Tại Sao Phải Nâng Cao Năng Lực Lãnh Đạo Của Đảng tại đây."),
    line("xem_them", r"(?:xem|đọc) thêm\s*[:：>»]", "Xem thêm: Trọn Bộ Đề Thi Tiếng Anh Lớp 3 Và 4 Mới Nhất"),
    line("xem_them_bare", r"(?:xem|đọc) thêm\s*$", "Đọc thêm"),
    line("co_the_ban_quan_tam", r"có thể bạn (?:sẽ )?quan tâm\b|bạn (?:có thể )?quan tâm\s*(?:[:：]|$)", "Có thể bạn quan tâm: Giá vàng hôm nay"),
    line("tin_lien_quan", r"(?:tin|bài)(?: viết)? (?:liên quan|cùng chuyên mục|khác|mới hơn|cũ hơn)\s*[:：]?\s*$", "Tin liên quan"),
    line("related_articles", r"related (?:articles|posts|stories)\s*$", "Related Articles", action="cut"),
    line("farm_closing", r"vậy là đến đây (?:bài viết|bài|nội dung)", "Vậy là đến đây bài viết về Tại Sao Phải Nâng Cao Năng Lực Lãnh Đạo Của Đảng đã dừng lại rồi."),
    line("farm_wishes", r"chúc (?:các )?bạn .{0,80}!\s*$", "Chúc các bạn luôn gặt hái nhiều thành công trong cuộc sống!"),
    line("farm_thanks", r"cảm ơn (?:các )?bạn đã (?:đọc|theo dõi|xem) bài viết", "Cảm ơn bạn đã theo dõi bài viết của chúng tôi."),
    line("farm_hope", r"hy vọng (?:qua )?bài viết (?:này|trên)", "Hy vọng bài viết này đã giúp ích cho bạn."),
    line("nguon", r"[(\[]?nguồn(?: tin)?\s*[:：]\s*(?P<credit>[^()\[\]]{2,80}?)[)\]]?\.?\s*$", "Nguồn: baonghean.vn", action="credit"),
    line("theo_outlet", r"[(\[]?theo\s+(?P<credit>(?:TTXVN|VNA|VOV|VTV|[\w.-]+\.(?:vn|com|net)|báo [^()\[\]]{2,40}))[)\]]?\.?\s*$", "Theo TTXVN", action="credit"),
    line("muc_luc", r"mục lục(?: bài viết)?\s*(?:\[?(?:ẩn|hiện|hide|show)\]?)?\s*$", "Mục lục [ẩn]"),
    line("star_rating", r"(?:\d(?:[.,]\d)?\s*/\s*5\s*-?\s*\(\s*\d+ (?:bình chọn|votes?|đánh giá)\s*\)|đánh giá (?:bài viết|post)\s*$|rate this (?:post|article))", "5/5 - (1 bình chọn)"),
    line("share_bar", r"(?:chia sẻ|share)(?: bài viết| this)?\s*[:：]?\s*(?:facebook|zalo|twitter|email|\s)*$", "Chia sẻ bài viết: Facebook Zalo"),
    line("print_bar", r"(?:in bài(?: viết)?|bản in|print)\s*$", "In bài viết"),
    line("tags_line", r"(?:từ khóa|từ khoá|tags?)\s*[:：].{0,150}$", "Từ khóa: giá vàng, SJC"),
    line("comment_form_reply", r"(?:trả lời|hủy trả lời|để lại (?:một )?bình luận|gửi bình luận|leave a (?:reply|comment))\s*$", "Trả lời", action="cut"),
    line("comment_form_notice", r"email của bạn sẽ không được hiển thị", "Email của bạn sẽ không được hiển thị công khai. Các trường bắt buộc được đánh dấu *", action="cut"),
    line("y_kien_ban_doc", r"(?:ý kiến bạn đọc|bình luận|gửi ý kiến|ý kiến của bạn)\s*(?:\(\d+\))?\s*$", "Ý kiến bạn đọc"),
    line("tai_ung_dung", r"tải (?:ứng dụng|app)\b.{0,40}$", "Tải ứng dụng:"),
    line("back_to_top", r"(?:back to top(?: button)?|lên đầu trang|về đầu trang)\s*$", "Back to top button"),
    line("no_words", r"[^\w]*$", "* * *"),
)

BOX_TITLES: tuple[BoxRule, ...] = (
    box_title("tin_lien_quan", r"(?:tin|bài)(?: viết)? liên quan", "Tin liên quan"),
    box_title("tin_cung_chuyen_muc", r"(?:tin|bài)(?: viết)? cùng (?:chuyên mục|chủ đề|danh mục)", "Tin cùng chuyên mục"),
    box_title("tin_khac", r"(?:tin|bài)(?: viết)? (?:khác|mới|mới nhất|mới hơn|cũ hơn|đọc nhiều|xem nhiều|nổi bật|nóng|hay)", "Tin mới nhất"),
    box_title("doc_tiep", r"(?:đọc|xem) tiếp|đừng bỏ lỡ|có thể bạn muốn (?:đọc|xem)|(?:đọc|xem) nhiều(?: nhất)?|mới nhất|nổi bật", "Đọc tiếp"),
    box_title("co_the_ban_quan_tam", r"(?:có thể )?bạn (?:có thể )?(?:quan tâm|thích)", "Có thể bạn quan tâm"),
    box_title("xem_them", r"(?:xem|đọc) thêm", "Xem thêm"),
    box_title("muc_luc", r"mục lục(?: bài viết)?(?:\s*\[?(?:ẩn|hiện)\]?)?", "Mục lục"),
    box_title("tu_khoa", r"từ khóa|từ khoá|tags?|chủ đề", "Từ khóa"),
    box_title("y_kien_ban_doc", r"ý kiến bạn đọc|bình luận|gửi bình luận|ý kiến của bạn|để lại bình luận", "Ý kiến bạn đọc"),
    box_title("chia_se", r"chia sẻ(?: bài viết)?", "Chia sẻ"),
    box_title("related_articles", r"related (?:articles|posts|stories)|you may also like", "Related Articles"),
)

BOX_CLASSES: tuple[BoxRule, ...] = (
    box_class("related", r"lien-?quan|tinlienquan|related|relate|cung-?chuyen-?muc|xem-?them|doc-?them", "box-tin-lien-quan"),
    box_class("share_bar", r"chia-?se|chiase|share|sharing|social|mxh", "box-chia-se"),
    box_class("print_bar", r"print|in-?bai", "btn-print"),
    box_class("rating", r"rating|ratings|star-?rating|kk-star-ratings|danh-?gia|vote", "kk-star-ratings"),
    box_class("toc", r"toc|ez-toc-container|muc-?luc|table-of-contents", "ez-toc-container"),
    box_class("tags", r"tags?|tag-?list|tu-?khoa|keywords?", "box-tu-khoa"),
    box_class("comments", r"comments?|binh-?luan|binhluan|y-?kien|comment-respond", "box-binh-luan"),
    box_class("breadcrumb", r"breadcrumbs?|bread-?crumb", "breadcrumb"),
)

# fmt: on

# Promotion cards set inside articles: books, products, bookings, apps, newsletters, sponsors. Removed
# when small and holding a link, a button or a form (see boxes._promo).
PROMO_TOKENS = (
    r"promo|promotion|quang-?cao|qc|ads?|advert|advertisement|banner|sponsor|sponsored|tai-?tro|book|books|"
    r"sach|product|products|san-?pham|booking|dat-?phong|dat-?ve|dat-?tour|cta|call-?to-?action|"
    r"subscribe|newsletter|signup|sign-?up|app-?download|download-?app"
)
PROMO_CLASS = class_pattern(CLASS_TOKEN.format(PROMO_TOKENS))

# One regex per kind: the pruner tests each short text or class name once, not once per rule.
ANY_BOX_TITLE = re.compile(TITLE.format("|".join(r.source for r in BOX_TITLES)), re.IGNORECASE)
ANY_BOX_CLASS = class_pattern(CLASS_TOKEN.format("|".join(r.source for r in BOX_CLASSES)))
# Either of the two: nine class names in ten name neither, and are settled by one search, not two.
BOX_OR_PROMO_CLASS = class_pattern(CLASS_TOKEN.format("|".join([*(r.source for r in BOX_CLASSES), PROMO_TOKENS])))


def match_line(text: str) -> LineRule | None:
    """The first rule that matches the whole line (from its start), or None."""
    for rule in LINE_RULES:
        if rule.pattern.match(text):
            return rule
    return None
