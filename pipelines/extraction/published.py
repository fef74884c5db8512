"""Publication dates as Vietnamese news sites write them, parsed to aware datetimes (+07:00 unless said).

>>> parse_datetime("Thứ Sáu, 09/10/2020 - 15:20").isoformat()
'2020-10-09T15:20:00+07:00'
>>> parse_datetime("09:35 21/09/2022").isoformat()
'2022-09-21T09:35:00+07:00'
>>> parse_datetime("2026-03-07T08:52:11.000 +07:00").isoformat()
'2026-03-07T08:52:11+07:00'
>>> parse_datetime("3/24/2024 7:12:35 AM").isoformat()
'2024-03-24T07:12:35+07:00'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))

ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
# Day first: Vietnamese pages write day/month/year (US-style metadata: see parse_stamps).
DMY = re.compile(r"(?<!\d)(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?!\d)")
DMY_WORDS = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)
CLOCK = re.compile(
    r"(?<![\d/.-])(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ampm>[AaPp][Mm]))?(?![\d/])"
)
OFFSET = re.compile(r"(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?", re.IGNORECASE)
# How far (in characters) a time may stand from its date: "09:35 21/09/2022", "30/11/2021 | 10:05".
CLOCK_REACH = 16


@dataclass(frozen=True)
class Stamp:
    """A parsed date; `has_time` is False when the source gave only the day."""

    value: datetime
    has_time: bool


def parse_stamp(text: str) -> Stamp | None:
    """The first date in `text`, with its time of day when one stands next to it."""
    stamps = parse_stamps(text)
    return stamps[0] if stamps else None


def parse_stamps(text: str) -> tuple[Stamp, ...]:
    """The readings of the first date in `text`, the likelier first.

    Vietnamese pages write the day first; a CMS built on US defaults writes "3/24/2024 7:12:35 AM" in
    its metadata. A date that is invalid day-first is read month-first; one valid both ways and
    written with AM/PM has both readings, for the caller to settle against the date the page shows.
    """
    if not text:
        return ()
    match = ISO.search(text)
    if match:
        stamp = _iso_stamp(match)
        return (stamp,) if stamp else ()
    match = DMY.search(text) or DMY_WORDS.search(text)
    if not match:
        return ()
    first, second, year = int(match["d"]), int(match["m"]), int(match["y"])
    clock = _nearest_clock(text, match.start(), match.end())
    orders = [(first, second)]
    if match.re is DMY and first != second and (first <= 12 < second or (first <= 12 and clock and clock[3])):
        orders.append((second, first))
    tz = _offset(text) or VIETNAM
    stamps = []
    for day_number, month in orders:
        try:
            day = datetime(year, month, day_number)
        except ValueError:
            continue
        if clock is None:
            stamps.append(Stamp(day.replace(tzinfo=tz), has_time=False))
        else:
            hour, minute, second_, _ = clock
            stamps.append(Stamp(day.replace(hour=hour, minute=minute, second=second_, tzinfo=tz), has_time=True))
    return tuple(stamps)


def parse_datetime(text: str) -> datetime | None:
    stamp = parse_stamp(text)
    return stamp.value if stamp else None


def _iso_stamp(match: re.Match[str]) -> Stamp | None:
    try:
        day = datetime(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if match["H"] is None:
        return Stamp(day.replace(tzinfo=VIETNAM), has_time=False)
    tz = VIETNAM
    if match["tz"]:
        raw = match["tz"].replace(":", "")
        tz = (
            UTC
            if raw == "Z"
            else timezone((1 if raw[0] == "+" else -1) * timedelta(hours=int(raw[1:3]), minutes=int(raw[3:5])))
        )
    try:
        value = day.replace(hour=int(match["H"]), minute=int(match["M"]), second=int(match["S"] or 0), tzinfo=tz)
    except ValueError:
        return None
    return Stamp(value, has_time=True)


def _nearest_clock(text: str, start: int, end: int) -> tuple[int, int, int, bool] | None:
    """(hour, minute, second, written with AM/PM) of the time next to a date."""
    window_start = max(0, start - CLOCK_REACH)
    for found in CLOCK.finditer(text, window_start, min(len(text), end + CLOCK_REACH)):
        if start <= found.start() < end:
            continue
        hour, minute = int(found["H"]), int(found["M"])
        ampm = (found["ampm"] or "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return hour, minute, int(found["S"] or 0), bool(ampm)
    return None


def _offset(text: str) -> timezone | None:
    found = OFFSET.search(text)
    if not found:
        return None
    delta = timedelta(hours=int(found["h"]), minutes=int(found["m"] or 0))
    return timezone(delta if found["sign"] == "+" else -delta)
