"""The near-duplicate fingerprint of an article: a MinHash of the word shingles of its folded text.

derive() (crawler.ingest.derive, through crawler.ingest.rows) stores `fingerprint(article.text)` in
`articles.fingerprint`; the repost clusters (pipelines.database.repost_index) compare fingerprints, never
texts. Two fingerprints agree in about the share of their values that the two texts' shingle sets share
(Jaccard similarity): a copy that wraps an article in its own lines, drops a paragraph or strips the
diacritics keeps most of its shingles; two articles that only share a template or a standard paragraph share
few. The MinHash is datasketch's (scheme "affine32", fixed seed), so the same text gives the same
fingerprint in every process, in a crawl as in `baotinh index --rebuild`. Its arithmetic (permutations drawn
from numpy's RandomState(SEED), the MurmurHash3 finalizer, a * h + b in uint32, the minimum) is repeated here
in a few numpy lines: importing datasketch imports scipy, 0.34 s of CPU and ~40 MB in every extraction
worker of every crawl, for a class whose three steps are these. tests/test_reposts_pairs.py checks the values
equal datasketch's own MinHash (pinned in the test dependencies) on many texts. Changing a constant below changes
every fingerprint: stored ones are then remade by `baotinh index --rebuild`, like a better extractor's rows.

Why MinHash over 8-word shingles, 128 values: measured in bench/bench_reposts.py (and the README's
Benchmarks), against SimHash and other shingle sizes.

>>> a = fingerprint(TEXT)                                                        # doctest: +SKIP
>>> similarity(a, fingerprint(TEXT.replace(",", "") + " Xem thêm: …"))          # doctest: +SKIP
0.96
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from pipelines.reposts.shingles import shingle_hashes

NUM_PERM = 128  # values per fingerprint: similarity estimated within ±0.045 (one standard deviation at 0.5)
SEED = 14  # datasketch's permutations are drawn from numpy's RandomState(SEED), stable across versions
SHINGLE_WORDS = 8  # Vietnamese is written a syllable at a time: 8 of them are 4 or 5 words of most languages
MIN_SHINGLES = 40  # shorter texts (a caption, a teaser) get no fingerprint: too little text to tell copies apart
SCHEME = "affine32"  # datasketch's name for the arithmetic of fingerprint(); the test compares the two
COPY_SIMILARITY = 0.45  # at or above: the same article (see bench/bench_reposts.py for the measurements)


FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@cache
def permutations() -> np.ndarray:
    """datasketch's affine32 permutations (a odd, b), drawn once from SEED: read-only, like a compiled pattern."""
    drawn = np.random.RandomState(SEED)
    a = drawn.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = drawn.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    both = np.array([a, b])
    both.setflags(write=False)
    return both


def fingerprint(text: str | None) -> list[int]:
    """NUM_PERM 32-bit values; none (an empty list) for a text of fewer than MIN_SHINGLES shingles.

    Stored as is in `articles.fingerprint`, where NULL then means a row made before fingerprints existed.
    """
    if not text:
        return []
    shingles = shingle_hashes(text, SHINGLE_WORDS)
    if len(shingles) < MIN_SHINGLES:
        return []
    a, b = permutations()
    shift1, multiply1, shift2, multiply2, shift3 = FMIX32  # MurmurHash3's finalizer, wrapping in uint32
    mixed = shingles.astype(np.uint32).reshape(-1, 1)
    mixed = (mixed ^ (mixed >> shift1)) * multiply1
    mixed = (mixed ^ (mixed >> shift2)) * multiply2
    mixed = mixed ^ (mixed >> shift3)
    return (mixed * a + b).min(axis=0).tolist()


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The share of equal values: datasketch's MinHash.jaccard(), the estimated Jaccard similarity of the texts."""
    if len(a) != len(b):
        raise ValueError(f"fingerprints of {len(a)} and {len(b)} values cannot be compared")
    return float(np.count_nonzero(np.asarray(a, dtype=np.uint32) == np.asarray(b, dtype=np.uint32))) / len(a)


def similarities(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """similarity() of each row of `left` with the same row of `right` (two arrays of shape (n, NUM_PERM))."""
    return np.count_nonzero(left == right, axis=1) / left.shape[1]
