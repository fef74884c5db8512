"""extract() pages/s beside bare trafilatura (with metadata) on the same pages, in the same run.

The pages are the gate's corpora (tests/corpus: Zyte benchmark, Vietnamese news, the seed repost),
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

from pipelines.extract import extract

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
ROUNDS = 2


def load_pages() -> list[str]:
    paths = sorted(CORPUS.glob("*/**/*.html.gz")) + sorted(CORPUS.glob("seed/*.html"))
    pages = []
    for path in paths:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        pages.append(raw.decode("utf-8", errors="replace"))
    return pages


def pages_per_second(pages: list[str], run: Callable[[str], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for page in pages:
            run(page)
        best = min(best, time.perf_counter() - started)
    return len(pages) / best


def main() -> None:
    pages = load_pages()
    url = "https://example.vn/bai-viet-123456.html"
    bare = pages_per_second(
        pages, lambda page: trafilatura.bare_extraction(page, url=url, with_metadata=True)
    )
    ours = pages_per_second(pages, lambda page: extract(page, url))
    print(f"   pages: {len(pages)} (best of {ROUNDS} rounds, one process)")
    print(f"   trafilatura.bare_extraction(with_metadata=True): {bare:6.1f} pages/s")
    print(f"   pipelines.extract.extract():                     {ours:6.1f} pages/s")
    print(f"   ratio extract/trafilatura: {ours / bare:.2f}x (target >= 0.70x)")


if __name__ == "__main__":
    main()
