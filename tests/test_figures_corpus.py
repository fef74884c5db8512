"""Invariants of find_figures() over real article and listing text, and the modules' doctest examples.

tests/fixtures/figures/corpus.jsonl.gz holds the text trafilatura extracts from 19 Vietnamese news pages
(see SOURCES.md there); record_corpus.py re-records it.
"""

from __future__ import annotations

import doctest
import gzip
import json
from pathlib import Path

import pytest

from pipelines.figures import context as vi_context
from pipelines.figures import dates as figure_dates
from pipelines.figures import find as figures
from pipelines.figures import numbers as vi_numbers
from pipelines.figures import quantities, units
from pipelines.figures import spans as text_spans
from pipelines.figures.find import KINDS, find_figures

CORPUS = Path(__file__).parent / "fixtures" / "figures" / "corpus.jsonl.gz"


def corpus() -> list[dict[str, str]]:
    return [json.loads(line) for line in gzip.decompress(CORPUS.read_bytes()).decode("utf-8").splitlines()]


PAGES = corpus()


@pytest.mark.parametrize("page", PAGES, ids=[page["name"] for page in PAGES])
def test_every_figure_is_well_formed(page: dict[str, str]) -> None:
    text = page["text"]
    found = find_figures(text)
    previous_end = 0
    for figure in found:
        assert text[figure.start : figure.end] == figure.raw
        assert figure.raw == figure.raw.strip() and figure.raw
        assert figure.start >= previous_end, f"{figure.raw!r} overlaps the figure before it"
        previous_end = figure.end
        assert figure.kind in KINDS
        assert figure.change in ("increase", "decrease", "none")
        assert figure.raw in figure.sentence
        if figure.kind in ("date", "year", "time", "rank"):
            assert figure.scaled_value is None and figure.base_unit is None
        else:
            assert figure.scaled_value is not None
        if figure.value_to is not None and figure.kind != "ratio":
            assert figure.value_to > figure.value


def test_corpus_articles_have_figures_and_their_dates() -> None:
    articles = [page for page in PAGES if page["page_type"] == "article"]
    assert len(articles) == 11
    for page in articles:
        assert find_figures(page["text"]), page["name"]
    vnexpress = next(page for page in PAGES if page["name"] == "vnexpress.net__fundus__VnExpress_2025_10_22")
    assert [f.raw for f in find_figures(vnexpress["text"])][:3] == ["Ngày 22/10", "2-3 kg", "15-25%"]


def test_find_figures_is_pure() -> None:
    text = PAGES[0]["text"]
    assert find_figures(text) == find_figures(text)
    assert find_figures("") == []


@pytest.mark.parametrize(
    "module", [vi_numbers, units, quantities, vi_context, text_spans, figure_dates, figures]
)
def test_doctest_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
