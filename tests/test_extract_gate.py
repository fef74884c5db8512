"""The extraction quality gate, in the spirit of trafilatura's tests/eval_gate.py.

Three corpora, extracted once per session in a process pool:
- Zyte's article-extraction benchmark (181 pages, mostly English): every page is an article, and the
  benchmark's metric (\\w+ tokens, 4-word shingles, per-document precision/recall/F1 averaged over
  documents) stays above the floor;
- Vietnamese news pages: listings give no article; articles hold their known sentence, date and title;
  the VnExpress page with full ground truth scores above its floor;
- the seed repost: a content farm's copy of a Báo Phú Thọ article comes out as the article alone.

The floors are pinned. Raise them when extraction gets better; lowering one is a decision, taken in
its own commit that says why, never as a side effect of another change.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import statistics
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from multiprocessing import get_context
from pathlib import Path

import pytest

from pipelines.extraction.article import Article
from pipelines.extraction.extract import extract

CORPUS = Path(__file__).resolve().parent / "corpus"
ZYTE = CORPUS / "zyte"
VI = CORPUS / "vi"
SEED = CORPUS / "seed"
SEED_URL = "https://vccidata.com.vn/tai-sao-phai-nang-cao-nang-luc-lanh-dao-cua-dang/"
VIETNAM = timezone(timedelta(hours=7))

# Pinned floors (never lowered silently; see the module docstring).
# Zyte, mean per-document F1. trafilatura 2.3.1 scores 0.943 (default) and 0.952 (favor_precision);
# the issue asks >= 0.945; baotinh-extract/2 measured 0.968, and the floor sits just under that.
ZYTE_F1_FLOOR = 0.960
# VnExpress page with Fundus' full truth. trafilatura 2.3.1: 0.925 (it drops the sapo).
VNEXPRESS_F1_FLOOR = 0.97
VNEXPRESS_TRUTH = "vnexpress.net__fundus__VnExpress_2025_10_22"

TOKEN = re.compile(r"\w+")


# -- the Zyte benchmark's metric -----------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def precision_recall(truth: str, predicted: str) -> tuple[float, float]:
    """Per-document precision and recall over shingle counts, as the benchmark's evaluate.py counts them."""
    expected, got = shingles(truth), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# -- the pages, extracted once ---------------------------------------------------------------------


def _read(path: Path) -> str:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.decode("utf-8", errors="replace")


def _vi_sources() -> dict[str, dict[str, str]]:
    with (VI / "SOURCES.tsv").open(encoding="utf-8") as rows:
        return {row["filename"].removesuffix(".html"): row for row in csv.DictReader(rows, delimiter="\t")}


ZYTE_TRUTH: dict[str, dict[str, str]] = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
VI_SOURCES = _vi_sources()
VI_TRUTH: dict[str, dict] = json.loads((VI / "partial_truth.json").read_text(encoding="utf-8"))
LISTINGS = sorted(name for name in VI_SOURCES if "LISTING" in name)
ARTICLES = sorted(name.removesuffix(".html") for name in VI_TRUTH if not name.startswith("_"))


@pytest.fixture(scope="module")
def extracted() -> dict[str, Article | None]:
    pages: dict[str, tuple[Path, str]] = {
        f"zyte/{key}": (ZYTE / "html" / f"{key}.html.gz", row["url"]) for key, row in ZYTE_TRUTH.items()
    }
    for name, row in VI_SOURCES.items():
        pages[f"vi/{name}"] = (VI / f"{name}.html.gz", row["url"].split()[0])
    pages["seed"] = (SEED / "vccidata_repost.html", SEED_URL)
    keys = list(pages)
    # spawn, not fork: workers start clean (no state inherited from the test process).
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        results = pool.map(
            extract, [_read(pages[k][0]) for k in keys], [pages[k][1] for k in keys], chunksize=8
        )
        return dict(zip(keys, results, strict=True))


# -- Zyte ------------------------------------------------------------------------------------------


def test_zyte_every_page_is_an_article(extracted: dict[str, Article | None]) -> None:
    missed = [key for key in ZYTE_TRUTH if extracted[f"zyte/{key}"] is None]
    assert not missed, f"{len(missed)} benchmark articles judged not an article: {missed}"


def test_zyte_f1_floor(extracted: dict[str, Article | None]) -> None:
    scores = []
    for key, row in ZYTE_TRUTH.items():
        article = extracted[f"zyte/{key}"]
        scores.append(precision_recall(row["articleBody"], article.text if article else ""))
    mean_f1 = statistics.mean(f1(p, r) for p, r in scores)
    precision = statistics.mean(p for p, _ in scores)
    recall = statistics.mean(r for _, r in scores)
    summary = (
        f"Zyte: mean F1 {mean_f1:.4f} (P {precision:.4f}, R {recall:.4f}, "
        f"F1 of the means {f1(precision, recall):.4f})"
    )
    print(summary)
    assert mean_f1 >= ZYTE_F1_FLOOR, summary


# -- Vietnamese pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTINGS)
def test_vi_listing_is_not_an_article(extracted: dict[str, Article | None], name: str) -> None:
    article = extracted[f"vi/{name}"]
    assert article is None, f"{name} is a listing page, got an article titled {article.title!r}"


