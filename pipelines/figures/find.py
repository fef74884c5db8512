"""find_figures(text) -> list[Figure]: every number in an article's text as a typed row.

Pure: no I/O, no Scrapy; the live crawl and `baotinh index` call the same function.

Kinds (a fixed list, `KINDS`):
  count        a number of things: "80 đơn vị hành chính cấp xã", "2 đảng viên" (unit "đảng viên"),
               "709,9 triệu cổ phiếu" (unit "triệu", scaled 7.099e8), "1.767 điểm"
  percent      "87,5%", "0,5 điểm phần trăm" (base "%" or "điểm phần trăm")
  money        "4.125,6 tỷ đồng" (base "đồng"), "85 USD" (base "USD"; currencies are not converted)
  area, length, mass, volume, power, energy, temperature, age
               measures in base m², m, kg, lít, W (Wp), Wh, °C, tuổi: "1.200 ha" → 1.2e7 m²
  rate         a compound unit: "183,8 triệu đồng/lượng" (base "đồng/lượng"), "45 tạ/ha" (base "kg/ha")
  multiple     "gấp 2,5 lần", "3 - 4 lần" (base "lần")
  duration     "9 tháng", "15 ngày" (base "ngày"; a month is 30 days and a year 365, for ordering)
  ratio        "1.038/2.887": value 1038, value_to 2887, scaled_value 0.3595 (the fraction)
  date         "tháng 12/2019" → 20191200: YYYYMMDD with 0 for what the text leaves out
               (see pipelines/figures/dates.py); unit "ngày", "tháng" or "quý"
  year         "năm 2025", "2015-2020" (value 2015, value_to 2020)
  time         a time of day: "9h30" → 9.5 (unit "giờ")
  rank         "xếp thứ 12/63" → value 12, value_to 63

Ranges are a shape, not a kind: "từ 20 đến 30 triệu đồng" is money with value 20, value_to 30, unit
"triệu đồng", scaled_value 2e7 (its lower end); value_to is always in the unit of value ("750.000 đồng
đến 1 triệu đồng" has value_to 1000000). Dates, years and times carry no scaled_value or base_unit.
`change` is "increase"/"decrease" when the number is the size of a change ("tăng 12,3%", "giảm 52 đơn vị",
"gấp 2,5 lần") and "none" for a level ("tăng lên 3%"). `subject` is the noun phrase after the number and
its unit ("80 đơn vị hành chính cấp xã" → "đơn vị hành chính cấp xã") for counts, measures, money,
percents, rates and ratios; the period noun for years ("nhiệm kỳ 2015-2020" → "nhiệm kỳ").
Not figures: identifiers ("COVID-19", "Nghị định số 357/2025/NĐ-CP", "khoản 1, 2 Điều 8", "Tổ 3"),
phone numbers, URLs and e-mail addresses, list markers ("1.", "(2)"), ordinals ("lần thứ 6"), versions.

>>> [(f.value, f.unit, f.kind, f.change, f.subject) for f in find_figures("Giảm 52 đơn vị, còn 87,5%.")]
[(52.0, None, 'count', 'decrease', 'đơn vị'), (87.5, '%', 'percent', 'none', None)]
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from pipelines.figures import context as cue
from pipelines.figures.dates import DateRead, read_clock, read_date, roman_quarters
from pipelines.figures.figure import Figure
from pipelines.figures.numbers import WORD_NUMBERS, number_at, parse_number
from pipelines.figures.quantities import NUMBER, SLASH_CHAIN, read_quantity, read_range
from pipelines.figures.spans import Sentences, excluded_spans
from pipelines.figures.units import match_quantity_unit

KINDS = tuple(
    """count percent money area length mass volume power energy temperature age rate multiple duration
    ratio date year time rank""".split()
)
_MEASURE_KINDS = frozenset("area length mass volume power energy temperature money percent".split())
_SUBJECT_KINDS = frozenset("count percent money area length mass volume power energy rate ratio".split())

_WORD_RUN = re.compile(r"[\w.,/\-–+]*")
_CODE = re.compile(r"\d+(?:[/.\-]\d+)*[/\-][A-ZĐ]")  # 357/2025/NĐ-CP · 122/GP-BTTTT · 57-NQ/TW
_RANK = re.compile(r"(\d+(?:\.\d{3})*)(?:/(\d+(?:\.\d{3})*))?")
_WORD_NUMBER = re.compile(rf"(?<!\w)({'|'.join(WORD_NUMBERS)})(?=[^\S\r\n])", re.I)
_COLON_RATIO = re.compile(r"\d+(?:[.,]\d+)*:\d+(?:[.,]\d+)*")  # "tỷ lệ 1:12"
_SCORE = re.compile(r"\d+[^\S\r\n]*[-–][^\S\r\n]*\d+")  # "thắng 2-1"
_DATE_LIST_GAP = re.compile(r"[^\S\r\n]*(?:,|;|và|hoặc)[^\S\r\n]*")  # "ngày 30-4 và 1-5"
_WINDOW = 60  # characters before a number searched for cue words


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text` (an article's plain text), in order; offsets index into `text`.

    >>> [(f.raw, f.value, f.value_to) for f in find_figures("Nhiệm kỳ 2015-2020, tháng 12/2019")]
    [('2015-2020', 2015.0, 2020.0), ('tháng 12/2019', 20191200.0, None)]
    """
    return _Scan(text).run()


