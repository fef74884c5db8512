"""Dates, years and times of day in Vietnamese news, read at a number.

A date's value is the integer YYYYMMDD with 0 for a part the text leaves out: "tháng 12/2019" is 20191200,
"ngày 5/3" is 305 (no year), "quý III/2025" is 20250700 (a quarter is its first month; its unit says
"quý"). A year's value is YYYY. A span ("ngày 17 đến 20/9", "tháng 3 - 6/2027", "2015-2020") puts its end
in `value_to`, and the start takes the month and year it leaves out from the end: "ngày 17 đến 20/9" is
917 → 920. A time of day is hours as a decimal: "9h30" is 9.5.

>>> read_date("tháng 12/2019, còn", 6, 8, "tháng ")
DateRead(kind='date', unit='tháng', value=20191200, value_to=None, start=0, end=13)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.figures import context as cue

_SP = r"[^\S\r\n]"
_END = r"(?![\d/]|[.,]\d)"
_DMY = re.compile(rf"(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}){_END}")
_MY = re.compile(rf"(\d{{1,2}})/(\d{{4}}){_END}")
_DM = re.compile(rf"(\d{{1,2}})/(\d{{1,2}}){_END}")
_DM_HYPHEN = re.compile(rf"(\d{{1,2}})[-–](\d{{1,2}}){_END}")
_D = re.compile(rf"(\d{{1,2}}){_END}(?![-–]\d)")
_D_SPAN_START = re.compile(rf"(\d{{1,2}})(?={_SP}*(?:-|–|—|đến|tới))", re.I)
_M_YEAR_WORDS = re.compile(rf"(\d{{1,2}}){_SP}+năm{_SP}+(\d{{4}}){_END}", re.I)
_D_FORMAL = re.compile(rf"(\d{{1,2}}){_SP}+tháng{_SP}+(\d{{1,2}})(?:{_SP}+năm{_SP}+(\d{{4}}))?{_END}", re.I)
_YEAR = re.compile(rf"(\d{{4}}){_END}")
_SEASON = re.compile(rf"(\d{{4}})/(\d{{4}}){_END}")  # "niên vụ 2023/2024", "năm học 2024/2025"
_SHORT_YEAR = re.compile(rf"(\d{{3,4}}){_END}")
_QUARTER = re.compile(rf"([1-4])(?:/(\d{{4}})|{_SP}+năm{_SP}+(\d{{4}}))?{_END}")
_SPAN_SEP = re.compile(
    rf"{_SP}*(?:-|–|—|đến|tới){_SP}*(?:(?:ngày|tháng|năm|sáng|trưa|chiều|tối|đêm|hôm){_SP}+)?", re.I
)  # "từ đêm 9/9 đến sáng 10/9"
_CLOCK = re.compile(r"(\d{1,2})(?:h|:(?=\d\d))(\d{2})?(?!\w)")  # 9h30 · 9h · 00:05
_DAY_PART_AFTER = re.compile(rf"{_SP}+(?:ngày|sáng|trưa|chiều|tối|đêm|hôm|mai)(?!\w)", re.I)
_CLOCK_WORDS = re.compile(rf"(\d{{1,2}}){_SP}*giờ(?:{_SP}*(\d{{1,2}})(?:{_SP}*phút)?)?(?!\w)", re.I)
_ROMAN_QUARTER = re.compile(
    rf"(?<!\w)[Qq]uý{_SP}+(IV|I{{1,3}})(?:{_SP}*/{_SP}*(\d{{4}})|{_SP}+năm{_SP}+(\d{{4}}))?(?!\w)"
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
YEAR_RANGE = (1900, 2100)  # a bare four-digit number in this range is a year


@dataclass(frozen=True)
class DateRead:
    kind: str  # "date", "year" or "time"
    unit: str  # "ngày", "tháng", "quý", "năm" or "giờ"
    value: float
    value_to: float | None
    start: int
    end: int


def _valid(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _cue_start(before: str, start: int, pattern: re.Pattern[str]) -> int:
    found = pattern.search(before)
    return start - (len(before) - found.start()) if found else start


def read_date(text: str, start: int, end: int, before: str, *, listed: bool = False) -> DateRead | None:
    """The date, year or span whose first number is text[start:end], or None when it is not one.

    `listed`: a day date was just read and only "," or "và" lies between ("ngày 30-4 và 1-5"), so a
    day-month pair here is a date even without a cue word of its own.
    """
    if (m := _SEASON.match(text, start)) and YEAR_RANGE[0] <= int(m[1]) == int(m[2]) - 1 < YEAR_RANGE[1]:
        return DateRead(
            "year", "năm", int(m[1]), int(m[2]), _cue_start(before, start, cue.YEAR_BEFORE), m.end()
        )
    if (m := _DMY.match(text, start)) and _valid(int(m[1]), int(m[3])):
        first = (int(m[4]), int(m[3]), int(m[1]))
        return _span(text, "ngày", first, _cue_start(before, start, cue.DAY_ONLY_BEFORE), m.end())
    if cue.QUARTER_BEFORE.search(before):
        if m := _QUARTER.match(text, start):
            year = int(m[2] or m[3] or 0)
            return _single(
                "quý", (year, 3 * int(m[1]) - 2, 0), _cue_start(before, start, cue.QUARTER_BEFORE), m.end()
            )
        return None
    if (m := _MY.match(text, start)) and 1 <= int(m[1]) <= 12:
        first = (int(m[2]), int(m[1]), 0)
        return _span(text, "tháng", first, _cue_start(before, start, cue.MONTH_BEFORE), m.end())
    if cue.MONTH_BEFORE.search(before):
        m = _M_YEAR_WORDS.match(text, start) or _D.match(text, start)
        if m and 1 <= int(m[1]) <= 12:
            year = int(m[2]) if m.re is _M_YEAR_WORDS else 0
            return _span(
                text, "tháng", (year, int(m[1]), 0), _cue_start(before, start, cue.MONTH_BEFORE), m.end()
            )
        return None
    strong_cue = listed or cue.DAY_STRONG_BEFORE.search(before)
    day_cue = strong_cue or cue.DAY_WEAK_BEFORE.search(before)
    if day_cue and (m := _DM.match(text, start)) and _valid(int(m[1]), int(m[2])):
        return _span(
            text, "ngày", (0, int(m[2]), int(m[1])), _cue_start(before, start, cue.DAY_ONLY_BEFORE), m.end()
        )
    if cue.DAY_ONLY_BEFORE.search(before):
        cue_start = _cue_start(before, start, cue.DAY_ONLY_BEFORE)
        if (m := _D_FORMAL.match(text, start)) and _valid(int(m[1]), int(m[2])):
            return _single("ngày", (int(m[3] or 0), int(m[2]), int(m[1])), cue_start, m.end())
        if (m := _D_SPAN_START.match(text, start)) and 1 <= int(m[1]) <= 31:
            spanned = _span(text, "ngày", (0, 0, int(m[1])), cue_start, m.end())
            if spanned.value_to is not None:
                return spanned
    if strong_cue and (m := _DM_HYPHEN.match(text, start)):
        if _valid(int(m[1]), int(m[2])):
            return _single(
                "ngày", (0, int(m[2]), int(m[1])), _cue_start(before, start, cue.DAY_ONLY_BEFORE), m.end()
            )
    if cue.DAY_ONLY_BEFORE.search(before) and (m := _D.match(text, start)) and 1 <= int(m[1]) <= 31:
        return _single("ngày", (0, 0, int(m[1])), _cue_start(before, start, cue.DAY_ONLY_BEFORE), m.end())
    if (
        cue.YEAR_BEFORE.search(before)
        and (m := _SHORT_YEAR.match(text, start))
        and int(m[1]) <= YEAR_RANGE[1]
    ):
        return _span(text, "năm", (int(m[1]), 0, 0), _cue_start(before, start, cue.YEAR_BEFORE), m.end())
    if (m := _YEAR.match(text, start)) and YEAR_RANGE[0] <= int(m[1]) <= YEAR_RANGE[1]:
        return _span(text, "năm", (int(m[1]), 0, 0), start, m.end())
    return None


def _span(text: str, unit: str, first: tuple[int, int, int], start: int, end: int) -> DateRead:
    """A date (or year) from `first` = (year, month, day), extended to a span when one follows."""
    kind = "year" if unit == "năm" else "date"
    single = DateRead(kind, unit, _ymd(*first) if kind == "date" else first[0], None, start, end)
    sep = _SPAN_SEP.match(text, end)
    if not sep:
        return single
    pos = sep.end()
    year, month, day = first
    last: tuple[int, int, int] | None = None
    if unit == "ngày":
        if (m := _DMY.match(text, pos)) and _valid(int(m[1]), int(m[3])):
            last = (int(m[4]), int(m[3]), int(m[1]))
        elif (m := _DM.match(text, pos)) and _valid(int(m[1]), int(m[2])):
            last = (year, int(m[2]), int(m[1]))
        elif (
            (m := _D.match(text, pos))
            and 1 <= int(m[1]) <= 31
            and month == 0
            and sep.group().strip()[:1].isalpha()
        ):
            # "ngày 17 đến 20" is a span of days; "ngày 5-7" is the 5th of July (NLĐ style), read before.
            last = (year, month, int(m[1]))
    elif unit == "tháng":
        if (m := _MY.match(text, pos)) and 1 <= int(m[1]) <= 12:
            last = (int(m[2]), int(m[1]), 0)
        elif (m := _D.match(text, pos)) and 1 <= int(m[1]) <= 12:
            last = (year, int(m[1]), 0)
    elif (m := _YEAR.match(text, pos)) and YEAR_RANGE[0] <= int(m[1]) <= YEAR_RANGE[1]:
        last = (int(m[1]), 0, 0)
    if last is None:
        return single
    # The start leaves out what the end says: "ngày 17 đến 20/9/2024", "tháng 3 - 6/2027".
    first = (year or last[0], month or last[1], day)
    value, value_to = (_ymd(*first), _ymd(*last)) if kind == "date" else (first[0], last[0])
    if value_to <= value:
        return single
    return DateRead(kind, unit, value, value_to, start, m.end())


def read_clock(text: str, start: int, before: str) -> DateRead | None:
    """A time of day: "9h30", "lúc 9 giờ 30 phút" (value 9.5); "20h" alone only after "lúc" or before
    "ngày"/"sáng"/… ("trong 24h" is a duration)."""
    m = _CLOCK.match(text, start)
    if (
        m
        and int(m[1]) <= 24
        and int(m[2] or 0) < 60
        and (m[2] or cue.TIME_BEFORE.search(before) or _DAY_PART_AFTER.match(text, m.end()))
    ):
        return DateRead("time", "giờ", int(m[1]) + int(m[2] or 0) / 60, None, start, m.end())
    m = _CLOCK_WORDS.match(text, start)
    if m and int(m[1]) <= 24 and cue.TIME_BEFORE.search(before):
        return DateRead("time", "giờ", int(m[1]) + int(m[2] or 0) / 60, None, start, m.end())
    return None


def roman_quarters(text: str) -> list[DateRead]:
    """Every "quý III/2025" (Roman-numbered quarters are words, so the digit scan misses them)."""
    found = []
    for m in _ROMAN_QUARTER.finditer(text):
        year = int(m[2] or m[3] or 0)
        found.append(DateRead("date", "quý", _ymd(year, 3 * _ROMAN[m[1]] - 2, 0), None, m.start(), m.end()))
    return found


def _single(unit: str, ymd: tuple[int, int, int], start: int, end: int) -> DateRead:
    return DateRead("date", unit, _ymd(*ymd), None, start, end)


def _ymd(year: int, month: int, day: int) -> int:
    return year * 10_000 + month * 100 + day
