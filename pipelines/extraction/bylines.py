"""Bylines, source credits and photo credits as Vietnamese papers print them. Pure string functions.

>>> parse_byline("Bài, ảnh: Minh Hương")
Byline(authors=('Minh Hương',), credit=None)
>>> parse_byline("Theo TTXVN")
Byline(authors=(), credit='TTXVN')
>>> split_photo_credit("Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp")
('Y bác sĩ nội soi cho bệnh nhân.', 'Bệnh viện cung cấp')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words that make a "name" an organisation, a site or a role, never a person.
NOT_PERSON = re.compile(
    r"https?:|www\.|\.(?:vn|com|net|org|info)\b|\b(?:online|news|corp|báo|tạp chí|đài|cổng|ban biên tập|"
    r"nhóm|phóng viên|pv|ctv|btv|admin|administrator|editor|tổng hợp|staff|reporter|team|"
    r"theo dõi|xem|chia sẻ|bình luận|tin|bài viết|liên hệ)\b",
    re.IGNORECASE,
)
# Outlets that "Theo …" credits although they look like names ("Theo Dân Trí").
KNOWN_OUTLETS = re.compile(
    r"^(?:TTXVN|VNA|TTXVN/VNA|VOV|VTV|VTC|TTO|PLO|NLĐO|SGGP|QĐND|CAND|TBKTSG|Vietnam\+|VnExpress|Dân Trí|"
    r"Tuổi Trẻ|Thanh Niên|Nhân Dân|Lao Động|Người Lao Động|Tiền Phong|Vietnamnet|Zing|Znews|VietnamPlus|"
    r"Báo .+|Tạp chí .+|Đài .+|Cổng .+|Thông tấn xã .+|"
    r"Reuters|AFP|AP|Bloomberg|BBC|CNN|Xinhua|Kyodo|Yonhap)$",
    re.IGNORECASE,
)
# What a byline says the people did: "Bài:", "Tin, ảnh:", "Bài và ảnh:", "Nhóm thực hiện:", "Video:".
ROLE = (
    r"(?:bài(?:\s+viết)?|tin|ảnh|video|clip|đồ\s+họa|đồ\s+hoạ|infographic|thiết\s+kế|trình\s+bày|"
    r"(?:nhóm\s+)?thực\s+hiện|tác\s+giả|phóng\s+viên|pv|ghi\s+chép|ghi|biên\s+tập|dịch|lược\s+dịch|by)"
)
ROLE_PREFIX = re.compile(rf"^{ROLE}(?:\s*(?:,|và|&|\+|/|-)\s*{ROLE})*\s*(?:[:：]\s*|\s+)", re.IGNORECASE)
# Labels of a comment or contact form, which sit in "author"-classed blocks: never anybody's name.
FORM_LABEL = re.compile(
    r"^(?:tên|họ\s+tên|họ\s+và\s+tên|tên\s+của\s+bạn|tên\s+bạn|email|e-mail|thư\s+điện\s+tử|điện\s+thoại|"
    r"số\s+điện\s+thoại|địa\s+chỉ|website|nội\s+dung|tiêu\s+đề|bình\s+luận|name|your\s+name|"
    r"full\s+name|phone|comment|message|subject)\s*\*?\s*[:：]?\s*\*?$",
    re.IGNORECASE,
)
CREDIT_PREFIX = re.compile(r"^[(\[]?\s*(?:theo|nguồn|nguồn tin|source|via)\s*[:：]?\s*(?P<rest>.+?)[)\]]?\.?$", re.I)
TRAILING_CREDIT = re.compile(r"^(?P<name>.+?)\s*[(\[](?P<credit>[^()\[\]]{2,30})[)\]]\s*$")
# A byline that names nobody: "PV", "Nhóm PV", "Phóng viên tổng hợp".
ANONYMOUS = re.compile(
    r"(?:nhóm\s+)?(?:pv|phóng viên|ctv|btv|p\.v)(?:\s*(?:và|,|-|\+)?\s*(?:ctv|tổng hợp|th))?\.?", re.I
)
NAME_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[;,/]\s*|\s+và\s+|\s+&\s+", re.IGNORECASE)
# The keyword starts a word: "ảnh" inside "cảnh" or "Hình ảnh" inside a sentence is no credit.
PHOTO_CREDIT = re.compile(
    r"\s*[(\[]?\s*(?<!\w)(?:ảnh(?:\s+(?:minh\s+họa|minh\s+hoạ|tư\s+liệu|chụp\s+màn\s+hình))?|nguồn\s+ảnh|"
    r"photo(?:graph)?|image|credit|©)\s*(?:[:：]|by\b)?\s*(?P<credit>[^()\[\]]{0,80}?)\s*[)\]]?\s*\.?\s*$",
    re.IGNORECASE,
)
DATELINE = re.compile(r"^\s*(?P<credit>\([^()]{2,30}\)|[A-ZĐ][A-ZĐa-zđ0-9.+]{1,14})\s*[–—-]{1,2}\s+")
# Generic words around a paper's name, folded: "Báo điện tử …", "Cổng thông tin …", "… Online".
SITE_WORDS = re.compile(r"^(?:baodientu|bao|tapchi|congthongtindientu|congthongtin|dientu)|(?:online|news|vn|comvn)$")
NOT_FOLDED = re.compile(r"[\W_\u0300-\u036f]+")
GENERIC_PHOTO = re.compile(r"^(?:minh\s+họa|minh\s+hoạ|internet|tư\s+liệu|nguồn\s+internet|st|sưu\s+tầm)$", re.I)


@dataclass(frozen=True)
class Byline:
    authors: tuple[str, ...]
    credit: str | None


def fold(text: str) -> str:
    """Lower-case, accent-free, alphanumerics only: "Dân Trí" -> "dantri", "NLD.COM.VN" -> "nldcomvn"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return NOT_FOLDED.sub("", decomposed)


