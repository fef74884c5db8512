"""Extract the gate's pages with baotinh or bare trafilatura, in a process pool; print the tables.

    python -m tests.gate.run                    # both extractors, every corpus, both parts
    python -m tests.gate.run --failed           # also the tune pages that failed each field
    python -m tests.gate.run --write-baseline   # pin today's scores as the floors (review the diff!)

Held-out pages are counted, never listed: their failures are not for reading while tuning.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import trafilatura

from pipelines.extraction.article import Article
from pipelines.extraction.extract import extract
from pipelines.extraction.published import parse_datetime
from tests.gate.corpus import VNEXPRESS_FULL, Page, all_pages
from tests.gate.score import FIELDS, Overlap, Result, Tally, f1, overlap, precision_recall, score_fields

# trafilatura's best chance at a time of day: htmldate asked for one.
TRAFILATURA_DATES = {"original_date": True, "extensive_search": True, "outputformat": "%Y-%m-%dT%H:%M"}
EXTRACTORS = ("baotinh", "trafilatura")


def as_result(article: Article | None) -> Result | None:
    if article is None:
        return None
    return Result(article.title, article.author, article.published_at, article.text)


def bare_trafilatura(html: str, url: str) -> Result | None:
    """`trafilatura.extract(html, url=url)` with its defaults, metadata read in the same call."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, date_extraction_params=dict(TRAFILATURA_DATES)
    )
    if document is None or not document.text:
        return None
    text = document.text + (f"\n{document.comments}" if document.comments else "")
    published = parse_datetime(document.date) if document.date else None
    return Result(document.title, document.author, published, text)


def _one(name: str, html: str, url: str) -> Article | Result | None:
    return extract(html, url) if name == "baotinh" else bare_trafilatura(html, url)


def run(name: str, pages: list[Page], workers: int = 2) -> dict[str, Article | Result | None]:
    """Every page through one extractor (baotinh gives Articles); spawned workers start clean."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        results = pool.map(_one, [name] * len(pages), [p.html() for p in pages], [p.url for p in pages], chunksize=8)
        return dict(zip([p.key for p in pages], results, strict=True))


def as_results(extracted: dict[str, Article | Result | None]) -> dict[str, Result | None]:
    return {k: as_result(v) if isinstance(v, Article) else v for k, v in extracted.items()}


def groups(pages: list[Page]) -> dict[str, list[Page]]:
    """The rows of the tables: each Vietnamese corpus whole, and every corpus by part."""
    out: dict[str, list[Page]] = {}
    for corpus in ("vi-truth", "vi"):
        out[corpus] = [p for p in pages if p.corpus == corpus]
    for corpus in ("vi-truth", "vi", "zyte"):
        for part in ("tune", "held-out"):
            out[f"{corpus} {part}"] = [p for p in pages if p.corpus == corpus and p.part == part]
    return out


def tables(pages: list[Page], results: dict[str, dict[str, Result | None]]) -> tuple[dict, dict]:
    """(field tallies, Zyte overlaps) per extractor and group."""
    tallies: dict[str, dict[str, Tally]] = {}
    overlaps: dict[str, dict[str, Overlap]] = {}
    for name, by_key in results.items():
        by_group = groups(pages)
        tallies[name] = {g: score_fields(ps, by_key) for g, ps in by_group.items() if not g.startswith("zyte")}
        overlaps[name] = {g: overlap(ps, by_key) for g, ps in by_group.items() if g.startswith("zyte")}
    return tallies, overlaps


def field_table(tallies: dict[str, dict[str, Tally]]) -> str:
    """One row per extractor and group, one column per field: right/asked."""
    lines = [f"{'extractor':<12} {'pages':<18}" + "".join(f"{f:>10}" for f in FIELDS)]
    for extractor, by_group in tallies.items():
        for group, tally in by_group.items():
            lines.append(f"{extractor:<12} {group:<18}" + "".join(f"{tally.cell(f):>10}" for f in FIELDS))
    return "\n".join(lines)


def overlap_table(overlaps: dict[str, dict[str, Overlap]]) -> str:
    lines = [f"{'extractor':<12} {'pages':<18}{'n':>5}{'P':>8}{'R':>8}{'F1':>8}{'empty':>7}"]
    for extractor, by_group in overlaps.items():
        for group, o in by_group.items():
            lines.append(
                f"{extractor:<12} {group:<18}{o.pages:>5}{o.precision:>8.4f}{o.recall:>8.4f}{o.f1:>8.4f}{o.empty:>7}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failed", action="store_true", help="list the tune pages that failed each field")
    parser.add_argument("--only", choices=EXTRACTORS, help="one extractor")
    parser.add_argument("--write-baseline", action="store_true", help="pin today's baotinh scores as floors")
    args = parser.parse_args()
    pages = all_pages()
    names = [args.only] if args.only else list(EXTRACTORS)
    results = {name: as_results(run(name, pages)) for name in names}
    tallies, overlaps = tables(pages, results)
    if args.failed:
        for name in names:
            for group, tally in tallies[name].items():
                if group.endswith(" tune"):
                    for f, keys in tally.failed.items():
                        print(f"{name} {group} {f}: {', '.join(keys)}")
            tune = [p for p in pages if p.corpus == "zyte" and p.part == "tune"]
            for p in sorted(tune, key=lambda p: overlap([p], results[name]).f1)[:10]:
                o = overlap([p], results[name])
                print(f"{name} zyte tune worst: {p.key} P {o.precision:.3f} R {o.recall:.3f}")
    print(field_table(tallies))
    print()
    print(overlap_table(overlaps))
    if args.write_baseline:
        from tests.gate import baseline  # only here: the tables also run against older extractors

        if "baotinh" not in tallies:
            parser.error("--write-baseline needs baotinh's scores (drop --only trafilatura)")
        page = next(p for p in pages if p.key == f"vi/{VNEXPRESS_FULL}")
        result = results["baotinh"][page.key]
        vnexpress = f1(*precision_recall(page.truth["reference"], result.text if result else ""))
        path = baseline.write(baseline.measured(tallies["baotinh"], overlaps["baotinh"], vnexpress))
        print(f"floors written to {path.name}: review the diff before committing")


if __name__ == "__main__":
    main()
