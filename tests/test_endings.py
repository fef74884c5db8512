"""Every way a run ends leaves a true record, for real: signals sent to real crawls of the slow fixture site
at moments chosen from their own log lines and from what the server has been asked (as tests/test_kill.py
does). Each ending is checked where an operator looks: the exit code, the summary line, `state/runs.jsonl`,
`baotinh status` (text and --json), the `runs` table, and what the next run says it found.

| ending                          | runs.status  | exit |
|---------------------------------|--------------|------|
| finished                        | finished     | 0    |
| SIGTERM, or Ctrl-C once         | interrupted  | 1    |
| Ctrl-C twice                    | forced       | 1    |
| SIGKILL (recorded next start)   | killed       | -9   |
| disk full (tests/test_full_disk)| failed: disk full | 1 |
| SIGTERM once the run has ended  | the run's    | the run's |
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.records import walk
from crawler.run.lock import RunLock
from crawler.run.state import read_runs
from tests.conftest import ENV, REPO, SITES, run_baotinh, sql
from tests.hostile import HostileServer
from tests.test_kill import ARTICLES, assert_nothing_left, wait_for


class LiveCrawl:
    """`baotinh crawl` in a session of its own, its console lines collected as they come."""

    def __init__(self, base: str, data: Path, *extra: str) -> None:
        self.data = data
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--start-url", base + "/", "--data-dir", str(data),
             "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", *extra],
            cwd=REPO, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def said(self, phrase: str) -> bool:
        return any(phrase in line for line in self.lines)

    def log_says(self, phrase: str) -> bool:
        """The run's log file (where Scrapy's own lines go) holds `phrase`."""
        logs = (self.data / "logs").glob("*.log")
        return any(phrase in p.read_text(encoding="utf-8", errors="replace") for p in logs)

    def send(self, sig: signal.Signals) -> None:
        os.kill(self.process.pid, sig)

    def end(self, timeout: float = 120) -> tuple[int, str]:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code, "".join(self.lines)


@pytest.fixture(scope="module")
def slow() -> Iterator[HostileServer]:
    with HostileServer(SITES / "slow") as server:
        yield server


def crawl_until(server: HostileServer, data: Path, articles: int, *extra: str) -> LiveCrawl:
    """A crawl started, once it has asked for `articles` article pages (a few to go: 12 at 0.4 s each)."""
    before = len(server.requested)
    crawl = LiveCrawl(server.base_url, data, *extra)
    assert wait_for(lambda: sum(p.startswith("/bai/") for p in server.requested[before:]) >= articles)
    return crawl


def summary(stderr: str) -> str:
    """The crawl's last console line: `run ID: STATUS; N pages, M articles; log FILE`."""
    return stderr.strip().splitlines()[-1]


def status_of(data: Path) -> tuple[str, dict]:
    text = run_baotinh("status", "--data-dir", str(data), check=True).stdout
    return text, json.loads(run_baotinh("status", "--data-dir", str(data), "--json", check=True).stdout)


def assert_all_stored_once(data: Path) -> None:
    assert sql(data, "SELECT count(*), count(DISTINCT url) FROM articles") == [(ARTICLES, ARTICLES)]
    warcs = sorted((data / "warc").glob("*.warc.gz*"))
    assert warcs and all(p.name.endswith(".warc.gz") for p in warcs)
    verify = run_baotinh("verify", "--data-dir", str(data))
    assert verify.returncode == 0 and "0 faults" in verify.stdout, verify.stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_one_signal_interrupts_the_run_and_it_records_itself(slow: HostileServer, tmp_path: Path,
                                                             sig: signal.Signals) -> None:
    data = tmp_path / "data"
    crawl = crawl_until(slow, data, 3)
    crawl.send(sig)
    code, stderr = crawl.end()
    assert code == 1, stderr[-3000:]
    run_id = re.match(r".*run (\S+): interrupted; \d+ pages", summary(stderr)).group(1)  # type: ignore[union-attr]
    assert "Traceback" not in stderr
    assert [(r["run_id"], r["status"]) for r in read_runs(data)] == [(run_id, "interrupted")]
    assert sql(data, "SELECT status FROM runs WHERE run_id = ?", run_id) == [("interrupted",)]
    assert RunLock(data).path.read_text() == ""  # recorded: nothing left for the next start to settle
    text, as_json = status_of(data)
    assert text.startswith("no crawl running\n") and re.search(rf"{run_id} .* interrupted ", text)
    assert as_json["crawl"] is None and as_json["runs"][0]["status"] == "interrupted"

    rerun = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data), check=True)
    assert "previous run" not in rerun.stderr
    assert_all_stored_once(data)


