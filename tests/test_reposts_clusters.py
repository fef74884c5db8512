"""Clusters and their originals (pipelines.reposts.clusters): the same edges give the same components in any
order; the original is the credited article, else the earliest published, else the earliest captured."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from pipelines.reposts.clusters import Member, choose_original, cluster_id, cluster_rows, components, credits

VN = timezone(timedelta(hours=7))
T0 = datetime(2026, 3, 12, 9, 0, tzinfo=VN)
SITES = {
    "baophutho": ("Báo Phú Thọ (demo)", ("baophutho.vn",), "paper"),
    "baonghean": ("Báo Nghệ An", ("www.baonghean.vn",), "paper"),
    "vccidata": ("VCCIDATA", ("vccidata.com.vn",), "content-farm"),
    "farm2": ("Tin Nhanh 24h", ("tinnhanh24h.example",), "content-farm"),
}


def member(article_id: str, site: str, published: datetime | None = None, credit: str | None = None,
           captured: datetime | None = T0 + timedelta(days=30), fingerprint: tuple[int, ...] = (1, 2, 3, 4)
           ) -> Member:
    name, domains, kind = SITES[site]
    return Member(article_id=article_id, site=site, url=f"https://{domains[0]}/{article_id}", published_at=published,
                  first_captured=captured, source_credit=credit, fingerprint=fingerprint, site_name=name,
                  site_domains=domains, site_kind=kind)


def test_components_do_not_depend_on_the_order_of_the_edges() -> None:
    edges = [("a", "b"), ("b", "c"), ("x", "y"), ("c", "a"), ("y", "z"), ("m", "n")]
    expected = [["a", "b", "c"], ["m", "n"], ["x", "y", "z"]]
    rng = random.Random(14)
    for shuffled in range(20):
        order = [(b, a) if rng.random() < 0.5 else (a, b) for a, b in rng.sample(edges, len(edges))]
        assert components(order) == expected, shuffled
    assert shuffled == 19 and components([]) == []


def test_a_copy_that_names_the_papers_domain_credits_it_even_when_dated_earlier() -> None:
    paper = member("<p>", "baonghean", published=T0)
    farm = member("<f>", "vccidata", published=T0 - timedelta(days=2), credit="Nguồn: baonghean.vn")
    assert credits(farm, paper) and not credits(paper, farm)
    original, evidence, credit = choose_original([farm, paper])
    assert (original, evidence, credit) == (paper, "credit", "Nguồn: baonghean.vn")


def test_a_copy_that_names_the_paper_credits_it() -> None:
    paper = member("<p>", "baophutho", published=T0)
    farm = member("<f>", "farm2", published=T0 - timedelta(hours=1), credit="Theo Báo Phú Thọ")
    assert choose_original([paper, farm])[:2] == (paper, "credit")


def test_the_papers_own_signoff_repeated_by_a_farm_credits_the_paper() -> None:
    paper = member("<p>", "baophutho", published=T0 + timedelta(days=1), credit="PTĐT")
    farm = member("<f>", "vccidata", published=T0, credit="PTĐT")
    assert credits(farm, paper) and not credits(paper, farm)  # a farm signs nothing of its own
    assert choose_original([farm, paper]) == (paper, "credit", "PTĐT")
    # a farm's own name as credit names nothing; an empty one neither
    assert not credits(member("<g>", "farm2", credit="VCCIDATA.COM.VN sưu tầm"), paper)
    assert not credits(member("<g>", "farm2", credit=" – "), paper)


def test_without_credits_the_earliest_published_then_the_earliest_captured() -> None:
    first = member("<b>", "baophutho", published=T0)
    later = member("<a>", "vccidata", published=T0 + timedelta(hours=3))
    undated = member("<0>", "farm2", published=None, captured=T0 - timedelta(days=9))
    assert choose_original([later, undated, first]) == (first, "published", None)
    early = member("<2>", "vccidata", captured=T0)
    late = member("<1>", "farm2", captured=T0 + timedelta(minutes=5))
    assert choose_original([late, early]) == (early, "captured", None)
    twins = [member("<z>", "vccidata", published=T0), member("<y>", "farm2", published=T0)]
    assert choose_original(twins)[0].article_id == "<y>"  # a tie goes to the smaller id


def test_cluster_rows_describe_each_copy_against_the_original() -> None:
    paper = member("<p>", "baophutho", published=T0, credit="PTĐT", fingerprint=(1, 2, 3, 4))
    copy = member("<f>", "vccidata", published=T0 + timedelta(days=2, hours=1), credit="PTĐT",
                  fingerprint=(1, 2, 3, 9))
    cluster, reposts = cluster_rows([copy, paper])
    assert cluster == {"cluster_id": cluster_id("<p>"), "original_article_id": "<p>", "original_site": "baophutho",
                       "articles": 2, "sites": 2, "first_seen": T0, "last_seen": T0 + timedelta(days=2, hours=1),
                       "evidence": "credit", "credit": "PTĐT"}
    assert [(r["article_id"], r["is_original"], r["similarity"], r["delay"], r["credits_original"]) for r in reposts] \
        == [("<f>", False, 0.75, timedelta(days=2, hours=1), True), ("<p>", True, 1.0, timedelta(0), False)]
    # the id is the original's: the same wherever the cluster is made, another for another original
    assert len(cluster["cluster_id"]) == 16 and int(cluster["cluster_id"], 16) >= 0
    assert cluster_rows([paper, copy])[0] == cluster and cluster_id("<f>") != cluster["cluster_id"]
