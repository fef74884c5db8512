"""The figure record: one number found in an article's text, typed for SQL."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """A number as the article wrote it, normalised.

    Example: "4.125,6 tỷ đồng" -> value=4125.6, unit="tỷ đồng", scaled_value=4.1256e12, base_unit="đồng",
    kind="money". `start`/`end` are character offsets of `raw` in the text given to find_figures().
    `value_to` is the second number of a span or ratio, in the unit of `value`: the upper end of a range
    ("20 đến 30 triệu đồng" -> 30), the end of a date or year span, a ratio's denominator ("1.038/2.887"
    -> 2887), a rank's "out of" ("xếp thứ 12/63" -> 63); None for a single number.
    """

    value: float
    unit: str | None
    scaled_value: float | None
    base_unit: str | None
    kind: str
    change: str  # "increase", "decrease" or "none"
    subject: str | None
    raw: str
    sentence: str
    start: int
    end: int
    value_to: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
