"""Shared fixtures: fixture sites served on 127.0.0.1 (port 0) and crawls run as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer

TESTS = Path(__file__).resolve().parent
SITES = TESTS / "sites"
REPO = TESTS.parent


@pytest.fixture(scope="module")
def news_site() -> Iterator[SiteServer]:
    with SiteServer(SITES / "news") as server:
        yield server


BAOTINH_ENV = {"PYTHONWARNINGS": "error::DeprecationWarning", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}


def run_baotinh(*args: str, timeout: float = 180, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process (Scrapy's reactor runs once per process)."""
    env = {**os.environ, **BAOTINH_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"baotinh {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/dbfixture.py's database, search index built. Tests open it read-only."""
    from tests.dbfixture import build_fixture_db

    return build_fixture_db(tmp_path_factory.mktemp("fixture-db") / "baotinh.duckdb")


def duckdb_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the DuckDB shell of duckdb-cli (installed beside this Python), as a researcher would."""
    from pipelines.search_index import ENV_EXTENSIONS, extension_directory

    binary = Path(sys.executable).with_name("duckdb")
    folder = extension_directory()
    base = {**os.environ, **({ENV_EXTENSIONS: str(folder)} if folder else {})}
    return subprocess.run([str(binary), *args], cwd=cwd, env={**base, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)


def start_baotinh(*args: str) -> subprocess.Popen[str]:
    """The command line in a process of its own, running while the test does something else."""
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=REPO, env={**os.environ, **BAOTINH_ENV},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