def looks_like_name(text: str) -> bool:
    """A person's name: 1-5 words, each capitalised, no digits, not an organisation."""
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > 40 or NOT_PERSON.search(text):
        return False
    if FORM_LABEL.match(text) or any(_brand(w) for w in words):
        return False
    if any(ch.isdigit() for ch in text):
        return False
    return all(w[0].isupper() and (w[1:].islower() or w.isupper() or len(w) == 1) for w in words if w[0].isalpha())


def _brand(word: str) -> bool:
    """ "VnExpress", "VietnamPlus", "ZingNews": a capital after a small letter inside a word is a brand,
    never a Vietnamese name."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))


def tidy_name(name: str) -> str:
    name = name.strip(" .,:;-–—*")
    # "NHẬT XUÂN" -> "Nhật Xuân": one spelling for the same person across sites.
    return name.title() if name.isupper() and len(name) > 3 else name


def parse_byline(text: str, *, context: str = "body") -> Byline | None:
    """Authors and/or a source credit in one byline line, or None if the line is no byline.

    `context="author"` is for a field that is meant to hold the author ("Theo Hồ Hương" -> author);
    in the body, "Theo X" credits a source.
    """
    line = text.strip().strip("*").strip()
    if not line or len(line) > 80:
        return None
    credit_match = CREDIT_PREFIX.match(line)
    if credit_match:
        rest = credit_match["rest"].strip()
        if context == "author" and looks_like_name(rest) and not KNOWN_OUTLETS.match(rest):
            return Byline((tidy_name(rest),), None)
        return Byline((), rest) if rest else None
    credit = None
    trailing = TRAILING_CREDIT.match(line)
    if trailing:
        line, credit = trailing["name"], trailing["credit"].strip()
        if credit.lower() in ("tổng hợp", "th", "lược dịch", "dịch", "biên dịch"):
            credit = None
    if ANONYMOUS.fullmatch(line):
        return Byline((), None)
    line = ROLE_PREFIX.sub("", line, count=1)
    if ANONYMOUS.fullmatch(line):  # "Tin, ảnh: PV"
        return Byline((), credit)
    # "Bài: Thu Hà - Ảnh: Minh Hương": the photographer is not an author of the text.
    line = re.split(r"\s*[-–—,;]?\s*ảnh\s*[:：]", line, maxsplit=1, flags=re.IGNORECASE)[0]
    names = [tidy_name(n) for n in NAME_SPLIT.split(line) if n.strip()]
    if not names or not all(looks_like_name(n) for n in names):
        return Byline((), credit) if credit and not line.strip() else None
    return Byline(tuple(names), credit)


def is_site_name(name: str, site_tokens: set[str] | frozenset[str]) -> bool:
    """True when `name` is the site itself ("NLD COM VN", "Baochinhphu Vn", "Dân Trí" on dantri.com.vn,
    "BÁO ĐIỆN TỬ CHÍNH PHỦ" on baochinhphu.vn)."""
    folded = fold(name)
    if not folded or not site_tokens:
        return not folded
    cores = {_core(t) for t in site_tokens} - {""}
    mine = _core(folded)
    for token in site_tokens:
        if folded == token or (len(token) >= 3 and token in folded):
            return True
        if len(folded) >= 3 and folded in token:
            return True
    return len(mine) >= 4 and any(mine == core or (len(core) >= 4 and core in mine) for core in cores)


def names_site(line: str, site_tokens: set[str] | frozenset[str]) -> bool:
    """Stricter than is_site_name, for dropping a whole line: the line is the site's name and nothing else."""
    folded = fold(line)
    return bool(folded) and any(folded == t or _core(folded) == _core(t) for t in site_tokens)


