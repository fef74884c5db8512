"""Dates as pages write them, US-style metadata included."""

from __future__ import annotations

import pytest

from pipelines.extraction.published import parse_stamps


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("24/03/2024", ["2024-03-24"]),
        ("3/24/2024 7:12:35 AM", ["2024-03-24"]),
        ("3/4/2024 7:12:35 AM", ["2024-04-03", "2024-03-04"]),
        ("03/04/2024 07:12", ["2024-04-03"]),  # no AM/PM: day first, as Vietnamese pages write it
        ("31/31/2024", []),
    ],
)
def test_readings_of_a_date(text: str, readings: list[str]) -> None:
    assert [s.value.date().isoformat() for s in parse_stamps(text)] == readings
