"""Repost clusters from verified pairs: who belongs together, which article is the original, how each copy differs.

A cluster is a connected component of the graph whose edges are the pairs of articles judged copies (two
sites, fingerprints at least COPY_SIMILARITY alike). Components depend on the set of edges only, never on the
order articles arrived in, so the same articles always give the same clusters, in a crawl as in
`baotinh index --rebuild`.

The original of a cluster is, in this order of evidence:
1. `credit`: an article that another site's copy credits: the copy's source credit names its site (a domain:
   "Nguồn: baonghean.vn", the site's name: "Theo Báo Phú Thọ") or repeats the credit a paper signs its own
   articles with ("PTĐT" on a farm's copy of a Báo Phú Thọ article that says "PTĐT" too; a content farm's own
   credit names nothing);
2. `published`: else the earliest publication time;
3. `captured`: else (no member gives one) the earliest capture.
Ties go to the smaller article id. The cluster's id is derived from its original's article id.

>>> components([("a", "b"), ("c", "b"), ("d", "e")])
[['a', 'b', 'c'], ['d', 'e']]
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.reposts.fingerprint import similarity
from pipelines.reposts.shingles import folded_words

FARM_KINDS = frozenset({"content-farm"})
SITE_NAME_NOISE = re.compile(r"\s*\([^)]*\)\s*$")  # "Báo Phú Thọ (demo)" → "Báo Phú Thọ"
DOMAIN_NOISE = re.compile(r"^www\.|:\d+$")


@dataclass(frozen=True)
class Member:
    """An article of a cluster, with what the choice of its original needs."""

    article_id: str
    site: str | None
    url: str
    published_at: datetime | None
    first_captured: datetime | None  # the earliest capture of its URL
    source_credit: str | None
    fingerprint: Sequence[int]
    site_name: str | None = None
    site_domains: tuple[str, ...] = ()
    site_kind: str | None = None

    @property
    def first_seen(self) -> datetime | None:
        return self.published_at or self.first_captured


def components(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The connected components of an undirected graph, each sorted, in the order of their smallest member."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return sorted(sorted(group) for group in groups.values())


def cluster_id(original_article_id: str) -> str:
    """16 hex digits of the original's article id: short to type, the same wherever the cluster is made."""
    return hashlib.sha1(original_article_id.encode("utf-8")).hexdigest()[:16]


def _phrase(text: str) -> str:
    return " ".join(folded_words(text))


def credits(copy: Member, original: Member) -> bool:
    """Whether `copy`'s source credit names `original`'s site (see the module's docstring)."""
    if not copy.source_credit or copy.site == original.site:
        return False
    credit = _phrase(copy.source_credit)
    if not credit:
        return False
    for domain in original.site_domains:
        if DOMAIN_NOISE.sub("", domain.lower()) in copy.source_credit.lower():
            return True
    name = _phrase(SITE_NAME_NOISE.sub("", original.site_name or ""))
    if name and f" {name} " in f" {credit} ":
        return True
    # the paper's own sign-off repeated by a copy: the paper is the one credited, not the other way round
    # (a farm signs nothing of its own; two papers signing one agency's credit both count, time decides)
    return _phrase(original.source_credit or "") == credit and original.site_kind not in FARM_KINDS


def choose_original(members: Sequence[Member]) -> tuple[Member, str, str | None]:
    """The original, the evidence for it (`credit`, `published`, `captured`) and the credit that named it."""
    # credits() reads a copy's site and credit and a candidate's site and own credit: compare those once each,
    # not every pair of members (a widely copied article has many copies with the same few credits)
    copies = sorted({(m.site or "", m.source_credit): m for m in members if m.source_credit}.items())
    named: dict[tuple[str, str | None], str] = {}
    for key, candidate in {(m.site or "", m.source_credit): m for m in members}.items():
        naming = [credit for (_, credit), copy in copies if credits(copy, candidate)]
        if naming:
            named[key] = naming[0] or ""
    credited = {m.article_id: named[m.site or "", m.source_credit] for m in members
                if (m.site or "", m.source_credit) in named}
    pool = [m for m in members if m.article_id in credited] or list(members)

    def order(m: Member) -> tuple[Any, ...]:
        published, captured = m.published_at, m.first_captured
        return (published is None, published.timestamp() if published else 0.0,
                captured is None, captured.timestamp() if captured else 0.0, m.article_id)

    original = min(pool, key=order)
    if original.article_id in credited:
        return original, "credit", credited[original.article_id]
    return original, ("published" if original.published_at else "captured"), None


def cluster_rows(members: Sequence[Member]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `repost_clusters` row and the `reposts` rows (one per member, the original included) of a cluster."""
    original, evidence, credit = choose_original(members)
    ident = cluster_id(original.article_id)
    start = original.first_seen
    reposts = [
        {
            "article_id": m.article_id,
            "cluster_id": ident,
            "site": m.site,
            "url": m.url,
            "is_original": m is original,
            "similarity": 1.0 if m is original else similarity(m.fingerprint, original.fingerprint),
            "first_seen": m.first_seen,
            "delay": (m.first_seen - start) if m.first_seen and start else None,
            "credits_original": credits(m, original),
        }
        for m in sorted(members, key=lambda m: m.article_id)
    ]
    seen = [m.first_seen for m in members if m.first_seen]
    row = {
        "cluster_id": ident,
        "original_article_id": original.article_id,
        "original_site": original.site,
        "articles": len(members),
        "sites": len({m.site for m in members}),
        "first_seen": start,
        "last_seen": max(seen) if seen else None,
        "evidence": evidence,
        "credit": credit,
    }
    return row, reposts