@pytest.mark.parametrize("name", ARTICLES)
def test_vi_article_matches_partial_truth(extracted: dict[str, Article | None], name: str) -> None:
    truth = VI_TRUTH[f"{name}.html"]
    article = extracted[f"vi/{name}"]
    assert article is not None, f"{name} is an article, got None"
    for snippet in truth.get("body_contains", []):
        assert snippet in article.text
    for snippet in truth.get("body_contains_casefold", []):
        assert snippet.casefold() in article.text.casefold()
    if "title" in truth:
        assert article.title == truth["title"]
    if "title_startswith" in truth:
        assert article.title and article.title.startswith(truth["title_startswith"])
    assert article.published_at is not None
    if "published_date" in truth:
        assert article.published_at.astimezone(VIETNAM).date().isoformat() == truth["published_date"]
    else:
        assert _to_minute(article.published_at) == _to_minute(_truth_time(truth["published_at"]))


def _truth_time(value: str) -> datetime:
    """The formats partial_truth.json uses; a time without an offset is Vietnam time."""
    if re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", value):
        parsed = datetime.strptime(value, "%d/%m/%Y %H:%M")
    else:
        parsed = datetime.fromisoformat(value.replace(" +", "+"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)


def _to_minute(value: datetime) -> datetime:
    return value.astimezone(VIETNAM).replace(second=0, microsecond=0)


def test_vnexpress_full_truth(extracted: dict[str, Article | None]) -> None:
    truth = json.loads((VI / f"{VNEXPRESS_TRUTH}.truth.json").read_text(encoding="utf-8"))["V1"]
    body = truth["body"]
    expected = "\n\n".join(
        body["summary"] + [p for s in body["sections"] for p in s["headline"] + s["paragraphs"]]
    )
    article = extracted[f"vi/{VNEXPRESS_TRUTH}"]
    assert article is not None
    precision, recall = precision_recall(expected, article.text)
    print(f"VnExpress: F1 {f1(precision, recall):.4f} (P {precision:.4f}, R {recall:.4f})")
    assert f1(precision, recall) >= VNEXPRESS_F1_FLOOR
    assert article.title == truth["title"]
    assert article.author == "; ".join(truth["authors"])
    assert article.published_at == datetime.fromisoformat(truth["publishing_date"])
    assert article.lead == body["summary"][0]
    (image,) = article.images
    assert (image.caption, image.credit) == (truth["images"][0]["caption"], truth["images"][0]["authors"][0])


# -- the seed repost -------------------------------------------------------------------------------


def _seed_blocks() -> list[str]:
    return (SEED / "000_248af50c5ac81042.txt").read_text(encoding="utf-8").split("\n\n")


def _squash(text: str) -> str:
    """Whitespace out: the repost glued some paragraphs ("mới.Phương thức"), the page splits them again."""
    return re.sub(r"\s+", "", text)


def test_seed_repost_keeps_every_ptdt_paragraph(extracted: dict[str, Article | None]) -> None:
    article = extracted["seed"]
    assert article is not None
    ptdt = [b for b in _seed_blocks() if b.startswith("PTĐT") or b.startswith("Sức chiến đấu")]
    assert len(ptdt) == 2
    for paragraph in ptdt:
        assert _squash(paragraph) in _squash(article.text)
    assert article.text.startswith("PTĐT –")
    assert article.text.endswith("thực hiện thắng lợi nhiệm vụ của Đảng bộ trong thời gian tới.")


def test_seed_repost_drops_every_wrapper_line(extracted: dict[str, Article | None]) -> None:
    article = extracted["seed"]
    assert article is not None
    blocks = _seed_blocks()
    caption = blocks[11]
    wrappers = [b for b in blocks if b not in (caption,) and not b.startswith(("PTĐT", "Sức chiến đấu"))]
    assert "Bạn đang xem: Tại sao phải nâng cao năng lực lãnh đạo của đảng" in wrappers
    lines = {line.strip() for line in article.text.split("\n")}
    for wrapper in wrappers:
        assert wrapper.strip() not in lines, f"wrapper line kept: {wrapper!r}"
        if len(wrapper) > 20:
            assert _squash(wrapper) not in _squash(article.text), f"wrapper text kept: {wrapper!r}"
    assert "VCCIDATA" not in article.text


def test_seed_repost_caption_and_credits(extracted: dict[str, Article | None]) -> None:
    article = extracted["seed"]
    assert article is not None
    captioned = [image for image in article.images if image.caption]
    assert [(i.caption, i.credit) for i in captioned] == [
        (
            "Một buổi sinh hoạt định kỳ của đảng viên chi bộ khu Sơn Nga, xã Nga Hoàng, huyện Yên Lập.",
            "Đinh Vũ",
        )
    ]
    assert "Ảnh Đinh Vũ" not in article.text
    assert article.source_credit == "PTĐT"
    assert article.author is None  # the farm's "admin" is nobody's name
    assert article.title == "Tại Sao Phải Nâng Cao Năng Lực Lãnh Đạo Của Đảng"
