"""Saved queries: each file of queries/ runs unchanged in the DuckDB shell against a fixture database."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import REPO, duckdb_cli
from tests.dbfixture import article_id

QUERIES = REPO / "queries"
NOT_SAVED_QUERIES = {"schema.sql", "init.sql"}


def saved_queries() -> list[str]:
    return sorted(p.name for p in QUERIES.glob("*.sql") if p.name not in NOT_SAVED_QUERIES)


def run_query(db: Path, name: str, **variables: object) -> list[dict]:
    """`duckdb -init queries/init.sql DB` with SET VARIABLE commands, then `-f queries/NAME`, as JSON rows."""
    args = ["-init", "queries/init.sql", "-readonly", "-json", str(db)]
    for key, value in variables.items():
        args += ["-cmd", f"SET VARIABLE {key} = {value!r}" if isinstance(value, str) else
                 f"SET VARIABLE {key} = {value}"]
    result = duckdb_cli(*args, "-f", f"queries/{name}")
    assert result.returncode == 0 and not result.stderr, f"{name}: {result.stderr}"
    return json.loads(result.stdout or "[]")


# Filters that mean the same in every query that takes them (set `site` once, run several queries for it);
# every other variable belongs to one query, so a value left from one cannot change another.
SHARED_VARIABLES = {"site", "since", "until", "subject", "kind"}


def variables_of(name: str) -> set[str]:
    text = (QUERIES / name).read_text(encoding="utf-8")
    return set(re.findall(r"getvariable\('(\w+)'\)", text)) - {n for n in re.findall(r"baotinh_\w+", text)}


def test_queries_share_only_the_filter_variables() -> None:
    users: dict[str, list[str]] = defaultdict(list)
    for name in saved_queries():
        for variable in variables_of(name):
            users[variable].append(name)
    shared = {v: names for v, names in users.items() if len(names) > 1}
    assert shared and set(shared) <= SHARED_VARIABLES, shared


def test_the_readme_lists_each_query_with_its_variables() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in saved_queries():
        row = re.search(rf"^\| `{re.escape(name)}` \|.*\|(.*)\|$", readme, re.MULTILINE)
        assert row, f"README's saved-query table has no row for {name}"
        listed = set(re.findall(r"`(\w+)`", row[1]))
        assert listed == variables_of(name), (name, listed)


def test_there_are_at_least_six_saved_queries() -> None:
    assert len(saved_queries()) >= 6


@pytest.mark.parametrize("name", saved_queries())
def test_each_query_says_what_it_answers_and_how_to_set_it(name: str) -> None:
    text = (QUERIES / name).read_text(encoding="utf-8")
    header = text.split("\n\n")[0].split("\n")
    assert all(line.startswith("--") for line in header[:3]), f"{name}: no header comment"
    assert "SET VARIABLE" in text and "Run:" in text, f"{name}: parameters or how to run not said"


@pytest.mark.parametrize("name", saved_queries())
def test_each_query_runs_unchanged_with_its_defaults_or_a_required_variable(fixture_db: Path, name: str) -> None:
    required = {"search.sql": {"q": "phu tho"}, "captures_of_url.sql": {"url": "%"}}
    assert run_query(fixture_db, name, **required.get(name, {}))


def test_latest_per_site(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "latest_per_site.sql", per_site=1)
    assert [(r["site"], r["title"]) for r in rows] == [
        ("baophutho", "Giá trị xuất khẩu quý I đạt 1.250 triệu USD"),
        ("vccidata", "Nông dân Phú Thọ thu hoạch chè vụ xuân được giá"),
    ]
    assert {r["site"] for r in run_query(fixture_db, "latest_per_site.sql", site="vccidata")} == {"vccidata"}


def test_search_query(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "search.sql", q="dang bo", site="baophutho")
    assert [r["title"] for r in rows] == ["Hội nghị Ban Chấp hành Đảng bộ tỉnh Phú Thọ lần thứ 12"]
    assert run_query(fixture_db, "search.sql", q="phu tho", since="2026-03-13", max_hits=1)[0]["site"] == "vccidata"


def test_search_query_asks_for_its_words(fixture_db: Path) -> None:
    result = duckdb_cli("-init", "queries/init.sql", "-readonly", str(fixture_db), "-f", "queries/search.sql")
    assert result.returncode != 0 and "SET VARIABLE q = 'phu tho';" in result.stderr


def test_figures_by_month(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "figures_by_month.sql", subject="xuat khau")
    assert [(r["month"], r["figures"], r["total"]) for r in rows] == [("2026-03-01", 2, 1.2625e9)]
    assert [r["largest_as_written"] for r in rows] == ["1.250 triệu USD"]
    counts = run_query(fixture_db, "figures_by_month.sql", kind="count")
    assert [(r["month"], r["base_unit"], r["total"]) for r in counts] == [("2026-01-01", "xã", 225.0)]


def test_reposts(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "reposts.sql")
    assert len(rows) == 1
    repost = rows[0]
    # the farm's copy of the tea article, the next morning, word for word
    assert (repost["original_site"], repost["copy_site"], repost["evidence"]) == ("baophutho", "vccidata", "published")
    assert (repost["original_day"], repost["delay"], repost["similarity"]) == ("2026-03-12", "21:48:00", 1.0)
    assert repost["copy_url"].startswith("https://vccidata.com.vn/") and repost["credits"] is False
    assert run_query(fixture_db, "reposts.sql", min_sites=3) == []
    assert len(run_query(fixture_db, "reposts.sql", site="vccidata")) == 1  # a copy's site finds it too
    assert run_query(fixture_db, "reposts.sql", since="2026-03-13") == []  # the original is of the 12th


def test_copiers(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "copiers.sql")
    assert [(r["copied_site"], r["copier"], r["articles"], r["copies"], r["credited"]) for r in rows] == [
        ("baophutho", "vccidata", 1, 1, 0)]
    assert (rows[0]["median_days"], rows[0]["fastest"], rows[0]["first_copy"]) == (0.9, "21:48:00", "2026-03-13")
    assert len(run_query(fixture_db, "copiers.sql", site="vccidata")) == 1
    assert run_query(fixture_db, "copiers.sql", until="2026-03-11") == []


def test_captures_of_url(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "captures_of_url.sql", url="https://baophutho.vn/kinh-te/%")
    assert [r["url"].removeprefix("https://baophutho.vn/kinh-te/") for r in rows] == [
        "", "nong-dan-thu-hoach-che-vu-xuan-100003.html", "gia-tri-xuat-khau-quy-i-100005.html"]  # by fetch time
    assert rows[1]["warc_offset"] == 1000 and rows[1]["extract_command"].endswith(".warc.gz 1000")
    assert rows[1]["status"] == 200 and rows[1]["warc_file"].endswith(".warc.gz")


def test_runs(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "runs.sql")
    assert [(r["command"], r["pages"], r["articles"], r["errors"]) for r in rows] == [
        ("index", 8, 6, 0), ("crawl", 8, 6, 1)]
    assert [r["command"] for r in run_query(fixture_db, "runs.sql", command="crawl")] == ["crawl"]


def test_articles_by_month(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "articles_by_month.sql", site="baophutho", since="2026-02-15")
    assert [(r["month"], r["articles"], r["authors"]) for r in rows] == [("2026-03-01", 3, 1)]
    assert article_id(0)  # the January article is before `since`


def test_largest_money(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "largest_money.sql")
    assert [(r["currency"], r["amount"], r["as_written"]) for r in rows] == [
        ("USD", 1.25e9, "1.250 triệu USD"), ("USD", 12.5e6, "12,5 triệu USD"), ("đồng", 15e9, "15 tỷ đồng")]
    assert [r["amount"] for r in run_query(fixture_db, "largest_money.sql", top=1)] == [1.25e9, 15e9]
    assert [r["as_written"] for r in run_query(fixture_db, "largest_money.sql", currency="đồng")] == ["15 tỷ đồng"]
    assert run_query(fixture_db, "largest_money.sql", since="2026-03-15", until="2026-03-30") == []
    assert [r["amount"] for r in run_query(fixture_db, "largest_money.sql", since="2026-03-31")] == [1.25e9]


def test_percent_changes(fixture_db: Path) -> None:
    rows = run_query(fixture_db, "percent_changes.sql")
    assert [(r["change"], r["percent"], r["subject"]) for r in rows] == [
        ("increase", 7.5, "tốc độ tăng trưởng kinh tế")]
    assert run_query(fixture_db, "percent_changes.sql", change="decrease") == []
    assert len(run_query(fixture_db, "percent_changes.sql", subject="tang truong")) == 1
    assert run_query(fixture_db, "percent_changes.sql", site="vccidata") == []
