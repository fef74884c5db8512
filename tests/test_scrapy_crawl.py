"""`scrapy crawl news` from the repository (what Scrapyd runs) gets the run's life too: the run lock, recovery
and catch-up indexing of what the archive holds, the run's rows and the search refresh (RunLife), and the
rows of every record (LiveIngest), with no deprecation warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.demo.server import SiteServer
from crawler.run.lock import RunLock
from tests.conftest import ENV, REPO, run_baotinh, sql
from tests.test_lock import held  # noqa: F401  # the fixture: another process holds the run lock

SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def scrapy_crawl(base: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRAPY, "crawl", "news", "-a", f"start_url={base}/", "-s", f"BAOTINH_DATA_DIR={data}"],
                          cwd=REPO, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=180)


def test_scrapy_crawl_recovers_catches_up_and_writes_its_run(news_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), check=True)
    (earlier,) = sql(data, "SELECT run_id FROM runs")[0]
    (data / "baotinh.duckdb").unlink()  # the archive alone is left: its files have no rows now
    RunLock(data).path.write_text(json.dumps({"pid": 2**22 + 1, "run_id": earlier,  # as a killed run leaves it
                                              "started_at": "2026-03-12T03:15:00+00:00"}))

    result = scrapy_crawl(news_site.base_url, data)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "previous run did not finish" in result.stderr and "ScrapyDeprecationWarning" not in result.stderr
    assert "indexed 1 WARC file(s) the database did not hold" in result.stderr
    assert sql(data, "SELECT count(*), count(DISTINCT url) FROM articles") == [(5, 5)]  # from the archive
    runs = dict(sql(data, "SELECT run_id, status FROM runs"))
    (this,) = set(runs) - {earlier}
    # the earlier run wrote its runs.jsonl line before the "kill" (as one killed in its search refresh has): its
    # row, made again from the archive, keeps the status it recorded itself
    assert runs == {earlier: "finished", this: "finished"}
    assert sql(data, "SELECT command FROM runs WHERE run_id = ?", this) == [("crawl",)]
    assert {r for (r,) in sql(data, "SELECT DISTINCT run_id FROM captures")} == {earlier, this}  # who fetched
    assert len(sql(data, "SELECT * FROM warc_files")) == 2 and "search index" in result.stderr
    assert RunLock(data).path.read_text() == ""  # let go at the end


def test_scrapy_crawl_refuses_a_held_lock_and_writes_nothing(news_site: SiteServer, tmp_path: Path,
                                                             held: subprocess.Popen[str]) -> None:  # noqa: F811
    result = scrapy_crawl(news_site.base_url, tmp_path)
    assert result.returncode != 0
    assert f"another crawl is running in {tmp_path} (pid {held.pid}" in result.stderr
    assert not (tmp_path / "warc").exists() and not (tmp_path / "baotinh.duckdb").exists()
