"""Damaged files, made for real: the WARC file of a real crawl of the news fixture site cut inside a record (at
seeded offsets), with random bytes appended, with a gzip member corrupted in the middle; the crawl's
`baotinh.duckdb` cut short. Each time the real command, in a subprocess: one clear line (no traceback), the
exit code, every whole record's rows kept (counted against what warcio and fastwarc read), no half-written
package, and verify's faults naming file and offset."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import SiteServer
from tests.conftest import SITES, run_baotinh, sql, start_baotinh
from tests.hostile import HostileServer
from tests.test_kill import HELD, wait_for
from tests.tools import run_tool, tool

SEED = 13
CUTS = 3  # WARC files cut inside a record, each at a seeded offset
DB_CUTS = 3  # database files cut short, each at a seeded size
DAMAGED_LINE = "baotinh.duckdb cannot be read ("


@dataclass(frozen=True)
class Span:
    """A record as warcio finds it in the intact file."""

    offset: int
    length: int
    type: str
    record_id: str

    @property
    def end(self) -> int:
        return self.offset + self.length


def spans(path: Path) -> list[Span]:
    found = []
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            record.content_stream().read()  # warcio knows a record's length once it has read it
            found.append(Span(records.get_record_offset(), records.get_record_length(), record.rec_type,
                              record.rec_headers.get_header("WARC-Record-ID")))
    assert found and found[0].type == "warcinfo"
    return found


def whole_captures(path: Path) -> set[str]:
    """The response and revisit records of a (damaged) file whose block digest fastwarc verifies."""
    found = set()
    with open(path, "rb") as fh:
        for record in FastIterator(fh, parse_http=False):
            if record.headers.get("WARC-Type") in ("response", "revisit") and record.verify_block_digest():
                found.add(record.headers.get("WARC-Record-ID"))
    return found


def package_ids(package: Path) -> list[str]:
    """Every record id in a package's WARC files, read with warcio (which must accept every file)."""
    ids = []
    for path in sorted((package / "warc").glob("*.warc.gz")):
        assert run_tool(tool("warcio"), "check", str(path)).returncode == 0, path
        with open(path, "rb") as fh:
            ids += [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh)]
    assert ids
    return ids


def no_traceback(result) -> None:  # noqa: ANN001 - a CompletedProcess
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]


def nothing_half_written(folder: Path) -> None:
    """No staging folder left beside a package (export writes into `.NAME.*.partial` and renames)."""
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".partial")]


def captures(data: Path) -> set[str]:
    return {cid for (cid,) in sql(data, "SELECT capture_id FROM captures")}


@pytest.fixture(scope="module")
def crawled(news_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("damage") / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), check=True)
    return data


