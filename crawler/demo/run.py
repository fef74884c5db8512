"""`baotinh demo`: serve the bundled demo sites on 127.0.0.1, crawl them, show what landed where.

Each folder of `crawler/demo/site/` is one site; the `[registry]` table of its `_site.toml` gives what a
`sites.toml` entry would (name, province, kind, article_pattern). Each site gets its own port.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import tomllib
from importlib import resources
from pathlib import Path

import duckdb

from crawler.demo.server import SiteServer
from crawler.registry import Site, parse_site

WIDTH = 72
DEMO_PORT = 8941  # the first site's; the next ones follow


def site_folders() -> list[Path]:
    root = Path(str(resources.files("crawler.demo") / "site"))
    return sorted(p for p in root.iterdir() if (p / "index.html").is_file())


def demo_server(folder: Path, port: int) -> SiteServer:
    """The same port every time when it is free, so a second demo crawls the same URLs incrementally (with
    new ports every page would be new to it); any free port otherwise."""
    try:
        return SiteServer(folder, port=port)
    except OSError:
        print(f"port {port} is taken; serving {folder.name} on another one (this demo's URLs are new to {folder.name})")
        return SiteServer(folder)


def registry_entry(folder: Path, server: SiteServer) -> Site:
    rules = folder / "_site.toml"
    entry = tomllib.loads(rules.read_text(encoding="utf-8")).get("registry", {}) if rules.exists() else {}
    host_port = server.base_url.removeprefix("http://")
    entry = {"name": folder.name, **entry, "domains": [host_port], "start_urls": [server.base_url + "/"]}
    return parse_site(folder.name, entry, label=f"{folder.name}/_site.toml")


def installed(name: str) -> str:
    """How to type a program installed beside this Python (`.venv/bin/duckdb` from the repository)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name) or name
    try:
        return os.path.relpath(found) if not os.path.relpath(found).startswith("..") else found
    except ValueError:
        return found


def summary(data_dir: Path) -> str:
    db = data_dir / "baotinh.duckdb"
    lines = []
    with duckdb.connect(str(db), read_only=True) as con:
        captures, hops, unchanged = con.execute(
            "SELECT count(*), count(*) FILTER (status BETWEEN 300 AND 399 AND status <> 304), "
            "count(*) FILTER (status = 304) FROM captures").fetchone()
        lines.append(f"captures: {captures} responses archived ({hops} redirect hop(s), robots.txt included"
                     + (f", {unchanged} answered 304 Not Modified to a conditional request" if unchanged else "")
                     + ")")
        for site, n in con.execute("SELECT site, count(*) FROM articles GROUP BY site ORDER BY site").fetchall():
            lines.append(f"articles: {n:>3}  {site}")
        for title, published, author in con.execute(
            "SELECT title, strftime(timezone('Asia/Ho_Chi_Minh', published_at), '%d/%m/%Y %H:%M'), author "
            "FROM articles ORDER BY published_at DESC NULLS LAST LIMIT 5"
        ).fetchall():
            lines.append(f"  - {title[:60]} ({published or 'no date'}{', ' + author if author else ''})")
        figures = con.execute("SELECT count(*) FROM figures").fetchone()[0]
        if figures:
            lines.append(f"figures: {figures} numbers found in the articles' text")
    warcs = sorted((data_dir / "warc").glob("*.warc.gz"))
    size = sum(p.stat().st_size for p in warcs)
    lines.append(f"WARC: {len(warcs)} file(s), {size / 1024:.0f} KiB in {data_dir / 'warc'}")
    return "\n".join(lines)


def examples(data_dir: Path) -> str:
    db = data_dir / "baotinh.duckdb"
    shell = installed("duckdb")
    queries = [
        "SELECT site, count(*) AS articles FROM articles GROUP BY site",
        "SELECT published_at, title, author, source_credit FROM articles ORDER BY published_at DESC",
        "SELECT url, status, warc_file, warc_offset FROM captures ORDER BY fetched_at",
    ]
    return "\n".join(f'  {shell} {db} -c "{q}"' for q in queries)


def next_steps(data_dir: Path) -> str:
    """The baotinh commands to try on the demo's data (each runs as printed: tests/test_demo.py)."""
    baotinh, where = installed("baotinh"), f"--data-dir {data_dir}"
    return "\n".join([
        f"  {baotinh} status {where}                     # the runs and each site's last success",
        f"  {baotinh} search 'dang vien' {where}         # ranked search, accents optional",
        f"  {baotinh} report {where} --out {data_dir / 'report.html'}   # charts, open it in a browser",
        f"  {baotinh} shell {where}                      # the DuckDB shell, search ready (.quit to leave)",
    ])


def run_demo(data_dir: Path, serve_only: bool = False) -> int:
    from crawler.run.runner import run_crawl

    servers = [(folder, demo_server(folder, DEMO_PORT + i).start()) for i, folder in enumerate(site_folders())]
    try:
        sites = [registry_entry(folder, server) for folder, server in servers]
        for site, (_, server) in zip(sites, servers, strict=True):
            print(f"demo site {site.slug:<12} {server.base_url}/   ({site.name})")
        if serve_only:
            print("serving until Ctrl-C")
            while True:
                time.sleep(3600)
        result = run_crawl(sites, data_dir, command="demo")
    finally:
        for _, server in servers:
            server.stop()
    print("=" * WIDTH)
    print(f"demo crawl {result.finish_reason}: run {result.run_id}, log {result.log_file}")
    print(summary(data_dir))
    print("=" * WIDTH)
    print("Try baotinh on the demo's data:")
    print(next_steps(data_dir))
    print("or the database in the DuckDB shell:")
    print(examples(data_dir))
    return result.exit_code
