"""Word shingles of folded text: what two copies of an article share however a content farm dressed it.

Folding makes a copy that changed punctuation, case or diacritics read the same as its original: letters lose
their tones and marks (`đ` becomes `d`, which Unicode does not decompose), and every run of ASCII letters and
digits is a word, as schema.sql's `search_norm()` splits text for search. A shingle is `size` consecutive
folded words; its hash is a 32-bit number, the same in every process and on every machine (Python's `hash()`
of a string is not). The words are hashed with numpy over the folded bytes, not one by one: fingerprinting
runs on every article of a crawl.

>>> folded_words("Đảng bộ tỉnh Phú Thọ, “kỳ họp” thứ 12.")
['dang', 'bo', 'tinh', 'phu', 'tho', 'ky', 'hop', 'thu', '12']
>>> folded_words("Dang bo tinh Phu Tho - ky hop thu 12") == folded_words("Đảng bộ tỉnh Phú Thọ, “kỳ họp” thứ 12.")
True
>>> len(shingle_hashes("một hai ba bốn năm sáu bảy", 5))  # 7 words: 3 shingles of 5
3
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

WORD = re.compile(rb"[a-z0-9]+")
# The words' polynomial hash: sum of byte * BASE**i over the word's bytes, modulo 2**64 (numpy wraps).
BASE = 0x100000001B3  # FNV's 64-bit prime: odd, so it has an inverse modulo 2**64
BASE_INVERSE = pow(BASE, -1, 1 << 64)
# Odd 64-bit multipliers, one per position in a shingle (golden ratio and MurmurHash3/SplitMix constants), so
# that "a b c" and "c b a" hash apart.
POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                    dtype=np.uint64)
MAX_SIZE = len(POSITION)


def folded(text: str) -> bytes:
    """`text` lower case, without tones and marks, as ASCII (anything outside ASCII dropped)."""
    # NFD splits a Vietnamese letter into its base letter and combining marks; the ASCII encoding then drops
    # the marks (and any letter outside Latin, which Vietnamese articles do not depend on).
    return unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").lower()


def folded_words(text: str) -> list[str]:
    """The words of `text`, folded: the words shingle_hashes() hashes."""
    return [word.decode("ascii") for word in WORD.findall(folded(text))]


def word_hashes(data: bytes) -> np.ndarray:
    """A 64-bit hash of each word (run of a-z0-9) of folded bytes, in order."""
    chars = np.frombuffer(data, dtype=np.uint8)
    inside = ((chars >= ord("a")) & (chars <= ord("z"))) | ((chars >= ord("0")) & (chars <= ord("9")))
    steps = np.diff(inside.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    # prefix[i] = sum of chars[j] * BASE**j for j < i; a word's hash is its slice of the sum, shifted to its start
    powers = np.cumprod(np.full(len(chars), BASE, dtype=np.uint64)) * np.uint64(BASE_INVERSE)
    inverse = np.cumprod(np.full(len(chars), BASE_INVERSE, dtype=np.uint64)) * np.uint64(BASE)
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(chars.astype(np.uint64) * powers, dtype=np.uint64)))
    return (prefix[ends] - prefix[starts]) * inverse[starts]


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """The distinct 32-bit hashes of every run of `size` consecutive folded words of `text` (none if fewer)."""
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"shingle size must be 1 to {MAX_SIZE} words, not {size}")
    words = word_hashes(folded(text))
    count = len(words) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    mixed = np.zeros(count, dtype=np.uint64)
    for position in range(size):
        mixed += words[position:position + count] * POSITION[position]
    # the high half of a 64-bit sum of products carries every word; the low bits of a product are weak
    hashes = np.sort((mixed >> np.uint64(32)).astype(np.uint32))
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]  # np.unique, without its overhead
