"""A real headless Chromium (Debian's `chromium`, installed by tests/debian-packages.sh) for the tests: the DOM
after the page's scripts ran, what the page wrote to the console, and screenshots.

Every run gets a fresh profile and no network (host names resolve to nothing); Chromium's network log says what
the page asked for beyond its own file (the browser's own background requests, which have no initiator, aside).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
# `[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///…/report.html (12)` (older: CONSOLE(12))
CONSOLE = re.compile(r':CONSOLE(?::\d+|\(\d+\))\] "(?P<message>.*)", source: (?P<source>.*)$', re.MULTILINE)


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not installed: `make test` installs it as root (tests/debian-packages.txt)")
    return found


@dataclass
class Page:
    dom: str
    console: list[str]  # every console message: console.*() calls and uncaught errors
    requests: list[str]  # URLs the page asked for beyond file://


def _run(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def page_requests(net_log: Path) -> list[str]:
    """The URL requests a page started (its initiator is an origin; file:// pages have the opaque "null")."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in log["events"]
            if e["type"] == start and e.get("params", {}).get("initiator") not in (None, "not an origin")
            and not e["params"]["url"].startswith("file:")]


def load(path: Path) -> Page:
    """Open `path` from disk; the DOM once loaded, the console, and what it asked the network for."""
    with tempfile.TemporaryDirectory(prefix="netlog-") as folder:
        net_log = Path(folder) / "net.json"
        result = _run(f"--log-net-log={net_log}", "--dump-dom", path.resolve().as_uri())
        assert result.returncode == 0, result.stderr[-3000:]
        requests = page_requests(net_log)
    console = [f"{m['message']} ({m['source']})" for m in CONSOLE.finditer(result.stderr)]
    return Page(result.stdout, console, requests)


def screenshot(path: Path, out: Path, width: int = 1240, height: int = 1400) -> None:
    result = _run(f"--window-size={width},{height}", f"--screenshot={out.resolve()}", path.resolve().as_uri())
    assert result.returncode == 0 and out.exists(), result.stderr[-3000:]
