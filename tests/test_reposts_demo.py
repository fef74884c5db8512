"""Reposts on the demo: the content farm's copy of the Báo Phú Thọ article is clustered with the paper's original,
in the crawl and in `baotinh index --rebuild` from the WARC files alone, the same rows both ways; indexing again
changes nothing; search and the saved queries show it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import duckdb_cli, run_baotinh

REPOST_TABLES = ("repost_nodes", "repost_edges", "repost_clusters", "reposts")


def repost_tables(data: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in REPOST_TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "data"
    run_baotinh("demo", "--data-dir", str(data), check=True)
    return data


def sites_file(data: Path, path: Path) -> Path:
    """The registry the demo crawled with (its sites on 127.0.0.1 ports), as a sites.toml."""
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT site, name, province, kind, domains, start_urls, article_pattern FROM sites "
                           "ORDER BY site").fetchall()
    lines = []
    for site, name, province, kind, domains, start_urls, pattern in rows:
        lines += [f"[site.{site}]", f"name = {json.dumps(name, ensure_ascii=False)}", f'kind = "{kind}"',
                  f"domains = {json.dumps(domains)}", f"start_urls = {json.dumps(start_urls)}"]
        lines += [f"province = {json.dumps(province, ensure_ascii=False)}"] if province else []
        lines += [f"article_pattern = '{pattern}'"] if pattern else []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_farms_copy_is_clustered_with_the_papers_original(demo: Path) -> None:
    with duckdb.connect(str(demo / "baotinh.duckdb"), read_only=True) as con:
        clusters = con.execute("""
            SELECT c.original_site, o.title, c.articles, c.sites, c.evidence, c.credit
            FROM repost_clusters c JOIN articles o ON o.article_id = c.original_article_id""").fetchall()
        copies = con.execute("""
            SELECT r.site, a.title, length(a.text), r.similarity, r.delay > INTERVAL 700 DAYS, r.credits_original
            FROM reposts r JOIN articles a USING (article_id) WHERE NOT r.is_original""").fetchall()
        fingerprinted = con.execute("SELECT count(*), count(fingerprint) FROM articles").fetchone()
    assert clusters == [("baophutho", "Nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng", 2, 2,
                         "credit", "PTĐT")]
    (site, title, length, similarity, two_years_later, credits), = copies
    assert (site, title, credits, two_years_later) == (
        "contentfarm", "Tại Sao Phải Nâng Cao Năng Lực Lãnh Đạo Của Đảng", True, True)
    assert length != 10757 and similarity > 0.9  # not the same text (md5 missed it), the same article
    assert fingerprinted[0] == fingerprinted[1] >= 13  # the demo's short farm posts are long enough too


def test_an_index_rebuild_from_the_warc_files_gives_the_same_clusters(demo: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "warc").mkdir(parents=True)
    for path in (demo / "warc").glob("*.warc.gz"):
        shutil.copy(path, data / "warc" / path.name)
    registry = sites_file(demo, tmp_path / "sites.toml")
    result = run_baotinh("index", "--data-dir", str(data), "--rebuild", "--sites-file", str(registry), check=True)
    assert "repost clusters built: 1 clusters over" in result.stderr
    expected = repost_tables(demo)
    assert len(expected["reposts"]) == 2 and len(expected["repost_nodes"]) >= 13
    assert repost_tables(data) == expected


def test_indexing_again_changes_nothing(demo: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo, data)
    before = repost_tables(data)
    again = run_baotinh("index", "--data-dir", str(data), check=True)
    assert "repost clusters up to date (1 clusters over" in again.stderr
    assert repost_tables(data) == before
    rebuilt = run_baotinh("index", "--data-dir", str(data), "--rebuild", check=True)
    assert "repost clusters built: 1 clusters" in rebuilt.stderr
    assert repost_tables(data) == before


def test_search_says_where_else_the_article_is(demo: Path) -> None:
    shown = run_baotinh("search", "nang cao nang luc lanh dao", "--data-dir", str(demo), check=True).stdout
    lines = [line for line in shown.splitlines() if line[:1].isdigit()]
    assert len(lines) == 2
    assert lines[0].endswith("(also on 1 site: contentfarm)") and "baophutho" in lines[0]
    assert lines[1].endswith("(also on 1 site: baophutho)")
    found = json.loads(run_baotinh("search", "de thi tieng anh", "--data-dir", str(demo), "--json",
                                   check=True).stdout)
    assert found["hits"] and all(h["also_on_sites"] == 0 and h["also_on"] == [] for h in found["hits"])


@pytest.mark.parametrize("name", ["reposts.sql", "copiers.sql"])
def test_the_saved_queries_show_the_copy(demo: Path, name: str) -> None:
    result = duckdb_cli("-init", "queries/init.sql", "-readonly", "-json", str(demo / "baotinh.duckdb"),
                        "-f", f"queries/{name}")
    assert result.returncode == 0 and not result.stderr, result.stderr
    (row,) = json.loads(result.stdout)
    assert row.get("copy_site", row.get("copier")) == "contentfarm"
    assert row.get("original_site", row.get("copied_site")) == "baophutho"
