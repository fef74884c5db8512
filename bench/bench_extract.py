"""extract() pages/s beside bare trafilatura (with metadata) on the same pages, in the same run.

Two corpora, each measured on its own: the Zyte article-extraction benchmark (tests/corpus/zyte, every page an
article) and the Vietnamese news pages (tests/corpus/vi and vi-truth: articles, listings and home pages, as
a crawl fetches them). Each page is read, decompressed and decoded before timing and given to both with its
own URL. One process, CPU time, the two runners alternating page by page so other load on the machine
tilts both alike; ROUNDS rounds, the median printed. Target: extract() at least 2.0x bare trafilatura with
metadata (the quality gate's floors unchanged: tests/test_extract_gate.py). Prints numbers and returns
one (figure, target, measured) row per corpus for the targets table of `make bench`; never fails on them.

    python bench/run.py extract
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import trafilatura

from pipelines.extraction.extract import extract
from tests.gate.corpus import vi_pages, vi_truth_pages, zyte_pages

ROUNDS = 3
TARGET = 2.0
Runner = Callable[[str, str], object]


def corpora() -> dict[str, list[tuple[str, str]]]:
    """Name -> (html, url) of each page."""
    return {
        "Zyte pages": [(p.html(), p.url) for p in zyte_pages()],
        "Vietnamese pages": [(p.html(), p.url) for p in vi_pages() + vi_truth_pages()],
    }


def rates(pages: list[tuple[str, str]], runs: dict[str, Runner]) -> list[dict[str, float]]:
    """Pages per CPU second of each runner, one dict per round."""
    rounds = []
    for _ in range(ROUNDS):
        spent = dict.fromkeys(runs, 0.0)
        for html, url in pages:
            for name, run in runs.items():
                started = time.process_time()
                run(html, url)
                spent[name] += time.process_time() - started
        rounds.append({name: len(pages) / seconds for name, seconds in spent.items()})
    return rounds


def main() -> list[tuple[str, str, str]]:
    """Print each corpus's rates; return its (figure, target, measured) row for `make bench`'s table."""
    runs: dict[str, Runner] = {
        "bare": lambda html, url: trafilatura.bare_extraction(html, url=url, with_metadata=True),
        "ours": lambda html, url: extract(html, url),
    }
    print(f"   median of {ROUNDS} rounds, CPU time, the two alternating page by page")
    rows = []
    for name, pages in corpora().items():
        measured = rates(pages, runs)
        bare = statistics.median(r["bare"] for r in measured)
        ours = statistics.median(r["ours"] for r in measured)
        ratio = statistics.median(r["ours"] / r["bare"] for r in measured)
        print(
            f"   {name} ({len(pages)}): extract() {ours:5.1f} pages/s vs trafilatura bare_extraction+metadata "
            f"{bare:5.1f} pages/s → {ratio:.2f}× (target ≥ {TARGET}×)",
            flush=True,
        )
        rows.append((
            f"extract() vs bare trafilatura with metadata, {name}",
            f">= {TARGET}x",
            f"{ratio:.2f}x ({ours:.1f} vs {bare:.1f} pages/s)",
        ))
    return rows


if __name__ == "__main__":
    main()
