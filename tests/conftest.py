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


def run_baotinh(*args: str, timeout: float = 180, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process (Scrapy's reactor runs once per process)."""
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"baotinh {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result
