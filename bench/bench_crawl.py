"""Crawl rate of local sites, with and without WARC capture and with everything on, in the same run.

Two sites, each served from its own process:
- a generated one, 2,000 tiny pages (12 short paragraphs): fetch-only crawls with and without WARC capture,
  alternated (extraction off in both, so what differs is the capture alone; target: capture costs at most
  10 % over plain fetching), then one crawl with everything on;
- one of real pages: the article pages of the extraction corpus (tests/corpus/zyte, vi, vi-truth; 180 kB
  on average) repeated under distinct URLs to REAL_PAGES, behind listing pages, served gzip-encoded from
  bytes compressed once (as a site's cache serves them: the server's gzip is no part of the pipeline),
  crawled once with everything on but page requisites (their photos are on the original sites' hosts).

For each, the full pipeline (`baotinh crawl`: capture + extraction + DuckDB, from the spider's start to the
run's last row) against derive() on one core over the same archived pages (CPU time). Target: the pipeline
makes at least 1.5x one core of extraction. On the tiny pages the crawl process's own work per page (Scrapy,
capture, rows) costs about what derive() does, so two cores cannot make 1.5x there; on real pages extraction
is the work, and the worker pool (one process a core) must keep both cores on it.

Beside it, steadier than a crawl on a busy machine: the writer alone (archive.writer, µs per fetch written,
response + request record) on the real pages of tests/corpus/vi, and what each zlib level costs and saves on
them, as served identity and gzip-encoded (what GZIP_LEVEL and ENCODED_GZIP_LEVEL were chosen from; a
gzip-encoded body is now stored, archive.record_bytes: the level 0 column, not level 1, is near what its
record costs).

For each full pipeline it also prints the CPU each process spent a page within the timed window (the site's
server, the crawl process with all its threads, the extraction workers; read from /proc every 0.1 s): two cores
doing nothing else can make at most 2 / (their sum) pages a second, so that line says how far the ratio can go
on this machine whatever the scheduling.
"""

from __future__ import annotations

import gzip
import json
import os
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
REAL_PAGES = 600
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


