"""Band keys of fingerprints: locality-sensitive hashing, so copies meet without comparing all pairs.

A fingerprint's NUM_PERM values are cut into BANDS bands of ROWS values; each band becomes one 64-bit key.
Two articles whose fingerprints agree on a whole band share that key, and only articles that share a key are
compared (pipelines.database.repost_index keeps every article's keys in DuckDB and joins on them). Two texts
of Jaccard similarity s share at least one key with probability 1 - (1 - s**ROWS)**BANDS:

    s     0.1     0.2     0.3     0.45    0.5     0.6
    P     0.041   0.29    0.68    0.98    0.996   1.000

so nearly every pair at the copy threshold (0.45) is compared, and few unrelated pairs are.

>>> keys = band_keys(np.array([fingerprint_a, fingerprint_b], dtype=np.uint32))   # doctest: +SKIP
>>> keys.shape                                                                     # doctest: +SKIP
(2, 42)
"""

from __future__ import annotations

import numpy as np

from pipelines.reposts.fingerprint import NUM_PERM

ROWS = 3
BANDS = NUM_PERM // ROWS  # 42 bands use 126 of the 128 values
# odd multipliers (SplitMix64 and MurmurHash3 constants); the band's number is mixed in, so one table of keys
# holds every band
MIX = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB], dtype=np.uint64)
BAND_MIX = np.uint64(0xFF51AFD7ED558CCD)


def candidate_probability(similarity: float) -> float:
    """How likely two texts of this Jaccard similarity share a band key."""
    return 1.0 - (1.0 - similarity ** ROWS) ** BANDS


def band_keys(fingerprints: np.ndarray) -> np.ndarray:
    """(n, BANDS) uint64 keys of an (n, NUM_PERM) array of fingerprints: equal bands, equal keys."""
    if fingerprints.ndim != 2 or fingerprints.shape[1] != NUM_PERM:
        raise ValueError(f"expected fingerprints of {NUM_PERM} values, got an array of shape {fingerprints.shape}")
    bands = fingerprints[:, : BANDS * ROWS].astype(np.uint64).reshape(len(fingerprints), BANDS, ROWS)
    keys = (bands * MIX).sum(axis=2, dtype=np.uint64)  # wraps modulo 2**64, as meant
    keys += (np.arange(1, BANDS + 1, dtype=np.uint64) * BAND_MIX)
    keys ^= keys >> np.uint64(31)  # the high bits reach the low ones (DuckDB hashes the key again anyway)
    return keys
