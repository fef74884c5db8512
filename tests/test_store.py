"""The DuckDB store against real database files, including one held open by another process."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.database.store import Store, StoreBusy, StoreDamaged

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


GLANCE = """
import sys, threading, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
threading.Event().wait(0.5)  # a query at the shell: the file is let go soon
con.close()
"""


def test_a_reader_that_lets_go_soon_does_not_send_the_batch_to_the_spool(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(batch(0))
    with subprocess.Popen([sys.executable, "-c", GLANCE, str(store.path)], stdout=subprocess.PIPE,
                          text=True) as reader:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "holding"
        assert store.write(batch(1)) is True  # written once the reader let go, not spooled
        reader.communicate(timeout=30)
    assert not store.spool_dir.exists() or not list(store.spool_dir.iterdir())
    assert count(store.path, "articles") == 2


def warc_batch(n: int, warc: str, images: int = 1) -> dict[str, list[dict]]:
    rows = batch(n)
    rows["captures"][0]["warc_file"] = warc
    rows["images"] = rows["images"] * images
    return rows


def test_replace_files_drops_the_earlier_rows_of_those_files(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write({**warc_batch(1, "a.warc.gz"), "warc_files": [{"warc_file": "a.warc.gz", "captures": 1}]})
    store.write(warc_batch(2, "a.warc.gz"))
    store.write(warc_batch(3, "b.warc.gz"))
    # a.warc.gz read again now holds only record 2, without images
    rows = warc_batch(2, "a.warc.gz", images=0)
    assert store.write(rows, replace_files=["a.warc.gz"])
    with duckdb.connect(str(store.path), read_only=True) as con:
        assert con.execute("SELECT capture_id FROM captures ORDER BY 1").fetchall() == [("<c2>",), ("<c3>",)]
        assert con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall() == [("<c2>",), ("<c3>",)]
        assert con.execute("SELECT article_id FROM images ORDER BY 1").fetchall() == [("<c3>",)]
        assert con.execute("SELECT count(*) FROM warc_files").fetchone()[0] == 0


def test_an_article_written_again_loses_the_images_it_no_longer_has(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(warc_batch(1, "a.warc.gz", images=2))
    store.write({"articles": batch(1)["articles"]})  # re-extracted: no images now
    assert count(store.path, "images") == 0


def test_a_capture_written_again_brings_all_its_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(warc_batch(1, "a.warc.gz", images=2))
    store.write(warc_batch(2, "a.warc.gz"))
    store.write({"captures": batch(1)["captures"]})  # indexed again: no longer an article
    assert [count(store.path, t) for t in ("captures", "articles", "images")] == [2, 1, 1]
    assert count(store.path, "articles WHERE article_id = '<c2>'") == 1  # the other record keeps its rows


def test_a_database_cut_short_is_damaged_and_its_batches_wait(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(warc_batch(1, "a.warc.gz"))
    size = store.path.stat().st_size
    assert size > 3 * 4096  # blocks in use after the headers
    with open(store.path, "r+b") as fh:
        fh.truncate(size // 2)
    with pytest.raises(StoreDamaged, match=r"b\.duckdb cannot be read \(the file is .* cut short\)"):
        with Store(store.path).connect(read_only=True):
            pass
    again = Store(store.path)
    assert again.write(warc_batch(300, "b.warc.gz")) is False and again.spooled() == 1
    assert again.damaged is not None and "cannot be read" in caplog.text
    assert store.path.stat().st_size == size // 2  # nothing written into the damaged file


def test_a_spooled_replacement_is_merged_as_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(warc_batch(1, "a.warc.gz"))
    with subprocess.Popen([sys.executable, "-c", HOLD, str(store.path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        assert store.write(warc_batch(2, "a.warc.gz"), replace_files=["a.warc.gz"]) is False
        assert store.spooled() == 1
        holder.communicate("\n", timeout=30)
    assert store.merge_spool() == 1
    with duckdb.connect(str(store.path), read_only=True) as con:
        assert con.execute("SELECT capture_id FROM captures").fetchall() == [("<c2>",)]


def test_connect_waits_for_a_short_hold(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.ensure_schema()
    # a writer (a crawl's batch) holds the file for a moment
    hold_briefly = HOLD.replace("read_only=True", "read_only=False").replace(
        "sys.stdin.readline()", "import time; time.sleep(0.5)")
    assert hold_briefly != HOLD
    with subprocess.Popen([sys.executable, "-c", hold_briefly, str(store.path)], stdout=subprocess.PIPE,
                          text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreBusy):
            with store.connect(read_only=True):
                pass
        with store.connect(read_only=True, wait=20) as con:  # wait it out
            assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
        holder.wait(timeout=30)


class HeldStore(Store):
    """A real store whose writes wait for `go`: a database slower than the crawl, as long as a test likes."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        import threading

        self.go = threading.Event()
        self.batches: list[int] = []  # captures per batch written, in order

    def write(self, batch: dict, replace_files: tuple = ()) -> bool:
        self.go.wait()
        self.batches.append(len(batch.get("captures", [])))
        return super().write(batch, replace_files)


