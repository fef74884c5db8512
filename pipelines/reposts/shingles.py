"""Word shingles of folded text: what two copies of an article share however a content farm dressed it.

Folding makes a copy that changed punctuation, case or diacritics read the same as its original: letters lose
their tones and marks (`đ` becomes `d`, which Unicode does not decompose), everything but ASCII letters and
digits separates words, as schema.sql's `search_norm()` splits text for search. A shingle is `size`
consecutive folded words; its hash is a 32-bit number made from the words' CRC-32s, the same in every process
and on every machine (Python's `hash()` of a string is not).

>>> folded_words("Đảng bộ tỉnh Phú Thọ, “kỳ họp” thứ 12.")
['dang', 'bo', 'tinh', 'phu', 'tho', 'ky', 'hop', 'thu', '12']
>>> folded_words("Dang bo tinh Phu Tho - ky hop thu 12") == folded_words("Đảng bộ tỉnh Phú Thọ, “kỳ họp” thứ 12.")
True
>>> len(shingle_hashes(folded_words("một hai ba bốn năm sáu bảy"), 5))  # 7 words: 3 shingles of 5
3
"""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np

WORD = re.compile(r"[a-z0-9]+")
# Odd 64-bit multipliers, one per position in a shingle (golden ratio and MurmurHash3/SplitMix constants), so
# that "a b c" and "c b a" hash apart; sums wrap modulo 2**64.
POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                    dtype=np.uint64)
MAX_SIZE = len(POSITION)


def folded_words(text: str) -> list[str]:
    """The words of `text`, lower case, without tones and marks, punctuation dropped."""
    # NFD splits a Vietnamese letter into its base letter and combining marks; the ASCII encoding then drops
    # the marks (and any letter outside Latin, which Vietnamese articles do not depend on).
    flat = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return WORD.findall(flat.encode("ascii", "ignore").decode("ascii").lower())


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """The distinct 32-bit hashes of every run of `size` consecutive words (none when fewer words)."""
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"shingle size must be 1 to {MAX_SIZE} words, not {size}")
    count = len(words) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    ids = {word: zlib.crc32(word.encode("ascii")) for word in set(words)}
    word_ids = np.fromiter((ids[w] for w in words), dtype=np.uint64, count=len(words))
    mixed = np.zeros(count, dtype=np.uint64)
    for position in range(size):
        mixed += word_ids[position:position + count] * POSITION[position]
    # the high half of a 64-bit sum of products carries every word; the low bits of a product are weak
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32))
