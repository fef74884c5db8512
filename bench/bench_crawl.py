"""Crawl rate of a generated 2,000-page local site, with and without WARC capture, in the same run.

Extraction is switched off in both fetch-only runs so that what differs is the capture alone; a third run
with everything on shows the whole pipeline. The site is served from another process. Target: capture
costs at most 15% over plain fetching.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

PAGES = 2000
PER_LISTING = 50
REPEATS = 3
PARAGRAPH = ("Theo báo cáo của UBND tỉnh, năm nay toàn tỉnh có thêm {n} xã đạt chuẩn nông thôn mới, "
             "thu nhập bình quân đạt 52,3 triệu đồng/người/năm, tăng 12,3% so với cùng kỳ. ")


def build_site(root: Path) -> None:
    listings = PAGES // PER_LISTING
    for n in range(PAGES):
        body = "".join(f"<p>{PARAGRAPH.format(n=n + i)}</p>\n" for i in range(12))
        (root / "bai").mkdir(exist_ok=True)
        (root / "bai" / f"bai-viet-so-{n}-ve-nong-thon-moi-{100000 + n}.html").write_text(
            f'<html><head><title>Bài {n}</title><meta property="og:type" content="article"></head>'
            f"<body><h1>Bài viết số {n}</h1>{body}</body></html>", encoding="utf-8")
    for page in range(listings):
        links = "".join(
            f'<li><a href="/bai/bai-viet-so-{n}-ve-nong-thon-moi-{100000 + n}.html">Bài {n}</a></li>'
            for n in range(page * PER_LISTING, (page + 1) * PER_LISTING))
        (root / f"trang-{page}").mkdir()
        (root / f"trang-{page}" / "index.html").write_text(
            f'<html><head><meta property="og:type" content="website"></head><body><ul>{links}</ul></body></html>',
            encoding="utf-8")
    home = "".join(f'<a href="/trang-{p}/">Trang {p}</a>' for p in range(listings))
    (root / "index.html").write_text(f'<html><head><meta property="og:type" content="website"></head>'
                                     f"<body>{home}</body></html>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (root / "_site.toml").write_text('[gzip]\npaths = ["*"]\n', encoding="utf-8")


SERVE = """
import sys
from pathlib import Path
from crawler.demo.server import SiteServer
server = SiteServer(Path(sys.argv[1]))
print(server.base_url, flush=True)
server.serve_forever()
"""


def crawl(base_url: str, data: Path, *settings: str) -> tuple[float, int]:
    args = [sys.executable, "-m", "crawler", "crawl", "--start-url", base_url + "/", "--data-dir", str(data)]
    for setting in settings:
        args += ["--set", setting]
    subprocess.run(args, check=True, capture_output=True)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        raw, finished = con.execute("SELECT stats, finished_at FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    stats = json.loads(raw)
    # from the spider's start to the run's last row: the rows of the last pages are made after fetching ends
    seconds = finished - datetime.fromisoformat(stats["start_time"])
    return seconds.total_seconds(), int(stats.get("response_received_count", 0))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        build_site(root)
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(root)], stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            fetch_only = ("EXTRACT_ENABLED=False", "BAOTINH_PROGRESS_INTERVAL=0", "CONCURRENT_REQUESTS=16")
            rates: dict[str, list[float]] = {"plain fetching": [], "with WARC capture": []}
            for i in range(REPEATS):  # alternate, so that drift of the machine hits both alike
                for label, extra in (("plain fetching", ("ARCHIVE_ENABLED=False",)), ("with WARC capture", ())):
                    started = time.perf_counter()
                    seconds, pages = crawl(base, Path(tmp) / f"d-{label[:4]}-{i}", *fetch_only, *extra)
                    rates[label].append(pages / seconds)
                    print(f"  {label:<18} run {i + 1}: {pages} pages in {seconds:.2f} s crawl time "
                          f"({time.perf_counter() - started:.1f} s with start-up)", flush=True)
            seconds, pages = crawl(base, Path(tmp) / "full", "BAOTINH_PROGRESS_INTERVAL=0")
        finally:
            server.terminate()
            server.wait()
    plain = statistics.median(rates["plain fetching"])
    captured = statistics.median(rates["with WARC capture"])
    print(f"plain fetching:      {plain:7.1f} pages/s (median of {REPEATS})")
    print(f"with WARC capture:   {captured:7.1f} pages/s")
    print(f"capture cost:        {(plain / captured - 1) * 100:6.1f} % more time per page (target <= 15 %)")
    print(f"full pipeline:       {pages / seconds:7.1f} pages/s (capture + extraction + DuckDB), {pages} pages")
