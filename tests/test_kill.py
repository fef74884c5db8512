"""kill -9, for real: a crawl of the slow fixture site is SIGKILLed (its main process only, as the OOM killer or
a careless operator would) at moments chosen by its own log lines and at seeded random points of its
progress; each time the next crawl must leave every article of the site in the database exactly once, no
`.open` file, WARC files `warcio check` accepts, `baotinh verify` clean, `baotinh status` agreeing with the
database, and no process of the killed crawl alive (its worker pool and multiprocessing's resource tracker
included: they share its process group)."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive.writer import WarcFileWriter
from crawler.ingest.response import read_response
from crawler.run.state import read_jsonl, read_runs, site_folder
from tests.conftest import ENV, REPO, SITES, run_baotinh, sql, start_baotinh, warcio_check
from tests.hostile import HostileServer
from tests.test_writer import exchange

ARTICLES = 12
HELD = "/bai/tin-so-7-*"  # the request that is in flight when the kill comes
PARTIAL = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + random.Random(9).randbytes(4000))[:500]
LOG_MOMENTS = ["done:", "WARC file written", "refreshing the search index"]
RANDOM_MOMENTS = 4
SEED = 10


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> bool:
    """Poll until `condition` holds (no fixed sleep: it returns as soon as it does)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        tick.wait(0.02)
    return True


def group_members(pgid: int) -> list[str]:
    """The live processes of a process group (a crawl started in a session of its own), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _ppid, group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(group) == pgid and state != "Z":
            found.append(f"{entry.name}: {command[:120]}")
    return found


def assert_nothing_left(pgid: int) -> None:
    """No process of the killed one's group survives it (workers die with their parent, the tracker after)."""
    assert wait_for(lambda: not group_members(pgid), timeout=15), group_members(pgid)


@pytest.fixture(scope="module")
def slow() -> Iterator[HostileServer]:
    with HostileServer(SITES / "slow") as server:
        yield server


