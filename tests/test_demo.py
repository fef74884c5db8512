"""`baotinh demo` end to end: what `make demo` shows a newcomer must work on a fresh data directory."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import duckdb

from tests.conftest import REPO, run_baotinh


def test_demo_crawls_both_sites_and_prints_commands(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    result = run_baotinh("demo", "--data-dir", str(data), check=True)
    out = result.stdout
    assert "articles:" in out and "or the database in the DuckDB shell:" in out
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
    # and every baotinh command it suggests runs as printed, on the demo's data
    suggested = [shlex.split(line.split("#")[0]) for line in out.splitlines()
                 if "baotinh " in line and "--data-dir" in line]
    assert [c[1] for c in suggested] == ["status", "search", "report", "shell"]
    for command in suggested:
        assert command[command.index("--data-dir") + 1] == str(data)
        program = str(REPO / command[0]) if "/" in command[0] else command[0]
        ran = subprocess.run([program, *command[1:]], cwd=REPO, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=120)
        assert ran.returncode == 0 and "Traceback" not in ran.stderr, (command, ran.stderr)
    assert (data / "report.html").exists()
    # export by a site as the database names it: the WARC records and the tables agree
    out = tmp_path / "export"
    run_baotinh("export", "--data-dir", str(data), "--out", str(out), "--site", "baophutho", "--no-wacz", check=True)
    with duckdb.connect() as con:
        exported = {t: con.execute(f"SELECT count(*) FROM '{out}/tables/{t}.parquet'").fetchone()[0]
                    for t in ("captures", "articles")}
    with duckdb.connect(str(data / "baotinh.duckdb"), read_only=True) as con:
        stored = {t: con.execute(f"SELECT count(*) FROM {t} WHERE site = 'baophutho'").fetchone()[0]
                  for t in ("captures", "articles")}
    assert exported == stored and stored["articles"] == per_site["baophutho"]
    records = sum(1 for line in (out / "indexes" / "index.cdxj").read_text().splitlines() if '"status": "' in line)
    assert records >= stored["captures"]
