"""The repost clusters in DuckDB, kept up to date after each crawl and index run from the articles' fingerprints.

State, all derived from `articles` (so from the WARC files) and remade from nothing by `--rebuild`:
- `repost_nodes`: the LSH index, one row per article of `latest_articles` with a fingerprint: its band keys
  (pipelines.reposts.lsh) and the component it is in;
- `repost_edges`: every pair of articles of two sites that share a band key and whose fingerprints are
  COPY_SIMILARITY alike (pipelines.reposts.fingerprint);
- `repost_clusters` and `reposts`: the connected components of those edges, with their originals
  (pipelines.reposts.clusters).

`refresh()` applies the difference since the last one: articles gone (or fingerprinted anew) lose their keys
and edges; new ones get keys, are joined on them with every indexed article and the candidates verified; only
the components around what changed are recomputed. Each step is a function of the set of articles alone, so
refreshing after every batch, after every run or once after `index --rebuild` gives the same rows, and a
refresh with nothing new changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.database.memory import bounded_memory
from pipelines.database.schema import rollback
from pipelines.database.store import CatalogUnreachable, Store, StoreBusy, StoreDamaged
from pipelines.reposts.clusters import Member, cluster_rows, components
from pipelines.reposts.fingerprint import COPY_SIMILARITY, NUM_PERM, similarities
from pipelines.reposts.lsh import band_keys

logger = logging.getLogger(__name__)

TABLES = ("repost_nodes", "repost_edges", "repost_clusters", "reposts")
VERIFY_ROWS = 50_000  # candidate pairs verified at a time (each holds two fingerprints: ~1 KB)

WANTED = f"""
CREATE OR REPLACE TEMP TABLE _rp_wanted AS
WITH firsts AS (SELECT url, min(fetched_at) AS first_captured FROM articles GROUP BY url)
SELECT l.article_id, l.site, hash(a.fingerprint) AS fp_hash,
       hash(l.published_at, f.first_captured, l.source_credit, l.url, s.name, s.domains, s.kind) AS meta_hash
FROM latest_articles l
JOIN articles a USING (article_id)
JOIN firsts f ON f.url = l.url
LEFT JOIN sites s ON s.site = l.site
WHERE len(a.fingerprint) = {NUM_PERM}
"""
MEMBERS = """
WITH firsts AS (SELECT url, min(fetched_at) AS first_captured FROM articles GROUP BY url)
SELECT a.article_id, a.site, a.url, a.published_at, f.first_captured, a.source_credit, a.fingerprint,
       s.name, s.domains, s.kind, m.component
