"""What a run did, per site and in total, from its Scrapy stats: the `sites` object of `runs.stats`, the
lines of `state/runs.jsonl` and the exit code all come from here.

A site **failed** when it was given up (crawler.middlewares.politeness: too many failures in a row, or a Retry-After
beyond the limit) or when not one of its pages could be fetched. A site with some errors (a 500 here, a
timeout there) did not fail: its errors are counted and their reasons listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# name in the summary -> stat key under site/SLUG/
COUNTERS = {
    "pages": "responses",  # responses off the wire: redirect hops and robots.txt included
    "articles": "articles",  # article rows stored
    "errors": "errors",  # fetches that ended in an error (after retries)
    "bytes": "bytes",  # body bytes as transferred
    "not_modified": "not_modified",  # 304 answers to conditional requests
    "already_archived": "already_archived",  # article URLs skipped because an earlier run archived them
    "known_absent": "known_absent",  # feeds and sitemaps answering 404 again, as in an earlier run: no error
    "truncated": "truncated",
}


def site_summary(stats: dict[str, Any], slug: str) -> dict[str, Any]:
    prefix = f"site/{slug}/"
    summary: dict[str, Any] = {name: int(stats.get(prefix + key, 0) or 0) for name, key in COUNTERS.items()}
    reasons = {k.removeprefix(prefix + "error_reasons/"): v for k, v in stats.items()
               if k.startswith(prefix + "error_reasons/")}
    if reasons:
        summary["error_reasons"] = dict(sorted(reasons.items()))
    given_up = stats.get(prefix + "given_up")
    if given_up:
        summary.update(status="failed", reason=f"given up: {given_up}")
    elif not stats.get(prefix + "ok_responses"):
        summary.update(status="failed", reason="no page could be fetched")
    else:
        summary["status"] = "ok"
    return summary


def sites_summary(stats: dict[str, Any], slugs: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {slug: site_summary(stats, slug) for slug in slugs}


def totals(sites: dict[str, dict[str, Any]]) -> dict[str, int]:
    return {name: sum(s.get(name, 0) for s in sites.values()) for name in ("pages", "articles", "errors", "bytes")}


def failed_sites(sites: dict[str, dict[str, Any]]) -> list[str]:
    return [slug for slug, s in sites.items() if s.get("status") == "failed"]
