"""Shared pieces of the demo sites' pages: escaping, Vietnamese date lines, and the seed article.

The seed (`site/_src/seed-000_248af50c5ac81042.txt`) is the text of a content-farm page that reposted a
Báo Phú Thọ article, wrapper lines and all. Both demo sites are built from it: the farm's page line for
line, the paper's article by restoring the paragraphs the farm ran together. Nothing here changes a word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

SITE_ROOT = Path(__file__).resolve().parent / "site"
SOURCES = SITE_ROOT / "_src"
SEED_FILE = SOURCES / "seed-000_248af50c5ac81042.txt"

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# Where the seed's run-together text starts a new paragraph in the paper's original: wherever the farm's
# copy joins two sentences without a space ("mới.Phương") or with a no-break space (what was left of the
# markup between two paragraphs), and nowhere else. The caption of the second photo was flattened into the
# text too; it becomes a <figcaption> again.
SECOND_CAPTION_START = "Chi bộ Ban khoa học xã hội"
PARAGRAPH_STARTS = (
    "Xác định rõ vị trí",
    "Chỉ đạo các cấp ủy, tổ chức đảng kịp thời",
    SECOND_CAPTION_START,
    "Phương thức lãnh đạo của đảng ở cơ sở",
    "Chất lượng sinh hoạt chi bộ",
    "Công tác phát triển đảng viên mới",
    "Đạt được những kết quả nêu trên",
    "Tuy nhiên, bên cạnh",
    "Những hạn chế, yếu kém nêu trên",
    "Trong thời gian tới, để nâng cao",
    "Một là,",
    "Hai là,",
    "Ba là,",
    "Bốn là,",
    "Năm là,",
    "Sáu là,",
    "Phát huy kết quả đạt được",
)


def esc(text: str) -> str:
    """Text or attribute value, HTML-escaped (quotes too); a no-break space as `&nbsp;`, as CMSs write it."""
    return escape(text, quote=True).replace("\xa0", "&nbsp;")


def json_ld(data: object) -> str:
    """A <script type="application/ld+json"> body that cannot close the script element early."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")


def date_line(when: datetime, style: str) -> str:
    """The visible date of an article, in one of the formats Vietnamese papers use.

    >>> from datetime import datetime
    >>> date_line(datetime(2020, 10, 9, 15, 20), "weekday")
    'Thứ Sáu, 09/10/2020 - 15:20'
    >>> date_line(datetime(2026, 9, 21, 9, 35), "time_first"), date_line(datetime(2026, 9, 21, 9, 35), "pipe")
    ('09:35 21/09/2026', '21/09/2026 | 09:35')
    """
    day, clock = f"{when:%d/%m/%Y}", f"{when:%H:%M}"
    if style == "weekday":
        return f"{WEEKDAYS[when.weekday()]}, {day} - {clock}"
    if style == "time_first":
        return f"{clock} {day}"
    if style == "pipe":
        return f"{day} | {clock}"
    raise ValueError(f"unknown date_style {style!r} (weekday, time_first or pipe)")


def squash(text: str) -> str:
    """Text without any whitespace: what must stay equal when only paragraph breaks change."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Seed:
    """The seed page's text: its non-empty lines, in order."""

    lines: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = SEED_FILE) -> Seed:
        text = path.read_text(encoding="utf-8")
        if not unicodedata.is_normalized("NFC", text):
            raise ValueError(f"{path}: not NFC-normalised; the demo's text must match byte for byte")
        return cls(tuple(line.strip() for line in text.splitlines() if line.strip()))

    @property
    def category(self) -> str:
        return self.lines[0]

    @property
    def title(self) -> str:
        return self.lines[1]

    def _index(self, prefix: str) -> int:
        found = [i for i, line in enumerate(self.lines) if line.startswith(prefix)]
        if len(found) != 1:
            raise ValueError(f"seed: expected one line starting {prefix!r}, found {len(found)}")
        return found[0]

    @property
    def sapo(self) -> str:
        """The paper's lead paragraph ("PTĐT – …")."""
        return self.lines[self._index("PTĐT")]

    @property
    def run_together(self) -> str:
        """The rest of the paper's text, which the farm published as one paragraph."""
        return self.lines[self._index("PTĐT") + 1]

    @property
    def first_caption(self) -> str:
        """The photo caption the farm kept, as the seed has it ("… Ảnh Đinh Vũ")."""
        return self.lines[self._index("PTĐT") - 1]

    def paper_blocks(self) -> list[tuple[str, str]]:
        """The paper's article after the lead: ("p", text) and ("caption", text) in reading order.

        The first photo's caption is not included (it stands before the text); the second one is.
        """
        text = self.run_together
        cuts = []
        for start in PARAGRAPH_STARTS:
            if text.count(start) != 1:
                raise ValueError(f"seed: paragraph start {start!r} occurs {text.count(start)} times, not once")
            cuts.append(text.index(start))
        if cuts != sorted(cuts):
            raise ValueError("seed: PARAGRAPH_STARTS are not in reading order")
        joins = [m.end() for m in re.finditer(r"\xa0|[.:”](?=[^\W\d_])", text)]
        if joins != cuts:
            raise ValueError(f"seed: paragraph starts at {cuts} are not the farm's joins at {joins}")
        pieces = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        if squash("".join(pieces)) != squash(text):
            raise AssertionError("seed: splitting into paragraphs changed the text")
        return [("caption" if p.startswith(SECOND_CAPTION_START) else "p", p) for p in pieces]


def paper_caption(caption: str) -> str:
    """The credit as the paper writes it: "Ảnh Đinh Vũ" -> "Ảnh: Đinh Vũ"."""
    return re.sub(r"\bẢnh (?=[^.:]*$)", "Ảnh: ", caption)