FROM _rp_components m
JOIN articles a USING (article_id)
JOIN firsts f ON f.url = a.url
LEFT JOIN sites s ON s.site = a.site
ORDER BY m.component, a.article_id
"""


@dataclass
class RepostRefresh:
    """What refresh() did: 'built', 'updated' or 'unchanged'."""

    action: str
    articles: int = 0  # articles indexed
    added: int = 0
    removed: int = 0
    candidates: int = 0  # pairs compared
    edges: int = 0  # pairs judged copies, added
    clusters: int = 0  # clusters in all
    rewritten: int = 0  # clusters made again
    unfingerprinted: int = 0

    def __str__(self) -> str:
        text = (f"repost clusters up to date ({self.clusters:,} clusters over {self.articles:,} articles)"
                if self.action == "unchanged" else
                f"repost clusters {self.action}: {self.clusters:,} clusters over {self.articles:,} articles "
                f"(+{self.added:,} −{self.removed:,} articles, {self.candidates:,} pairs compared, "
                f"{self.edges:,} copies found, {self.rewritten:,} clusters made again)")
        if self.unfingerprinted:
            text += (f"; {self.unfingerprinted:,} articles stored before fingerprints existed are left out "
                     "(`baotinh index --rebuild` fingerprints them)")
        return text


def refresh(con: duckdb.DuckDBPyConnection, *, rebuild: bool = False, verify_rows: int = VERIFY_ROWS
            ) -> RepostRefresh:
    """Bring the repost tables up to date with latest_articles, in one transaction; candidate pairs are
    verified `verify_rows` at a time."""
    with bounded_memory(con):
        return _refresh_in_transaction(con, rebuild, verify_rows)


def _refresh_in_transaction(con: duckdb.DuckDBPyConnection, rebuild: bool, verify_rows: int) -> RepostRefresh:
    con.begin()
    try:
        result = _refresh(con, rebuild, verify_rows)
        for temp in ("_rp_wanted", "_rp_removed", "_rp_added", "_rp_changed", "_rp_reach", "_rp_components"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")
        con.commit()
    except BaseException:
        rollback(con)
        raise
    return result


def refresh_reposts_database(db_path: Path, *, rebuild: bool = False) -> str:
    """refresh_reposts_store() of the DuckDB file at `db_path`."""
    return refresh_reposts_store(Store(db_path), rebuild=rebuild)


def refresh_reposts_store(store: Store, *, rebuild: bool = False) -> str:
    """After a crawl or index run: refresh the repost clusters. Returns one line to show.

    When another process holds the database, nothing waits: the clusters are brought up to date next time. A
    refresh that fails is rolled back and logged; it costs the run nothing (its rows are stored already), and
    the next run's refresh does the work again.
    """
    try:
        if not store.exists():
            return f"no database at {store.where} yet"

        def attempt() -> str:
            with store.connect() as con:
                return str(refresh(con, rebuild=rebuild))

        return store.retrying(attempt)
    except StoreBusy:
        return f"repost clusters not refreshed: {store.path.name} is open in another process"
    except (StoreDamaged, CatalogUnreachable) as e:
        return f"repost clusters not refreshed: {e}"
    except Exception as e:  # derived state: never worth the run's end (lock, run row), retried next time
        logger.error("refreshing the repost clusters of %s failed: %s: %s", store.where, type(e).__name__, e)
        return f"repost clusters not refreshed ({type(e).__name__}: {e}); the next crawl or index tries again"


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def _refresh(con: duckdb.DuckDBPyConnection, rebuild: bool, verify_rows: int) -> RepostRefresh:
    if rebuild:
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")
    con.execute(WANTED)
    # an article whose fingerprint or site changed is indexed anew (its pairs depend on both); one whose dates,
    # credit or site description changed only has its cluster made again
    same = "w.article_id = n.article_id AND w.fp_hash = n.fp_hash AND w.site IS NOT DISTINCT FROM n.site"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rp_removed AS SELECT n.article_id, n.component FROM repost_nodes n
                    ANTI JOIN _rp_wanted w ON {same}""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rp_added AS SELECT w.* FROM _rp_wanted w
                    ANTI JOIN repost_nodes n ON {same}""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rp_changed AS SELECT n.article_id, n.component, w.meta_hash
                    FROM repost_nodes n JOIN _rp_wanted w ON {same} WHERE n.meta_hash IS DISTINCT FROM w.meta_hash""")
    result = RepostRefresh("built" if rebuild or not _count(con, "SELECT count(*) FROM repost_nodes") else "updated")
    result.added, result.removed = (_count(con, "SELECT count(*) FROM _rp_added"),
                                    _count(con, "SELECT count(*) FROM _rp_removed"))
    result.unfingerprinted = _count(con, """
        SELECT count(*) FROM latest_articles l JOIN articles a USING (article_id) WHERE a.fingerprint IS NULL""")
    changed = _count(con, "SELECT count(*) FROM _rp_changed")
    if not result.added and not result.removed and not changed:
        result.action = "unchanged"
        _totals(con, result)
        return result
    # what must be looked at again: the clusters of articles gone or changed, their neighbours, the new articles
    con.execute("""CREATE OR REPLACE TEMP TABLE _rp_reach AS
        SELECT article_id FROM repost_nodes WHERE component IN
            (SELECT component FROM _rp_removed UNION SELECT component FROM _rp_changed)
        UNION SELECT article_id FROM _rp_changed
        UNION SELECT article_a FROM repost_edges WHERE article_b IN (SELECT article_id FROM _rp_removed)
        UNION SELECT article_b FROM repost_edges WHERE article_a IN (SELECT article_id FROM _rp_removed)
        UNION SELECT article_id FROM _rp_added""")
    gone = "(SELECT article_id FROM _rp_removed)"
    con.execute(f"DELETE FROM repost_edges WHERE article_a IN {gone} OR article_b IN {gone}")
    con.execute(f"DELETE FROM repost_nodes WHERE article_id IN {gone}")
    con.execute("UPDATE repost_nodes SET meta_hash = c.meta_hash FROM _rp_changed c "
                "WHERE repost_nodes.article_id = c.article_id")
    _index_added(con)
    result.candidates, result.edges = _link_added(con, verify_rows)
    result.rewritten = _recluster(con)
    _totals(con, result)
    return result


