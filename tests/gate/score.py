"""Field by field, how right an extraction is: the gate's table for baotinh and for bare trafilatura.

An extractor here is a function (html, url) -> Result or None; `baotinh` and `trafilatura` build one.
Each page scores, where its truth says something:
- title: equal to the headline shown (whitespace collapsed);
- author: the same people, in any order (names split at "; ", ",", " - ", " và ");
- date: the published time to the minute in Vietnam time (the day, when the truth gives only the day);
- present / absent: each `body_contains` fragment in the text, each `body_excludes` fragment not in it;
- figures: each truth figure found by find_figures() in the text, same value and unit;
- listing: a listing, home or section page gives no article;
- Zyte pages: precision and recall of 4-word shingles against the reference text, as the benchmark counts.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipelines.figures.find import find_figures
from tests.gate.corpus import Page

VIETNAM = timezone(timedelta(hours=7))
TOKEN = re.compile(r"\w+")
SPACES = re.compile(r"\s+")
NAME_SPLIT = re.compile(r"\s*;\s*|\s*,\s*|\s+[-–—]\s+|\s+và\s+")
FIELDS = ("title", "author", "date", "present", "absent", "figures", "listing")


@dataclass(frozen=True)
class Result:
    """What an extractor gave for one page, in the terms the truth uses."""

    title: str | None
    author: str | None
    published: datetime | None
    text: str


Extractor = Callable[[str, str], Result | None]


@dataclass
class Tally:
    """Right answers over questions asked, per field; the pages that failed a field, for the report."""

    right: Counter[str] = field(default_factory=Counter)
    asked: Counter[str] = field(default_factory=Counter)
    failed: dict[str, list[str]] = field(default_factory=dict)

    def count(self, name: str, ok: bool, key: str, weight: int = 1) -> None:
        self.asked[name] += weight
        self.right[name] += weight if ok else 0
        if not ok:
            self.failed.setdefault(name, []).append(key)

    def add(self, name: str, right: int, asked: int, key: str) -> None:
        self.asked[name] += asked
        self.right[name] += right
        if right < asked:
            self.failed.setdefault(name, []).append(key)

    def cell(self, name: str) -> str:
        return f"{self.right[name]}/{self.asked[name]}" if self.asked[name] else "-"


def score_fields(pages: Iterable[Page], results: dict[str, Result | None]) -> Tally:
    tally = Tally()
    for page in pages:
        truth, result = page.truth, results[page.key]
        if truth.get("kind") == "listing":
            tally.count("listing", result is None, page.key)
            continue
        text = normalise(result.text) if result else ""
        if "title" in truth:
            tally.count(
                "title", result is not None and normalise(result.title or "") == normalise(truth["title"]), page.key
            )
        elif "title_startswith" in truth:
            tally.count(
                "title",
                result is not None and normalise(result.title or "").startswith(truth["title_startswith"]),
                page.key,
            )
        if "author" in truth:
            wanted = [truth["author"], *truth.get("author_alt", [])]
            tally.count("author", any(same_people(result.author if result else None, w) for w in wanted), page.key)
        if "published" in truth:
            wanted = [truth["published"], *truth.get("published_alt", [])]
            tally.count("date", result is not None and any(same_time(result.published, w) for w in wanted), page.key)
        fold = str.casefold if truth.get("casefold") else str
        contains = [normalise(s) for s in truth.get("body_contains", [])]
        tally.add("present", sum(fold(s) in fold(text) for s in contains), len(contains), page.key)
        excludes = [normalise(s) for s in truth.get("body_excludes", [])]
        if result is not None:
            tally.add("absent", sum(s not in text for s in excludes), len(excludes), page.key)
        else:
            tally.add("absent", 0, len(excludes), page.key)  # no article is no answer, not a clean one
        figures = truth.get("figures", [])
        if figures:
            tally.add("figures", found_figures(text, figures), len(figures), page.key)
    return tally  # fmt: skip


def normalise(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def same_people(got: str | None, wanted: str | None) -> bool:
    def people(value: str | None) -> set[str]:
        return {n.strip().casefold() for n in NAME_SPLIT.split(value or "") if n.strip()}

    return people(got) == people(wanted)


def same_time(got: datetime | None, wanted: str) -> bool:
    if got is None:
        return False
    local = got.astimezone(VIETNAM) if got.tzinfo else got.replace(tzinfo=VIETNAM)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", wanted):
        return local.date().isoformat() == wanted
    if re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", wanted):
        expected = datetime.strptime(wanted, "%d/%m/%Y %H:%M")
    else:
        expected = datetime.fromisoformat(wanted.replace(" +", "+"))
    expected = expected.astimezone(VIETNAM) if expected.tzinfo else expected.replace(tzinfo=VIETNAM)
    return local.replace(second=0, microsecond=0) == expected.replace(second=0, microsecond=0)


def found_figures(text: str, figures: list[dict]) -> int:
    found = find_figures(text)
    hits = 0
    for wanted in figures:
        unit = normalise(str(wanted.get("unit") or "")).casefold()
        for figure in found:
            if figure.value != float(wanted["value"]):
                continue
            said = normalise(f"{figure.unit or ''} {figure.subject or ''}").casefold()
            if not unit or said.startswith(unit) or unit.startswith(said) or unit in figure.raw.casefold():
                hits += 1
                break
    return hits


# -- the Zyte metric -------------------------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def precision_recall(truth: str, predicted: str) -> tuple[float, float]:
    """Per-document precision and recall over shingle counts, as the benchmark's evaluate.py counts them."""
    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Overlap:
    """Mean per-document precision, recall and F1 over a set of pages with reference texts."""

    pages: int
    precision: float
    recall: float
    f1: float
    empty: int  # pages given no text at all


def overlap(pages: Iterable[Page], results: dict[str, Result | None]) -> Overlap:
    scores, empty = [], 0
    for page in pages:
        result = results[page.key]
        empty += result is None or not result.text.strip()
        scores.append(precision_recall(page.reference or "", result.text if result else ""))
    if not scores:
        return Overlap(0, 0.0, 0.0, 0.0, 0)
    return Overlap(
        len(scores),
        statistics.mean(p for p, _ in scores),
        statistics.mean(r for _, r in scores),
        statistics.mean(f1(p, r) for p, r in scores),
        empty,
    )
