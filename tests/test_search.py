"""Search: accent folding both ways (đ included), BM25 through FTS, its incremental refresh, the fallback,
the `baotinh search` command, and the same macro in the DuckDB shell."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.database import search_index
from pipelines.database.schema import schema_sql
from pipelines.database.search import search
from pipelines.database.store import Store
from tests.conftest import REPO, duckdb_cli, run_baotinh
from tests.dbfixture import VN, article_id, fixture_rows

VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ")


def titles(db: Path, query: str, **kw: object) -> list[str]:
    return [h.title for h in search(db, query, **kw).hits]


def test_fold_turns_every_vietnamese_letter_into_ascii() -> None:
    with duckdb.connect() as con:
        con.execute(schema_sql())  # the macros come from schema.sql
        folded = con.execute("SELECT fold(?), fold(upper(?))", [VIETNAMESE, VIETNAMESE]).fetchone()
    assert folded[0] == folded[1] == "a" * 18 + "e" * 12 + "i" * 6 + "o" * 18 + "u" * 12 + "y" * 6 + "d"
    assert len(folded[0]) == len(VIETNAMESE)  # positions in folded text are positions in the text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Đảng, "Dang" (a text without diacritics), and đang, dạng: folding makes them one word
        ("dang", {0, 1, 2, 4, 5}),
        ("Đảng", {0, 1, 2, 4, 5}),         # accents in the query find text without them
        ("phu tho", {0, 1, 4, 5}),         # every word required: Phú Thọ
        ('"phu tho" che', {1, 4}),
        ('"tho phu"', set()),              # a phrase keeps its order
        ("ĐẢNG BỘ", {0, 5}),
        ("225", {0}),                      # numbers are words too
    ],
)
def test_accent_insensitive_both_ways(fixture_db: Path, query: str, expected: set[int]) -> None:
    hits = search(fixture_db, query).hits
    assert {h.article_id for h in hits} == {article_id(n) for n in expected}
    assert search(fixture_db, query).method == "bm25"


def test_ranking_is_bm25_title_words_count(fixture_db: Path) -> None:
    hits = search(fixture_db, "dang bo").hits
    assert [h.article_id for h in hits][:2] in ([article_id(0), article_id(5)], [article_id(5), article_id(0)])
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_filters_by_site_and_vietnamese_date(fixture_db: Path) -> None:
    assert {h.site for h in search(fixture_db, "phu tho", site="vccidata").hits} == {"vccidata"}
    march = search(fixture_db, "phu tho", since=date(2026, 3, 1), until=date(2026, 3, 12)).hits
    assert [h.article_id for h in march] == [article_id(1)]  # the repost is dated 13/3
    assert search(fixture_db, "che", limit=1).hits[0].day is not None


def test_snippet_shows_the_words_with_their_accents(fixture_db: Path) -> None:
    hit = search(fixture_db, '"xuat khau che"').hits[0]
    assert "xuất khẩu chè" in hit.snippet and hit.url.startswith("https://")  # centred on the phrase
    long = search(fixture_db, '"nha nhap khau"').hits[0]
    assert "nhà nhập khẩu" in long.snippet and long.snippet.startswith("…")


def fts_tables(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    fts = search_index.FTS
    return {
        "dict": sorted(con.execute(f"SELECT term, df FROM {fts}.dict").fetchall()),
        "docs": sorted(con.execute(f"SELECT name, len FROM {fts}.docs").fetchall()),
        "stats": con.execute(f"SELECT num_docs, avgdl FROM {fts}.stats").fetchall(),
        "scores": {q: [(a, round(s, 9)) for a, s in con.execute(
            "SELECT article_id, score FROM search_articles(?, max_hits := 100) ORDER BY article_id", [q]
        ).fetchall()] for q in ("phu tho", "dang", "che", "xa", "2026", "xuat khau")},
    }


def test_incremental_refresh_scores_like_a_fresh_build(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    rows = fixture_rows()
    first = {**rows, "articles": rows["articles"][:4]}
    store.write(first)
    with store.connect() as con:
        assert search_index.refresh(con).action == "built"
        assert search_index.refresh(con).action == "unchanged"
    # two new articles, one changed (re-extracted), one gone from latest_articles (fetched again under a new id)
    changed = dict(rows["articles"][2], title="Giá trị xuất khẩu quý I tăng mạnh", text="Xuất khẩu tăng 18,2%.")
    refetched = dict(rows["articles"][3], article_id="<new>", capture_id="<new>",
                     fetched_at=rows["articles"][3]["fetched_at"] + timedelta(days=1), text="Cầu dân sinh mới.")
    store.write({"articles": [*rows["articles"][4:], changed, refetched]})
    with store.connect() as con:
        result = search_index.refresh(con, rebuild_share=1.0)
        assert (result.action, result.added, result.removed, result.documents) == ("updated", 4, 2, 6)
        updated = fts_tables(con)
        assert search_index.refresh(con, rebuild=True).action == "built"
        assert fts_tables(con) == updated


def test_without_fts_search_falls_back_and_says_so(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bm25 = search(fixture_db, "phu tho")
    monkeypatch.setenv(search_index.ENV_EXTENSIONS, "/nonexistent/extensions")
    folded = search(fixture_db, "phu tho")
    assert folded.method == "folded" and "full-text search unavailable" in (folded.notice or "")
    assert {h.article_id for h in folded.hits} == {h.article_id for h in bm25.hits}
    assert titles(fixture_db, '"phu tho" che') == [h.title for h in search(fixture_db, '"phu tho" che').hits]


def test_refresh_without_fts_leaves_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(fixture_rows())
    monkeypatch.setenv(search_index.ENV_EXTENSIONS, "/nonexistent/extensions")
    message = search_index.refresh_database(store.path)
    assert message.startswith("full-text index not built (cannot load the FTS extension")
    assert "search matches folded text instead" in message
    result = search(store.path, "dang")
    assert result.method == "folded" and len(result.hits) == 5


def test_a_stale_index_is_mentioned(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    shutil.copy(fixture_db, db)
    extra = dict(fixture_rows()["articles"][0], article_id="<x>", capture_id="<x>", url="https://baophutho.vn/x")
    Store(db).write({"articles": [extra]})
    result = search(db, "dang")
    assert result.method == "bm25" and result.notice and result.notice.startswith("1 article(s) stored since")


def test_search_command_prints_ranked_hits(fixture_db: Path) -> None:
    result = run_baotinh("search", "phu tho", "--site", "baophutho", "--data-dir", str(fixture_db.parent),
                         check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. 2026-") and "baophutho" in lines[0]
    assert any(line.strip().startswith("https://baophutho.vn/") for line in lines)
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dang", "--since", "12/03/2026"], "--since '12/03/2026' is not a date like 2026-03-31"),
        (["dang", "--site", "khong-co"], "no site 'khong-co' in the database (sites: baophutho, vccidata)"),
        (["  "], "the query is empty"),
        (["dang", "--since", "2026-04-01", "--until", "2026-03-01"], "is after --until"),
    ],
)
def test_search_user_errors(fixture_db: Path, args: list[str], message: str) -> None:
    result = run_baotinh("search", *args, "--data-dir", str(fixture_db.parent))
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_search_without_a_database(tmp_path: Path) -> None:
    result = run_baotinh("search", "dang", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "no database at" in result.stderr


def test_the_macro_works_in_the_duckdb_shell_with_init_sql(fixture_db: Path) -> None:
    result = duckdb_cli("-init", "queries/init.sql", "-readonly", "-json", str(fixture_db), "-c",
                        "SELECT article_id FROM search_articles('Đảng', site := 'vccidata')")
    assert result.returncode == 0, result.stderr
    assert article_id(5) in result.stdout


def test_init_sql_finds_the_package_through_the_virtualenv(fixture_db: Path, tmp_path: Path) -> None:
    import sys

    if sys.prefix == sys.base_prefix:
        pytest.skip("not running in a virtualenv")
    result = duckdb_cli("-init", str(REPO / "queries" / "init.sql"), "-readonly", "-json", str(fixture_db), "-c",
                        "SELECT count(*) AS n FROM search_articles('phu tho')", cwd=tmp_path,
                        env={search_index.ENV_EXTENSIONS: "", "VIRTUAL_ENV": sys.prefix})
    assert result.returncode == 0 and '"n":4' in result.stdout.replace(" ", ""), result.stderr


def test_init_sql_without_the_package_says_so_once_and_folded_search_works(fixture_db: Path, tmp_path: Path) -> None:
    result = duckdb_cli("-init", str(REPO / "queries" / "init.sql"), "-readonly", "-json", str(fixture_db), "-c",
                        "SELECT count(*) AS n FROM search_articles_folded('phu tho')", cwd=tmp_path,
                        env={search_index.ENV_EXTENSIONS: "/nonexistent", "VIRTUAL_ENV": ""})
    assert result.returncode == 0 and '"n":4' in result.stdout.replace(" ", "")
    assert result.stderr.count("FTS extension not found") == 1


def test_shell_command_opens_the_database_with_search_ready(fixture_db: Path, tmp_path: Path) -> None:
    result = run_baotinh("shell", "--data-dir", str(fixture_db.parent), "-c", ".mode csv",
                         "-c", "SELECT title FROM search_articles('khanh thanh cau')",
                         "-c", "SELECT current_setting('TimeZone')")
    assert result.returncode == 0, result.stderr
    assert "Khánh thành cầu dân sinh nối hai xã vùng cao" in result.stdout
    assert "Asia/Ho_Chi_Minh" in result.stdout


def test_shell_is_read_only_unless_asked(fixture_db: Path) -> None:
    result = run_baotinh("shell", "--data-dir", str(fixture_db.parent), "-c", "DELETE FROM runs")
    assert result.returncode != 0 and "read-only" in result.stderr.lower()
    with duckdb.connect(str(fixture_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_day_is_vietnamese_date(fixture_db: Path) -> None:
    # published 31/3 16:00 +07 is 31/3 in Vietnam (09:00 UTC); a day filter on 31/3 finds it
    hits = search(fixture_db, "xuat khau", since=date(2026, 3, 31), until=date(2026, 3, 31)).hits
    assert [h.article_id for h in hits] == [article_id(2)]
    assert hits[0].published_at.astimezone(VN).date() == date(2026, 3, 31)


def test_a_build_in_batches_scores_like_one_create_fts_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "b.duckdb")
    store.write(fixture_rows())
    with store.connect() as con:
        assert search_index.refresh(con, rebuild=True, batch=2).action == "built"
        batched = fts_tables(con)
        # the index FTS makes in one go over the same search_docs, with the same macro over it
        con.execute(
            "PRAGMA create_fts_index('search_docs', 'article_id', 'title', 'body', stemmer = 'none', "
            f"stopwords = 'none', ignore = '{search_index.IGNORE}', strip_accents = 1, lower = 1, overwrite = 1)"
        )
        con.execute(search_index.SEARCH_MACRO)
        assert fts_tables(con) == batched
        assert batched["stats"][0][0] == len(fixture_rows()["articles"])
