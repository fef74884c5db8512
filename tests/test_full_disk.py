"""A full disk, for real (tests/full_disk.py: a small tmpfs as the data directory, else a file-size limit):
the crawl stops in one line with exit code 1, its WARC files end at their last whole record, the run is
recorded as `failed: disk full` in runs.jsonl, `baotinh status` and (by the next start) the `runs` table,
and the rerun after space is freed stores nothing twice."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from archive.records import walk
from crawler.run.state import read_runs
from tests.conftest import run_baotinh, sql, warcio_check
from tests.full_disk import FullDisk, write_big_site
from tests.hostile import HostileServer

PAGES = 60  # 60 KB that do not compress each: 3.6 MB of WARC, more than the disk leaves beside the database
DISK_MB, FILE_MB = 5, 2


@dataclass
class Filled:
    disk: FullDisk
    base: str
    first: subprocess.CompletedProcess[str]
    run_id: str
    runs_line: dict
    status_text: str
    status_json: dict
    members: dict[str, list]  # WARC file -> its members (archive.records.walk), as the first run left them
    row_left: str | None  # the run's status in the runs table as it left it ('running': its last row did not fit)
    unindexed: set[str]  # its WARC files whose rows were not all stored
    rerun: subprocess.CompletedProcess[str]
    fetched_again: list[str]  # request paths of the rerun


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    site = write_big_site(tmp_path_factory.mktemp("big-site"), PAGES, 60_000)
    with HostileServer(site) as server, FullDisk(tmp_path_factory.mktemp("disk"), DISK_MB, FILE_MB) as disk:
        print(f"full disk made with {disk.mode}")  # shown with -s or on failure: which way the disk filled
        first = disk.crawl(server.base_url)
        found = re.search(r"run (\S+): failed: disk full;", first.stderr)
        assert found, f"{disk.mode}: the disk did not fill:\n{first.stderr[-3000:]}"
        run_id = found.group(1)
        lines = [r for r in read_runs(disk.data) if r["run_id"] == run_id]
        assert lines, "no runs.jsonl line"
        text = run_baotinh("status", "--data-dir", str(disk.data), check=True).stdout
        as_json = json.loads(run_baotinh("status", "--data-dir", str(disk.data), "--json", check=True).stdout)
        members = {p.name: list(walk(p)) for p in sorted((disk.data / "warc").glob("*.warc.gz*"))}
        left = sql(disk.data, "SELECT status FROM runs WHERE run_id = ?", run_id)
        unindexed = set(members) - {f for (f,) in sql(disk.data, "SELECT warc_file FROM warc_files")}
        disk.free()
        before = len(server.requested)
        rerun = disk.crawl(server.base_url)
        yield Filled(disk, server.base_url, first, run_id, lines[-1], text, as_json, members,
                     left[0][0] if left else None, unindexed, rerun, server.requested[before:])


def test_a_full_disk_is_one_line_and_exit_code_1(filled: Filled) -> None:
    stderr = filled.first.stderr
    assert filled.first.returncode == 1, stderr[-3000:]
    said = [line for line in stderr.splitlines() if any(w in line for w in filled.disk.full_words())]
    assert len(said) == 1 and "stopping the crawl" in said[0], said
    assert "Traceback" not in stderr and "Logging error" not in stderr
    assert "fetch failed" not in stderr  # the pages in flight are left for the next run, quietly
    assert re.search(r"run \S+: failed: disk full; \d+ pages, \d+ articles", stderr.splitlines()[-1])


def test_the_warc_files_end_at_their_last_whole_record(filled: Filled) -> None:
    assert filled.members and all(name.endswith(".warc.gz") for name in filled.members)  # closed, none .open
    for name, members in filled.members.items():
        assert [m.problem for m in members] == [None] * len(members), name
        assert members[0].warc_type == "warcinfo" and members[-1].warc_type == "request", name  # a whole fetch
    warcio_check(sorted((filled.disk.data / "warc").glob("*.warc.gz")))


def test_the_run_is_recorded_as_failed_disk_full(filled: Filled) -> None:
    assert filled.runs_line["status"] == "failed: disk full" and filled.runs_line["finished_at"]
    assert filled.runs_line["totals"]["pages"] > 0
    assert f"{filled.run_id}" in filled.status_text and "failed: disk full" in filled.status_text
    (last,) = [r for r in filled.status_json["runs"] if r["run_id"] == filled.run_id]
    assert last["status"] == "failed: disk full" and last["recorded"] is True
    # the database could not take the run's last row: the next start sets it from runs.jsonl and the archive
    (status, stats), = sql(filled.disk.data, "SELECT status, stats FROM runs WHERE run_id = ?", filled.run_id)
    assert status == "failed: disk full"
    (site,) = json.loads(stats)["sites"].values()
    assert site["pages"] > 0


def test_the_rerun_after_space_is_freed_stores_nothing_twice(filled: Filled) -> None:
    rerun, data = filled.rerun, filled.disk.data
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "Traceback" not in rerun.stderr
    assert sql(data, "SELECT count(*), count(DISTINCT url) FROM articles") == [(PAGES, PAGES)]
    twice = sql(data, "SELECT url, count(*) FROM captures WHERE NOT revisit AND status = 200 GROUP BY url "
                      "HAVING count(*) > 1")
    assert twice == []  # a page archived whole by the first run is a revisit (or not asked) in the second
    archived_first = {m.target_uri for ms in filled.members.values() for m in ms if m.warc_type == "response"}
    articles_first = {u for u in archived_first if "/bai/" in u}
    assert 0 < len(articles_first) < PAGES  # the disk filled in the middle of the crawl
    asked_again = {filled.base + p for p in filled.fetched_again} & articles_first
    revisits = {u for (u,) in sql(data, "SELECT url FROM captures WHERE revisit AND url LIKE '%/bai/%'")}
    assert asked_again <= revisits


def test_the_rerun_says_what_it_found(filled: Filled) -> None:
    data = filled.disk.data
    said = re.search(rf"run {filled.run_id} .*recorded as failed: disk full", filled.rerun.stderr)
    if filled.row_left == "failed: disk full":  # its last row fitted (a file-size limit the database stayed under)
        assert said is None
    else:  # on a full disk its last row did not fit: the rerun sets it, and says so in one line
        assert filled.row_left in (None, "running") and said, filled.rerun.stderr[-3000:]
    if filled.unindexed:  # rows that did not fit: made from the archive by the rerun
        assert f"indexed {len(filled.unindexed)} WARC file(s) the database did not hold" in filled.rerun.stderr
    assert [r["status"] for r in read_runs(data)] == ["failed: disk full", "finished"]  # one line each
    verify = run_baotinh("verify", "--data-dir", str(data))
    assert verify.returncode == 0 and "0 faults" in verify.stdout, verify.stdout