def copy_of(crawled: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(crawled, data)
    (path,) = (data / "warc").glob("*.warc.gz")
    return data, path


# -- WARC files ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", range(CUTS))
def test_a_warc_file_cut_inside_a_record(crawled: Path, tmp_path: Path, n: int) -> None:
    data, path = copy_of(crawled, tmp_path)
    records = spans(path)
    rng = random.Random(SEED + n)
    victim = rng.choice([r for r in records[1:] if r.type == "response"])
    cut = victim.offset + rng.randint(1, victim.length - 1)
    with open(path, "r+b") as fh:
        fh.truncate(cut)
    before, articles = captures(data), sql(data, "SELECT count(*) FROM articles")
    whole = whole_captures(path)
    assert whole == {r.record_id for r in records if r.type in ("response", "revisit") and r.end <= cut}
    lost = before - whole
    assert lost and victim.record_id in lost

    verify = run_baotinh("verify", "--data-dir", str(data))
    no_traceback(verify)
    assert verify.returncode == 1
    (fault,) = [line for line in verify.stdout.splitlines() if "FAULT" in line]
    assert f"FAULT {path.name} at offset {victim.offset} ({cut - victim.offset:,} bytes): " in fault
    assert "not a whole record" in fault
    assert (f"{len(lost)} captures rows are lost" if len(lost) > 1 else f"captures row {victim.record_id}") in fault

    rebuild = run_baotinh("index", "--rebuild", "--data-dir", str(data))
    no_traceback(rebuild)
    assert rebuild.returncode == 1
    assert f"{path.name} at offset {victim.offset}: the last {cut - victim.offset} bytes" in rebuild.stderr
    assert "1 damaged span(s) in 1 WARC file(s)" in rebuild.stderr
    assert captures(data) == before  # rows of the lost records kept: nothing deleted
    assert sql(data, "SELECT count(*) FROM articles") == articles
    assert sql(data, "SELECT captures FROM warc_files WHERE warc_file = ?", path.name) == [(len(whole),)]

    full = run_baotinh("export", "--data-dir", str(data), "--out", str(tmp_path / "full"))
    no_traceback(full)
    assert full.returncode == 1
    (said,) = [line for line in full.stderr.splitlines() if "left out" in line]
    assert f"{path.name} at offset {victim.offset}" in said
    assert package_ids(tmp_path / "full") == [r.record_id for r in records if r.end <= cut]
    (slug,) = sql(data, "SELECT DISTINCT site FROM captures")[0]
    part = run_baotinh("export", "--data-dir", str(data), "--out", str(tmp_path / "site"), "--site", slug)
    no_traceback(part)
    assert part.returncode == 1 and f"{len(lost)} damaged record" in part.stderr
    assert {i for i in package_ids(tmp_path / "site")} & before == whole
    nothing_half_written(tmp_path)


def test_random_bytes_appended_after_the_last_record(crawled: Path, tmp_path: Path) -> None:
    data, path = copy_of(crawled, tmp_path)
    intact = path.read_bytes()
    garbage = bytearray(random.Random(SEED).randbytes(4096))
    garbage[0] = 0x42  # not the start of a gzip member (1f 8b)
    path.write_bytes(intact + garbage)
    before = sql(data, "SELECT * FROM captures ORDER BY capture_id")

    verify = run_baotinh("verify", "--data-dir", str(data))
    no_traceback(verify)
    assert verify.returncode == 1
    assert (f"FAULT {path.name} at offset {len(intact)} (4,096 bytes): 4096 bytes that are not a gzip member "
            "(after the last record)") in verify.stdout

    rebuild = run_baotinh("index", "--rebuild", "--data-dir", str(data))
    no_traceback(rebuild)
    assert rebuild.returncode == 1 and "1 damaged span(s) in 1 WARC file(s)" in rebuild.stderr
    assert sql(data, "SELECT * FROM captures ORDER BY capture_id") == before  # every record read again, alike

    full = run_baotinh("export", "--data-dir", str(data), "--out", str(tmp_path / "full"))
    no_traceback(full)
    assert full.returncode == 1 and f"{path.name} at offset {len(intact)}" in full.stderr
    assert (tmp_path / "full" / "warc" / path.name).read_bytes() == intact  # the garbage left out, nothing else
    nothing_half_written(tmp_path)


def test_a_gzip_member_corrupted_in_the_middle(crawled: Path, tmp_path: Path) -> None:
    data, path = copy_of(crawled, tmp_path)
    records = spans(path)
    responses = [r for r in records if r.type == "response" and r.length > 1000]
    victim = responses[len(responses) // 2]
    assert records.index(victim) < len(records) - 2  # whole records follow it
    raw = bytearray(path.read_bytes())
    middle = victim.offset + victim.length // 2
    raw[middle: middle + 16] = bytes(b ^ 0xFF for b in raw[middle: middle + 16])
    path.write_bytes(bytes(raw))
    before = captures(data)

    verify = run_baotinh("verify", "--data-dir", str(data))
    no_traceback(verify)
    assert verify.returncode == 1
    (fault,) = [line for line in verify.stdout.splitlines() if f"FAULT {path.name} at offset {victim.offset} " in line]
    assert "damaged gzip member" in fault and f"the record of captures row {victim.record_id} is lost" in fault

    rebuild = run_baotinh("index", "--rebuild", "--data-dir", str(data))
    no_traceback(rebuild)
    assert rebuild.returncode == 1 and f"{path.name} at offset {victim.offset}: damaged gzip member" in rebuild.stderr
    assert captures(data) == before
    others = [r for r in records if r.type in ("response", "revisit") and r is not victim]
    assert sql(data, "SELECT captures FROM warc_files WHERE warc_file = ?", path.name) == [(len(others),)]

    full = run_baotinh("export", "--data-dir", str(data), "--out", str(tmp_path / "full"))
    no_traceback(full)
    assert full.returncode == 1 and "1 damaged span in 1 WARC file(s) left out" in full.stderr
    assert package_ids(tmp_path / "full") == [r.record_id for r in records if r is not victim]
    assert run_tool(tool("fastwarc"), "check", "-q", str(tmp_path / "full" / "warc" / path.name)).returncode == 0
    nothing_half_written(tmp_path)


def test_an_export_that_cannot_be_written_leaves_nothing(crawled: Path, tmp_path: Path) -> None:
    import resource
    import subprocess
    import sys

    from tests.conftest import ENV, REPO

    def small_files() -> None:  # a disk that fills up: no file over 8 KB (Python ignores SIGXFSZ: EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    out = tmp_path / "package"
    result = subprocess.run([sys.executable, "-m", "crawler", "export", "--data-dir", str(crawled), "--out", str(out)],
                            cwd=REPO, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=120,
                            preexec_fn=small_files)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("export: cannot write the package (File too large")
    assert list(tmp_path.iterdir()) == []  # neither the package nor its staging folder


# -- a run that did not finish ----------------------------------------------------------------------------------
def test_verify_names_the_run_that_left_a_file_open(tmp_path: Path) -> None:
    data = tmp_path / "data"

    def rows_stored(pause: float = 0.0) -> int:
        threading.Event().wait(pause)  # a reader that never lets go would make every batch spool
        try:
            with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
                return con.execute("SELECT count(*) FROM captures").fetchone()[0]
        except duckdb.Error:  # not there yet, or a batch is being written
            return 0

    # one article is held (the crawl cannot finish), the rows of the pages before it are stored, then kill -9
    with HostileServer(SITES / "slow", hostile={HELD: {"kind": "hold"}}) as server:
        crawl = start_baotinh("crawl", "--start-url", server.base_url + "/", "--data-dir", str(data),
                              "--set", "STORE_FLUSH_INTERVAL=0.5", "--set", "DOWNLOAD_TIMEOUT=600")
        try:
            assert server.held.wait(timeout=120), "the crawl never reached the held page"
            assert wait_for(lambda: rows_stored(pause=0.5) >= 3)
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.communicate(timeout=60)
    (left,) = (data / "warc").glob("*.warc.gz.open")
    run_id = json.loads((data / "state" / "crawl.lock").read_text())["run_id"]
    stored = rows_stored()
    assert stored >= 3 and sql(data, "SELECT DISTINCT warc_file FROM captures") == [(left.name[:-5],)]

    verify = run_baotinh("verify", "--data-dir", str(data))
    no_traceback(verify)
    assert verify.returncode == 0 and "; 0 faults" in verify.stdout and "is missing" not in verify.stdout
    assert (f"note: {left.name}: left open by run {run_id}, which did not finish; repaired at the next crawl"
            in verify.stdout)
    assert f"; {stored:,} captures rows checked in it" in verify.stdout


# -- the database --------------------------------------------------------------------------------------------------
def cut_database(data: Path, n: int) -> None:
    db = data / "baotinh.duckdb"
    size = db.stat().st_size
    rng = random.Random(SEED + n)
    # inside the headers, in the blocks, or in the last quarter (not only the free space at the end)
    keep = [rng.randint(1, 4095), rng.randint(12288, size // 2), rng.randint(size // 2, size * 3 // 4)][n % 3]
    with open(db, "r+b") as fh:
        fh.truncate(keep)


@pytest.mark.parametrize("n", range(DB_CUTS))
def test_every_command_calls_a_truncated_database_damaged(crawled: Path, tmp_path: Path, n: int) -> None:
    data, _ = copy_of(crawled, tmp_path)
    cut_database(data, n)
    commands = [["verify"], ["index"], ["search", "phu tho"], ["export", "--out", str(tmp_path / "out")],
                ["export", "--parquet", str(tmp_path / "tables")], ["report", "--out", str(tmp_path / "r.html")],
                ["shell", "-c", "SELECT 1"]]
    for command in commands:
        result = run_baotinh(*command, "--data-dir", str(data))
        no_traceback(result)
        assert result.returncode == 2, (command, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"baotinh: error: {DAMAGED_LINE}"), (command, line)
        assert "/" not in line.split(DAMAGED_LINE)[1].split("): restore")[0]  # the reason names no path
        assert line.endswith(f"restore it or rebuild it from the archive with `baotinh index --rebuild --data-dir "
                             f"{data}` (which moves the damaged file aside)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no package, no tables, no report


def test_a_crawl_archives_beside_a_damaged_database_and_a_rebuild_starts_afresh(
        news_site: SiteServer, crawled: Path, tmp_path: Path) -> None:
    data, _ = copy_of(crawled, tmp_path)
    cut_database(data, 1)
    damaged = (data / "baotinh.duckdb").read_bytes()
    crawl = run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), "--refresh")
    no_traceback(crawl)
    assert crawl.returncode == 2
    assert crawl.stderr.splitlines()[-1].split(" ", 2)[2].startswith(f"baotinh: error: {DAMAGED_LINE}")
    warcs = sorted((data / "warc").glob("*.warc.gz"))
    assert len(warcs) == 2 and len(spans(warcs[1])) > 10  # the second run archived all the same
    assert any((data / "spool").iterdir())  # and its rows wait

    rebuild = run_baotinh("index", "--rebuild", "--data-dir", str(data))
    no_traceback(rebuild)
    assert rebuild.returncode == 0, rebuild.stderr
    (aside,) = data.glob("baotinh.duckdb.damaged-*")
    assert f"moved to {aside.name}" in rebuild.stderr and aside.read_bytes() == damaged  # kept, as it was
    archived = {s.record_id for w in warcs for s in spans(w) if s.type in ("response", "revisit")}
    assert captures(data) == archived
    verify = run_baotinh("verify", "--data-dir", str(data))
    assert verify.returncode == 0 and "; 0 faults" in verify.stdout, verify.stdout
