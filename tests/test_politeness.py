"""Politeness under load, by real crawls: robots.txt Crawl-delay, back-off on 503 with Retry-After, and sites
that keep failing given up for the run without stopping the others (exit code 1)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import SiteServer
from crawler.middlewares.politeness import parse_retry_after
from crawler.run.state import read_runs
from tests.conftest import SITES, run_baotinh, sql


def test_crawl_delay_and_retry_after_are_honoured(tmp_path: Path) -> None:
    with SiteServer(SITES / "polite") as server:
        result = run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(tmp_path),
                             check=True)
        # requests 0.6 s apart, answers within 0.1 s: never two at a time, where the loopback settings
        # (8 per site, no delay) have all three articles in flight at once
        assert server.max_in_flight == 1
    busy = server.base_url + "/bai/tin-nong-nghiep-so-1-400001.html"
    assert [s for (s,) in sql(tmp_path, "SELECT status FROM captures WHERE url = ? ORDER BY fetched_at", busy)] == [
        503, 200]
    assert sql(tmp_path, "SELECT count(*) FROM articles") == [(3,)]
    (stats,) = sql(tmp_path, "SELECT stats FROM runs")[0]
    stats = json.loads(stats)
    assert stats["politeness/crawl_delay/127.0.0.1"] == 0.6 and stats["politeness/backoffs"] == 1
    assert "robots.txt asks for Crawl-delay 0.6s" in result.stderr
    assert re.search(r"answered 503; pausing requests to 127\.0\.0\.1 for 1s \(Retry-After\)", result.stderr)


def test_failing_sites_are_given_up_and_the_others_finish(tmp_path: Path) -> None:
    with SiteServer(SITES / "news") as news, SiteServer(SITES / "down") as down, \
            SiteServer(SITES / "busy") as busy, SiteServer(SITES / "polite") as slow:
        result = run_baotinh("crawl", "--data-dir", str(tmp_path), "--set", "POLITENESS_MAX_FAILURES=3",
                             "--set", "POLITENESS_CRAWL_DELAY_MAX=0.5",  # polite's 0.6 s is "too slow" here
                             *(a for s in (news, down, busy, slow) for a in ("--start-url", s.base_url + "/")))
        assert not any(p.startswith("/bai/") for p in down.requested + busy.requested + slow.requested)
    assert result.returncode == 1, result.stderr[-3000:]
    sites = read_runs(tmp_path)[0]["sites"]
    by_port = {slug.rsplit("-", 1)[1]: summary for slug, summary in sites.items()}
    port = {name: s.base_url.rsplit(":", 1)[1]
            for name, s in (("news", news), ("down", down), ("busy", busy), ("slow", slow))}
    assert by_port[port["news"]]["status"] == "ok" and by_port[port["news"]]["articles"] == 5
    assert by_port[port["down"]]["status"] == "failed"
    assert "3 failed fetches in a row, last http_500" in by_port[port["down"]]["reason"]
    assert by_port[port["busy"]]["status"] == "failed"
    assert "asked to retry after 3600s" in by_port[port["busy"]]["reason"]
    assert "robots.txt asks for Crawl-delay 0.6s" in by_port[port["slow"]]["reason"]
    assert re.search(r"giving up on this site for the rest of the run: 3 failed fetches", result.stderr)
    assert "3 site(s) failed" in result.stderr.splitlines()[-1]
    status = run_baotinh("status", "--data-dir", str(tmp_path), check=True).stdout
    assert re.search(rf"127-0-0-1-{port['down']}\s+never\s+0\s.*failed: given up", status)


def test_retry_after_as_seconds_or_http_date() -> None:
    now = datetime(2026, 3, 12, 2, 14, tzinfo=UTC)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after("Thu, 12 Mar 2026 02:15:30 GMT", now=now) == 90.0
    assert parse_retry_after("Thu, 12 Mar 2026 02:00:00 GMT", now=now) == 0.0  # already past
    assert parse_retry_after(b"soon") is None and parse_retry_after(None) is None
    assert timedelta(seconds=parse_retry_after(b"3600") or 0) == timedelta(hours=1)


def test_requests_to_a_host_are_never_closer_than_the_delay(tmp_path: Path) -> None:
    # the shipped politeness (loopback throttling on): DOWNLOAD_DELAY is a floor for every gap, robots.txt
    # included, with AutoThrottle starting at it and no jitter below it
    with SiteServer(SITES / "news") as server:
        run_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(tmp_path),
                    "--set", "BAOTINH_LOOPBACK_UNTHROTTLED=False", "--set", "DOWNLOAD_DELAY=0.25", check=True)
    assert server.max_in_flight == 1 and len(server.arrived) >= 9
    # each gap as the crawler sent it: the WARC-Date of its request record, taken as the request leaves for the
    # wire. The server's arrival times are not the measure: on a loaded machine its thread may see one request
    # late and the next on time, a gap shorter than the crawler ever left
    sent = []
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            sent += [datetime.fromisoformat(r.rec_headers.get_header("WARC-Date"))
                     for r in ArchiveIterator(fh) if r.rec_type == "request"]
    sent.sort()
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(sent, sent[1:], strict=False)]
    assert len(gaps) >= 8
    assert min(gaps) >= 0.25 - 0.02, sorted(gaps)[:3]  # a few ms between the slot's clock and the stamp
