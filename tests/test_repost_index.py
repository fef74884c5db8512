"""The repost clusters in a real DuckDB file (pipelines.database.repost_index): the same articles give the same
rows whatever the order and the batches they arrive in; a refresh with nothing new changes nothing; an article
replaced, changed or gone gives what a fresh build of the final articles gives; copies are found across sites
and never between two articles of one site."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.database.repost_index import TABLES, refresh, refresh_reposts_database
from pipelines.database.store import Store
from pipelines.reposts.clusters import cluster_id
from pipelines.reposts.fingerprint import fingerprint
from tests.repost_texts import CAMPAIGN, bulletin, farm_copy, paper_page, paragraphs, without_marks

VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 20, 16, 40, tzinfo=VN)
SITES = [
    {"site": "baophutho", "name": "Báo Phú Thọ", "kind": "paper", "domains": ["baophutho.vn"]},
    {"site": "baonghean", "name": "Báo Nghệ An", "kind": "paper", "domains": ["baonghean.vn"]},
    {"site": "vccidata", "name": "VCCIDATA", "kind": "content-farm", "domains": ["vccidata.com.vn"]},
    {"site": "tinnhanh", "name": "Tin nhanh", "kind": "content-farm", "domains": ["tinnhanh.example"]},
]
HOSTS = {s["site"]: s["domains"][0] for s in SITES}


def article(n: int, site: str, text: str, published: datetime | None, credit: str | None = None,
            fetched: datetime | None = None, url: str | None = None) -> dict[str, Any]:
    return {"article_id": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", "site": site,
            "url": url or f"https://{HOSTS[site]}/bai-{n}.html", "published_at": published,
            "fetched_at": fetched or T0 + timedelta(days=3, minutes=n), "text": text, "source_credit": credit,
            "capture_id": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", "fingerprint": fingerprint(text)}


def corpus() -> list[dict[str, Any]]:
    ket_nap, thong_xe = paragraphs("ket-nap-dang-vien"), paragraphs("thong-xe-ha-hoa")
    day = timedelta(days=1)
    return [
        # a paper's article, a farm's wrapped copy without its last paragraph, another farm's copy without marks
        article(1, "baophutho", paper_page(ket_nap), T0, "PTĐT"),
        article(2, "vccidata", farm_copy("ket-nap-dang-vien", ket_nap[:-1]), T0 + day, "PTĐT"),
        article(3, "tinnhanh", without_marks(paper_page(ket_nap)), None),
        # another paper's article, copied by a farm that dates its copy earlier but names the paper
        article(4, "baonghean", paper_page(thong_xe), T0 + 2 * day, "Báo Nghệ An"),
        article(5, "vccidata", farm_copy("thong-xe-ha-hoa", thong_xe), T0 + day, "Nguồn: baonghean.vn"),
        # one paper's articles sharing its template and a campaign's paragraph; another paper's, with it too
        *(article(10 + i, "baophutho", paper_page([*paragraphs(key), CAMPAIGN]), T0 - (i + 1) * day, "PTĐT")
          for i, key in enumerate(("che-tan-son", "kham-sang-loc", "xoa-nha-tam"))),
        article(13, "baonghean", paper_page([*paragraphs("buoi-doan-hung"), CAMPAIGN]), T0, "Báo Nghệ An"),
        # weather bulletins of one paper, and a farm's copy of one of them
        article(20, "baophutho", bulletin(12, "Việt Trì", 16, 24, "Thao", 3.25), T0 - 8 * day, "PTĐT"),
        article(21, "baophutho", bulletin(13, "Lâm Thao", 15, 23, "Lô", 3.4), T0 - 7 * day, "PTĐT"),
        article(22, "baophutho", bulletin(14, "Việt Trì", 17, 25, "Thao", 3.31), T0 - 6 * day, "PTĐT"),
        article(23, "tinnhanh", farm_copy("ket-nap-dang-vien", [bulletin(13, "Lâm Thao", 15, 23, "Lô", 3.4)]),
                T0 - 6 * day),
    ]


def store_at(path: Path, rows: list[dict[str, Any]]) -> Store:
    store = Store(path)
    assert store.write({"sites": SITES, "articles": rows})
    return store


def tables(store: Store) -> dict[str, list[tuple]]:
    with store.connect(read_only=True) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def fresh(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> dict[str, list[tuple]]:
    store = store_at(tmp_path / name / "baotinh.duckdb", rows)
    with store.connect() as con:
        refresh(con)
    return tables(store)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    return fresh(tmp_path_factory.mktemp("reposts"), "all", corpus())


def test_copies_are_found_across_sites_and_each_cluster_has_its_original(built: dict[str, list[tuple]]) -> None:
    # repost_clusters: cluster_id, original_article_id, original_site, articles, sites, first_seen, last_seen,
    # evidence, credit
    clusters = sorted((row[1][-4:-1], row[2], row[3], row[4], row[7], row[8]) for row in built["repost_clusters"])
    assert clusters == [
        ("001", "baophutho", 3, 3, "credit", "PTĐT"),  # a farm repeats the paper's sign-off
        ("004", "baonghean", 2, 2, "credit", "Nguồn: baonghean.vn"),  # dated a day before the paper, names it
        ("021", "baophutho", 2, 2, "published", None),  # the bulletin the farm copied, without its siblings
    ]
    # reposts: article_id, cluster_id, site, url, is_original, similarity, first_seen, delay, credits_original
    members = {row[0][-4:-1]: row for row in built["reposts"]}
    assert set(members) == {"001", "002", "003", "004", "005", "021", "023"}  # no template, campaign, bulletin pair
    assert members["003"][5] == 1.0 and 0.45 <= members["002"][5] < 1.0  # without marks: the same words
    assert members["005"][7] == timedelta(days=-1) and members["005"][8] is True
    assert members["003"][7] == timedelta(days=3, minutes=3)  # undated: its capture, three days later


def test_the_same_articles_in_any_order_and_batches_give_the_same_rows(built: dict[str, list[tuple]],
                                                                        tmp_path: Path) -> None:
    rows = corpus()
    rng = random.Random(14)
    for attempt in range(3):
        order = rng.sample(rows, len(rows))
        store = store_at(tmp_path / f"order{attempt}" / "baotinh.duckdb", [])
        size = attempt + 1  # one by one, by twos, by threes: a refresh after each batch
        for start in range(0, len(order), size):
            assert store.write({"articles": order[start:start + size]})
            with store.connect() as con:
                refresh(con)
        assert tables(store) == built, attempt
    assert attempt == 2
    # candidates verified a few at a time: every batch of the stream is read
    store = store_at(tmp_path / "streamed" / "baotinh.duckdb", rows)
    with store.connect() as con:
        assert refresh(con, verify_rows=2).candidates > 4
    assert tables(store) == built


def test_a_refresh_with_nothing_new_changes_nothing(tmp_path: Path) -> None:
    store = store_at(tmp_path / "baotinh.duckdb", corpus())
    with store.connect() as con:
        first = refresh(con)
        before = tables_of(con)
        again = refresh(con)
        assert tables_of(con) == before
        rebuilt = refresh(con, rebuild=True)
        assert tables_of(con) == before
    assert (first.action, again.action, rebuilt.action) == ("built", "unchanged", "built")
    assert first.clusters == again.clusters == 3 and again.candidates == 0
    assert "repost clusters up to date (3 clusters over 13 articles)" == str(again)


def tables_of(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def test_an_article_fetched_again_changed_or_gone_gives_what_a_fresh_build_gives(tmp_path: Path) -> None:
    rows = corpus()
    store = store_at(tmp_path / "live" / "baotinh.duckdb", rows)
    with store.connect() as con:
        refresh(con)
    # the farm's copy is fetched again later under the same URL, now the whole article (a new capture)
    copy = next(r for r in rows if r["article_id"].endswith("002>"))
    refetched = article(30, "vccidata", farm_copy("ket-nap-dang-vien", paragraphs("ket-nap-dang-vien")), copy[
        "published_at"], "PTĐT", fetched=copy["fetched_at"] + timedelta(days=5), url=copy["url"])
    # the paper's article re-extracted with a publication time an hour later (same capture, same text)
    paper = {**rows[0], "published_at": rows[0]["published_at"] + timedelta(hours=1)}
    # a farm's copy now belongs to the other farm (the registry gave its host to it): it and that farm's copy
    # of the same article are now of one site, and no longer a pair
    moved = {**rows[2], "site": "vccidata"}
    # and the other paper's copied article is gone (its WARC file re-indexed without it)
    gone = rows[3]["article_id"]
    store.write({"articles": [refetched, paper, moved]})
    with store.connect() as con:
        con.execute("DELETE FROM articles WHERE article_id = ?", [gone])
        result = refresh(con)
    # in: the new capture and the moved copy; out: the old capture, the moved copy as it was, the gone article
    assert (result.added, result.removed) == (2, 3)
    replaced = (gone, rows[0]["article_id"], rows[2]["article_id"])
    final = [r for r in rows if r["article_id"] not in replaced] + [refetched, paper, moved]
    assert tables(store) == fresh(tmp_path, "fresh", final)
    with store.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM repost_clusters").fetchone()[0] == 2  # the Nghệ An one dissolved
        assert con.execute("SELECT count(*) FROM reposts WHERE article_id = ?", [copy["article_id"]]).fetchone() \
            == (0,)  # superseded by its URL's newer capture


def test_a_failed_refresh_is_rolled_back_said_in_one_line_and_done_by_the_next(tmp_path: Path) -> None:
    rows = corpus()
    nghe_an = [r for r in rows if r["site"] == "baonghean" or r["article_id"].endswith("005>")]
    store = store_at(tmp_path / "db" / "baotinh.duckdb", [r for r in rows if r not in nghe_an])
    with store.connect() as con:
        refresh(con)
        # a stray row in the way of the cluster the Nghệ An article will make: its insert fails
        con.execute("INSERT INTO repost_clusters (cluster_id) VALUES (?)", [cluster_id(nghe_an[0]["article_id"])])
    before = tables(store)
    store.write({"articles": nghe_an})
    line = refresh_reposts_database(store.path)
    assert line.startswith("repost clusters not refreshed (ConstraintException: ") and "tries again" in line
    assert tables(store) == before  # nothing half done
    with store.connect() as con:
        con.execute("DELETE FROM repost_clusters WHERE original_article_id IS NULL")
    assert refresh_reposts_database(store.path).startswith("repost clusters updated: 3 clusters")
    assert tables(store) == fresh(tmp_path, "fresh", rows)