def _totals(con: duckdb.DuckDBPyConnection, result: RepostRefresh) -> None:
    result.articles = _count(con, "SELECT count(*) FROM repost_nodes")
    result.clusters = _count(con, "SELECT count(*) FROM repost_clusters")


def _fingerprints(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow column of fingerprints (lists of NUM_PERM values) as an (n, NUM_PERM) uint32 array."""
    values = pc.list_flatten(column).to_numpy(zero_copy_only=False)
    return values.astype(np.uint32).reshape(-1, NUM_PERM)


def _index_added(con: duckdb.DuckDBPyConnection) -> None:
    """Band keys of the new articles into repost_nodes."""
    added = con.execute("""SELECT w.article_id, w.site, w.fp_hash, w.meta_hash, a.fingerprint FROM _rp_added w
                           JOIN articles a USING (article_id) ORDER BY w.article_id""").fetch_arrow_table()
    if not added.num_rows:
        return
    keys = band_keys(_fingerprints(added["fingerprint"]))
    buckets = pa.FixedSizeListArray.from_arrays(pa.array(keys.ravel(), pa.uint64()), keys.shape[1])
    nodes = added.drop_columns(["fingerprint"]).append_column("buckets", buckets.cast(pa.list_(pa.uint64())))
    con.register("_rp_nodes", nodes)
    con.execute("INSERT INTO repost_nodes (article_id, site, fp_hash, meta_hash, buckets, component) "
                "SELECT article_id, site, fp_hash, meta_hash, buckets, NULL FROM _rp_nodes")
    con.unregister("_rp_nodes")


def _candidates(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
    """Pairs (new article, any article of another site) that share a band key: the two ends as row numbers of
    one fingerprint matrix (each fingerprint read once, however many pairs it is in), and the articles' ids."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _rp_pairs AS
        WITH new AS (SELECT article_id, site, unnest(buckets) AS bucket FROM repost_nodes
                     WHERE article_id IN (SELECT article_id FROM _rp_added)),
             indexed AS (SELECT article_id, site, unnest(buckets) AS bucket FROM repost_nodes)
        SELECT DISTINCT least(new.article_id, indexed.article_id) AS a,
                        greatest(new.article_id, indexed.article_id) AS b
        FROM new JOIN indexed USING (bucket)
        WHERE new.article_id <> indexed.article_id AND new.site IS DISTINCT FROM indexed.site""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _rp_ends AS
        SELECT article_id, CAST(row_number() OVER (ORDER BY article_id) - 1 AS BIGINT) AS n
        FROM (SELECT a AS article_id FROM _rp_pairs UNION SELECT b FROM _rp_pairs)""")
    ends = con.execute("SELECT e.article_id, a.fingerprint FROM _rp_ends e JOIN articles a USING (article_id) "
                       "ORDER BY e.n").fetch_arrow_table()
    pairs = con.execute("SELECT ea.n AS a, eb.n AS b FROM _rp_pairs p JOIN _rp_ends ea ON ea.article_id = p.a "
                        "JOIN _rp_ends eb ON eb.article_id = p.b ORDER BY a, b").fetchnumpy()
    for temp in ("_rp_pairs", "_rp_ends"):
        con.execute(f"DROP TABLE {temp}")
    fingerprints = _fingerprints(ends["fingerprint"]) if ends.num_rows else np.zeros((0, NUM_PERM), np.uint32)
    return fingerprints, np.asarray(pairs["a"]), np.asarray(pairs["b"]), ends["article_id"].combine_chunks()


def _link_added(con: duckdb.DuckDBPyConnection, verify_rows: int) -> tuple[int, int]:
    """Verify the candidates of the new articles; the copies become edges. Returns (compared, linked)."""
    fingerprints, a, b, ids = _candidates(con)
    keep: list[np.ndarray] = []
    alike: list[np.ndarray] = []
    for start in range(0, len(a), verify_rows):  # two (verify_rows, NUM_PERM) arrays at a time
        left, right = a[start:start + verify_rows], b[start:start + verify_rows]
        scores = similarities(fingerprints[left], fingerprints[right])
        keep.append(np.flatnonzero(scores >= COPY_SIMILARITY) + start)
        alike.append(scores[scores >= COPY_SIMILARITY])
    found = np.concatenate(keep) if keep else np.zeros(0, dtype=np.int64)
    if len(found):
        edges = pa.table({"article_a": ids.take(pa.array(a[found])), "article_b": ids.take(pa.array(b[found])),
                          "similarity": pa.array(np.concatenate(alike), pa.float64())})
        con.register("_rp_edges", edges)
        con.execute("INSERT INTO repost_edges SELECT article_a, article_b, similarity FROM _rp_edges")
        con.unregister("_rp_edges")
    return len(a), len(found)


def _recluster(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the components that hold a reached article, and their rows. Returns the clusters written."""
    while _count(con, """WITH more AS (
            SELECT article_b AS article_id FROM repost_edges WHERE article_a IN (SELECT article_id FROM _rp_reach)
            UNION SELECT article_a FROM repost_edges WHERE article_b IN (SELECT article_id FROM _rp_reach))
        INSERT INTO _rp_reach SELECT article_id FROM more WHERE article_id NOT IN (SELECT article_id FROM _rp_reach)
        """):
        pass  # until no edge leads out of the reached articles
    edges = con.execute("""SELECT article_a, article_b FROM repost_edges
                           WHERE article_a IN (SELECT article_id FROM _rp_reach)""").fetchall()
    groups = components(edges)
    assignment = pa.table({"article_id": pa.array([a for group in groups for a in group], pa.string()),
                           "component": pa.array([group[0] for group in groups for _ in group], pa.string())})
    reached = "(SELECT article_id FROM _rp_reach)"
    stale = f"article_id IN {reached} OR article_id IN (SELECT article_id FROM _rp_removed)"
    con.execute(f"DELETE FROM repost_clusters WHERE cluster_id IN (SELECT cluster_id FROM reposts WHERE {stale})")
    con.execute(f"DELETE FROM reposts WHERE {stale}")
    con.execute(f"UPDATE repost_nodes SET component = NULL WHERE article_id IN {reached}")
    con.register("_rp_assignment", assignment)
    con.execute("CREATE OR REPLACE TEMP TABLE _rp_components AS SELECT * FROM _rp_assignment")
    con.unregister("_rp_assignment")
    con.execute("UPDATE repost_nodes SET component = c.component FROM _rp_components c "
                "WHERE repost_nodes.article_id = c.article_id")
    rows = con.execute(MEMBERS).fetch_arrow_table().to_pylist()
    clusters, reposts = [], []
    start = 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or rows[end]["component"] != rows[start]["component"]:
            cluster, members = cluster_rows([_member(row) for row in rows[start:end]])
            clusters.append(cluster)
            reposts.extend(members)
            start = end
    if clusters:
        con.register("_rp_clusters", pa.Table.from_pylist(clusters))
        con.register("_rp_reposts", pa.Table.from_pylist(reposts))
        con.execute("INSERT INTO repost_clusters BY NAME SELECT * FROM _rp_clusters")
        # the delay as DuckDB subtracts instants ("711 days 18:15:12"), not as an Arrow duration (hours only)
        con.execute("INSERT INTO reposts BY NAME SELECT r.* EXCLUDE (delay), r.first_seen - c.first_seen AS delay "
                    "FROM _rp_reposts r JOIN _rp_clusters c USING (cluster_id)")
        con.unregister("_rp_clusters")
        con.unregister("_rp_reposts")
    return len(clusters)


def _member(row: dict) -> Member:
    return Member(article_id=row["article_id"], site=row["site"], url=row["url"], published_at=row["published_at"],
                  first_captured=row["first_captured"], source_credit=row["source_credit"],
                  fingerprint=row["fingerprint"], site_name=row["name"], site_domains=tuple(row["domains"] or ()),
                  site_kind=row["kind"])
