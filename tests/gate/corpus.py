"""The gate's pages and their truth, read once: one `Page` per file, whatever corpus it comes from.

Corpora (under tests/corpus/):
- `zyte/`: Zyte's article-extraction benchmark, every page an article with its reference text;
- `vi/`: Vietnamese news pages with what other projects' tests assert (title, date, one sentence), plus
  listings, and one VnExpress page with Fundus' full truth;
- `vi-truth/`: Vietnamese pages with hand-written truth for every field (see its README);
- `seed/`: a content farm's repost of a Báo Phú Thọ article (checked by its own tests).

Every page is in a fixed part, "tune" or "held-out", chosen by a hash of its corpus and file name: rules
are tuned by looking at tune pages only; held-out pages are only measured.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_URL = "https://vccidata.com.vn/tai-sao-phai-nang-cao-nang-luc-lanh-dao-cua-dang/"
VNEXPRESS_FULL = "vnexpress.net__fundus__VnExpress_2025_10_22"


@dataclass(frozen=True)
class Page:
    """One page of a corpus. `truth` uses vi-truth's keys (kind, title, published, author, body_contains,
    body_excludes, figures); `reference` is a full reference text (Zyte) when the corpus has one."""

    key: str
    corpus: str
    path: Path
    url: str
    truth: dict[str, Any] = field(default_factory=dict)
    reference: str | None = None

    @property
    def part(self) -> str:
        return part_of(self.key)

    def html(self) -> str:
        raw = self.path.read_bytes()
        if self.path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8", errors="replace")


def part_of(key: str) -> str:
    """ "tune" or "held-out", fixed by the key's hash: half and half, whatever order files are added in."""
    return "held-out" if hashlib.sha256(key.encode()).digest()[0] >= 128 else "tune"


def zyte_pages() -> list[Page]:
    truth = json.loads((CORPUS / "zyte" / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(f"zyte/{key}", "zyte", CORPUS / "zyte" / "html" / f"{key}.html.gz", row["url"],
             {"kind": "article"}, row["articleBody"])
        for key, row in sorted(truth.items())
    ]  # fmt: skip


def vi_pages() -> list[Page]:
    """The `vi/` pages, their partial truth read into vi-truth's shape."""
    folder = CORPUS / "vi"
    with (folder / "SOURCES.tsv").open(encoding="utf-8") as rows:
        sources = {row["filename"]: row for row in csv.DictReader(rows, delimiter="\t")}
    partial = json.loads((folder / "partial_truth.json").read_text(encoding="utf-8"))
    pages = []
    for filename, row in sorted(sources.items()):
        name = filename.removesuffix(".html")
        truth: dict[str, Any] = {"kind": "listing" if "LISTING" in name else "article"}
        known = partial.get(filename, {})
        for ours, theirs in (("title", "title"), ("title_startswith", "title_startswith")):
            if theirs in known:
                truth[ours] = known[theirs]
        if "published_at" in known:
            truth["published"] = known["published_at"]
        elif "published_date" in known:
            truth["published"] = known["published_date"]
        contains = known.get("body_contains", []) + known.get("body_contains_casefold", [])
        if contains:
            truth["body_contains"] = contains
        if known.get("body_contains_casefold"):
            truth["casefold"] = True
        if name == VNEXPRESS_FULL:
            truth.update(_fundus_truth(folder / f"{name}.truth.json"))
        url = row["url"].split()[0]
        pages.append(Page(f"vi/{name}", "vi", folder / f"{filename}.gz", url, truth))
    return pages


def _fundus_truth(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))["V1"]
    body = data["body"]
    text = body["summary"] + [p for s in body["sections"] for p in s["headline"] + s["paragraphs"]]
    return {
        "title": data["title"],
        "author": "; ".join(data["authors"]),
        "published": data["publishing_date"],
        "reference": "\n\n".join(text),
        "lead": body["summary"][0],
        "images": [(i["caption"], i["authors"][0]) for i in data["images"]],
    }


def vi_truth_pages() -> list[Page]:
    folder = CORPUS / "vi-truth"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [
        Page(f"vi-truth/{filename.removesuffix('.html')}", "vi-truth", folder / f"{filename}.gz", row["url"], row)
        for filename, row in sorted(truth.items())
    ]  # fmt: skip


def seed_page() -> Page:
    return Page("seed", "seed", CORPUS / "seed" / "vccidata_repost.html", SEED_URL, {"kind": "article"})


def all_pages() -> list[Page]:
    return zyte_pages() + vi_pages() + vi_truth_pages() + [seed_page()]


def corpus_digest() -> str:
    """sha256 over every file the gate reads (names and bytes): a changed corpus is a visible diff."""
    digest = hashlib.sha256()
    for folder in ("zyte", "vi", "vi-truth", "seed"):
        for path in sorted((CORPUS / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(CORPUS)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
