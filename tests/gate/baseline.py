"""The gate's floors and the digest of its corpus, kept as data (baseline.json), as trafilatura's
`tests/eval_gate.py` keeps `eval_baseline.json`: a lowered floor or a changed corpus is a visible
diff, never a side effect. `python -m tests.gate.run --write-baseline` writes today's scores."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pipelines.extraction.extract import EXTRACTOR_VERSION
from tests.gate.corpus import corpus_digest
from tests.gate.score import FIELDS, Overlap, Tally

PATH = Path(__file__).resolve().parent / "baseline.json"


def load() -> dict[str, Any]:
    return json.loads(PATH.read_text(encoding="utf-8"))


def measured(tallies: dict[str, Tally], overlaps: dict[str, Overlap], vnexpress_f1: float) -> dict[str, Any]:
    """Today's scores in the baseline's shape: "right/asked" per field and group, F1 and recall per Zyte
    part, F1 on the VnExpress page with full truth."""
    fields = {group: {f: tally.cell(f) for f in FIELDS if tally.asked[f]} for group, tally in tallies.items()}
    zyte = {group: {"f1": _down(o.f1), "recall": _down(o.recall), "pages": o.pages} for group, o in overlaps.items()}
    return {
        "extractor": EXTRACTOR_VERSION,
        "corpus_digest": corpus_digest(),
        "fields": fields,
        "zyte": zyte,
        "vnexpress_f1": _down(vnexpress_f1),
    }


def write(data: dict[str, Any]) -> Path:
    PATH.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return PATH


def _down(value: float) -> float:
    """Rounded down to 3 decimals: a floor today's score passes."""
    return math.floor(value * 1000) / 1000


def floor(cell: str) -> tuple[int, int]:
    """ "17/20" -> (17, 20)."""
    right, asked = cell.split("/")
    return int(right), int(asked)