def test_a_slow_database_gets_the_rows_together_and_holds_the_crawl_at_the_bound(tmp_path: Path) -> None:
    import threading

    from crawler.ingest.sink import RowSink

    store = HeldStore(tmp_path / "t.duckdb")
    sink = RowSink(store, batch_rows=3, background=True, max_waiting=12)
    sink.add(batch(0))  # 3 rows: a batch, whose write waits
    for n in range(1, 4):
        sink.add(batch(n))  # they wait together while it is written
    assert sink.pending_rows == 9 and not store.batches
    held = threading.Thread(target=sink.add, args=(batch(4),))  # 12 rows waiting: add() waits for the write
    held.start()
    held.join(0.5)
    assert held.is_alive() and sink.pending_rows == 12
    store.go.set()
    held.join(10)
    assert not held.is_alive()
    sink.close()
    assert store.batches == [1, 4] and sink.written == 2
    assert count(tmp_path / "t.duckdb", "captures") == 5 and count(tmp_path / "t.duckdb", "images") == 5


def figure_rows(article: str, n: int) -> list[dict]:
    return [{"article_id": article, "value": float(i), "raw": str(i), "sentence": f"Câu có số {i}."}
            for i in range(n)]


def test_batches_are_written_in_small_row_groups_whatever_the_table_holds(tmp_path: Path) -> None:
    """A batch's checkpoint rewrites the row groups it merges: at most WRITE_ROW_GROUP rows of a table, not
    DuckDB's 122,880 (which grew a batch's memory with the archive)."""
    from pipelines.database.store import WRITE_ROW_GROUP

    store = Store(tmp_path / "b.duckdb")
    for n in range(3):  # one large insert, then small ones that a checkpoint merges
        store.write({**batch(n), "figures": figure_rows(f"<c{n}>", 2 * WRITE_ROW_GROUP if n == 0 else 50)})
    with duckdb.connect(str(store.path), read_only=True) as con:
        largest = con.execute("SELECT max(count) FROM pragma_storage_info('figures')").fetchone()[0]
    assert count(store.path, "figures") == 2 * WRITE_ROW_GROUP + 100
    assert largest <= WRITE_ROW_GROUP


def test_a_batch_too_large_for_the_write_memory_limit_is_written_all_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.database.store as store_module

    monkeypatch.setattr(store_module, "WRITE_MEMORY_LIMIT", "1MB")
    store = Store(tmp_path / "b.duckdb")
    rows = {**batch(1), "figures": figure_rows("<c1>", 20_000)}
    assert store.write(rows)
    assert store.spooled() == 0
    assert count(store.path, "figures") == 20_000
    assert store.write(rows)  # idempotent, also when written again without the limit
    assert count(store.path, "figures") == 20_000


def test_rows_sent_as_arrow_in_parts_are_stored_as_the_same_rows_sent_as_dicts(tmp_path: Path) -> None:
    """`baotinh index`'s workers send each run of records as Arrow tables made apart, which may disagree on a
    column's type (all None in one, whole numbers in one, fractions in another, instants in two zones): the sink
    joins them, after rows sent as dicts, and the database holds what the dicts alone give."""
    from crawler.ingest.sink import RowSink
    from pipelines.database.arrow_rows import as_tables

    first, *units = [warc_batch(n, "a.warc.gz") for n in (9, 0, 1, 2)]
    for rows in (first, *units):
        rows["articles"][0]["author"] = None  # every row of a table has the same keys, as derive() makes them
    units[0]["articles"][0]["published_at"] = None
    units[1]["articles"][0].update(author="Minh Hương", published_at=datetime(2026, 3, 12, 2, 14, tzinfo=UTC))
    for n, value in enumerate((None, 2, 2.5)):
        units[n]["figures"] = [{"article_id": f"<c{n}>", "value": value, "raw": "2,5", "sentence": "Tăng 2,5%."}]
    tail = {"warc_files": [{"warc_file": "a.warc.gz", "captures": 3}]}
    as_dicts, as_arrow = Store(tmp_path / "dicts.duckdb"), Store(tmp_path / "arrow.duckdb")
    for store, sent in ((as_dicts, [first, *units, tail]), (as_arrow, [first, *map(as_tables, units), tail])):
        sink = RowSink(store, batch_rows=1000, background=True)
        for rows in sent:
            sink.add(rows)
        sink.close()
        assert sink.written == 1
    for table in ("captures", "articles", "images", "figures", "warc_files"):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        with duckdb.connect(str(as_dicts.path), read_only=True) as a, duckdb.connect(str(as_arrow.path),
                                                                                     read_only=True) as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table
    assert count(as_arrow.path, "figures") == 3 and count(as_arrow.path, "articles WHERE author IS NULL") == 3
