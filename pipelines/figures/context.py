"""The Vietnamese words around a number that decide what it is.

Before a number: "Nghị định 68", "khoản 1, 2", "Tổ 3" name things (identifiers, not figures); "ngày",
"tháng", "năm", "quý" make dates; "tăng"/"giảm" make changes; "xếp thứ" a rank. Each `*_BEFORE`
pattern is searched in the few dozen characters before the number and is anchored at their end;
identifiers, checked for every number, are looked up by token instead (`identifier_before`).
After a number and its unit comes the subject, the counted noun phrase: "80 đơn vị hành chính cấp xã
thuộc …" counts "đơn vị hành chính cấp xã"; it stops at punctuation, a function word or a verb.

>>> subject_after("80 đơn vị hành chính cấp xã thuộc 10 huyện", 2)
'đơn vị hành chính cấp xã'
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_SP = r"[^\S\r\n]"  # whitespace within a line


def _before(words: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{words}){_SP}*$", flags)


# A number right after these words names a document, a clause, a place, a unit, a version or a model.
_IDENTIFIER_WORDS = """nghị định, nghị quyết, thông tư, quyết định, chỉ thị, công văn, công điện, thông báo,
kết luận, tờ trình, bộ luật, luật, điều, khoản, điểm, chương, mục, phụ lục, kế hoạch, hướng dẫn, văn bản,
giấy phép, đề án, mã số, mã, tổ dân phố, tổ, khu phố, ấp, thôn, xóm, khóm, bản, khu, quận, phường, lớp,
khóa, khoá, phòng, lô, tầng, km, quốc lộ, tỉnh lộ, đường tỉnh, đường huyện, ql, đt, tl, tuyến, sư đoàn,
trung đoàn, lữ đoàn, tiểu đoàn, quân khu, quân đoàn, hạm đội, bệnh viện, bước, mẫu, gói thầu, đợt, bảng,
hình, ảnh, câu, bài, tập, phần, trang, hiệp, phút, vòng, chuyến bay, phiên bản, version, ios, android,
windows, iphone, galaxy, euro, world cup, sea games, asiad, olympic, covid, ngõ, ngách, hẻm, kiệt,
tài khoản, stk, cccd, cmnd, căn cước, biển số, biển kiểm soát, bks"""
_IDENTIFIER_SET = frozenset(word.strip() for word in _IDENTIFIER_WORDS.split(",")) | {"ver", "v", "địa chỉ"}
# "số" names a thing ("số 12", "Nghị định số 357/…") unless it ends a noun whose value follows:
# "dân số 1.516.900 người", "chỉ số 98,86", "hệ số 2,34", "tổng số 500 người".
_NOT_NUMBER_WORD = frozenset(("dân", "con", "tổng", "chỉ", "hệ", "tỷ", "tỉ", "đa"))
_TAIL_TOKEN = re.compile(r"\w+[.:]?|[,–-]")
_LIST_LINKS = frozenset((",", "và", "hoặc", "-", "–", "đến"))
_LIST_ITEM = re.compile(r"\d[\d.,]*[a-zđ]?")


def identifier_before(before: str) -> bool:
    """True when the words just before a number say it names something: "Nghị định 68", "Tổ 3",
    "khoản 1, 2 Điều 8" (a list after the word counts too), "iOS 17.2".

    Token lookup rather than one end-anchored regex: this runs for every number and a regex search
    over a 100-word alternation cost 50 µs a time.
    """
    if before[-1:] not in (" ", "\xa0", "\t"):
        return False
    tokens = [token.rstrip(".:").lower() for token in _TAIL_TOKEN.findall(before[-48:])]
    while len(tokens) >= 3 and tokens[-1] in _LIST_LINKS and _LIST_ITEM.fullmatch(tokens[-2]):
        tokens = tokens[:-2]  # "khoản 1, 2 và 3": back to "khoản"
    if tokens[-1:] == ["số"]:
        return len(tokens) < 2 or tokens[-2] not in _NOT_NUMBER_WORD
    return any(" ".join(tokens[-n:]) in _IDENTIFIER_SET for n in (1, 2, 3) if len(tokens) >= n)


# Days: "ngày 5/3", "sáng 2/11", "dịp 8-3". The hyphen form ("5-3") needs one of the strong cues,
# since "5-10" is otherwise a range.
DAY_STRONG_BEFORE = _before(
    r"ngày|hôm|sáng|trưa|chiều|tối|đêm|khuya|rạng sáng|mùng|mồng|dịp|lễ|tết|phiên|quốc khánh|kỷ niệm"
    r"|(?:hôm|sáng|trưa|chiều|tối|đêm) (?:nay|qua)\s*[,(]|ngày mai\s*[,(]"  # "Giá vàng hôm nay, 7-3"
    r"|thứ (?:hai|ba|tư|năm|sáu|bảy|[2-7])\s*,?|chủ nhật\s*,?"  # "thứ sáu 6-3"
)
# Weaker: "từ 1/3 đến 15/3" are dates, but "chưa tới 1/3" is a third, so "tới" is not among them.
DAY_WEAK_BEFORE = _before(r"từ|đến|trước|sau|hết|kể từ|cuối|đầu|giữa|vào|(?:nay|qua|mai)\s*\(")
DAY_ONLY_BEFORE = _before(r"ngày|mùng|mồng")  # "ngày 17 đến 20/9", "mùng 1"
MONTH_BEFORE = _before(r"tháng")
YEAR_BEFORE = _before(r"năm")
QUARTER_BEFORE = _before(r"quý")
TIME_BEFORE = _before(r"lúc|vào lúc|từ lúc|đến lúc")
RATIO_BEFORE = _before(r"tỷ lệ|tỉ lệ")  # "tỷ lệ 1:12" is a ratio, not a time
# A capitalised Latin word inside a phrase, right before a bare number, names a product or a place:
# "trung tâm Landmark 55". At a sentence start it is an ordinary word: "Theo 5 chuyên gia".
# An acronym is no name: "vàng SJC 80,5 triệu đồng", "GRDP 8,2%".
NAME_BEFORE = re.compile(rf"(?<=[^\W\d_]{_SP})[A-Z][a-z]+{_SP}+$")
RANK_BEFORE = _before(r"(?:xếp|đứng)\s+(?:thứ|hạng)|xếp hạng(?:\s+thứ)?|vị trí(?:\s+thứ)?|hạng")
SCORE_BEFORE = _before(r"tỷ số|tỉ số|thắng|thua|hòa|hoà|cầm hòa|đánh bại|vượt qua|giành chiến thắng")
ORDINAL_BEFORE = _before(r"thứ")  # "lần thứ 6", "lớn thứ 3": an ordinal, not a quantity
# "nhiệm kỳ 2015-2020": the period a year span is about.
PERIOD_BEFORE = re.compile(
    rf"(?<!\w)(nhiệm kỳ|giai đoạn|thời kỳ|niên khóa|niên khoá|niên vụ|năm học|kế hoạch|chiến lược){_SP}*$", _I
)

# The number is the size of a change: "tăng 12,3%", "(giảm 52 đơn vị)", "tăng gấp 2,5 lần". Words that
# move to a level ("tăng lên 3%", "giảm xuống", "còn") are not in the list on purpose: those are levels.
_CHANGE_WORDS = r"tăng(?:\s+trưởng)?|giảm|sụt(?:\s+giảm)?|hạ|tụt|lao dốc|gấp"
_CHANGE_FILLERS = (
    r"thêm|bớt|tới|đến|hơn|gần|khoảng|chừng|mạnh|nhẹ|tương ứng|xấp xỉ|ước|ước tính|trên|dưới|chỉ|được|đã"
    r"|lần lượt|ít nhất|tối đa|tương đương|gần như|tiếp|sâu|vọt|nhanh|gấp|bình quân|trung bình"
)
CHANGE_BEFORE = re.compile(rf"(?<!\w)({_CHANGE_WORDS})(?:{_SP}+(?:{_CHANGE_FILLERS}))*{_SP}*\(?{_SP}*$", _I)
_DECREASE = ("giảm", "sụt", "hạ", "tụt", "lao")

_SUBJECT_STOP = frozenset(
    """của và hoặc hay là thì mà được bị để cho với so trong tại ở từ đến tới lên xuống trên dưới mỗi một
    các những này đó kia ấy nào do vì nên nhưng khi sau trước theo như có đã đang sẽ vẫn cũng còn chỉ đều
    rất đạt tăng giảm chiếm gồm thuộc về trở vào ra qua nhằm tương bằng hơn gần khoảng năm nay ngày
    tháng quý tuần giờ phút không chưa phải cần nếu vừa lại luôn cùng bởi rồi đây hiện hôm sáng chiều tối
    nhờ tức gấp thấp cao lớn nhỏ hết tính kể ước trị giá đối tùy tuỳ khá hơi quá riêng nhưng song dù
    giúp khiến làm gây tạo dành thay mua bán nộp đóng nêu""".split()
)
# Two-word verbs and links that end a subject: "còn 4,4 triệu xác định bằng …".
_SUBJECT_STOP_PAIRS = frozenset(
    pair.strip()
    for pair in """xác định, cho biết, thực hiện, dao động, bao gồm, dự kiến, ước tính, tương đương, trong đó,
    đề nghị, đề xuất, hỗ trợ, kể từ, tính đến, so với, trở lên, trở xuống""".split(",")
)
# A number before a street, or before two capitalised words, is a house number: "428 Đường Nguyễn Huệ".
UPPER = "".join(chr(c) for c in range(0x41, 0x1F00) if chr(c).isupper())
_STREET_AFTER = re.compile(rf"{_SP}*(?:đường|phố|ngõ|ngách|hẻm|kiệt)(?!\w)", re.I)
_CAPITALS_AFTER = re.compile(rf"{_SP}*[{UPPER}]\w*{_SP}+[{UPPER}]")
LOWER = "".join(chr(c) for c in range(0x61, 0x1F00) if chr(c).islower())
_GLUED = re.compile(rf"(?<=[{LOWER}])(?=[{UPPER}])")
_WORD = re.compile(rf"{_SP}*([^\W\d_][\w-]*)")
SUBJECT_MAX_WORDS = 6


def change_before(before: str) -> str:
    """ "increase", "decrease" or "none" for the text just before a number."""
    found = CHANGE_BEFORE.search(before)
    if not found:
        return "none"
    return "decrease" if found.group(1).lower().startswith(_DECREASE) else "increase"


def subject_after(text: str, pos: int) -> str | None:
    """The noun phrase starting at `pos` (after a number and its unit), or None when there is none."""
    words: list[str] = []
    while len(words) < SUBJECT_MAX_WORDS:
        found = _WORD.match(text, pos)
        if not found or found.group(1).lower() in _SUBJECT_STOP:
            break
        if glued := _GLUED.search(found.group(1)):  # "cá nhânCông ty": two sentences lost their space
            words.append(found.group(1)[: glued.start()])
            break
        pair = _WORD.match(text, found.end())
        if pair and f"{found.group(1)} {pair.group(1)}".lower() in _SUBJECT_STOP_PAIRS:
            break
        words.append(found.group(1))
        pos = found.end()
    return " ".join(words) or None


def is_address(text: str, pos: int) -> bool:
    """True when a bare number ending at `pos` is a house number: "428 Đường Nguyễn Huệ", "12 phố Huế"."""
    return bool(_CAPITALS_AFTER.match(text, pos) or _STREET_AFTER.match(text, pos))


def period_before(before: str) -> str | None:
    """The period noun a year span belongs to: "nhiệm kỳ" in "nhiệm kỳ 2015-2020"."""
    found = PERIOD_BEFORE.search(before)
    return found.group(1).lower() if found else None


def sign_before(before: str) -> str:
    """ "+" or "-" written right before a number ("+1,2%", "-2 độ C"), or "" (a hyphen is no sign)."""
    sign = before[-1:]
    if sign == "+" or (
        sign in ("-", "−") and before[-2:-1] in (" ", "(") and not before[:-1].rstrip()[-1:].isdigit()
    ):
        return sign
    return ""


def is_list_marker(text: str, start: int, end: int, before: str) -> bool:
    """ "(1)" anywhere, and "1." / "1)" opening a line, number list items rather than count anything."""
    if end - start > 2:
        return False
    if before.endswith("(") and text.startswith(")", end):
        return True
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return not line.strip(" \t-•*(") and text[end : end + 2] in (". ", ") ", ".\t")
