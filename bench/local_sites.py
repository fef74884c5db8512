"""Generated news sites served from loopback addresses, for the crawl benchmarks (not a bench of its own).

A site has a home page linking to its listings, each listing linking to PER_LISTING article pages, and a
robots.txt that allows everything; pages are made on request, so a 20,000-page site costs no files. Every
request is counted per host, so a benchmark can say how many requests each site took.

`python bench/local_sites.py ARTICLES PER_LISTING HOST [HOST ...]` serves one site of ARTICLES articles on each
host (port 0), prints one base URL a line, then `ready`, and serves until stdin closes; it then prints `HOST COUNT` per
host. Run it in its own process, so that serving costs nothing to the measured crawler's process.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_LISTING = 50
# Each article's words are drawn from these, seeded by its number: articles that share no long run of words,
# as a real site's do not (identical generated articles would all be reposts of each other to
# pipelines.database.repost_index, a case no site has).
WORDS = ("tỉnh huyện xã thôn bản nông dân hợp tác sản xuất lúa cà phê chè cao su hồ tiêu thu hoạch giá bán tăng "
         "giảm triệu đồng tấn hecta năm tháng quý kế hoạch chỉ tiêu ngân sách đầu tư công trình đường giao thông "
         "cầu trường học trạm y tế bệnh viện bác sĩ học sinh giáo viên thi tốt nghiệp điểm chuẩn doanh nghiệp "
         "việc làm lao động xuất khẩu khu công nghiệp dự án vốn giải ngân chậm tiến độ mưa lũ sạt lở cứu hộ "
         "di dời hộ dân nhà ở hỗ trợ chính sách người có công lễ hội văn hóa du lịch khách lượt doanh thu "
         "hội nghị ủy ban nhân dân hội đồng chủ tịch phó giám đốc sở ngành kiểm tra giám sát kết quả báo cáo "
         "đánh giá triển khai thực hiện nghị quyết chương trình mục tiêu quốc gia nông thôn mới đô thị "
         "văn minh").split()


def article_path(n: int) -> str:
    return f"/bai/bai-viet-so-{n}-ve-nong-thon-moi-{100000 + n}.html"


def page(path: str, articles: int, per_listing: int = PER_LISTING) -> bytes | None:
    """The generated page at `path` of a site of `articles` articles, or None (404)."""
    listings = -(-articles // per_listing)
    if path == "/robots.txt":
        return b"User-agent: *\nAllow: /\n"
    if path == "/":
        links = "".join(f'<a href="/trang-{p}/">Trang {p}</a>\n' for p in range(listings))
        return (f'<html><head><title>Báo</title><meta property="og:type" content="website"></head>'
                f"<body>{links}</body></html>").encode()
    if path.startswith("/trang-") and path.endswith("/") and path[7:-1].isdigit():
        p = int(path[7:-1])
        if p >= listings:
            return None
        links = "".join(f'<li><a href="{article_path(n)}">Bài {n}</a></li>\n'
                        for n in range(p * per_listing, min(articles, (p + 1) * per_listing)))
        return (f'<html><head><title>Trang {p}</title><meta property="og:type" content="website"></head>'
                f"<body><ul>{links}</ul></body></html>").encode()
    if path.startswith("/bai/bai-viet-so-"):
        n = int(path.split("-")[3]) if path.split("-")[3].isdigit() else -1
        if not 0 <= n < articles or path != article_path(n):
            return None
        words = random.Random(n)
        body = "".join("<p>" + " ".join(words.choices(WORDS, k=40)).capitalize() + f" ({n + i} hộ).</p>\n"
                       for i in range(12))
        return (f'<html><head><title>Bài {n}</title><meta property="og:type" content="article"></head>'
                f"<body><h1>Bài viết số {n}</h1>{body}</body></html>").encode()
    return None


def serve(articles: int, per_listing: int, hosts: list[str]) -> None:
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with lock:
                counts[self.server.server_address[0]] += 1
            body = page(self.path.split("?", 1)[0], articles, per_listing)
            ctype = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    servers = [ThreadingHTTPServer((host, 0), Handler) for host in hosts]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"http://{server.server_address[0]}:{server.server_address[1]}", flush=True)
    print("ready", flush=True)
    sys.stdin.read()
    for host in hosts:
        print(host, counts[host], flush=True)


class LocalSites:
    """The server process: `with LocalSites(20000, ["127.0.0.1"]) as sites: sites.urls`; `sites.requests`
    (host -> requests served) once the block is left."""

    def __init__(self, articles: int, hosts: list[str], per_listing: int = PER_LISTING) -> None:
        self.articles, self.hosts, self.per_listing = articles, hosts, per_listing
        self.urls: list[str] = []
        self.requests: dict[str, int] = {}

    def __enter__(self) -> LocalSites:
        self._proc = subprocess.Popen([sys.executable, __file__, str(self.articles), str(self.per_listing),
                                       *self.hosts],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if line.strip() == "ready":
                break
            self.urls.append(line.strip())
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._proc.communicate("", timeout=30)
        self.requests = {host: int(n) for host, n in (line.split() for line in out.splitlines() if line.strip())}


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
