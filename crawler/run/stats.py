"""What a run did, per site and in total, from its Scrapy stats: the `sites` object of `runs.stats`, the
lines of `state/runs.jsonl` and the exit code all come from here.

A site **failed** when it was given up (crawler.middlewares.politeness: too many failures in a row, or a Retry-After
beyond the limit) or when not one of its pages could be fetched. A site with some errors (a 500 here, a
timeout there) did not fail: its errors are counted and their reasons listed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.records import Member

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


# Scrapy's close reasons as a run's status; a reason not listed is kept as it is (closespider_timeout, …)
ENDINGS = {"finished": "finished", "shutdown": "interrupted", "archive_error": "failed: archive not writable"}
# statuses of runs that ended as they should (the exit code is then the sites')
ENDED_WELL = ("finished", "closespider_pagecount", "closespider_timeout")


def run_status(reason: str, stats: dict[str, Any]) -> str:
    """How a run ended, in words: `finished`, `interrupted` (SIGTERM, Ctrl-C), `failed: disk full`,
    `failed: database damaged`, … (a forced stop and a kill are named by the run's life and recovery).

    >>> run_status("shutdown", {})
    'interrupted'
    >>> run_status("finished", {"disk/full": "/srv/data/warc/x.warc.gz"})
    'failed: disk full'
    """
    if stats.get("disk/full"):
        return "failed: disk full"  # whatever the close reason: rows or the record were not all written
    if stats.get("store/database_damaged"):
        return "failed: database damaged"
    return ENDINGS.get(reason, reason)


def jsonable_stats(stats: dict[str, Any], sites: dict[str, Any] | None = None) -> str:
    """The `runs.stats` JSON: every stat (times as ISO 8601) plus `sites`."""
    flat = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in sorted(stats.items())}
    return json.dumps({**flat, "sites": sites or {}}, default=str, ensure_ascii=False)


def archived_counts(counts: Counter[str], member: Member, article: bool) -> None:
    """Count one response or revisit record into a site's counters, as the WARC file holds it."""
    status = member.http_status or 0
    counts["pages"] += 1
    counts["bytes"] += member.payload_length or 0
    counts["articles"] += article
    counts["errors"] += status >= 400
    counts["ok_responses"] += 0 < status < 400
    counts["not_modified"] += status == 304 or "server-not-modified" in (member.warc_profile or "")
    counts["truncated"] += member.warc_type == "response" and member.truncated is not None


def archived_summary(sites: dict[str, Counter[str]]) -> dict[str, dict[str, Any]]:
    """Per-site summaries (as `site_summary`'s) of what a run's WARC files hold: for a run that was killed."""
    summary: dict[str, dict[str, Any]] = {}
    for slug, counts in sorted(sites.items()):
        row: dict[str, Any] = {name: int(counts.get(name, 0)) for name in COUNTERS if name != "already_archived"}
        row.update({"status": "ok"} if counts.get("ok_responses") else
                   {"status": "failed", "reason": "no page could be fetched"})
        summary[slug] = row
    return summary
