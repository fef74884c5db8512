"""The fingerprint judges hand-made pairs right: a farm's copy is the same article however it is dressed, two
articles that share a template, a standard paragraph or a bulletin's wording are not (tests/repost_texts.py)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import numpy as np
import pytest

from pipelines.reposts.fingerprint import COPY_SIMILARITY, NUM_PERM, fingerprint, similarity
from pipelines.reposts.lsh import BANDS, band_keys, candidate_probability
from pipelines.reposts.shingles import folded_words, shingle_hashes
from tests.conftest import REPO
from tests.repost_texts import (
    CAMPAIGN,
    bulletin,
    farm_copy,
    other_punctuation,
    paper_page,
    paragraphs,
    without_marks,
)

KEY = "ket-nap-dang-vien"


def alike(a: str, b: str) -> float:
    fa, fb = fingerprint(a), fingerprint(b)
    assert len(fa) == len(fb) == NUM_PERM
    return similarity(fa, fb)


@pytest.fixture(scope="module")
def original() -> str:
    return paper_page(paragraphs(KEY))


def test_a_copy_inside_the_farms_wrapper_lines_is_the_same_article(original: str) -> None:
    assert alike(original, farm_copy(KEY, paragraphs(KEY))) >= COPY_SIMILARITY


def test_a_copy_that_drops_a_paragraph_is_the_same_article(original: str) -> None:
    body = paragraphs(KEY)
    for dropped in range(len(body)):
        assert alike(original, farm_copy(KEY, body[:dropped] + body[dropped + 1:])) >= COPY_SIMILARITY, dropped


def test_a_copy_without_diacritics_or_with_other_punctuation_is_the_same_words(original: str) -> None:
    assert alike(original, without_marks(original)) == 1.0
    assert alike(original, other_punctuation(original)) == 1.0
    typed = folded_words("Dang bo tinh Phu Tho - ky hop thu 12")
    assert folded_words("Đảng bộ tỉnh Phú Thọ, “kỳ họp” thứ 12.") == typed


def test_a_copy_that_does_it_all_at_once_is_the_same_article(original: str) -> None:
    body = paragraphs(KEY)
    copy = farm_copy(KEY, [without_marks(p) if n % 2 else other_punctuation(p) for n, p in enumerate(body[:-1])])
    assert alike(original, copy) >= COPY_SIMILARITY


def test_articles_sharing_the_template_and_a_standard_paragraph_are_different() -> None:
    keys = ["ket-nap-dang-vien", "thong-xe-ha-hoa", "che-tan-son", "kham-sang-loc", "xoa-nha-tam"]
    pages = [paper_page([*paragraphs(key), CAMPAIGN]) for key in keys]
    scores = [alike(a, b) for a, b in zip(pages, pages[1:], strict=False)]
    # well under the cut: the shared lines are a third of each text, and a fingerprint errs by ±0.045
    assert len(scores) == 4 and max(scores) < COPY_SIMILARITY - 0.1, scores
    # and a farm's copy of one is not a copy of another
    assert alike(farm_copy(keys[1], [*paragraphs(keys[1]), CAMPAIGN]), pages[0]) < COPY_SIMILARITY - 0.1


def test_two_weather_bulletins_of_one_template_are_different() -> None:
    days = [bulletin(12, "Việt Trì", 16, 24, "Thao", 3.25), bulletin(13, "Lâm Thao", 15, 23, "Lô", 3.4),
            bulletin(14, "Việt Trì", 17, 25, "Thao", 3.31)]
    scores = [alike(a, b) for a, b in zip(days, days[1:], strict=False)]
    # short texts, a third of them the paper's template lines: closer than articles, still under the cut (and
    # the clusters never compare two articles of one site: tests/test_repost_index.py)
    assert len(scores) == 2 and max(scores) < COPY_SIMILARITY, scores
    assert alike(days[0], farm_copy(KEY, [days[0]])) >= COPY_SIMILARITY  # a copy of one bulletin is still a copy


def test_short_and_empty_texts_get_no_fingerprint() -> None:
    assert fingerprint(None) == fingerprint("") == []
    assert fingerprint(paragraphs(KEY)[0]) == []  # a sapo alone: too few shingles to tell copies apart
    assert len(fingerprint(" ".join(paragraphs(KEY)[:2]))) == NUM_PERM


def test_the_fingerprint_is_the_same_in_another_process(original: str) -> None:
    code = ("import json, sys; from pipelines.reposts.fingerprint import fingerprint; "
            "print(json.dumps(fingerprint(sys.stdin.read())))")
    ran = subprocess.run([sys.executable, "-c", code], input=original, capture_output=True, text=True, cwd=REPO,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}, check=True)
    assert ran.stdout.strip() == str(fingerprint(original)).replace(" ", "").replace(",", ", ")


def test_the_fingerprint_is_datasketchs_minhash_and_the_extraction_needs_no_datasketch(original: str) -> None:
    """fingerprint() repeats datasketch's affine32 MinHash (its import costs every worker scipy): the same
    values on texts of every length and dress, datasketch itself the judge; and deriving rows imports neither."""
    from datasketch import MinHash

    from pipelines.reposts.fingerprint import SCHEME, SEED, SHINGLE_WORDS

    texts = [original, without_marks(original), other_punctuation(original), farm_copy(KEY, paragraphs(KEY)),
             *(" ".join(paragraphs(KEY)[:n]) for n in range(2, len(paragraphs(KEY)) + 1))]
    compared = 0
    for text in texts:
        sketch = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=lambda value: value, scheme=SCHEME)
        sketch.update_batch(shingle_hashes(text, SHINGLE_WORDS).tolist())
        assert fingerprint(text) == sketch.hashvalues.tolist()
        compared += 1
    assert compared == len(texts) >= 6
    code = ("import sys; from crawler.ingest.derive import derive; from pipelines.reposts.fingerprint import "
            "fingerprint; assert len(fingerprint(sys.stdin.read())) == 128; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy')))")
    ran = subprocess.run([sys.executable, "-c", code], input=original, capture_output=True, text=True, cwd=REPO,
                         check=True)
    assert ran.stdout.strip() == "[]"


def test_words_are_folded_as_the_database_folds_them(original: str) -> None:
    texts = [original, without_marks(original), "ĐẢNG bộ: 4.125,6 tỷ đồng – “Phú Thọ”; COVID-19 ..."]
    with duckdb.connect() as con:
        con.execute((REPO / "queries" / "schema.sql").read_text(encoding="utf-8"))
        for text in texts:
            (norm,) = con.execute("SELECT search_norm(?)", [text]).fetchone()
            assert norm.split() == folded_words(text)


def test_shingles_are_runs_of_words_in_order() -> None:
    assert len(shingle_hashes("một hai ba bốn năm", 5)) == 1 and len(shingle_hashes("một hai ba bốn", 5)) == 0
    assert not np.array_equal(shingle_hashes("một hai ba", 3), shingle_hashes("ba hai một", 3))
    assert len(shingle_hashes("a b a b a b a b", 2)) == 2  # distinct: "a b", "b a"
    with pytest.raises(ValueError, match="shingle size"):
        shingle_hashes("a b", 9)


def test_equal_bands_give_equal_keys_and_copies_meet(original: str) -> None:
    a = np.array([fingerprint(original)], dtype=np.uint32)
    b = a.copy()
    b[0, 3:] += 1  # only the first band alike
    keys = band_keys(np.vstack([a, b]))
    assert keys.shape == (2, BANDS) and keys[0, 0] == keys[1, 0] and not (keys[0, 1:] == keys[1, 1:]).any()
    assert candidate_probability(COPY_SIMILARITY) > 0.95 and candidate_probability(0.1) < 0.05
    with pytest.raises(ValueError, match="fingerprints of 128 values"):
        band_keys(np.zeros((1, 5), dtype=np.uint32))
