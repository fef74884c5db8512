"""find_figures() throughput over real article text: figures/s, articles/s, characters/s.

The corpus is the seed article body plus the text trafilatura extracts from the shared corpus's article
pages (tests/fixtures/figures/corpus.jsonl.gz). Passes repeat until MIN_SECONDS have gone by, so the
numbers are steady on a slow machine too. Prints; never passes or fails on timing.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from pathlib import Path

from pipelines.figures.find import find_figures

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "figures" / "corpus.jsonl.gz"
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_248af50c5ac81042.txt"
MIN_SECONDS = 3.0


def articles() -> list[str]:
    rows = [json.loads(line) for line in gzip.decompress(CORPUS.read_bytes()).decode("utf-8").splitlines()]
    seed = SEED.read_text(encoding="utf-8")
    body = seed[seed.index("PTĐT –") : seed.index("XEM THÊM:")]
    return [body] + [row["text"] for row in rows if row["page_type"] == "article"]


def main() -> None:
    texts = articles()
    characters = sum(len(text) for text in texts)
    kinds = Counter(figure.kind for text in texts for figure in find_figures(text))  # also warms up
    passes = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < MIN_SECONDS or passes == 0:
        for text in texts:
            find_figures(text)
        passes += 1
    figures = sum(kinds.values())
    print(f"   corpus: {len(texts)} articles, {characters:,} characters, {figures} figures per pass")
    print(f"   {passes} passes in {elapsed:.2f} s")
    print(f"   figures/s:    {figures * passes / elapsed:,.0f}")
    print(f"   articles/s:   {len(texts) * passes / elapsed:,.0f}")
    print(f"   characters/s: {characters * passes / elapsed:,.0f}")
    print("   kinds: " + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))


if __name__ == "__main__":
    main()
