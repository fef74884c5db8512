"""class_pattern answers as its re.IGNORECASE pattern does, on every class and id name of the gate's pages."""

from __future__ import annotations

import re

import pytest

from pipelines.extraction import metadata, passages, rules, scan
from pipelines.extraction.class_names import ClassPattern, class_pattern
from pipelines.extraction.page_tree import parse_page
from tests.gate.corpus import all_pages

PATTERNS = {
    "date": scan.DATE_CLASS,
    "clock": scan.CLOCK_CLASS,
    "author": scan.AUTHOR_CLASS,
    "comment": scan.COMMENT_CLASS,
    "chrome": scan.CHROME_CLASS,
    "promo": rules.PROMO_CLASS,
    "box": rules.ANY_BOX_CLASS,
    "box or promo": rules.BOX_OR_PROMO_CLASS,
    "date or author": scan.DATE_OR_AUTHOR_CLASS,
    "lead": metadata.LEAD_CLASS,
    "source": metadata.SOURCE_CLASS,
    "caption": passages.CAPTION_CLASS,
}


def _names() -> set[str]:
    names = {"Post-DATE", "BOX-TIN-LIEN-QUAN", "Thời-Gian", "TIME-now", "sapo ĐẦU", "x_SHARE_y"}
    for page in all_pages()[::3]:
        tree = parse_page(page.html())
        if tree is not None:
            names |= {f"{e.get('class', '')} {e.get('id', '')}" for e in tree.iter() if isinstance(e.tag, str)}
    return names


NAMES = _names()


@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_a_class_pattern_matches_what_ignorecase_matches(kind: str) -> None:
    pattern = PATTERNS[kind]
    assert isinstance(pattern, ClassPattern)
    anycase = re.compile(pattern.pattern, re.IGNORECASE)
    assert len(NAMES) > 1000
    differ = [n for n in NAMES if (pattern.search(n) is None) != (anycase.search(n) is None)]
    assert not differ, differ[:5]


def test_upper_case_in_a_class_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="lower case"):
        class_pattern(r"Date|\S+")


@pytest.mark.parametrize(
    ("either", "one", "other"),
    [
        (rules.BOX_OR_PROMO_CLASS, rules.ANY_BOX_CLASS, rules.PROMO_CLASS),
        (scan.DATE_OR_AUTHOR_CLASS, scan.DATE_CLASS, scan.AUTHOR_CLASS),
    ],
)
def test_a_joined_class_pattern_matches_where_one_of_its_parts_does(
    either: ClassPattern, one: ClassPattern, other: ClassPattern
) -> None:
    # the walks skip both parts where the joined pattern finds nothing
    differ = [n for n in NAMES if (either.search(n) is None) != (one.search(n) is None and other.search(n) is None)]
    assert not differ, differ[:5]
