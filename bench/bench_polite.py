"""Ten polite sites crawled at once: baotinh against the politeness limit and against ten `wget --mirror --wait=1`.

Each site is on its own loopback address (127.0.0.2 … 127.0.0.11), so each is its own host to Scrapy (download
slots are keyed by host name, not port), and baotinh runs with the shipped politeness settings: loopback
throttling on (BAOTINH_LOOPBACK_UNTHROTTLED off), 1 s between requests to a host, AutoThrottle, robots.txt.
The limit of a polite crawl is (requests to a site) x (delay): the wall time of the whole `baotinh crawl`
process, start-up and end of run included, is set beside it. Target: within 1.1x the limit plus a few seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.local_sites import LocalSites

HOSTS = [f"127.0.0.{i}" for i in range(2, 12)]
ARTICLES = 60  # a site: robots.txt, home, 2 listings, 60 articles and what discovery tries (sitemap, feeds)
PER_LISTING = 30
DELAY = 1.0
FIXED = 5.0  # the "few seconds" a run may add to the limit (start-up, end of run)


def crawl_baotinh(urls: list[str], data: Path) -> float:
    args = [sys.executable, "-m", "crawler", "crawl", "--data-dir", str(data),
            "--set", "BAOTINH_LOOPBACK_UNTHROTTLED=False", "--set", f"DOWNLOAD_DELAY={DELAY}"]
    for url in urls:
        args += ["--start-url", url + "/"]
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def have_wget() -> bool:
    if shutil.which("wget"):
        return True
    if shutil.which("apt-get"):  # the bench only: nothing of baotinh needs wget
        subprocess.run(["apt-get", "install", "-y", "-q", "wget"], capture_output=True)
    return bool(shutil.which("wget"))


def crawl_wget(urls: list[str], folder: Path) -> float:
    started = time.perf_counter()
    runs = [subprocess.Popen(["wget", "--mirror", f"--wait={DELAY:g}", "-q", "-P", str(folder / str(i)), url + "/"])
            for i, url in enumerate(urls)]
    for run in runs:
        run.wait()
    return time.perf_counter() - started


def run(label: str, crawl: object, tmp: Path) -> tuple[float, int]:
    with LocalSites(ARTICLES, HOSTS, per_listing=PER_LISTING) as sites:
        seconds = crawl(sites.urls, tmp / label)  # type: ignore[operator]
    most = max(sites.requests.values())
    limit = most * DELAY
    print(f"  {label:<8} {seconds:6.1f} s, {min(sites.requests.values())}-{most} requests a site: "
          f"{seconds / limit:.2f}x the limit of {limit:.0f} s", flush=True)
    return seconds, most


def main() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        seconds, most = run("baotinh", crawl_baotinh, Path(tmp))
        limit = most * DELAY
        print(f"ten polite sites, baotinh: {seconds:6.1f} s = {seconds / limit:.2f}x the politeness limit "
              f"({most} requests a site x {DELAY:g} s = {limit:.0f} s); target <= 1.1x + {FIXED:g} s "
              f"= {1.1 * limit + FIXED:.0f} s")
        rows = [("ten polite sites vs the politeness limit", f"<= 1.1x + {FIXED:g} s ({1.1 * limit + FIXED:.0f} s)",
                 f"{seconds:.1f} s = {seconds / limit:.2f}x of {limit:.0f} s")]
        if not have_wget():
            print("ten polite sites, wget --mirror --wait=1: wget is not installed and apt-get could not "
                  "install it; no figure")
            return [*rows, ("ten polite sites vs ten wget --mirror --wait=1", "", "no wget: no figure")]
        wget_seconds, wget_most = run("wget", crawl_wget, Path(tmp))
        print(f"ten polite sites, wget --mirror --wait=1, ten at once: {wget_seconds:6.1f} s = "
              f"{wget_seconds / (wget_most * DELAY):.2f}x its limit ({wget_most} requests a site); "
              f"baotinh / wget: {seconds / wget_seconds:.2f}")
    return [*rows, ("ten polite sites vs ten wget --mirror --wait=1", "",
                    f"{seconds / wget_seconds:.2f}x wget's {wget_seconds:.1f} s "
                    f"({wget_seconds / (wget_most * DELAY):.2f}x its limit)")]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
