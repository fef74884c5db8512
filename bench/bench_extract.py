"""extract() pages/s beside bare trafilatura (with metadata) on the same pages, in the same run.

The pages are the gate's corpora (tests/corpus: Zyte benchmark, Vietnamese news, vi-truth, the seed repost),
read and decompressed before timing. One process, each page once per round, best of ROUNDS.
Target: extract() at least 0.7x bare trafilatura. Prints numbers; never fails on them.

    python bench/run.py extract
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from pipelines.extraction.extract import extract

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
ROUNDS = 2


def load_pages() -> list[str]:
    paths = sorted(CORPUS.glob("*/**/*.html.gz")) + sorted(CORPUS.glob("seed/*.html"))
    pages = []
    for path in paths:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        pages.append(raw.decode("utf-8", errors="replace"))
    return pages


def timings(pages: list[str], runs: dict[str, Callable[[str], object]]) -> dict[str, float]:
    """CPU seconds per runner, best of ROUNDS. CPU time, and runners alternating page by page, keep
    other processes on the machine from tilting the ratio."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(ROUNDS):
        spent = dict.fromkeys(runs, 0.0)
        for page in pages:
            for name, run in runs.items():
                started = time.process_time()
                run(page)
                spent[name] += time.process_time() - started
        best = {name: min(best[name], spent[name]) for name in runs}
    return best


def main() -> None:
    pages = load_pages()
    url = "https://example.vn/bai-viet-123456.html"
    spent = timings(
        pages,
        {
            "bare": lambda page: trafilatura.bare_extraction(page, url=url, with_metadata=True),
            "ours": lambda page: extract(page, url),
        },
    )
    bare, ours = len(pages) / spent["bare"], len(pages) / spent["ours"]
    print(f"   pages: {len(pages)} (best of {ROUNDS} rounds, CPU time, alternating page by page)")
    print(f"   trafilatura.bare_extraction(with_metadata=True): {bare:6.1f} pages/s")
    print(f"   pipelines.extraction.extract.extract():                     {ours:6.1f} pages/s")
    print(f"   ratio extract/trafilatura: {ours / bare:.2f}x (target >= 0.70x)")


if __name__ == "__main__":
    main()