def test_ctrl_c_twice_is_a_forced_stop_recorded_as_forced(slow: HostileServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl = crawl_until(slow, data, 4)
    crawl.send(signal.SIGINT)
    assert wait_for(lambda: crawl.log_says("Received SIGINT, shutting down gracefully"))
    crawl.send(signal.SIGINT)  # "Send again to force"
    code, stderr = crawl.end()
    assert code == 1, stderr[-3000:]
    run_id = re.match(r".*run (\S+): forced; \d+ pages", summary(stderr)).group(1)  # type: ignore[union-attr]
    assert "Traceback" not in stderr and "not started" not in stderr
    assert_nothing_left(crawl.process.pid)
    # the WARC files are closed at their last whole record, and the lock file says how the run ended
    for path in (data / "warc").glob("*.warc.gz*"):
        assert path.name.endswith(".warc.gz")
        assert all(m.problem is None for m in walk(path))
    holder, alive = RunLock(data).holder()
    assert holder is not None and (holder.run_id, holder.ended, alive) == (run_id, "forced", False)
    text, as_json = status_of(data)
    assert f"run {run_id} (pid {holder.pid}) was forced to stop" in text and "forced (not recorded yet)" in text
    assert as_json["crawl"]["ended"] == "forced" and as_json["crawl"]["running"] is False
    assert (as_json["runs"][0]["run_id"], as_json["runs"][0]["status"], as_json["runs"][0]["recorded"]) == (
        run_id, "forced", False)

    rerun = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data), check=True)
    assert f"the previous run did not finish (forced to stop: pid {holder.pid}, run {run_id}" in rerun.stderr
    (status, stats), = sql(data, "SELECT status, stats FROM runs WHERE run_id = ?", run_id)
    (site,) = json.loads(stats)["sites"].values()
    assert status == "forced" and site["pages"] > 0  # what its WARC files hold
    forced, finished = read_runs(data)
    assert (forced["run_id"], forced["status"], finished["status"]) == (run_id, "forced", "finished")
    assert forced["recorded_by"] == finished["run_id"]
    assert_all_stored_once(data)


def test_a_killed_run_shows_in_status_before_the_next_start(slow: HostileServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl = crawl_until(slow, data, 3)
    os.killpg(crawl.process.pid, signal.SIGKILL)
    code, _ = crawl.end()
    assert code == -signal.SIGKILL
    holder, _ = RunLock(data).holder()
    assert holder is not None
    text, as_json = status_of(data)
    assert f"run {holder.run_id} (pid {holder.pid}) was killed: the next crawl recovers it" in text
    assert "killed (not recorded yet)" in text
    assert as_json["crawl"]["ended"] == "killed" and as_json["runs"][0]["status"] == "killed"


def test_a_rerun_killed_in_its_catch_up_leaves_no_run_running(slow: HostileServer, tmp_path: Path) -> None:
    """A is killed with its row in the database; B, starting, is killed before it could record A; C records
    both (A from the database, B from the lock file)."""
    data = tmp_path / "data"
    first = crawl_until(slow, data, 4, "--set", "STORE_FLUSH_INTERVAL=0.2")
    assert wait_for(lambda: bool(running_rows(data)))
    os.killpg(first.process.pid, signal.SIGKILL)
    first.end()
    (a_run,) = running_rows(data)

    second = LiveCrawl(slow.base_url, data)
    assert wait_for(lambda: second.said("the previous run did not finish"))
    os.killpg(second.process.pid, signal.SIGKILL)  # before its catch-up could record A
    second.end()
    b_run = RunLock(data).holder()[0].run_id  # type: ignore[union-attr]
    assert b_run != a_run and sql(data, "SELECT status FROM runs WHERE run_id = ?", a_run) == [("running",)]

    third = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data), check=True)
    assert f"run {b_run}" in third.stderr and "previous run did not finish" in third.stderr
    assert re.search(rf"run {a_run} was still 'running' .* recorded as killed", third.stderr)
    statuses = dict(sql(data, "SELECT run_id, status FROM runs"))
    assert statuses[a_run] == "killed" and statuses[b_run] == "killed" and "running" not in statuses.values()
    assert sorted(r["run_id"] for r in read_runs(data) if r["status"] == "killed") == sorted([a_run, b_run])
    assert_all_stored_once(data)


