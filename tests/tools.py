"""Third-party tools the archive tests run: warcio, fastwarc, cdxj-indexer and wacz from this venv (the
`test` extra), pywb from a venv of its own (its brotlipy would shadow the Brotli module Scrapy uses)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO

PYWB = "pywb==2.10.0"


def tool(name: str) -> str:
    """An executable installed beside this Python (the test extra's console scripts)."""
    path = Path(sys.executable).with_name(name)
    assert path.exists(), f"{name} is not installed: run `make test` (it installs the test extra)"
    return str(path)


def run_tool(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


def pywb_bin() -> Path:
    """The bin/ of a venv holding pywb, created on first use under .venv/ (so `make clean` removes it)."""
    venv = REPO / ".venv" / PYWB.replace("==", "-")
    stamp = venv / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=120)
        result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", PYWB],
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"pip install {PYWB} failed:\n{result.stderr[-3000:]}"
        stamp.touch()
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until `url` answers; the server's log as the failure when it exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log.read_text(errors="replace")[-3000:]) from None
            time.sleep(0.2)


@contextmanager
def wayback(root: Path) -> Iterator[str]:
    """pywb's `wayback` serving the collections under `root` on 127.0.0.1; yields its base URL."""
    port = free_port()
    log = open(root / "wayback.log", "wb")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen([str(pywb_bin() / "wayback"), "-b", "127.0.0.1", "-p", str(port)],
                               cwd=root, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/", process, root / "wayback.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
