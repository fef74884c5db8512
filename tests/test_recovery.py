"""What a killed run leaves, put right: `.open` WARC files repaired (archive.repair) and the records the run
archived but never stored restored into the database (crawler.ingest.recovery), against real files."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.reader import iter_responses
from archive.repair import repair_open_file, whole_records_end
from archive.writer import Exchange, WarcFileWriter
from crawler.extensions.recorder import DB_NAME
from crawler.ingest.recovery import recover, seed_journals
from crawler.run.lock import Holder
from crawler.run.state import ArchivedArticle, SiteState, read_runs, site_folder
from pipelines.database.store import Store
from tests.conftest import DatabaseHeld, sql, warcio_check

WHEN = datetime(2026, 3, 12, 2, 14, tzinfo=UTC)
TEXT = ("<p>Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ trọng "
        "tâm của năm mới với sự tham dự của lãnh đạo các sở, ban, ngành.</p><p>Theo báo cáo, tổng sản phẩm trên "
        "địa bàn tỉnh tăng 7,2% so với cùng kỳ; thu ngân sách đạt 4.125 tỷ đồng, vượt 12% dự toán.</p>")
NOISE = random.Random(7).randbytes(5000)  # incompressible: its gzip member is longer than any cut below
KILLED = Holder(pid=999999, run_id="20260312T021400Z-dead", started_at="2026-03-12T02:14:00+00:00")


def page(n: int) -> Exchange:
    html = f"<html><head><title>Bài {n}</title></head><body><article><h1>Bài số {n}</h1>{TEXT}</article></body></html>"
    return Exchange(url=f"http://127.0.0.1:8000/bai-{n}-10000{n}.html", date=WHEN, status=200, reason="OK",
                    response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=html.encode())


def killed_run(data: Path, pages: int = 4, stored: int = 1, captured: int = 0) -> tuple[WarcFileWriter, list]:
    """A run killed mid-way: `pages` article pages archived (file left `.open`), journaled, `stored` of them
    in the database, the `captured` next ones with their capture row only (extraction still running), then a
    partial record at the end of the file."""
    writer = WarcFileWriter(data / "warc")
    refs = [writer.write_exchange(page(n)) for n in range(pages)]
    state = SiteState(site_folder(data, "tinh"))
    for n, ref in enumerate(refs):
        state.record_article(ArchivedArticle(page(n).url, ref.record_id, ref.warc_file, ref.offset, KILLED.run_id))
    state.close()
    store = Store(data / DB_NAME)
    for ref, n in zip(refs[:stored], range(stored), strict=True):
        store.write({"captures": [{"capture_id": ref.record_id, "url": page(n).url, "warc_file": ref.warc_file}],
                     "articles": [{"article_id": ref.record_id, "capture_id": ref.record_id, "url": page(n).url,
                                   "title": f"Bài {n}"}]})
    for ref, n in zip(refs[stored:stored + captured], range(stored, stored + captured), strict=True):
        store.write({"captures": [{"capture_id": ref.record_id, "url": page(n).url, "warc_file": ref.warc_file}]})
    store.write({"runs": [{"run_id": KILLED.run_id, "status": "running", "started_at": WHEN}]})
    assert writer._fh is not None
    writer._fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + NOISE)[:700])  # cut mid-member
    writer._fh.close()  # what the kernel does for a killed process: no rename
    return writer, refs


def test_repair_cuts_a_partial_member_and_closes_the_file(tmp_path: Path) -> None:
    writer, refs = killed_run(tmp_path, stored=0)
    (open_file,) = (tmp_path / "warc").glob("*.open")
    end, members = whole_records_end(open_file)
    result = repair_open_file(open_file)
    assert result.path is not None and result.path.name == refs[0].warc_file
    assert (result.records, result.cut_bytes) == (members, 700) == (1 + 2 * 4, 700)  # warcinfo + 4 pairs
    assert result.path.stat().st_size == end
    assert [r.record_id for r in iter_responses(result.path)] == [r.record_id for r in refs]
    warcio_check([result.path])


def test_repair_removes_a_file_without_a_complete_record(tmp_path: Path) -> None:
    open_file = tmp_path / "baotinh-20260312021400000-00000-h.warc.gz.open"
    open_file.write_bytes(gzip.compress(b"WARC/1.1\r\n" + NOISE)[:40])
    assert repair_open_file(open_file).path is None
    assert not open_file.exists()


def test_repair_refuses_a_closed_file(tmp_path: Path) -> None:
    closed = tmp_path / "x.warc.gz"
    closed.write_bytes(b"")
    with pytest.raises(ValueError, match="only files a crawl left open"):
        repair_open_file(closed)


def test_recover_restores_what_was_archived_but_not_stored(tmp_path: Path) -> None:
    _, refs = killed_run(tmp_path, pages=4, stored=1)
    report = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), KILLED)
    assert (len(report.repaired), report.captures, report.articles) == (1, 3, 3)
    assert not list((tmp_path / "warc").glob("*.open"))
    rows = sql(tmp_path, "SELECT a.url, a.site, c.run_id, c.status FROM articles a JOIN captures c USING (capture_id) "
               "ORDER BY a.url")
    assert [r[0] for r in rows] == sorted(page(n).url for n in range(4))
    assert {r[1:] for r in rows[1:]} == {("tinh", KILLED.run_id, 200)}  # restored ones carry site and run
    assert sql(tmp_path, "SELECT status FROM runs WHERE run_id = ?", KILLED.run_id) == [("killed",)]
    assert read_runs(tmp_path)[-1]["status"] == "killed"
    again = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), None)
    assert (again.captures, again.articles) == (0, 0)  # nothing left to do, nothing done twice
    assert sql(tmp_path, "SELECT count(*) FROM articles") == [(4,)]


def test_article_whose_capture_row_was_stored_is_still_restored(tmp_path: Path) -> None:
    """The capture row is written when the page is archived, the article row after extraction: a kill
    between them leaves a capture without its article."""
    killed_run(tmp_path, pages=3, stored=1, captured=1)
    report = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), KILLED)
    assert (report.captures, report.articles) == (1, 2)
    assert sql(tmp_path, "SELECT count(*), count(DISTINCT url) FROM articles") == [(3, 3)]
    assert sql(tmp_path, "SELECT count(*) FROM captures") == [(3,)]


def test_recover_waits_for_a_held_database_then_restores(tmp_path: Path) -> None:
    killed_run(tmp_path, pages=3, stored=0)
    with DatabaseHeld(tmp_path / DB_NAME):
        report = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), KILLED)
    assert report.repaired and report.deferred == report.repaired and report.captures == 0
    assert not list((tmp_path / "warc").glob("*.open"))  # the WARC side is repaired at once
    later = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), None)
    assert (later.captures, later.articles) == (3, 3)
    assert sql(tmp_path, "SELECT count(*) FROM articles") == [(3,)]


def test_journal_lines_without_their_record_are_dropped(tmp_path: Path) -> None:
    """After a power cut the journal may name a record the disk never got: that URL must be fetched again."""
    _, refs = killed_run(tmp_path, pages=2, stored=0)
    state = SiteState(site_folder(tmp_path, "tinh"))
    state.record_article(ArchivedArticle("http://127.0.0.1:8000/mat-100009.html", "<urn:uuid:lost>",
                                         refs[0].warc_file, 99999, KILLED.run_id))
    state.close()
    report = recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), KILLED)
    assert report.forgotten == 1
    assert not SiteState(site_folder(tmp_path, "tinh")).is_archived("http://127.0.0.1:8000/mat-100009.html")


def test_partial_journal_line_is_ignored_and_cut(tmp_path: Path) -> None:
    state = SiteState(site_folder(tmp_path, "tinh"))
    state.record_article(ArchivedArticle("http://x.vn/a-100001.html", "<a>", "f.warc.gz", 0, "r"))
    state.close()
    with open(state.journal_path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "http://x.vn/b-100002.html"})[:20])
    reopened = SiteState(site_folder(tmp_path, "tinh"))
    assert reopened.archived == {"http://x.vn/a-100001.html"}
    assert state.journal_path.read_text(encoding="utf-8").endswith("\n")


def test_missing_journal_is_seeded_from_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / DB_NAME)
    store.write({"captures": [{"capture_id": "<c1>", "url": "http://x.vn/a-100001.html", "warc_file": "f.warc.gz",
                               "warc_offset": 10, "run_id": "r"}],
                 "articles": [{"article_id": "<c1>", "capture_id": "<c1>", "url": "http://x.vn/a-100001.html",
                               "site": "x"}]})
    assert seed_journals(tmp_path, store, ["x", "y"]) == 1
    assert SiteState(site_folder(tmp_path, "x")).is_archived("http://x.vn/a-100001.html")
    assert seed_journals(tmp_path, store, ["x"]) == 0  # only where the file is missing


def test_a_file_recovery_cannot_read_does_not_stop_the_crawl(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "broken.warc.gz").write_bytes(b"this is not a WARC file")
    marker = tmp_path / "state" / "recover" / "broken.warc.gz"
    marker.parent.mkdir(parents=True)
    marker.write_text("r", encoding="utf-8")
    recover(tmp_path, tmp_path / "warc", Store(tmp_path / DB_NAME), None)  # no exception
    assert marker.exists() and "cannot restore the rows of" in caplog.text
