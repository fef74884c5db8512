"""`baotinh demo` end to end: what `make demo` shows a newcomer must work on a fresh data directory."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import run_baotinh


def test_demo_crawls_both_sites_and_prints_commands(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    result = run_baotinh("demo", "--data-dir", str(data), check=True)
    out = result.stdout
    assert "articles:" in out and "Try the database in the DuckDB shell:" in out
    commands = [line.strip() for line in out.splitlines() if "duckdb" in line and " -c " in line]
    assert len(commands) == 3 and all(str(data / "baotinh.duckdb") in c for c in commands)
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        per_site = dict(con.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
        hops = con.execute("SELECT count(*) FROM captures WHERE status = 301").fetchone()[0]
        blocked = con.execute("SELECT count(*) FROM captures WHERE url LIKE '%/tim-kiem/%'").fetchone()[0]
        # every query the demo prints runs as printed (the shell's SQL is the library's SQL)
        for command in commands:
            con.execute(command.split(" -c ", 1)[1].strip('"')).fetchall()
    assert set(per_site) == {"baophutho", "contentfarm"} and all(n >= 3 for n in per_site.values())
    assert hops >= 1 and blocked == 0
    assert list((data / "warc").glob("*.warc.gz")) and not list((data / "warc").glob("*.open"))