def build_real_site(root: Path) -> int:
    """The corpus's article pages as served bytes, repeated under distinct article URLs; returns the count."""
    from tests.gate.corpus import vi_pages, vi_truth_pages, zyte_pages

    articles = [p for p in zyte_pages() + vi_pages() + vi_truth_pages() if p.truth.get("kind") == "article"]
    (root / "bai").mkdir()
    urls = []
    for n in range(REAL_PAGES):
        page = articles[n % len(articles)]
        slug = "".join(c if c.isalnum() else "-" for c in page.key.split("/")[-1].lower())[:60].strip("-")
        urls.append(f"/bai/{slug}-{100000 + n}.html")
        (root / urls[-1].lstrip("/")).write_bytes(gzip.decompress(page.path.read_bytes()))
    listings = [urls[i:i + PER_LISTING] for i in range(0, len(urls), PER_LISTING)]
    for number, chunk in enumerate(listings):
        links = "".join(f'<li><a href="{url}">Bài {url}</a></li>' for url in chunk)
        (root / f"trang-{number}").mkdir()
        (root / f"trang-{number}" / "index.html").write_text(
            f'<html><head><meta property="og:type" content="website"></head><body><ul>{links}</ul></body></html>',
            encoding="utf-8")
    home = "".join(f'<a href="/trang-{n}/">Trang {n}</a>' for n in range(len(listings)))
    (root / "index.html").write_text(f'<html><head><meta property="og:type" content="website"></head>'
                                     f"<body>{home}</body></html>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return len(urls)


SERVE = """
import gzip
import sys
from pathlib import Path
from crawler.demo.server import SiteServer


class Packed(SiteServer):
    # the article pages gzipped once, as a site's cache serves them: the server's gzip is no part of the crawl
    def __init__(self, root):
        super().__init__(root)
        self.packed = {"/" + p.relative_to(root).as_posix(): gzip.compress(p.read_bytes(), 6, mtime=0)
                       for p in root.glob("bai/*.html")}

    def special(self, handler, path, head):
        body = self.packed.get(path)
        if body is None or "gzip" not in handler.headers.get("Accept-Encoding", ""):
            return False
        handler.send_response(200)
        for name, value in (("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                            ("Vary", "Accept-Encoding"), ("Content-Length", str(len(body)))):
            handler.send_header(name, value)
        handler.end_headers()
        if not head:
            handler.wfile.write(body)
        return True


server = (Packed if sys.argv[2:] == ["packed"] else SiteServer)(Path(sys.argv[1]))
print(server.base_url, flush=True)
server.serve_forever()
"""


def crawl(base_url: str, data: Path, *settings: str, server: int | None = None) -> tuple[float, int, dict[str, float]]:
    """(seconds from the spider's start to the run's last row, responses, CPU seconds each process spent in that
    window: "server" (the process `server`), "crawl" (the crawl process, all its threads), "workers" (its
    children: the extraction workers))."""
    args = [sys.executable, "-m", "crawler", "crawl", "--start-url", base_url + "/", "--data-dir", str(data)]
    for setting in settings:
        args += ["--set", setting]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = cpu_samples(process, server)
    _, errors = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args, stderr=errors)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        raw, finished = con.execute("SELECT stats, finished_at FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    stats = json.loads(raw)
    # from the spider's start to the run's last row: the rows of the last pages are made after fetching ends
    started = datetime.fromisoformat(stats["start_time"])
    seconds = finished - started
    return seconds.total_seconds(), int(stats.get("response_received_count", 0)), \
        cpu_within(samples, started.timestamp(), finished.timestamp(), process.pid, server)


def cpu_samples(process: subprocess.Popen[bytes], server: int | None) -> list[tuple[float, dict[int, tuple]]]:
    """(time, {pid: (parent pid, CPU seconds)}) of `process`, its children and `server`, every 0.1 s until it
    ends (Linux /proc; none elsewhere)."""
    tick, samples = os.sysconf("SC_CLK_TCK"), []
    while process.poll() is None:
        now, found = time.time(), {}
        for pid in [int(d) for d in os.listdir("/proc") if d.isdigit()] if sys.platform == "linux" else []:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if pid in (process.pid, server) or int(fields[1]) == process.pid:
                found[pid] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
        samples.append((now, found))
        time.sleep(0.1)
    return samples


def cpu_within(samples: list[tuple[float, dict[int, tuple]]], start: float, end: float, crawl: int,
               server: int | None) -> dict[str, float]:
    """CPU seconds each kind of process spent between `start` and `end`: each process's last sample before
    each moment (a worker pool shut down before the run's last row was last seen before it ended)."""
    spent = {"server": 0.0, "crawl": 0.0, "workers": 0.0}
    pids = {pid for _, found in samples for pid in found}
    for pid in pids:
        seen = [(at, found[pid][1]) for at, found in samples if pid in found]
        before = next((cpu for at, cpu in reversed(seen) if at <= start), 0.0)
        after = next((cpu for at, cpu in reversed(seen) if at <= end), 0.0)
        spent["server" if pid == server else "crawl" if pid == crawl else "workers"] += max(after - before, 0.0)
    return spent


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


def serve(root: Path, *mode: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(root), *mode], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def full_pipeline(label: str, base: str, data: Path, server: int, *settings: str) -> tuple[float, float, int]:
    """(pipeline pages/s, derive() pages/s on one core, pages) of one crawl with everything on, and what each
    process spent a page: what two cores can make at most, all of them busy with nothing else, is two cores'
    seconds over the CPU seconds a page costs them all."""
    seconds, pages, cpu = crawl(base, data, "BAOTINH_PROGRESS_INTERVAL=0", *settings, server=server)
    single = derive_rate(data)
    full = pages / seconds
    print(f"  {label}: full pipeline {full:6.1f} pages/s ({pages} pages in {seconds:.1f} s), derive() on one core "
          f"{single:6.1f} pages/s: {full / single:.2f}x", flush=True)
    each = {kind: spent / pages * 1000 for kind, spent in cpu.items()}
    total = sum(each.values())
    if total:
        print(f"  {label}: CPU ms a page: server {each['server']:.2f}, crawl process {each['crawl']:.2f}, workers "
              f"{each['workers']:.2f} (derive() alone {1000 / single:.2f}); all {total:.2f}: two idle cores could make "
              f"{2000 / total:.0f} pages/s, {2000 / total / single:.2f}x derive() on one core", flush=True)
    return full, single, pages


def main() -> list[tuple[str, str, str]]:
    pages = corpus_pages()
    gzip_levels(pages)
    identity, encoded = writer_cost(pages, False), writer_cost(pages, True)
    print(f"writer alone, {len(pages)} real pages: {identity:5.0f} µs a fetch as identity (level {GZIP_LEVEL}), "
          f"{encoded:5.0f} µs gzip-encoded (header lines at level {ENCODED_GZIP_LEVEL}, the body stored)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        generated, real = Path(tmp) / "site", Path(tmp) / "real"
        generated.mkdir()
        real.mkdir()
        build_site(generated)
        build_real_site(real)
        server, base = serve(generated)
        try:
            fetch_only = ("EXTRACT_ENABLED=False", "BAOTINH_PROGRESS_INTERVAL=0", "CONCURRENT_REQUESTS=16")
            rates: dict[str, list[float]] = {"plain fetching": [], "with WARC capture": []}
            for i in range(REPEATS):  # alternate, so that drift of the machine hits both alike
                for label, extra in (("plain fetching", ("ARCHIVE_ENABLED=False",)), ("with WARC capture", ())):
                    started = time.perf_counter()
                    seconds, fetched, _ = crawl(base, Path(tmp) / f"d-{label[:4]}-{i}", *fetch_only, *extra)
                    rates[label].append(fetched / seconds)
                    print(f"  {label:<18} run {i + 1}: {fetched} pages in {seconds:.2f} s crawl time "
                          f"({time.perf_counter() - started:.1f} s with start-up)", flush=True)
            tiny = full_pipeline("generated pages", base, Path(tmp) / "full", server.pid)
        finally:
            server.terminate()
            server.wait()
        server, base = serve(real, "packed")
        try:
            actual = full_pipeline("real pages     ", base, Path(tmp) / "full-real", server.pid,
                                   "REQUISITES_ENABLED=False")
        finally:
            server.terminate()
            server.wait()
    plain = statistics.median(rates["plain fetching"])
    captured = statistics.median(rates["with WARC capture"])
    print(f"plain fetching:      {plain:7.1f} pages/s (median of {REPEATS})")
    print(f"with WARC capture:   {captured:7.1f} pages/s")
    cost = (plain / captured - 1) * 100
    print(f"capture cost:        {cost:6.1f} % more time per page (target <= 10 %)")
    rows = []
    for name, (full, single, count) in (("real", actual), ("generated", tiny)):
        met = "met" if full / single >= 1.5 else "not met"
        print(f"full pipeline, {name + ' pages:':<17}{full:7.1f} pages/s against derive() on one core {single:7.1f} "
              f"({count} pages): {full / single:.2f}x (target >= 1.5x: {met})")
        rows.append((f"full pipeline vs extraction on one core, {name} pages", ">= 1.5x",
                     f"{full / single:.2f}x ({full:.0f} vs {single:.0f} pages/s, {count} pages): {met}"))
    return [*rows,
            ("WARC capture over plain fetching", "<= 10 %", f"{cost:.1f} % ({captured:.0f} vs {plain:.0f} pages/s)"),
            ("writer alone, real pages", "", f"{identity:.0f} µs a fetch identity, {encoded:.0f} µs gzip-encoded")]
