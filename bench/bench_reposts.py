"""Repost clusters: why MinHash, and how fast and how right the clusters are on 100,000 synthetic articles.

1. The choice (4,000 articles, bench/repost_corpus.py): per kind of pair, how alike the fingerprints say
   the two texts are, for the exact Jaccard similarity of 8-word shingles, the MinHash baotinh stores and a
   64-bit SimHash of the same shingles; then what each method gets right at its best cut.
2. The scale (REPOST_BENCH_ARTICLES, default 100,000): every article fingerprinted by the function derive()
   calls, stored in a real DuckDB file through Store.write (texts left out: clustering never reads them), then
   clustered by the same refresh() a crawl runs at its end; precision and recall against the corpus's truth,
   each beside its target; then 1,000 more articles arrive (an incremental refresh) and a refresh with
   nothing new.

Precision: of the pairs of articles put in one cluster, the share that are the same article (a copy and its
original, or two copies of one). Recall: of the copies that kept at least 70 % of their original's text, the
share clustered with it. Prints; never passes or fails on timing.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np

from bench.repost_corpus import Corpus, SyntheticArticle
from pipelines.database.repost_index import refresh
from pipelines.database.store import Store
from pipelines.reposts.fingerprint import COPY_SIMILARITY, SHINGLE_WORDS, fingerprint, similarity
from pipelines.reposts.shingles import shingle_hashes

ARTICLES = int(os.environ.get("REPOST_BENCH_ARTICLES", "100000"))
MORE = 1000
TARGETS = {"recall": 0.95, "precision": 0.99, "ms": 2.0}
BITS = np.uint64(1) << np.arange(64, dtype=np.uint64)


def simhash(shingles: np.ndarray) -> int:
    """64-bit SimHash of a shingle set (each shingle spread to 64 bits by the MurmurHash3 finaliser)."""
    h = shingles.astype(np.uint64)
    for shift, mul in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        h ^= h >> np.uint64(shift)
        h *= np.uint64(mul)
    votes = ((h[:, None] & BITS) != 0).sum(axis=0) * 2 - len(h)
    return int(sum(1 << i for i in range(64) if votes[i] > 0))


def pair_groups(articles: list[SyntheticArticle]) -> dict[str, list[tuple[SyntheticArticle, SyntheticArticle]]]:
    by_id = {a.article_id: a for a in articles}
    groups: dict[str, list[tuple[SyntheticArticle, SyntheticArticle]]] = defaultdict(list)
    for a in articles:
        if a.kind == "copy":
            groups["copy, kept >= 70%" if a.kept >= 0.7 else "copy, kept < 70%"].append((by_id[a.source], a))
    per_site: dict[tuple[str, str], list[SyntheticArticle]] = defaultdict(list)
    for a in articles:
        per_site[a.kind, a.site].append(a)
    for (kind, _), same in sorted(per_site.items()):
        name = {"standard": "same standard paragraph", "original": "same site template"}.get(kind)
        if name:
            groups[name] += list(itertools.combinations(same[:8], 2))
    # one template for every paper's bulletins (the site's name differs): pairs across sites too
    groups["weather bulletins"] = list(itertools.combinations([a for a in articles if a.kind == "bulletin"][:60], 2))
    return groups


def choice() -> None:
    articles = Corpus(seed=3).articles(4000)
    shingles = {a.article_id: shingle_hashes(a.text, SHINGLE_WORDS) for a in articles}
    started = time.perf_counter()
    minhashes = {a.article_id: fingerprint(a.text) for a in articles}
    minhash_ms = (time.perf_counter() - started) * 1000 / len(articles)
    started = time.perf_counter()
    simhashes = {a.article_id: simhash(shingles[a.article_id]) for a in articles}
    simhash_ms = (time.perf_counter() - started) * 1000 / len(articles)
    groups = pair_groups(articles)
    print(f"   choice: {len(articles):,} articles, {SHINGLE_WORDS}-word shingles; per kind of pair: "
          "5th percentile / median / largest")
    print(f"   {'pairs':26s} {'n':>5s}  {'Jaccard (exact)':>17s}  {'MinHash 128':>17s}  {'SimHash bits differ':>20s}")
    scores: dict[str, dict[str, list[float]]] = {}
    for name, pairs in groups.items():
        exact = [len(np.intersect1d(shingles[x.article_id], shingles[y.article_id]))
                 / len(np.union1d(shingles[x.article_id], shingles[y.article_id])) for x, y in pairs]
        mh = [similarity(minhashes[x.article_id], minhashes[y.article_id]) for x, y in pairs]
        sh = [float(bin(simhashes[x.article_id] ^ simhashes[y.article_id]).count("1")) for x, y in pairs]
        scores[name] = {"minhash": mh, "simhash": sh}
        cells = [f"{np.percentile(v, 5):.2f} / {np.median(v):.2f} / {max(v):.2f}" for v in (exact, mh)]
        bits = f"{np.percentile(sh, 95):.0f} / {np.median(sh):.0f} / {min(sh):.0f}"
        print(f"   {name:26s} {len(pairs):5d}  {cells[0]:>17s}  {cells[1]:>17s}  {bits:>20s}")
    print("   (SimHash: 95th percentile / median / fewest bits apart; fewer bits = more alike)")
    copies = scores["copy, kept >= 70%"]
    negatives = [n for n in scores if not n.startswith("copy")]
    recall = np.mean([s >= COPY_SIMILARITY for s in copies["minhash"]])
    wrong = sum(sum(s >= COPY_SIMILARITY for s in scores[n]["minhash"]) for n in negatives)
    total = sum(len(scores[n]["minhash"]) for n in negatives)
    print(f"   MinHash at >= {COPY_SIMILARITY}: {recall:.3f} of the copies (kept >= 70%) matched, {wrong} of "
          f"{total:,} different-article pairs matched; {minhash_ms:.2f} ms per article from the text")
    best = max(range(65), key=lambda k: np.mean([s <= k for s in copies["simhash"]])
               - sum(sum(s <= k for s in scores[n]["simhash"]) for n in negatives) / total)
    recall = np.mean([s <= best for s in copies["simhash"]])
    wrong = sum(sum(s <= best for s in scores[n]["simhash"]) for n in negatives)
    print(f"   SimHash at its best cut (<= {best} bits): {recall:.3f} of the copies matched, {wrong} of {total:,} "
          f"different-article pairs matched; {simhash_ms:.2f} ms per article from the shingles")
    blocks = best + 1  # pigeonhole: two hashes <= best bits apart agree on one of best + 1 blocks
    print(f"   (an index for SimHash pairs <= {best} bits apart needs {blocks} tables keyed by "
          f"{64 // blocks} bits: each article meets 1/{2 ** (64 // blocks)} of all others per table)")
    sizes = []
    for size in (4, 5, 6, 8):
        sets = {a.article_id: shingle_hashes(a.text, size) for a in articles}
        jaccard = {name: [len(np.intersect1d(sets[x.article_id], sets[y.article_id]))
                          / len(np.union1d(sets[x.article_id], sets[y.article_id])) for x, y in pairs]
                   for name, pairs in groups.items()}
        sizes.append(f"{size} words {np.percentile(jaccard['copy, kept >= 70%'], 5):.2f} / "
                     f"{max(max(jaccard[n]) for n in negatives):.2f}")
    print("   shingle size, exact Jaccard: copies (kept >= 70%) 5th percentile / different articles' largest: "
          + "; ".join(sizes))


def truth_scores(con: duckdb.DuckDBPyConnection, articles: list[SyntheticArticle]) -> dict[str, float]:
    cluster_of = dict(con.execute("SELECT article_id, cluster_id FROM reposts").fetchall())
    source = {a.article_id: a.source for a in articles}
    members: dict[str, list[str]] = defaultdict(list)
    for article_id, cluster in cluster_of.items():
        members[cluster].append(article_id)
    pairs = right = 0
    for ids in members.values():
        pairs += len(ids) * (len(ids) - 1) // 2
        right += sum(n * (n - 1) // 2 for n in Counter(source[i] for i in ids).values())
    copies = [a for a in articles if a.kind == "copy"]
    found = [a for a in copies if a.article_id in cluster_of and cluster_of[a.article_id] == cluster_of.get(a.source)]
    kept = [a for a in copies if a.kept >= 0.7]
    originals = dict(con.execute("SELECT cluster_id, original_article_id FROM repost_clusters").fetchall())
    # clusters of one article's copies that hold the article itself
    pure = [c for c, ids in members.items() if len({source[i] for i in ids}) == 1 and source[ids[0]] in ids]
    return {
        "precision": right / pairs if pairs else 1.0,
        "recall": sum(a.kept >= 0.7 for a in found) / len(kept),
        "recall_low": sum(a.kept < 0.7 for a in found) / max(1, len(copies) - len(kept)),
        "copies": len(copies), "kept": len(kept), "clusters": len(members),
        "original_right": sum(originals[c] == source[members[c][0]] for c in pure) / max(1, len(pure)),
    }


def rows(articles: list[SyntheticArticle], fingerprints: list[list[int]], site_of: dict[str, str]) -> list[dict]:
    """`articles` rows; papers sign their articles with their domain, one copy in three names its source."""
    def credit(a: SyntheticArticle) -> str | None:
        if a.kind != "copy":
            return f"{a.site}.example"
        return f"Nguồn: {site_of[a.source]}.example" if int(a.article_id[10:18], 16) % 3 == 0 else None

    return [{"article_id": a.article_id, "url": f"https://{a.site}.example/{a.article_id[10:22]}.html",
             "site": a.site, "published_at": a.published_at, "fetched_at": a.published_at + timedelta(hours=1),
             "capture_id": a.article_id, "source_credit": credit(a), "fingerprint": fp}
            for a, fp in zip(articles, fingerprints, strict=True)]


def scale() -> None:
    corpus = Corpus(seed=14)
    articles = corpus.articles(ARTICLES)
    more = corpus.articles(MORE)
    kinds = Counter(a.kind for a in articles)
    print(f"   scale: {len(articles):,} articles ({', '.join(f'{k} {n:,}' for k, n in kinds.most_common())}), "
          f"{len(corpus.papers)} papers, {len(corpus.farms)} content farms")
    started, cpu = time.perf_counter(), time.process_time()
    fingerprints = [fingerprint(a.text) for a in articles]
    fingerprint_s, fingerprint_cpu = time.perf_counter() - started, time.process_time() - cpu
    with tempfile.TemporaryDirectory(prefix="bench-reposts-") as tmp:
        store = Store(Path(tmp) / "baotinh.duckdb")
        sites = [{"site": s, "name": f"Báo {s}", "kind": "paper", "domains": [f"{s}.example"]} for s in corpus.papers]
        sites += [{"site": s, "name": s.upper(), "kind": "content-farm", "domains": [f"{s}.example"]}
                  for s in corpus.farms]
        store.write({"sites": sites})
        site_of = {a.article_id: a.site for a in [*articles, *more]}
        all_rows = rows(articles, fingerprints, site_of)
        for start in range(0, len(all_rows), 10_000):
            store.write({"articles": all_rows[start:start + 10_000]})
        with store.connect() as con:
            started, cpu = time.perf_counter(), time.process_time()
            built = refresh(con)
            cluster_s, cluster_cpu = time.perf_counter() - started, time.process_time() - cpu
            scores = truth_scores(con, articles)
            extra = [fingerprint(a.text) for a in more]
        store.write({"articles": rows(more, extra, site_of)})
        with store.connect() as con:
            started = time.perf_counter()
            grown = refresh(con)
            grow_s = time.perf_counter() - started
            before = con.execute("SELECT * FROM reposts ORDER BY article_id").fetchall()
            started = time.perf_counter()
            again = refresh(con)
            again_s = time.perf_counter() - started
            same = con.execute("SELECT * FROM reposts ORDER BY article_id").fetchall() == before
    per = 1000 / len(articles)
    total_ms = (fingerprint_s + cluster_s) * per
    print(f"   {built}")
    print(f"   fingerprint: {fingerprint_s * per:.3f} ms per article, CPU {fingerprint_cpu * per:.3f} ms "
          "(derive(), on the crawl's worker processes)")
    print(f"   cluster:     {cluster_s * per:.3f} ms per article, CPU {cluster_cpu * per:.3f} ms "
          f"({cluster_s:.1f} s for {len(articles):,}: LSH join, verification, components, rows; CPU counts "
          "DuckDB's threads)")
    print(f"   total:       {total_ms:.3f} ms per article    target < {TARGETS['ms']} ms   "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"   precision:   {scores['precision']:.4f}               target >= {TARGETS['precision']}")
    print(f"   recall:      {scores['recall']:.4f} of {scores['kept']:,} copies that kept >= 70% of the text"
          f"    target >= {TARGETS['recall']}")
    print(f"   (recall {scores['recall_low']:.3f} of the {scores['copies'] - scores['kept']:,} copies that kept less; "
          f"{scores['clusters']:,} clusters; original right in {scores['original_right']:.3f} of the pure ones)")
    print(f"   +{MORE:,} articles: refresh {grow_s:.2f} s ({grown.candidates:,} pairs compared, "
          f"{grown.rewritten:,} clusters made again); nothing new: {again_s:.2f} s, {again.action}, "
          f"rows {'unchanged' if same else 'CHANGED'}")


def main() -> None:
    choice()
    scale()


if __name__ == "__main__":
    main()