def crawl_args(base: str, data: Path) -> list[str]:
    return ["crawl", "--start-url", base + "/", "--data-dir", str(data), "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]


def start_logged(base: str, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler", *crawl_args(base, data)], cwd=REPO,
                            env={**os.environ, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def assert_whole_after_rerun(base: str, data: Path) -> subprocess.CompletedProcess[str]:
    """The next crawl, then everything the archive promises."""
    result = run_baotinh(*crawl_args(base, data), check=True)
    urls = sql(data, "SELECT url, count(*) FROM articles GROUP BY url")
    assert len(urls) == ARTICLES and {n for _, n in urls} == {1}, urls
    warcs = sorted(p for p in (data / "warc").glob("*") if p.name != "digests.sqlite")
    assert warcs and all(p.name.endswith(".warc.gz") for p in warcs), warcs  # nothing left .open
    warcio_check(warcs)
    verify = run_baotinh("verify", "--data-dir", str(data))
    assert verify.returncode == 0 and "0 faults" in verify.stdout, verify.stdout
    (slug,) = sql(data, "SELECT DISTINCT site FROM articles")[0]
    assert archived_in_status(data, slug) == ARTICLES  # `baotinh status` agrees with the database
    return result


def archived_in_status(data: Path, slug: str) -> int:
    """The "archived" column of `baotinh status` for a site (right-aligned under its header)."""
    lines = run_baotinh("status", "--data-dir", str(data), check=True).stdout.splitlines()
    header = lines.index(next(line for line in lines if line.split()[:3] == ["site", "last", "success"]))
    end = lines[header].index("archived") + len("archived")
    (row,) = [line for line in lines[header + 1:] if line.split() and line.split()[0] == slug]
    return int(row[:end].split()[-1].replace(",", ""))


def killed_run_id(data: Path) -> str:
    """The run the lock file names: the killed one (a run empties it only when it ends)."""
    return json.loads((data / "state" / "crawl.lock").read_text())["run_id"]


def assert_killed_run_counted(data: Path, run_id: str, finished: bool | None) -> None:
    """The killed run's `runs` row: `finished` if its final row was in before the kill, else `killed`, with
    what its WARC files hold. `finished=None`: the kill raced the final row (either is true, the counts hold)."""
    (status, stats), = sql(data, "SELECT status, stats FROM runs WHERE run_id = ?", run_id)
    if finished is None:
        finished = status == "finished"
    if finished:  # killed after its rows were all in (the search refresh): it stays finished
        assert status == "finished"
        return
    assert status == "killed"
    (site,) = json.loads(stats)["sites"].values()
    assert site["pages"] > 0 and site["status"] == "ok"  # what its WARC files hold, not "no page fetched"


@pytest.mark.parametrize("moment", LOG_MOMENTS)
def test_sigkill_right_after_a_log_line(slow: HostileServer, tmp_path: Path, moment: str) -> None:
    data = tmp_path / "data"
    crawl = start_logged(slow.base_url, data)
    assert crawl.stderr is not None
    seen = []
    for line in crawl.stderr:
        seen.append(line)
        if moment in line:
            os.kill(crawl.pid, signal.SIGKILL)  # the crawl alone: its workers must go by themselves
            break
    crawl.communicate(timeout=60)
    assert crawl.returncode == -signal.SIGKILL, "".join(seen[-20:])
    assert_nothing_left(crawl.pid)
    killed = killed_run_id(data)
    result = assert_whole_after_rerun(slow.base_url, data)
    assert "previous run did not finish" in result.stderr
    # "WARC file written" comes just before the run writes its final row: on a busy machine the crawl may get
    # that far before the signal lands
    finished = {"done:": False, "WARC file written": None}.get(moment, True)
    assert_killed_run_counted(data, killed, finished=finished)


@pytest.mark.parametrize("n", range(RANDOM_MOMENTS))
def test_sigkill_at_a_random_moment(slow: HostileServer, tmp_path: Path, n: int) -> None:
    rng = random.Random(SEED + n)
    requests, extra = rng.randint(1, ARTICLES), rng.uniform(0, 0.2)  # at least 3 articles (0.4 s each) to go
    data = tmp_path / "data"
    before = len(slow.requested)
    crawl = start_baotinh(*crawl_args(slow.base_url, data))
    try:
        assert wait_for(lambda: len(slow.requested) - before >= requests)
        threading.Event().wait(extra)
    finally:
        os.kill(crawl.pid, signal.SIGKILL)
        _, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == -signal.SIGKILL, stderr[-3000:]
    assert_nothing_left(crawl.pid)
    killed = killed_run_id(data)
    assert_whole_after_rerun(slow.base_url, data)
    if sql(data, "SELECT count(*) FROM captures WHERE run_id = ?", killed)[0][0]:
        assert_killed_run_counted(data, killed, finished=False)


def test_sigkill_mid_crawl_with_a_record_cut_short(tmp_path: Path) -> None:
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
            os.kill(crawl.pid, signal.SIGKILL)
            _, stderr = crawl.communicate(timeout=60)
        assert crawl.returncode == -signal.SIGKILL, stderr
        assert_nothing_left(crawl.pid)
        server.release()

        (slug,) = [p.name for p in (data / "state" / "sites").iterdir()]
        journaled = {row["url"] for row in read_jsonl(site_folder(data, slug) / "articles.jsonl")}
        (open_file,) = (data / "warc").glob("*.warc.gz.open")
        with open(open_file, "ab") as fh:  # the kill may land mid-record: leave one cut short, as it would
            fh.write(PARTIAL)

        before = len(server.requested)
        result = assert_whole_after_rerun(base, data)
        second = server.requested[before:]

    assert journaled and not {base + p for p in second} & journaled  # archived once, not fetched again
    assert any(p.startswith(HELD.rstrip("*")) for p in second)  # the page in flight was fetched again
    for capture_id, url, warc_file, offset in sql(
            data, "SELECT capture_id, a.url, warc_file, warc_offset FROM articles a JOIN captures USING (capture_id)"):
        record = read_response(data / "warc" / warc_file, offset)
        assert (record.record_id, record.url) == (capture_id, url)

    killed, finished = read_runs(data)
    assert killed["status"] == "killed" and finished["status"] == "finished"
    assert killed["totals"]["pages"] > 0  # what its WARC files hold
    assert sql(data, "SELECT run_id, status FROM runs ORDER BY started_at") == [
        (killed["run_id"], "killed"), (finished["run_id"], "finished")]
    (stats,) = sql(data, "SELECT stats FROM runs WHERE run_id = ?", finished["run_id"])[0]
    stats = json.loads(stats)
    assert stats["recovery/files_repaired"] == 1 and stats["recovery/bytes_cut"] == len(PARTIAL)
    assert "previous run did not finish" in result.stderr and f"run {killed['run_id']}" in result.stderr


def test_sigkill_of_index_leaves_no_worker(tmp_path: Path) -> None:
    article = (SITES / "news" / "thoi-su" / "tinh-trien-khai-ke-hoach-xay-dung-nong-thon-moi-100001.html").read_bytes()
    writer = WarcFileWriter(tmp_path / "warc")
    for n in range(300):  # enough pages that the workers are busy when the kill comes
        writer.write_exchange(exchange(n, body=article, url=f"http://127.0.0.1:8000/bai/tin-{n}-{200000 + n}.html"))
    writer.close()
    index = start_baotinh("index", "--data-dir", str(tmp_path), "--processes", "2")
    try:
        assert wait_for(lambda: len(group_members(index.pid)) >= 3, timeout=60)  # itself and its workers
    finally:
        os.kill(index.pid, signal.SIGKILL)
        index.communicate(timeout=60)
    assert index.returncode == -signal.SIGKILL
    assert_nothing_left(index.pid)


def test_a_worker_killed_mid_crawl_costs_no_row(slow: HostileServer, tmp_path: Path) -> None:
    """The OOM killer takes one worker: the crawl goes on with a new pool, logs the records it could not
    derive, leaves their file without its warc_files row, and the next start derives them."""
    data = tmp_path / "data"
    crawl = start_baotinh(*crawl_args(slow.base_url, data))
    workers: list[str] = []
    try:
        assert wait_for(lambda: bool(workers.extend(w for w in group_members(crawl.pid) if "spawn_main" in w)
                                     or workers))  # a worker of the pool, by its command line
        os.kill(int(workers[0].split(":")[0]), signal.SIGKILL)
    finally:
        _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    assert "the worker pool lost a process" in stderr or "no rows for" in stderr  # said, in one line each
    assert_whole_after_rerun(slow.base_url, data)
