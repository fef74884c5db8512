"""The numbers of README's "Scaling out", measured on real pages: extraction pages/s per core, and bytes per
article in the WARC files and in the tables (DuckDB file; Parquet, what a DuckLake catalog stores).

The pages are the real Vietnamese article pages of tests/corpus/ (vi/, vi-truth/: provincial and national
papers), gzip-encoded as their servers send them, each archived under COPIES different URLs, with
archive.writer; then `baotinh index` with one worker process (crawler.ingest.index.index_warcs).
"""

from __future__ import annotations

import gzip
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from archive.writer import Exchange, WarcFileWriter
from crawler.ingest.index import IndexProgress, index_warcs

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
COPIES = 8
TABLES = ("captures", "articles", "figures", "images")


def article_pages() -> list[tuple[str, bytes]]:
    """(host, HTML) of each real article page of the corpus (listings and home pages left out)."""
    pages = []
    for folder in ("vi", "vi-truth"):
        for path in sorted((CORPUS / folder).glob("*.html.gz")):
            if any(word in path.name for word in ("LISTING", "HOMEPAGE")):
                continue
            pages.append((path.name.split("__")[0], gzip.decompress(path.read_bytes())))
    return pages


def write_warcs(directory: Path, pages: list[tuple[str, bytes]]) -> int:
    writer = WarcFileWriter(directory, max_size=50_000_000, hostname="bench")
    started = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
    headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Encoding", b"gzip")]
    n = 0
    for copy in range(COPIES):
        for host, html in pages:
            url = f"https://{host}/tin-tuc/bai-viet-so-{copy}-{n}-{100000 + n}.html"
            writer.write_exchange(Exchange(url=url, date=started + timedelta(seconds=n), status=200,
                                           response_headers=headers, body=gzip.compress(html, mtime=0)))
            n += 1
    writer.close()
    return n


def main() -> None:
    pages = article_pages()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        written = write_warcs(root / "data" / "warc", pages)
        warc_bytes = sum(p.stat().st_size for p in (root / "data" / "warc").glob("*.warc.gz"))
        first: list[tuple[float, int]] = []

        def on_progress(progress: IndexProgress) -> None:
            if not first:
                first.append((time.perf_counter(), progress.records))

        result = index_warcs(root / "data", processes=1, registry={}, on_progress=on_progress)
        steady = (result.records - first[0][1]) / (time.perf_counter() - first[0][0])
        db = root / "data" / "baotinh.duckdb"
        with duckdb.connect(str(db)) as con:
            con.execute("CHECKPOINT")
            # the copies of a page share its text, which Parquet's dictionaries would store once: count copy 0
            con.execute("CREATE TEMP TABLE first AS SELECT capture_id AS id FROM captures WHERE url LIKE '%-so-0-%'")
            parquet = 0
            for table in TABLES:
                key = "capture_id" if table == "captures" else "article_id"
                out = root / f"{table}.parquet"
                con.execute(f"COPY (SELECT * FROM {table} WHERE {key} IN (SELECT id FROM first)) TO '{out}' "
                            "(FORMAT parquet)")
                parquet += out.stat().st_size
            distinct = con.execute("SELECT count(*) FROM articles WHERE article_id IN (SELECT id FROM first)"
                                   ).fetchone()[0]
            text = con.execute("SELECT avg(length(text)) FROM articles").fetchone()[0]
        db_bytes = db.stat().st_size
        articles = result.articles
    html = sum(len(h) for _, h in pages) / len(pages)
    print(f"  {len(pages)} real article pages x {COPIES} URLs = {written} pages, {articles} judged articles; "
          f"HTML {html / 1000:.0f} kB a page, article text {text / 1000:.1f} k characters")
    print(f"extraction, one core: {steady:6.1f} pages/s once started ({result.pages / result.seconds:.1f} "
          "with the worker's start-up)")
    print(f"WARC bytes per page:  {warc_bytes / written / 1000:6.1f} kB (gzip as served, request record included)")
    print(f"table bytes per article: {parquet / distinct / 1000:6.1f} kB as Parquet (captures, articles, figures, "
          f"images: what a DuckLake catalog stores, {distinct} distinct pages), "
          f"{db_bytes / articles / 1000:.1f} kB in the DuckDB file of {articles} (block overhead dominates)")


if __name__ == "__main__":
    main()
