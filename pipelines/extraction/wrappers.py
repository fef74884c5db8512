"""Content-farm wrapper lines found by what they do, not by their wording.

A farm that reposts an article frames it: an opening teaser ("Bạn đang băn khoăn về <title>?"), a
closing summary ("Trên đây là những thông tin về <title> mà <site> muốn gửi đến bạn"), wishes and
invitations around a "Xem thêm" or "Mục lục" block. Each such line does at least two of four things:

- echoes the article's own title;
- addresses the reader ("bạn", "các bạn", "quý độc giả");
- names the page's own site (og:site_name, the <title> suffix, the host, the masthead) or speaks of
  it ("theo dõi chúng tôi", "ghé thăm website");
- invites ("hãy cùng", "đừng quên", "theo dõi", "nhé").

A short line is a wrapper when it scores two signals and stands
- at the start of the text, addressing the reader (or scoring all three others): a news sapo echoes
  its title and may name its own paper ("(Dân trí) - Giá vàng…"), but never talks to "bạn";
- at the end of the text or next to a "Xem thêm"/"Mục lục" line, addressing the reader or naming the
  site: an article's own closing call ("Hãy cùng chung tay…") addresses nobody in particular and stays.
The phrase rules of `rules.py` remain, as examples these signals also catch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.extraction.bylines import fold

EDGE = 2  # paragraphs at each end of the text where wrappers stand
MAX_CHARS = 400
ECHO_SHARE = 0.7  # share of the title's words the line repeats
# "bạn" the reader, not "bạn bè" (friends), "bạn trẻ" (young people), "nước bạn" (a partner country).
READER = re.compile(
    r"(?<!\w)(?:bạn đọc|quý (?:độc giả|bạn đọc|vị|khách)|độc giả|anh chị|anh/chị|"
    r"(?<!nước )(?<!người )(?:các )?bạn(?! (?:bè|trẻ|học|đời|gái|trai|thân|hàng|diễn|nhỏ|bình|cũ|chí|cùng|đồng))"
    r")(?!\w)",
    re.I,
)
INVITE = re.compile(
    r"(?<!\w)(?:hãy cùng|hãy|cùng (?:tìm hiểu|theo dõi|khám phá|điểm qua|xem qua|đọc)|đừng quên|đừng bỏ lỡ|"
    r"theo dõi|đón xem|đón đọc|tham khảo|xem ngay|ngay sau đây|dưới đây|nhé|nha|mời)(?!\w)",
    re.I,
)
# The site speaking of itself: "theo dõi chúng tôi", "ghé thăm website", "truy cập trang".
SITE_SELF = re.compile(
    r"(?:theo dõi|ghé thăm|truy cập|liên hệ|đăng ký|đăng kí|like|follow|ủng hộ)\s+(?:ngay\s+)?"
    r"(?:chúng tôi|chúng mình|trang|kênh|fanpage|website|web|blog)(?!\w)",
    re.I,
)
WORD = re.compile(r"\w+")
DATELINE = re.compile(r"^\s*(?:\([^()]{2,30}\)|[A-ZĐ][A-ZĐa-zđ0-9.+]{1,14})\s*[–—-]{1,2}\s+")  # "(Dân trí) - "


def wrapper_signals(line: str, title_words: frozenset[str], site: Iterable[str]) -> list[str]:
    """The signals `line` gives, by name ("echo", "reader", "site", "invite")."""
    found = []
    words = {w.lower() for w in WORD.findall(line)}
    if len(title_words) >= 3 and len(title_words & words) >= ECHO_SHARE * len(title_words):
        found.append("echo")
    if READER.search(line):
        found.append("reader")
    folded = fold(line)
    if SITE_SELF.search(line) or any(len(token) >= 4 and token in folded for token in site):
        found.append("site")
    if INVITE.search(line):
        found.append("invite")
    return found


def is_wrapper(line: str, title_words: frozenset[str], site: Iterable[str], *, opening: bool = False) -> bool:
    if len(line) > MAX_CHARS:
        return False
    found = wrapper_signals(DATELINE.sub("", line), title_words, site)
    if opening:
        return len(found) >= 3 or (len(found) >= 2 and "reader" in found)
    return len(found) >= 2 and ("reader" in found or "site" in found)


def drop_wrappers(
    paragraphs: list[str], title: str | None, site: Iterable[str], anchors: Iterable[int] = ()
) -> tuple[list[str], int]:
    """`paragraphs` without the wrapper lines at their edges or beside an anchor ("Xem thêm", "Mục lục"
    lines already taken out, given by their index in `paragraphs`); and how many went."""
    title_words = frozenset(w.lower() for w in WORD.findall(title or ""))
    site = [t for t in site if t]
    count = len(paragraphs)
    closing = {i + d for i in anchors for d in (-1, 0, 1)} | set(range(max(0, count - EDGE), count))
    opening = set(range(min(EDGE, count))) - closing
    kept = [
        p
        for i, p in enumerate(paragraphs)
        if not (
            (i in opening and is_wrapper(p, title_words, site, opening=True))
            or (i in closing and is_wrapper(p, title_words, site))
        )
    ]
    return kept, count - len(kept)
