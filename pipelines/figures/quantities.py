"""A number with what follows it: magnitude, unit, a second number making a range.

"2 - 4 triệu đồng" is one quantity: value 2, value_to 4, unit "triệu đồng", scale 1e6, base "đồng".
The second number of a range lends its unit to a first that has none ("20 đến 30 triệu đồng"); a range
needs the same base on both ends and a larger second end ("5% - 3%" is two figures, not a range).

>>> q = read_quantity("giá 2 tỷ 500 triệu đồng", 5, Decimal(2))
>>> float(q.value), q.unit.text, q.base, q.end
(2.5, 'tỷ đồng', 'đồng', 23)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines.figures.numbers import number_at
from pipelines.figures.units import UnitMatch, match_quantity_unit

NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])\d+(?:[.,]\d+)*")
SLASH_CHAIN = re.compile(r"\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)+")
_RANGE_SEP = re.compile(r"[^\S\r\n]*(?:-|–|—|~|đến|tới)[^\S\r\n]*", re.I)
_SUB_MAGNITUDE = re.compile(r"[^\S\r\n]+(\d{1,3}(?:,\d+)?)(?=[^\S\r\n])")  # "2 tỷ 500 triệu đồng"


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: UnitMatch | None
    end: int

    @property
    def scale(self) -> Decimal:
        """What value is multiplied by to be in the base unit: magnitude × unit factor."""
        if self.unit is None:
            return Decimal(1)
        return self.unit.magnitude * (self.unit.unit.factor if self.unit.unit else 1)

    @property
    def base(self) -> str | None:
        return self.unit.unit.base if self.unit and self.unit.unit else None


def read_quantity(text: str, end: int, value: Decimal) -> Quantity | None:
    """The quantity whose number (worth `value`) ends at `end`; None when letters that are no unit are
    glued to it ("5G", "10h")."""
    unit = match_quantity_unit(text, end)
    if unit is None and text[end : end + 1].isalpha():
        return None
    if unit and unit.unit is None and (more := _SUB_MAGNITUDE.match(text, unit.end)):
        # "2 tỷ 500 triệu đồng" is 2,5 tỷ đồng: the smaller magnitude folds into the larger one.
        rest = match_quantity_unit(text, more.end())
        if rest and 1 < rest.magnitude < unit.magnitude:
            value += Decimal(more[1].replace(",", ".")) * rest.magnitude / unit.magnitude
            written = f"{unit.text} {text[rest.unit_start : rest.end]}".strip()
            unit = UnitMatch(written, unit.magnitude, rest.unit, rest.unit_start, rest.end)
    return Quantity(value, unit, unit.end if unit else end)


def read_range(text: str, first: Quantity) -> tuple[Decimal | None, Quantity]:
    """The upper end of a range starting with `first` (in first's unit, None when there is no range) and
    the quantity the range ends with (`first` itself when there is none)."""
    sep = _RANGE_SEP.match(text, first.end)
    second = sep and NUMBER.match(text, sep.end())
    if not second or SLASH_CHAIN.match(text, second.start()):
        return None, first
    value = number_at(text, *second.span())
    last = None if value is None else read_quantity(text, second.end(), value)
    if last is None or (first.unit and not last.unit):
        return None, first
    if first.unit is None:
        first = Quantity(first.value, last.unit, first.end)
    elif first.base != last.base:
        return None, first
    if last.value * last.scale <= first.value * first.scale:
        return None, first
    return (last.value * last.scale / first.scale).normalize(), last