def _core(folded: str) -> str:
    """A folded site name without the generic words around it: "baodientuchinhphu" -> "chinhphu"."""
    core = SITE_WORDS.sub("", folded)
    return core if len(core) >= 3 else folded


def split_photo_credit(caption: str) -> tuple[str, str | None]:
    """("… Ảnh: Minh Hương") -> ("…", "Minh Hương"); "Ảnh minh họa" gives no credit.

    Every place the keyword could start is tried, left to right: "Quang cảnh hội nghị. Ảnh: Minh Đức"
    and "Hình ảnh tại lễ hội. Ảnh: Minh Đức" are credited to Minh Đức.
    """
    caption = caption.strip()
    position = 0
    while (match := PHOTO_CREDIT.search(caption, position)) is not None:
        found = _credit_of(caption, match)
        if found is not None:
            return found
        position = match.start() + 1
    return caption, None


def _credit_of(caption: str, match: re.Match[str]) -> tuple[str, str | None] | None:
    """(caption, credit) when `match` is a credit; None to keep looking further right."""
    if match.start() > 0 and not _boundary(caption, match.start()):
        return None
    credit = match["credit"].strip(" .")
    rest = caption[: match.start()].strip(" -–—|")
    if GENERIC_PHOTO.match(credit) or not credit:
        return rest or caption, None
    keyword = caption[match.start() : match.start("credit")]
    # "Ảnh Đinh Vũ" (no colon) only counts when a name follows; "ảnh đẹp" is just a word.
    if (
        ":" not in keyword
        and "：" not in keyword
        and "©" not in keyword
        and not re.search(r"\bby\b", keyword, re.I)
        and not looks_like_name(credit)
    ):
        return None
    return rest, credit


def _boundary(text: str, index: int) -> bool:
    """The credit starts a sentence or a bracket, not in the middle of one ("chụp ảnh cưới")."""
    while index < len(text) and text[index].isspace():
        index += 1
    before = text[:index].rstrip()
    return not before or text[index] in "([" or before[-1] in ".!?)\"”'–-:"


def dateline_credit(paragraph: str) -> str | None:
    """The credit a first paragraph opens with: "PTĐT – Tổ chức…" -> "PTĐT", "(Dân trí) - …" -> "Dân trí"."""
    match = DATELINE.match(paragraph)
    if not match:
        return None
    raw = match["credit"]
    if raw.startswith("("):
        return raw.strip("()").strip() or None
    # A bare token must look like an abbreviation ("PTĐT", "TTO", "VOV.VN"), not a word ("Ngày").
    return raw if sum(c.isupper() for c in raw) >= 2 else None
