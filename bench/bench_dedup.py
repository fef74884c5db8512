"""WARC bytes of a second crawl of an unchanged site, as a share of the first: what revisit records save.

A generated site of 200 articles (~38 KB of HTML each, ~7 KB gzip: text plus menus and sidebars, smaller
than most provincial papers' article pages) and 5 listing pages, crawled twice into one data directory.
Measured: ratio 0.145. Each fetch still costs a request record (~0.5 KB) and a revisit record (~0.6 KB).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.demo.server import SiteServer

ARTICLES = 200
WORDS = ("tỉnh huyện xã nông thôn mới kinh tế đầu tư khu công nghiệp xuất khẩu nông dân thu hoạch chè giá "
         "cầu dân sinh vùng cao kế hoạch triển khai báo cáo UBND hội nghị phát triển bền vững").split()


def build_site(root: Path) -> None:
    rng = random.Random(7)
    # menus and sidebars: most of a real page, links to the listing pages (all of which exist)
    chrome = "".join(f'<li><a href="/trang-{i % 5}/">Mục {" ".join(rng.choices(WORDS, k=3))}</a></li>'
                     for i in range(300))
    (root / "bai").mkdir(parents=True)
    for n in range(ARTICLES):
        text = "".join(f"<p>{' '.join(rng.choices(WORDS, k=120))}.</p>" for _ in range(30))
        (root / "bai" / f"bai-viet-so-{n}-{100000 + n}.html").write_text(
            f'<html><head><title>Bài {n}</title><meta property="og:type" content="article"></head><body>'
            f"<nav><ul>{chrome}</ul></nav><h1>Bài viết số {n}</h1>{text}</body></html>", encoding="utf-8")
    for page in range(5):
        links = "".join(f'<li><a href="/bai/bai-viet-so-{n}-{100000 + n}.html">Bài {n}</a></li>'
                        for n in range(page * 40, page * 40 + 40))
        (root / f"trang-{page}").mkdir()
        (root / f"trang-{page}" / "index.html").write_text(
            f'<html><head><meta property="og:type" content="website"></head><body><nav><ul>{chrome}</ul></nav>'
            f"<ul>{links}</ul></body></html>", encoding="utf-8")
    home = "".join(f'<a href="/trang-{p}/">Trang {p}</a>' for p in range(5))
    (root / "index.html").write_text(
        f'<html><head><meta property="og:type" content="website"></head><body>{home}</body></html>', encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (root / "_site.toml").write_text('[gzip]\npaths = ["*"]\n', encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, data = Path(tmp) / "site", Path(tmp) / "data"
        build_site(root)
        sizes = []
        with SiteServer(root) as server:
            for _ in range(2):
                before = set((data / "warc").glob("*.warc.gz")) if data.exists() else set()
                subprocess.run([sys.executable, "-m", "crawler", "crawl", "--start-url", server.base_url + "/",
                                "--data-dir", str(data), "--set", "EXTRACT_PROCESSES=1"],
                               check=True, capture_output=True)
                sizes.append(sum(p.stat().st_size for p in set((data / "warc").glob("*.warc.gz")) - before))
        print(f"dedup: first crawl {sizes[0]:,} WARC bytes, second (unchanged) {sizes[1]:,}: "
              f"ratio {sizes[1] / sizes[0]:.3f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
