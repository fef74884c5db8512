"""Crawl rate of a generated 2,000-page local site, with and without WARC capture, in the same run.

Extraction is switched off in both fetch-only runs so that what differs is the capture alone; a third run
with everything on shows the whole pipeline. The site is served from another process. Target: capture
costs at most 10% over plain fetching.

Beside it, steadier than a crawl on a busy machine: the writer alone (archive.writer, µs per fetch written,
response + request record) on the real pages of tests/corpus/vi, and what each zlib level costs and saves on
them, as served identity and gzip-encoded (what GZIP_LEVEL and ENCODED_GZIP_LEVEL were chosen from).
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime
from pathlib import Path

import duckdb

from archive.writer import ENCODED_GZIP_LEVEL, GZIP_LEVEL, Exchange, WarcFileWriter

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


CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "vi"
REQUEST_HEADERS = [(b"Accept", b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                   (b"Accept-Language", b"en"), (b"User-Agent", b"baotinh/0.1 (+https://baotinh.invalid/contact)"),
                   (b"Accept-Encoding", b"gzip, deflate, br, zstd")]


def corpus_pages() -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(CORPUS.glob("*.html.gz"))]


def writer_cost(pages: list[bytes], encoded: bool, rounds: int = 3) -> float:
    """µs per fetch that WarcFileWriter takes (record building, digests, gzip, write), best of `rounds`."""
    bodies = [gzip.compress(p, mtime=0) if encoded else p for p in pages]
    headers = [(b"Content-Type", b"text/html; charset=utf-8"), *([(b"Content-Encoding", b"gzip")] * encoded)]
    best = float("inf")
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            writer = WarcFileWriter(Path(tmp), hostname="bench")
            exchanges = [Exchange(url=f"https://baophutho.vn/bai-{n}.html", date=datetime.now().astimezone(),
                                  status=200, response_headers=headers, body=body, request_headers=REQUEST_HEADERS)
                         for n, body in enumerate(bodies)]
            started = time.perf_counter()
            for exchange in exchanges:
                writer.write_exchange(exchange)
            best = min(best, time.perf_counter() - started)
            writer.close()
    return best / len(bodies) * 1e6


def gzip_levels(pages: list[bytes]) -> None:
    for label, bodies in (("identity", pages), ("gzip-encoded", [gzip.compress(p, mtime=0) for p in pages])):
        raw = sum(map(len, bodies))
        cells = []
        for level in (0, 1, 3, 6, 9):
            best, size = float("inf"), 0
            for _ in range(3):
                started = time.perf_counter()
                size = 0
                for body in bodies:
                    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
                    size += len(compressor.compress(body) + compressor.flush())
                best = min(best, time.perf_counter() - started)
            cells.append(f"{level}: {best / len(bodies) * 1e6:5.0f} µs {size / raw:5.3f}")
        print(f"  gzip levels, {label:<12} (µs a record, size/body): " + " | ".join(cells))


def derive_rate(data: Path) -> float:
    """Pages a second derive() makes on this one process (CPU time) from the response records of a crawl."""
    from archive.records import iter_records
    from crawler.ingest.derive import derive
    from crawler.ingest.response import from_record
    from crawler.ingest.sites import SiteResolver

    resolver = SiteResolver([], {})
    responses = [from_record(record) for path in sorted((data / "warc").glob("*.warc.gz"))
                 for record in iter_records(path, ("response",))]
    started = time.process_time()
    for response in responses:
        derive(response, resolver.site_for(response.url))
    return len(responses) / (time.process_time() - started)


def main() -> list[tuple[str, str, str]]:
    pages = corpus_pages()
    gzip_levels(pages)
    identity, encoded = writer_cost(pages, False), writer_cost(pages, True)
    print(f"writer alone, {len(pages)} real pages: {identity:5.0f} µs a fetch as identity (level {GZIP_LEVEL}), "
          f"{encoded:5.0f} µs gzip-encoded (level {ENCODED_GZIP_LEVEL})", flush=True)
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
        single = derive_rate(Path(tmp) / "full")
    plain = statistics.median(rates["plain fetching"])
    captured = statistics.median(rates["with WARC capture"])
    print(f"plain fetching:      {plain:7.1f} pages/s (median of {REPEATS})")
    print(f"with WARC capture:   {captured:7.1f} pages/s")
    cost = (plain / captured - 1) * 100
    print(f"capture cost:        {cost:6.1f} % more time per page (target <= 10 %)")
    full = pages / seconds
    print(f"full pipeline:       {full:7.1f} pages/s (capture + extraction + DuckDB), {pages} pages")
    print(f"extraction alone:    {single:7.1f} pages/s on one core (derive() on the same archived pages): "
          f"the pipeline makes {full / single:.2f}x (target >= 1.5x)")
    return [("full pipeline vs extraction on one core", ">= 1.5x",
             f"{full / single:.2f}x ({full:.0f} vs {single:.0f} pages/s)"),
            ("WARC capture over plain fetching", "<= 10 %", f"{cost:.1f} % ({captured:.0f} vs {plain:.0f} pages/s)"),
            ("writer alone, real pages", "", f"{identity:.0f} µs a fetch identity, {encoded:.0f} µs gzip-encoded")]
