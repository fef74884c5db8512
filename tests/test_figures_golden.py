"""Golden test: the figures of the seed article, listed by hand, compared exactly.

The seed page is a content farm's copy of a Báo Phú Thọ article; its body runs from "PTĐT –" up to the
farm's "XEM THÊM:" line. tests/fixtures/seed/000_248af50c5ac81042.figures.json lists every figure in it.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.figures.find import find_figures

SEED = Path(__file__).parent / "fixtures" / "seed"
FIELDS = ("raw", "value", "value_to", "unit", "scaled_value", "base_unit", "kind", "change", "subject")


def seed_body() -> str:
    page = (SEED / "000_248af50c5ac81042.txt").read_text(encoding="utf-8")
    return page[page.index("PTĐT –") : page.index("XEM THÊM:")]


def test_seed_article_has_exactly_the_hand_written_figures() -> None:
    expected = json.loads((SEED / "000_248af50c5ac81042.figures.json").read_text(encoding="utf-8"))["figures"]
    found = [{field: getattr(figure, field) for field in FIELDS} for figure in find_figures(seed_body())]
    assert found == expected
    assert len(found) == 17


def test_seed_figures_point_back_into_the_text_and_their_sentence() -> None:
    body = seed_body()
    for figure in find_figures(body):
        assert body[figure.start : figure.end] == figure.raw
        assert figure.raw in figure.sentence


def test_sentence_ends_at_a_full_stop_that_lost_its_space() -> None:
    two = next(f for f in find_figures(seed_body()) if f.raw == "2 đảng viên")
    assert two.sentence == (
        "Chi bộ Ban khoa học xã hội, Đảng bộ Trường THPT Chuyên Hùng Vương tổ chức kết nạp 2 đảng viên mới."
    )
