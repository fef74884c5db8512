"""Shared fixtures: fixture sites served on 127.0.0.1 (port 0) and crawls run as real subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from archive.records import iter_records, warcinfo_fields
from crawler.demo.server import SiteServer
from crawler.ingest.content_coding import decode_content
from crawler.ingest.response import ArchivedResponse, from_record

TESTS = Path(__file__).resolve().parent
SITES = TESTS / "sites"
REPO = TESTS.parent


@pytest.fixture(scope="module")
def news_site() -> Iterator[SiteServer]:
    with SiteServer(SITES / "news") as server:
        yield server


ENV = {"PYTHONWARNINGS": "error::DeprecationWarning", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}


def run_baotinh(*args: str, timeout: float = 180, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process (Scrapy's reactor runs once per process).

    The command runs in a session of its own: if it outlives `timeout`, it is killed with its worker
    processes, so a hung crawl fails its test instead of holding its data directory's lock for the rest of the run.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler", *args], cwd=REPO, env={**os.environ, **ENV},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        kill_session(process)  # the whole session on a timeout; else whatever workers it left behind
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check and result.returncode != 0:
        raise AssertionError(f"baotinh {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


_started: list[subprocess.Popen[str]] = []


def start_baotinh(*args: str) -> subprocess.Popen[str]:
    """Start the command line in a session of its own, so a test can kill it with its worker processes.

    Whatever of it is still running when the test ends is killed then (the `_no_command_outlives_its_test` fixture).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler", *args], cwd=REPO, env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    _started.append(process)
    return process


def kill_session(process: subprocess.Popen[str]) -> None:
    """SIGKILL every process of `process`'s session (it leads it: start_new_session), and reap the leader."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the whole session has exited already
    if process.returncode is None:
        process.wait()


@pytest.fixture(autouse=True)
def _no_command_outlives_its_test() -> Iterator[None]:
    yield
    while _started:
        process = _started.pop()
        kill_session(process)
        if process.stderr is not None:
            process.stderr.close()


def responses(path: Path) -> list[ArchivedResponse]:
    """Every response and revisit record of a WARC file as the rows see it (archive.records, one reader)."""
    run_id = warcinfo_fields(path).get("run-id")
    return [from_record(record, run_id) for record in iter_records(path)]


def decoded(response: ArchivedResponse) -> bytes:
    """A response's body with its Content-Encoding undone (what the server's file held)."""
    return decode_content(response.body, response.header_values("Content-Encoding"))


def sql(data_dir: Path, query: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(data_dir / "baotinh.duckdb"), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def warcio_check(paths: list[Path]) -> None:
    """`warcio check` must pass on every file (digests verified)."""
    assert paths, "no WARC files"
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run([str(warcio), "check", "-v", *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fail" not in result.stdout


# Holds a DuckDB file open the way a researcher's shell does: nobody else can open it until stdin says so.
HOLD_DB = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


class DatabaseHeld:
    """`with DatabaseHeld(path):` another process holds the database file for the block."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> DatabaseHeld:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD_DB, str(self.path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "holding"
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.communicate("\n", timeout=30)


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/dbfixture.py's database, search index built. Tests open it read-only."""
    from tests.dbfixture import build_fixture_db

    return build_fixture_db(tmp_path_factory.mktemp("fixture-db") / "baotinh.duckdb")


def duckdb_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the DuckDB shell of duckdb-cli (installed beside this Python), as a researcher would."""
    from pipelines.database.search_index import ENV_EXTENSIONS, extension_directory

    binary = Path(sys.executable).with_name("duckdb")
    folder = extension_directory()
    base = {**os.environ, **({ENV_EXTENSIONS: str(folder)} if folder else {})}
    return subprocess.run([str(binary), *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)


# The discovery pages of the news fixture site send ETag / Last-Modified and answer conditional requests with 304.
CONDITIONAL_RULES = '\n[conditional]\npaths = ["/", "/*/", "/sitemap*.xml", "/rss.xml"]\n'


def copy_site(dest: Path, name: str = "news", rules: str = "") -> Path:
    """A copy of a fixture site that a test may change, with `rules` appended to its `_site.toml`."""
    shutil.copytree(SITES / name, dest)
    if rules:
        toml = dest / "_site.toml"
        toml.write_text((toml.read_text(encoding="utf-8") if toml.exists() else "") + rules, encoding="utf-8")
    return dest
