"""Units and magnitude words as written in Vietnamese news, as data: what each measures and its base.

A unit maps to (kind, base unit, factor): "tạ" is mass, 100 kg. Magnitude words multiply ("triệu" = 1e6)
and are part of the unit as written ("tỷ đồng"). Counted units ("người", "hộ", "đảng viên") are their own
base; they also open the subject ("120 hộ nghèo" counts "hộ nghèo").

>>> m = match_quantity_unit("4.125,6 tỷ đồng tiền thuế", 7)
>>> m.text, int(m.magnitude), m.unit.kind, m.unit.base, m.end
('tỷ đồng', 1000000000, 'money', 'đồng', 15)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType


@dataclass(frozen=True)
class Unit:
    kind: str
    base: str
    factor: Decimal = Decimal(1)
    counted: bool = False  # a counted noun: part of the subject, not a measure of it


# kind | base | written forms with their factor to the base. A duration's base is the day; a month (30)
# and a year (365) are calendar averages, so scaled_value orders durations rather than converts them.
# "sào" differs by region (360 m² in the North, 1.000 m² in the South), so it stays its own base.
_TABLE = """
percent     | %              | %=1  phần trăm=1  percent=1  per cent=1
percent     | điểm phần trăm | điểm phần trăm=1  điểm %=1
money       | đồng           | đồng=1  VNĐ=1  VND=1  vnđ=1  đ=1
money       | USD            | USD=1  đô la Mỹ=1  đô la=1  đôla=1
money       | EUR            | EUR=1  euro=1  Euro=1
money       | CNY            | nhân dân tệ=1  NDT=1  CNY=1
money       | JPY            | yên Nhật=1  JPY=1
money       | GBP            | bảng Anh=1  GBP=1
money       | KRW            | won=1  KRW=1
area        | m²             | ha=1e4  héc-ta=1e4  hecta=1e4  héc ta=1e4  km²=1e6  km2=1e6  m²=1  m2=1
area        | m²             | cm²=1e-4
area        | sào            | sào=1
length      | m              | km=1e3  ki-lô-mét=1e3  cây số=1e3  m=1  mét=1  cm=0.01  mm=0.001
mass        | kg             | tấn=1e3  tạ=100  yến=10  kg=1  ki-lô-gam=1  kilogam=1  lượng=0.0375  gam=0.001
mass        | kg             | gram=0.001  g=0.001  ounce=0.0311034768  oz=0.0311034768
volume      | lít            | lít=1  m³=1e3  m3=1e3  ml=0.001
power       | W              | GW=1e9  MW=1e6  kW=1e3  W=1
power       | Wp             | MWp=1e6  kWp=1e3
energy      | Wh             | GWh=1e9  MWh=1e6  kWh=1e3  Wh=1
temperature | °C             | độ C=1  °C=1  ℃=1
rate        | km/h           | km/h=1  km/giờ=1
duration    | ngày           | năm=365  quý=91  tháng=30  tuần=7  ngày=1  giờ=1/24  tiếng đồng hồ=1/24
duration    | ngày           | phút=1/1440  giây=1/86400
age         | tuổi           | tuổi=1
multiple    | lần            | lần=1
"""
# Counted nouns are their own base: "120 hộ" has unit and base "hộ".
_COUNTED = """người, hộ, đảng viên, học sinh, sinh viên, lao động, bệnh nhân, ca, lượt, vụ, con, chiếc,
căn hộ, căn, doanh nghiệp, hợp tác xã, dự án, xã, phường, thị trấn, huyện, tỉnh, thôn, điểm, cổ phiếu,
phiên, trường hợp"""


def _forms(line: str) -> dict[str, Decimal]:
    """ "tấn=1e3  tạ=100  giờ=1/24" -> {written form: factor}; forms are separated by two spaces."""
    forms = {}
    for form in line.strip().split("  "):
        written, _, factor = form.strip().rpartition("=")
        top, _, bottom = factor.partition("/")
        forms[written] = Decimal(top) / Decimal(bottom or 1)
    return forms


def _load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for line in _TABLE.strip().splitlines():
        kind, base, forms = (part.strip() for part in line.split("|"))
        units.update({written: Unit(kind, base, factor) for written, factor in _forms(forms).items()})
    for noun in _COUNTED.replace("\n", " ").split(","):
        units[noun.strip()] = Unit("count", noun.strip(), Decimal(1), counted=True)
    return units


UNITS: Mapping[str, Unit] = MappingProxyType(_load_units())

# Words a unit must not be the start of: "5 đồng chí" are comrades, "6 đồng tiền" currencies
# (after a magnitude the unit stands: "5 tỷ đồng tiền thuế").
_NOT_UNIT_AFTER: Mapping[str, str] = MappingProxyType(
    {
        "đồng": "tiền|chí|bào|hồ|nghiệp|minh|đội|phục|ruộng|thời|ý|xu|hương|hành|loạt|bộ|rừng|cỏ|tình|tâm",
        "hộ": "chiếu|lý|tống|khẩu",
        "xã": "hội",
        "căn": "cứ|bản|nguyên",
        "lượng": "lớn|nhỏ",
        "tấn": "công",
        "phiên": "bản|tòa|họp",
        "điểm": "danh|tin|nóng|đến|trường hợp",
    }
)

_MAGNITUDE_TABLE = """nghìn tỷ=1e12  ngàn tỷ=1e12  nghìn tỉ=1e12  ngàn tỉ=1e12  triệu tỷ=1e15  trăm nghìn=1e5
trăm ngàn=1e5  trăm triệu=1e8  trăm tỷ=1e11  nghìn=1e3  ngàn=1e3  triệu=1e6  tỷ=1e9  tỉ=1e9  trăm=100
vạn=1e4  thousand=1e3  million=1e6  billion=1e9"""
MAGNITUDES: Mapping[str, Decimal] = MappingProxyType(
    {written: factor for line in _MAGNITUDE_TABLE.splitlines() for written, factor in _forms(line).items()}
)

# What may follow "/" in a compound unit ("đồng/lượng", "triệu đồng/ha") besides a unit above.
_DENOMINATOR_WORDS = """cổ phiếu, người, hộ, lượng, chỉ, thùng, bó, con, chiếc, ounce, tháng, năm, ngày,
kg, lít, m², m2, km², km2, ha, sào, tấn, tạ, vé, suất, lượt, cây, căn, lao động, km, giờ, đêm, phòng, ký"""
DENOMINATORS = tuple(word.strip() for word in _DENOMINATOR_WORDS.split(","))


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_END = r"(?![\w²³])"
_SP = r"[^\S\r\n]"  # whitespace within a line
_MAGNITUDE_RE = re.compile(rf"{_SP}*({_alternation(MAGNITUDES)}){_END}")
_UNIT_RE = re.compile(rf"{_SP}*({_alternation(UNITS)}){_END}")
_ATTACHED_UNIT_RE = re.compile(
    rf"({_alternation(u for u in UNITS if not u[0].isalpha() or len(u) <= 3)}){_END}"
)
_DENOMINATOR_RE = re.compile(rf"/\s?({_alternation(set(DENOMINATORS) | set(UNITS))}|[^\W\d_]+){_END}")
_NOT_UNIT_RE = MappingProxyType(
    {unit: re.compile(rf"\s+(?:{words}){_END}") for unit, words in _NOT_UNIT_AFTER.items()}
)


@dataclass(frozen=True)
class UnitMatch:
    text: str  # as written, magnitude included: "triệu đồng/ha"
    magnitude: Decimal
    unit: Unit | None  # None: a bare magnitude ("709,9 triệu cổ phiếu")
    unit_start: int  # where the unit word starts (a counted unit opens the subject there)
    end: int


def match_quantity_unit(text: str, pos: int) -> UnitMatch | None:
    """The magnitude and unit written from `pos` (right after a number), or None when there is neither.

    A compound unit ("tạ/ha", "đồng/cổ phiếu") becomes a rate whose base is "base/denominator".
    """
    start = pos
    magnitude = Decimal(1)
    mag = _MAGNITUDE_RE.match(text, pos)
    if mag:
        magnitude = MAGNITUDES[mag.group(1)]
        pos = mag.end()
    unit_re = _UNIT_RE if mag or text[pos : pos + 1] in (" ", "\xa0", "\t") else _ATTACHED_UNIT_RE
    found = unit_re.match(text, pos)
    unit: Unit | None = None
    unit_start = pos
    if found and (mag or not _is_other_word(text, found.group(1), found.end())):
        unit = UNITS[found.group(1)]
        unit_start, pos = found.start(1), found.end()
        # "triệu đồng/ha", "đồng/người/năm": each "/" divides by what follows, as written.
        while (per := _DENOMINATOR_RE.match(text, pos)) and unit.base != "km/h":
            unit = Unit("rate", f"{unit.base}/{per.group(1)}", unit.factor)
            pos = per.end()
    elif not mag:
        return None
    written = text[start:pos].strip()
    return UnitMatch(written, magnitude, unit, unit_start, pos)


def _is_other_word(text: str, unit: str, end: int) -> bool:
    check = _NOT_UNIT_RE.get(unit)
    return bool(check and check.match(text, end))