class _Scan:
    """One pass over one text: the figures found so far and the stretches that are not figures."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = Sentences(text)
        self.figures: list[Figure] = []
        self.blocked = excluded_spans(text)
        self.floor = 0  # where the previous figure ended: a cue word it used is not the next one's
        self.previous: Figure | None = None  # the figure just before, in text order, while scanning digits

    def run(self) -> list[Figure]:
        for quarter in roman_quarters(self.text):
            self._add_date(quarter, self.text[max(0, quarter.start - _WINDOW) : quarter.start])
            self.blocked.append((quarter.start, quarter.end))
        for word in _WORD_NUMBER.finditer(self.text):
            self._read_word_number(word)
        self.blocked.sort()
        starts = [start for start, _ in self.blocked]
        pos, self.previous = 0, None
        while found := NUMBER.search(self.text, pos):
            i = bisect_right(starts, found.start()) - 1
            if i >= 0 and found.start() < self.blocked[i][1]:
                pos = self.blocked[i][1]
                continue
            self.floor = pos
            pos = max(self._read(found.start(), found.end()), found.end())
        self.figures.sort(key=lambda f: f.start)
        return self.figures

    def _measured(self, start: int, end: int) -> bool:
        """The number carries a unit of measure ("tuyến 11,63km", "lô 1.262 m²"): a quantity of the thing
        the word before names, not its identifier ("tuyến 3", "lô 12"). Spaced from the unit, only a
        number with decimals or thousands counts: "Km 12 m" is rare, "lô 1.262 m²" common."""
        written = NUMBER.match(self.text, start)
        stop = written.end() if written else end
        if self.text[stop : stop + 1].isspace() and not any(c in ".," for c in self.text[start:stop]):
            return False
        unit = match_quantity_unit(self.text, stop)
        return unit is not None and unit.unit is not None and unit.unit.kind in _MEASURE_KINDS

    def _read(self, start: int, end: int) -> int:
        """Read the number at text[start:end]; return where scanning goes on."""
        text = self.text
        before = text[max(0, start - _WINDOW) : start]
        prev = before[-1:]
        if prev.isalpha() or (prev in ("-", "–", ".", "_", "/") and before[-2:-1].isalpha()):
            return self._read_attached(start, before)
        if _CODE.match(text, start):
            return self._skip_word(start)
        if text[end : end + 1] in ("'", "’"):
            return end + 1  # "7' trước": minutes ago, or a footnote mark
        if cue.is_list_marker(text, start, end, before):
            return end + 1
        if cue.identifier_before(before) and not self._measured(start, end):
            return self._skip_word(start)
        if cue.SCORE_BEFORE.search(before) and (score := _SCORE.match(text, start)):
            return score.end()
        if cue.RATIO_BEFORE.search(before) and (ratio := _COLON_RATIO.match(text, start)):
            return self._read_ratio(start, ratio.end(), before, separator=":")
        if clock := read_clock(text, start, before):
            return self._add_date(clock, before)
        if cue.RANK_BEFORE.search(before):
            return self._read_rank(start)
        if cue.ORDINAL_BEFORE.search(before):
            return self._skip_word(start)
        date = read_date(text, start, end, before, listed=self._after_day_date(start))
        if date and not (date.kind == "year" and match_quantity_unit(text, date.end)):
            return self._add_date(date, before)
        if cue.MONTH_BEFORE.search(before) or cue.QUARTER_BEFORE.search(before):
            return self._skip_word(start)  # "lương tháng 13", "quý 5": not a date, not a quantity
        chain = SLASH_CHAIN.match(text, start)
        if chain and chain.group().count("/") == 1:
            return self._read_ratio(start, chain.end(), before)
        if chain:
            return chain.end()  # "1/2/3/4": an identifier we do not know
        value = number_at(text, start, end)
        if value is None:
            return self._skip_word(start)  # "1.2.3", a version
        return self._read_quantity(start, end, value, before)

    def _skip_word(self, pos: int) -> int:
        return _WORD_RUN.match(self.text, pos).end()  # type: ignore[union-attr]

    def _after_day_date(self, start: int) -> bool:
        last = self.previous
        if last is None or last.kind != "date" or last.unit != "ngày":
            return False
        return _DATE_LIST_GAP.fullmatch(self.text, last.end, start) is not None

    def _read_attached(self, start: int, before: str) -> int:
        """A number glued to letters: "VN30", "COVID-19", "CK2" are names; "T9/2026", "Q1/2024" are dates."""
        if before[-1:] in ("T", "Q") and not before[-2:-1].isalnum():
            date = read_date(self.text, start, start, "quý " if before[-1] == "Q" else "tháng ")
            if date and date.kind == "date" and date.value >= 10_000:  # "T9" alone, with no year, is a name
                return self._add_date(
                    DateRead("date", date.unit, date.value, date.value_to, start - 1, date.end), ""
                )
        return self._skip_word(start)

    def _read_quantity(self, start: int, end: int, value: Decimal, before: str) -> int:
        first = read_quantity(self.text, end, value)
        if first is None:
            return self._skip_word(start)  # "5G", "10h" glued to letters that are no unit
        value_to, last = read_range(self.text, first)
        unit = first.unit if first.unit or last is first else last.unit
        if unit is None and (cue.is_address(self.text, end) or cue.NAME_BEFORE.search(before)):
            return end  # "428 Đường Nguyễn Huệ", "Landmark 55"
        value, scale, base = first.value, (last.scale if unit is last.unit else first.scale), last.base
        change, sign = cue.change_before(before), cue.sign_before(before)
        if sign and base == "°C":
            value = -value  # "-5 độ C" is a level below zero, not a fall
        elif sign:
            change = "increase" if sign == "+" else "decrease"
        kind = unit.unit.kind if unit and unit.unit else "count"
        subject_from = unit.unit_start if unit and unit.unit and unit.unit.counted else last.end
        subject = cue.subject_after(self.text, subject_from) if kind in _SUBJECT_KINDS else None
        self._add(
            kind,
            value,
            start - len(sign),
            last.end,
            value_to=value_to,
            unit=unit.text if unit else None,
            scaled=value * scale,
            base=base,
            change=change,
            subject=subject,
        )
        return last.end

    def _read_ratio(self, start: int, end: int, before: str, separator: str = "/") -> int:
        top_text, bottom_text = self.text[start:end].split(separator)
        top, bottom = parse_number(top_text), parse_number(bottom_text)
        if top is None or bottom is None or bottom == 0:
            return end
        unit = match_quantity_unit(self.text, end)
        counted = unit is not None and unit.unit is not None and unit.unit.counted
        if not counted and cue.NAME_BEFORE.search(before):
            return end  # "Power 6/55" is a lottery game
        subject = cue.subject_after(self.text, unit.unit_start if unit and counted else end)
        end = unit.end if unit and counted else end
        self._add(
            "ratio",
            top,
            start,
            end,
            value_to=bottom,
            unit=unit.text if unit and counted else None,
            scaled=top / bottom,
            change=cue.change_before(before),
            subject=subject,
        )
        return end

    def _read_rank(self, start: int) -> int:
        found = _RANK.match(self.text, start)
        assert found
        value_to = parse_number(found[2]) if found[2] else None
        self._add("rank", parse_number(found[1]) or Decimal(0), start, found.end(), value_to=value_to)
        return found.end()

    def _read_word_number(self, word: re.Match[str]) -> None:
        """ "ba tháng", "hai lần": a number word counts only before a unit ("Hai là," is a list marker)."""
        unit = match_quantity_unit(self.text, word.end())
        if unit is None or unit.unit is None or (unit.unit.counted and unit.unit.base not in ("người", "hộ")):
            return
        value = Decimal(WORD_NUMBERS[word.group(1).lower()])
        kind = unit.unit.kind
        subject = cue.subject_after(self.text, unit.unit_start if unit.unit.counted else unit.end)
        change = cue.change_before(self.text[max(0, word.start() - _WINDOW) : word.start()])
        self._add(
            kind,
            value,
            word.start(),
            unit.end,
            unit=unit.text,
            base=unit.unit.base,
            change=change,
            scaled=value * unit.magnitude * unit.unit.factor,
            subject=subject if kind in _SUBJECT_KINDS else None,
        )
        self.blocked.append((word.start(), unit.end))

    def _add_date(self, date: DateRead, before: str) -> int:
        subject = cue.period_before(before) if date.kind == "year" else None
        value_to = None if date.value_to is None else Decimal(str(date.value_to))
        self._add(
            date.kind,
            Decimal(str(date.value)),
            date.start,
            date.end,
            value_to=value_to,
            unit=date.unit,
            subject=subject,
        )
        return date.end

    def _add(
        self,
        kind: str,
        value: Decimal,
        start: int,
        end: int,
        *,
        value_to: Decimal | None = None,
        unit: str | None = None,
        scaled: Decimal | None = None,
        base: str | None = None,
        change: str = "none",
        subject: str | None = None,
    ) -> None:
        if start < self.floor:  # the cue word went to the previous figure: "2 năm 2023-2024"
            start = end - len(self.text[self.floor : end].lstrip())
        self.previous = Figure(
            value=float(value),
            unit=unit,
            scaled_value=None if scaled is None else float(scaled),
            base_unit=base,
            kind=kind,
            change=change,
            subject=subject,
            raw=self.text[start:end],
            sentence=self.sentences.around(start),
            start=start,
            end=end,
            value_to=None if value_to is None else float(value_to),
        )
        self.figures.append(self.previous)
