"""The DuckDB store against real database files, including one held open by another process."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb

from pipelines.store import Store

VN = timezone(timedelta(hours=7))


def batch(n: int) -> dict[str, list[dict]]:
    return {
        "captures": [{"capture_id": f"<c{n}>", "url": f"http://x.vn/{n}", "status": 200, "mime": "text/html",
                      "fetched_at": datetime(2026, 3, 12, tzinfo=UTC), "warc_file": "f.warc.gz",
                      "warc_offset": n * 100, "warc_length": 100, "payload_digest": None, "revisit": False}],
        "articles": [{"article_id": f"<c{n}>", "url": f"http://x.vn/{n}", "site": "x", "title": f"Bài {n}",
                      "published_at": datetime(2026, 3, 12, 9, 14, tzinfo=VN), "text": "Nội dung",
                      "capture_id": f"<c{n}>"}],
        "images": [{"article_id": f"<c{n}>", "src": "/a.jpg", "caption": "Chú thích", "credit": "Minh Hương"}],
    }


def count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_schema_created_and_rows_written(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    assert store.write(batch(1))
    with duckdb.connect(str(store.path), read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        published = con.execute("SELECT published_at FROM articles").fetchone()[0]
    assert {"runs", "captures", "articles", "figures", "images"} <= tables
    assert published == datetime(2026, 3, 12, 2, 14, tzinfo=UTC)  # the instant survives, whatever the zone


def test_rewriting_a_batch_is_idempotent(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(batch(1))
    store.write(batch(1))
    assert [count(store.path, t) for t in ("captures", "articles", "images")] == [1, 1, 1]


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def test_busy_database_spools_then_merges(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(batch(0))
    with subprocess.Popen([sys.executable, "-c", HOLD, str(store.path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        assert store.write(batch(1)) is False  # the shell holds the file: spooled, not lost
        assert store.write(batch(2)) is False
        assert len(list(store.spool_dir.iterdir())) == 2
        holder.communicate("\n", timeout=30)
    assert store.write(batch(3)) is True  # the next write merges the spool first
    assert count(store.path, "articles") == 4
    assert not list(store.spool_dir.iterdir())
