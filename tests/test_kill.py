"""kill -9 mid-crawl, for real: a crawl of the slow fixture site is SIGKILLed (with its worker processes) while
it holds pages in flight; the next crawl repairs the WARC file, stores what the killed run archived but did
not store, fetches the rest, and every article ends up in the database exactly once."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from crawler.ingest.response import read_response
from crawler.run.state import read_jsonl, read_runs, site_folder
from tests.conftest import SITES, run_baotinh, sql, start_baotinh, warcio_check
from tests.hostile import HostileServer

ARTICLES = 12
HELD = "/bai/tin-so-7-*"  # the request that is in flight when the kill comes
PARTIAL = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + random.Random(9).randbytes(4000))[:500]


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> bool:
    """Poll the server's request log until `condition` holds (no fixed sleep: it returns as soon as it does)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        tick.wait(0.02)
    return True


def test_sigkill_mid_crawl_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HostileServer(SITES / "slow", hostile={HELD: {"kind": "hold"}}) as server:
        base = server.base_url
        crawl = start_baotinh("crawl", "--start-url", base + "/", "--data-dir", str(data),
                              "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "--set", "STORE_BATCH_SIZE=4",
                              "--set", "STORE_FLUSH_INTERVAL=60")
        try:
            assert server.held.wait(timeout=120), "the crawl never reached the held page"
            # a few more articles fetched beside the held one, then the kill
            assert wait_for(lambda: sum(p.startswith("/bai/") for p in server.requested) >= 6)
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            _, stderr = crawl.communicate(timeout=60)
        assert crawl.returncode == -signal.SIGKILL, stderr
        server.release()

        (slug,) = [p.name for p in (data / "state" / "sites").iterdir()]
        journaled = {row["url"] for row in read_jsonl(site_folder(data, slug) / "articles.jsonl")}
        (open_file,) = (data / "warc").glob("*.warc.gz.open")
        with open(open_file, "ab") as fh:  # the kill may land mid-record: leave one cut short, as it would
            fh.write(PARTIAL)

        before = len(server.requested)
        result = run_baotinh("crawl", "--start-url", base + "/", "--data-dir", str(data), check=True)
        second = server.requested[before:]

    urls = sql(data, "SELECT url, count(*) FROM articles GROUP BY url")
    assert len(urls) == ARTICLES and {n for _, n in urls} == {1}, urls
    assert journaled and not {base + p for p in second} & journaled  # archived once, not fetched again
    assert any(p.startswith(HELD.rstrip("*")) for p in second)  # the page in flight was fetched again

    # nothing left open or half-named; digests.sqlite is the dedup index beside the WARC files
    warcs = sorted(p for p in (data / "warc").glob("*") if p.name != "digests.sqlite")
    assert all(p.name.endswith(".warc.gz") for p in warcs), warcs
    warcio_check(warcs)
    for capture_id, url, warc_file, offset in sql(
            data, "SELECT capture_id, a.url, warc_file, warc_offset FROM articles a JOIN captures USING (capture_id)"):
        record = read_response(data / "warc" / warc_file, offset)
        assert (record.record_id, record.url) == (capture_id, url)

    killed, finished = read_runs(data)
    assert killed["status"] == "killed" and finished["status"] == "finished"
    assert sql(data, "SELECT run_id, status FROM runs ORDER BY started_at") == [
        (killed["run_id"], "killed"), (finished["run_id"], "finished")]
    (stats,) = sql(data, "SELECT stats FROM runs WHERE run_id = ?", finished["run_id"])[0]
    stats = json.loads(stats)
    assert stats["recovery/files_repaired"] == 1 and stats["recovery/bytes_cut"] == len(PARTIAL)
    assert "previous run did not finish" in result.stderr and f"run {killed['run_id']}" in result.stderr
