"""Which of a page's dates is the article's own: never a sidebar item's, the masthead clock's or the
footer's; none when the only dates on the page belong to other items.

Sources, most specific first:
1. what the article declares: JSON-LD `datePublished`, then meta tags (`article:published_time`, …);
2. the date line the page shows next to the headline (the nearest date after it, or just before it);
3. a date-marked block elsewhere that belongs to no other item.
A declared day without a time takes its time of day from a shown date of the same day. A declared
date that reads two ways ("3/4/2024 7:12 AM") takes the reading the shown date agrees with.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pipelines.extraction.published import VIETNAM, Stamp, parse_stamps
from pipelines.extraction.scan import PageScan, Spot
from pipelines.extraction.signals import PageSignals

NEAR_AFTER = 120  # elements after the headline where its date line stands (breadcrumbs, share bars between)
NEAR_BEFORE = 25  # ... or before it (a kicker line with the date above the headline)


def find_published(signals: PageSignals, scan: PageScan, fetched_at: datetime | None) -> datetime | None:
    own = [s for s in scan.dates if not s.foreign]
    shown = _near_headline(own, scan.headline_order)
    shown_stamps = [st for s in shown for st in s.stamps[:1] if _plausible(st.value, fetched_at)]
    declared = _declared(signals, shown_stamps, fetched_at)
    if declared and declared[0].has_time:
        return declared[0].value
    if not shown_stamps:
        # No date line by the headline: a date-marked block of the article (not of another item).
        shown_stamps = [s.stamps[0] for s in own if _plausible(s.stamps[0].value, fetched_at)]
    if declared:
        day = declared[0].value
        same_day = [s.value for s in shown_stamps if s.has_time and s.value.astimezone(VIETNAM).date() == day.date()]
        return same_day[0] if same_day else day
    timed = [s for s in shown_stamps if s.has_time]
    if timed:
        return timed[0].value
    return shown_stamps[0].value if shown_stamps else None


def declared_time(signals: PageSignals, fetched_at: datetime | None) -> datetime | None:
    """What `find_published` gives whatever the page shows: the first declared date, when it reads one way
    only and has a time of day. None when the shown dates may decide (or there is no declared date)."""
    for value in _declared_values(signals):
        readings = [r for r in parse_stamps(value) if _plausible(r.value, fetched_at)]
        if readings:
            return readings[0].value if len(readings) == 1 and readings[0].has_time else None
    return None


def _near_headline(spots: list[Spot], headline: int | None) -> list[Spot]:
    """Dates by the headline, nearest first; all of them in page order when there is no headline."""
    if headline is None:
        return spots
    after = [s for s in spots if 0 <= s.order - headline <= NEAR_AFTER]
    before = [s for s in spots if 0 < headline - s.order <= NEAR_BEFORE]
    return sorted(after, key=lambda s: s.order) + sorted(before, key=lambda s: -s.order)


def _declared_values(signals: PageSignals) -> list[str]:
    raw = [signals.ld_article.get("datePublished")] if signals.ld_article else []
    return [value for value in [*raw, *signals.published_meta] if isinstance(value, str)]


def _declared(signals: PageSignals, shown: list[Stamp], fetched_at: datetime | None) -> list[Stamp]:
    stamps = []
    for value in _declared_values(signals):
        readings = [r for r in parse_stamps(value) if _plausible(r.value, fetched_at)]
        if len(readings) > 1:
            shown_days = {s.value.astimezone(VIETNAM).date() for s in shown}
            readings.sort(key=lambda r: r.value.astimezone(VIETNAM).date() not in shown_days)
        stamps.extend(readings[:1])
    return stamps


def _plausible(value: datetime, fetched_at: datetime | None) -> bool:
    if value.year < 1990:
        return False
    return fetched_at is None or value <= _aware(fetched_at) + timedelta(days=1)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)
