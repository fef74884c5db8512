"""What a killed run leaves, put right: `.open` WARC files repaired (archive.repair), then every closed file
without its rows indexed with the crawl's own function and the killed run's row given what its files hold
(crawler.ingest.recovery), against real files."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.repair import repair_open_file, whole_records_end
from archive.writer import Exchange, RecordRef, WarcFileWriter
from crawler.ingest.recovery import RecoveryReport, catch_up_archive, repair_left_open, seed_journals
from crawler.registry import Site
from crawler.run.lock import Holder
from crawler.run.requisite_journal import RequisiteJournal
from crawler.run.state import ArchivedArticle, SiteState, read_runs, site_folder
from pipelines.database.store import DB_NAME, Store
from tests.conftest import DatabaseHeld, responses, sql, warcio_check

WHEN = datetime(2026, 3, 12, 2, 14, tzinfo=UTC)
TEXT = ("<p>Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ trọng "
        "tâm của năm mới với sự tham dự của lãnh đạo các sở, ban, ngành.</p><p>Theo báo cáo, tổng sản phẩm trên "
        "địa bàn tỉnh tăng 7,2% so với cùng kỳ; thu ngân sách đạt 4.125 tỷ đồng, vượt 12% dự toán.</p>")
NOISE = random.Random(7).randbytes(5000)  # incompressible: its gzip member is longer than any cut below
KILLED = Holder(pid=999999, run_id="20260312T021400Z-dead", started_at="2026-03-12T02:14:00+00:00")
SITE = Site(slug="tinh", name="Tỉnh", domains=("127.0.0.1:8000",), start_urls=("http://127.0.0.1:8000/",))


def page(n: int) -> Exchange:
    html = f"<html><head><title>Bài {n}</title></head><body><article><h1>Bài số {n}</h1>{TEXT}</article></body></html>"
    return Exchange(url=f"http://127.0.0.1:8000/bai-{n}-10000{n}.html", date=WHEN, status=200, reason="OK",
                    response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=html.encode())


def killed_run(data: Path, pages: int = 4, stored: int = 1) -> list[RecordRef]:
    """A run killed mid-way: `pages` article pages archived (file left `.open`, its warcinfo naming the run),
    journaled, the first `stored` of them in the database, then a partial record at the end of the file."""
    writer = WarcFileWriter(data / "warc", info={"run-id": KILLED.run_id})
    refs = [writer.write_exchange(page(n)) for n in range(pages)]
    state = SiteState(site_folder(data, "tinh"))
    for n, ref in enumerate(refs):
        state.record_article(ArchivedArticle(page(n).url, ref.record_id, ref.warc_file, ref.offset, KILLED.run_id))
    state.close()
    store = Store(data / DB_NAME)
    for ref, n in zip(refs[:stored], range(stored), strict=True):
        store.write({"captures": [{"capture_id": ref.record_id, "url": page(n).url, "warc_file": ref.warc_file,
                                   "run_id": KILLED.run_id, "site": "tinh", "status": 200}],
                     "articles": [{"article_id": ref.record_id, "capture_id": ref.record_id, "url": page(n).url,
                                   "title": f"Bài {n}"}]})
    store.write({"runs": [{"run_id": KILLED.run_id, "status": "running", "started_at": WHEN}]})
    assert writer._fh is not None
    writer._fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + NOISE)[:700])  # cut mid-member
    writer._fh.close()  # what the kernel does for a killed process: no rename
    return refs


def recover(data: Path, stale: Holder | None) -> RecoveryReport:
    """What RunLife does: repair first (before the WARC writer opens), then catch up (when the crawl opens)."""
    report = RecoveryReport()
    store = Store(data / DB_NAME)
    repair_left_open(data, data / "warc", store, report)
    catch_up_archive(data, data / "warc", store, stale, report, run_id="20260312T050000Z-next", sites=[SITE],
                     registry={}, processes=1)
    return report


def test_repair_cuts_a_partial_member_and_closes_the_file(tmp_path: Path) -> None:
    refs = killed_run(tmp_path, stored=0)
    (open_file,) = (tmp_path / "warc").glob("*.open")
    end, members = whole_records_end(open_file)
    result = repair_open_file(open_file)
    assert result.path is not None and result.path.name == refs[0].warc_file
    assert (result.records, result.cut_bytes) == (members, 700) == (1 + 2 * 4, 700)  # warcinfo + 4 pairs
    assert result.path.stat().st_size == end
    assert [r.record_id for r in responses(result.path)] == [r.record_id for r in refs]
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


def test_recovery_indexes_what_was_archived_but_not_stored(tmp_path: Path) -> None:
    refs = killed_run(tmp_path, pages=4, stored=1)
    report = recover(tmp_path, KILLED)
    assert (len(report.repaired), report.files_indexed, report.captures, report.articles) == (1, 1, 3, 3)
    assert not list((tmp_path / "warc").glob("*.open"))
    rows = sql(tmp_path, "SELECT a.url, a.site, c.run_id, c.status FROM articles a JOIN captures c USING (capture_id) "
               "ORDER BY a.url")
    assert [r[0] for r in rows] == sorted(page(n).url for n in range(4))
    assert {r[1:] for r in rows[1:]} == {("tinh", KILLED.run_id, 200)}  # the run id of the file's warcinfo
    assert sql(tmp_path, "SELECT warc_file, captures, articles FROM warc_files") == [(refs[0].warc_file, 4, 4)]
    (status, stats), = sql(tmp_path, "SELECT status, stats FROM runs WHERE run_id = ?", KILLED.run_id)
    sites = json.loads(stats)["sites"]
    assert status == "killed" and sites["tinh"]["pages"] == 4 and sites["tinh"]["articles"] == 4
    assert sites["tinh"]["status"] == "ok" and sites["tinh"]["bytes"] == sum(len(page(n).body) for n in range(4))
    (line,) = [r for r in read_runs(tmp_path) if r["run_id"] == KILLED.run_id]
    assert line["status"] == "killed" and line["totals"]["pages"] == 4
    again = recover(tmp_path, None)
    assert (again.files_indexed, again.captures) == (0, 0)  # nothing left to do, nothing done twice
    assert sql(tmp_path, "SELECT count(*) FROM articles") == [(4,)]


def test_a_stored_record_is_counted_not_derived_again(tmp_path: Path) -> None:
    """A stored capture row means a fully derived record (the sink writes a record's rows together)."""
    killed_run(tmp_path, pages=3, stored=1)
    recover(tmp_path, KILLED)
    # the stored article row is the killed run's own (title only): left as it was
    assert sql(tmp_path, "SELECT title, text IS NULL FROM articles WHERE url LIKE '%-100000.html'") == [("Bài 0", True)]
    (stats,), = sql(tmp_path, "SELECT stats FROM runs WHERE run_id = ?", KILLED.run_id)
    assert json.loads(stats)["sites"]["tinh"]["articles"] == 3


def test_recovery_waits_for_a_held_database_then_indexes(tmp_path: Path) -> None:
    killed_run(tmp_path, pages=3, stored=0)
    with DatabaseHeld(tmp_path / DB_NAME):
        report = recover(tmp_path, KILLED)
    assert report.repaired and report.deferred and report.captures == 0
    assert not list((tmp_path / "warc").glob("*.open"))  # the WARC side is repaired at once
    later = recover(tmp_path, None)
    assert (later.captures, later.articles) == (3, 3)
    assert sql(tmp_path, "SELECT count(*) FROM articles") == [(3,)]


def test_journal_lines_without_their_record_are_dropped(tmp_path: Path) -> None:
    """After a power cut the journal may name a record the disk never got: that URL must be fetched again."""
    refs = killed_run(tmp_path, pages=2, stored=0)
    state = SiteState(site_folder(tmp_path, "tinh"))
    state.record_article(ArchivedArticle("http://127.0.0.1:8000/mat-100009.html", "<urn:uuid:lost>",
                                         refs[0].warc_file, 99999, KILLED.run_id))
    state.close()
    report = recover(tmp_path, KILLED)
    assert report.forgotten == 1
    assert not SiteState(site_folder(tmp_path, "tinh")).is_archived("http://127.0.0.1:8000/mat-100009.html")
    assert SiteState(site_folder(tmp_path, "tinh")).is_archived(page(1).url)


def test_requisite_lines_without_their_record_are_dropped(tmp_path: Path) -> None:
    """The page requisites' journal too: a photo whose record was lost is fetched again."""
    refs = killed_run(tmp_path, pages=2, stored=0)
    journal = RequisiteJournal(tmp_path)
    kept = {"capture_id": refs[1].record_id, "warc_file": refs[1].warc_file, "warc_offset": refs[1].offset}
    journal.record(["http://127.0.0.1:8000/anh/con.jpg"], kept, 200, KILLED.run_id)
    journal.record(["http://127.0.0.1:8000/anh/mat.jpg"],
                   {"capture_id": "<urn:uuid:lost>", "warc_file": refs[0].warc_file, "warc_offset": 99999}, 200,
                   KILLED.run_id)
    journal.close()
    report = recover(tmp_path, KILLED)
    assert report.forgotten == 1
    assert RequisiteJournal(tmp_path).archived == {"http://127.0.0.1:8000/anh/con.jpg"}

def test_partial_journal_line_is_ignored_and_cut(tmp_path: Path) -> None:
    state = SiteState(site_folder(tmp_path, "tinh"))
    state.record_article(ArchivedArticle("http://x.vn/a-100001.html", "<a>", "f.warc.gz", 0, "r"))
    state.close()
    with open(state.journal_path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "http://x.vn/b-100002.html"})[:20])
    reopened = SiteState(site_folder(tmp_path, "tinh"))
    assert reopened.articles == 1 and reopened.is_archived("http://x.vn/a-100001.html")
    assert not reopened.is_archived("http://x.vn/b-100002.html")
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


def test_a_file_that_is_no_warc_does_not_stop_the_crawl(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "broken.warc.gz").write_bytes(b"this is not a WARC file")
    report = recover(tmp_path, None)  # no exception
    assert report.captures == 0 and "broken.warc.gz at offset 0: 23 bytes that are not a gzip member" in caplog.text
