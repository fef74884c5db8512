"""Never blocked, never lost: a crawl beside a researcher's open DuckDB connection (another process) keeps
crawling and archiving, spools its rows, says so once, and every row arrives once the lock frees."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from crawler.demo.server import SiteServer
from pipelines.database.store import Store
from tests.conftest import SITES, responses, run_baotinh, start_baotinh

BUSY_LINE = "is open in another process; keeping rows in"
# robots.txt, home, /sitemap.xml (404) and 12 articles, 0.4 s each: about 5 s one at a time
SLOW_CRAWL = ("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "STORE_FLUSH_INTERVAL=0.2",
              "--set", "STORE_BATCH_SIZE=2")
HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)   # a researcher's shell, read-only
print("holding", flush=True)
sys.stdin.readline()
con.close()
print("released", flush=True)
"""


@pytest.fixture
def slow_site() -> Iterator[SiteServer]:
    with SiteServer(SITES / "slow") as server:
        yield server


class Holder:
    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "holding"

    def release(self) -> None:
        out, _ = self.process.communicate("\n", timeout=30)  # closes the pipes too
        assert out.strip() == "released"


def every_record_arrived(data: Path) -> None:
    records = sorted((r.record_id, r.warc_file, r.offset) for w in (data / "warc").glob("*.warc.gz")
                     for r in responses(w))
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        assert sorted(con.execute("SELECT capture_id, warc_file, warc_offset FROM captures").fetchall()) == records
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
        assert con.execute("SELECT status FROM runs WHERE command = 'crawl'").fetchall() == [("finished",)]
        assert con.execute("SELECT captures, articles FROM warc_files").fetchall() == [(len(records), 12)]
    assert len(records) == 15
    assert not list((data / "spool").glob("*"))


def test_a_crawl_beside_an_open_connection_spools_and_index_merges(slow_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(data / "baotinh.duckdb").ensure_schema()
    holder = Holder(data / "baotinh.duckdb")
    try:
        crawl = run_baotinh("crawl", "--start-url", slow_site.base_url + "/", "--data-dir", str(data), *SLOW_CRAWL)
        with pytest.raises(duckdb.IOException):  # still held: the crawl could not write a single row
            duckdb.connect(str(data / "baotinh.duckdb"))
    finally:
        holder.release()
    assert crawl.returncode == 0, crawl.stderr
    assert crawl.stderr.count(BUSY_LINE) == 1  # said once, though every batch found the file busy
    log = next((data / "logs").glob("*.log")).read_text(encoding="utf-8")
    assert log.count(BUSY_LINE) == 1
    assert "search index not refreshed" in crawl.stderr and "wait in" in crawl.stderr
    # several batches, each kept whole (one waits WRITE_WAIT for the file first: rows arriving meanwhile join the
    # next one), and none lost: the index below finds every article
    assert len(list((data / "spool").iterdir())) > 1
    result = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "spooled batch(es)" in result.stderr and "0 WARC file(s)" in result.stderr  # merged, nothing to read
    every_record_arrived(data)
    assert "search index built: 12 articles" in result.stderr


def test_the_lock_frees_during_the_crawl_and_researchers_get_in_between_batches(
    slow_site: SiteServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    db = data / "baotinh.duckdb"
    Store(db).ensure_schema()
    holder = Holder(db)
    crawl = start_baotinh("crawl", "--start-url", slow_site.base_url + "/", "--data-dir", str(data), *SLOW_CRAWL)
    try:
        deadline = time.monotonic() + 60
        while not list((data / "spool").glob("*[!l]")) and time.monotonic() < deadline:  # a batch spooled
            time.sleep(0.05)
    finally:
        holder.release()
    # the researcher comes back a few times while the crawl goes on: the file is free between batches
    opened = 0
    window = time.monotonic() + 1.5
    while time.monotonic() < window and crawl.poll() is None:
        try:
            with duckdb.connect(str(db), read_only=True) as con:
                con.execute("SELECT count(*) FROM captures").fetchone()
            opened += 1
        except duckdb.IOException:
            pass  # a batch being written at that moment
        time.sleep(0.1)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err
    assert opened > 0, "the crawl held the database all the time"
    assert err.count(BUSY_LINE) == 1
    assert "search index built: 12 articles" in err
    every_record_arrived(data)  # merged by the crawl's own later batches: no `baotinh index` needed