def running_rows(data: Path) -> list[str]:
    """Run ids the runs table holds as running (nothing while the crawl holds the file for a batch)."""
    if not (data / "baotinh.duckdb").exists():
        return []
    try:
        return [r for (r,) in sql(data, "SELECT run_id FROM runs WHERE status = 'running'")]
    except Exception:  # the crawl is writing a batch: not now  # noqa: BLE001
        return []


@pytest.mark.parametrize("moment", ["search index built", ": finished; "])
def test_sigterm_once_the_run_has_ended_keeps_its_exit_code(slow: HostileServer, tmp_path: Path,
                                                            moment: str) -> None:
    """In the run's last steps and while Python shuts down afterwards, a SIGTERM changes nothing: the run
    is recorded, and its exit code is the run's (not 143)."""
    data = tmp_path / "data"
    crawl = LiveCrawl(slow.base_url, data)
    assert wait_for(lambda: crawl.said(moment))
    crawl.send(signal.SIGTERM)
    code, stderr = crawl.end()
    assert code == 0, stderr[-3000:]
    assert [r["status"] for r in read_runs(data)] == ["finished"]
    assert sql(data, "SELECT status FROM runs") == [("finished",)]


def test_a_run_that_cannot_write_its_line_leaves_it_in_the_lock_file(slow: HostileServer, tmp_path: Path) -> None:
    """Where runs.jsonl cannot be written (here a folder stands in its place; on a full disk, no room even
    after the reserve), the run says so in one line and leaves how it ended in the lock file: status shows
    it, and the next start records it and says so."""
    data = tmp_path / "data"
    blocked = data / "state" / "runs.jsonl"
    blocked.mkdir(parents=True)
    first = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data))
    assert first.returncode == 0, first.stderr[-3000:]  # the run itself finished
    assert "cannot write runs.jsonl" in first.stderr and "the lock file keeps how this run ended" in first.stderr
    assert "Traceback" not in first.stderr
    holder, alive = RunLock(data).holder()
    assert holder is not None and holder.ended == "finished" and not alive
    blocked.rmdir()
    text, as_json = status_of(data)
    assert f"run {holder.run_id} (pid {holder.pid}) ended (finished) but could not record it" in text
    assert as_json["runs"][0]["status"] == "finished" and as_json["runs"][0]["recorded"] is False

    rerun = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data), check=True)
    assert f"the previous run ended (finished) but could not record it (pid {holder.pid}, run {holder.run_id}" \
        in rerun.stderr
    recorded, this = read_runs(data)
    assert (recorded["run_id"], recorded["status"], recorded["recorded_by"]) == (
        holder.run_id, "finished", this["run_id"])
    assert recorded["totals"]["articles"] == ARTICLES
    assert sql(data, "SELECT status FROM runs WHERE run_id = ?", holder.run_id) == [("finished",)]
    assert RunLock(data).path.read_text() == ""
