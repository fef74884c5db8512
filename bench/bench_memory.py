"""Peak memory of a 20,000-page crawl, and of a 2,000-page one beside it: bounded, whatever the page count.

A generated site (bench/local_sites.py, its own process) on 127.0.0.1 is crawled by `baotinh crawl` with
everything on (capture, extraction in worker processes, DuckDB), BAOTINH_MAX_PAGES lifted above the site's size.
The figures: the crawl process's peak RSS (os.wait4: the largest of the process and the workers it waited for,
read by a small launcher process: Linux counts in a child's ru_maxrss the RSS of the process it was forked from,
so a crawl started from this process, grown by the benches run before it, would report at least this one's size),
the peak of the whole process tree's RSS summed, sampled every half second from /proc, and that peak while
fetching (until the log's "Closing spider"), apart from the end of the run (the search index and repost
refresh, which read every article of the database, in batches within a bounded DuckDB memory). Target: <= 400 MB
at 20,000 pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb

from bench.local_sites import LocalSites

SIZES = (2_000, 20_000)
TARGET_MB = 400


# runs the crawl and prints its ru_maxrss (kB): started from this small process, the crawl's figure is its own
LAUNCH = """import os, subprocess, sys
crawl = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(os.wait4(crawl.pid, 0)[2].ru_maxrss)
"""


def own_rss(pid: int) -> int:
    """RSS in bytes of `pid` alone (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """RSS in bytes of `pid` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += own_rss(p)
        todo += children.get(p, [])
    return total


def closing_time(data: Path) -> float:
    """When the run's log says the spider started closing (time.time() scale), or never (inf)."""
    for log in (data / "logs").glob("*.log"):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if "Closing spider" in line:
                return datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S").timestamp() + 1
    return float("inf")


def crawl(url: str, data: Path, pages: int) -> tuple[int, int, int, int, float]:
    """(pages fetched, peak RSS of the largest process, peak RSS of the tree, that while fetching, seconds)."""
    args = [sys.executable, "-m", "crawler", "crawl", "--start-url", url + "/", "--data-dir", str(data),
            "--max-pages", str(pages + 1000), "--set", "BAOTINH_MAX_LINKS_PER_PAGE=0",
            "--set", "BAOTINH_PROGRESS_INTERVAL=0"]
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            samples.append((time.time(), tree_rss(proc.pid) - own_rss(proc.pid)))  # the launcher not counted

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    maxrss = int(out.split()[-1]) * 1024
    seconds = time.perf_counter() - started
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        (raw,) = con.execute("SELECT stats FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    fetched = int(json.loads(raw).get("response_received_count", 0))
    closing = closing_time(data)
    fetching = max((rss for when, rss in samples if when < closing), default=0)
    return fetched, maxrss, max((rss for _, rss in samples), default=0), fetching, seconds


def main() -> list[tuple[str, str, str]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            with LocalSites(size, ["127.0.0.1"]) as sites:
                fetched, peak, tree, fetching, seconds = crawl(sites.urls[0], Path(tmp) / str(size), size)
            results.append((size, fetched, peak, tree, fetching))
            print(f"  {size:>6,}-article site: {fetched:,} pages in {seconds:.0f} s, peak RSS {peak / 1e6:.0f} MB "
                  f"(largest process), {tree / 1e6:.0f} MB (whole tree, sampled; {fetching / 1e6:.0f} MB while "
                  "fetching)", flush=True)
    (small, _, small_peak, small_tree, small_fetching), (big, fetched, peak, tree, fetching) = results
    print(f"peak RSS at {fetched:,} pages: {peak / 1e6:.0f} MB largest process, {tree / 1e6:.0f} MB whole tree "
          f"(target <= {TARGET_MB} MB); growth from {small:,} to {big:,} articles: "
          f"{(peak - small_peak) / 1e6:+.0f} MB / {(tree - small_tree) / 1e6:+.0f} MB")
    print(f"whole tree while fetching: {small_fetching / 1e6:.0f} MB at {small:,} articles, {fetching / 1e6:.0f} MB "
          f"at {big:,}")
    return [(f"peak RSS, {fetched:,}-page crawl", f"<= {TARGET_MB} MB",
             f"{peak / 1e6:.0f} MB ({(peak - small_peak) / 1e6:+.0f} MB over {small:,} articles); "
             f"whole tree {tree / 1e6:.0f} MB, {fetching / 1e6:.0f} MB while fetching "
             f"({small_fetching / 1e6:.0f} MB at {small:,})")]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
