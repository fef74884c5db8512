"""Crash repair: `.open` files cut back to their last whole record and closed, so every tool accepts them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from archive.repair import repair_open_files, whole_records_end
from archive.writer import WarcFileWriter
from crawler.demo.server import SiteServer
from tests.conftest import REPO, SITES, run_baotinh
from tests.test_writer import exchange
from tests.tools import run_tool, tool


def killed_file(tmp_path: Path, n: int = 3) -> tuple[Path, int]:
    """A `.open` file as a killed writer leaves it: `n` whole fetches, then half a record. (path, good size)"""
    writer = WarcFileWriter(tmp_path)
    for i in range(n):
        writer.write_exchange(exchange(i, body=os.urandom(3000)))
    name = tmp_path / (writer.current_file + ".open")  # type: ignore[operator]
    good = name.stat().st_size
    writer.write_exchange(exchange(99, body=os.urandom(3000)))
    data = name.read_bytes()
    writer._fh.close()  # type: ignore[union-attr]  # the process dies: no close(), no rename
    name.write_bytes(data[: good + (len(data) - good) // 3])
    return name, good


def test_partial_last_record_is_cut_and_file_closed(tmp_path: Path) -> None:
    path, good = killed_file(tmp_path)
    assert whole_records_end(path) == (good, 1 + 3 * 2)  # warcinfo + 3 response/request pairs
    (repair,) = repair_open_files(tmp_path)
    final = tmp_path / repair.name
    assert not path.exists() and final.stat().st_size == good == repair.kept_bytes and repair.cut_bytes > 0
    assert run_tool(tool("warcio"), "check", str(final)).returncode == 0
    assert run_tool(tool("fastwarc"), "check", "-q", str(final)).returncode == 0


def test_file_with_no_whole_record_is_removed(tmp_path: Path) -> None:
    (tmp_path / "baotinh-20260101000000000-00000-x.warc.gz.open").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (repair,) = repair_open_files(tmp_path)
    assert repair.removed and not list(tmp_path.iterdir())


def test_a_live_writers_file_is_left_alone(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.write_exchange(exchange())
    assert repair_open_files(tmp_path) == []  # it holds the lock
    writer.close()


def test_next_crawl_repairs_what_a_killed_crawl_left(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with SiteServer(SITES / "slow") as slow:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not any(slow.requested.count(p) for p in slow.requested if p.startswith("/bai/")):
                assert time.monotonic() < deadline and process.poll() is None, "the crawl never reached articles"
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        (left,) = (data / "warc").glob("*.open")
        with open(left, "ab") as fh:
            fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03half a record")  # as if killed mid-write
        result = run_baotinh("crawl", "--start-url", slow.base_url + "/", "--data-dir", str(data), check=True)
    assert f"repaired {left.name.removesuffix('.open')}" in result.stderr
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    assert len(warcs) == 2 and not list((data / "warc").glob("*.open"))
    for path in warcs:
        assert run_tool(tool("warcio"), "check", str(path)).returncode == 0, path.name
    # the rows the killed run wrote still resolve (the next run's rows too)
    assert run_baotinh("verify", "--data-dir", str(data)).returncode == 0
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        # the killed run's bodies were indexed as they were written: the next run revisits them
        assert con.execute("SELECT count(*) FROM captures WHERE revisit").fetchone()[0] > 0
