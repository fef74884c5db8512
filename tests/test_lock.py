"""One crawl at a time: the run lock against real processes, and `baotinh crawl` exiting 75 when it is held."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.run.lock import LockHeld, RunLock
from tests.conftest import run_baotinh

HOLD_LOCK = """
import sys
from pathlib import Path
from crawler.run.lock import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire(run_id="20260312T031500Z-beef")
print("locked", flush=True)
sys.stdin.readline()
lock.release()
"""


@pytest.fixture
def held(tmp_path: Path) -> object:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    yield proc
    proc.communicate("\n", timeout=30)


def test_second_acquire_names_the_holder(tmp_path: Path, held: subprocess.Popen[str]) -> None:
    with pytest.raises(LockHeld) as caught:
        RunLock(tmp_path).acquire(run_id="mine")
    assert caught.value.holder is not None
    assert caught.value.holder.pid == held.pid and caught.value.holder.run_id == "20260312T031500Z-beef"
    assert RunLock(tmp_path).holder() == (caught.value.holder, True)


def test_released_lock_is_free_and_leaves_no_name(tmp_path: Path) -> None:
    lock = RunLock(tmp_path)
    assert lock.acquire(run_id="a") is None
    lock.release()
    assert lock.path.read_bytes() == b""
    assert RunLock(tmp_path).acquire(run_id="b") is None


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    lock = RunLock(tmp_path)
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text(json.dumps({"pid": pid, "run_id": "killed-run", "started_at": "2026-03-12T03:15:00+00:00"}))
    assert lock.holder()[1] is False  # `baotinh status` can tell the holder is gone
    stale = lock.acquire(run_id="next")
    assert stale is not None and (stale.pid, stale.run_id) == (pid, "killed-run")
    assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    lock.release()


def test_crawl_exits_75_with_one_line_while_another_runs(tmp_path: Path, held: subprocess.Popen[str]) -> None:
    result = run_baotinh("crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(tmp_path))
    assert result.returncode == 75
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"pid {held.pid}" in lines[0] and "20260312T031500Z-beef" in lines[0]
    assert not (tmp_path / "logs").exists()  # it left before writing anything
