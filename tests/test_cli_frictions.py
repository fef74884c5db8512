"""What a newcomer met trying baotinh (issue 12) and what an operator's typos did (issue 13): each runs the real
command as a subprocess and checks what a user sees: one clean line (or only log lines), and the exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from tests.conftest import ENV, REPO, SITES, run_baotinh
from tests.tools import free_port

STAMPED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+07 ")


def baotinh(*args: str, cwd: Path = REPO, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=cwd, env={**os.environ, **ENV},
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def log_lines(text: str) -> list[str]:
    """The lines of a crawl's console; Python's own warning lines (`path:line: SomeWarning: …` and the source
    line under it: a library's deprecation notice) are not log lines and are left out."""
    return re.sub(r"^\S+:\d+: \w*Warning: .*\n  .*\n", "", text, flags=re.MULTILINE).strip().splitlines()


def one_line(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one real crawl of the news fixture site."""
    data = tmp_path_factory.mktemp("crawled") / "data"
    with SiteServer(SITES / "news") as news:
        run_baotinh("crawl", "--start-url", news.base_url + "/", "--data-dir", str(data), check=True)
    return data


# -- a crawl without network ----------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["unresolvable host", "closed port"])
def test_no_network_is_log_lines_and_a_recorded_reason(where: str, tmp_path: Path) -> None:
    url = "http://nosuchhost.invalid/" if where == "unresolvable host" else f"http://127.0.0.1:{free_port()}/"
    data = tmp_path / "data"
    result = baotinh("crawl", "--start-url", url, "--max-pages", "5", "--data-dir", str(data),
                     "--set", "RETRY_TIMES=0")
    assert result.returncode == 1
    lines = log_lines(result.stderr)
    assert "Traceback" not in result.stderr and lines
    assert all(STAMPED.match(line) for line in lines), [line for line in lines if not STAMPED.match(line)]
    assert "1 site(s) failed" in lines[-1]
    from crawler.run.state import read_runs

    (recorded,) = read_runs(data)[-1]["sites"].values()
    assert recorded["status"] == "failed" and recorded["error_reasons"]
    status = baotinh("status", "--data-dir", str(data))
    shown = ", ".join(f"{k} ×{v:,}" for k, v in recorded["error_reasons"].items())
    assert status.returncode == 0 and f"failed: no page could be fetched ({shown})" in status.stdout, status.stdout


# -- settings and URLs ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pair", "message"), [
    ("DOWNLOAD_DELAY=abc", "--set DOWNLOAD_DELAY=abc: expected a number"),
    ("DOWNLOAD_TIMEOUT=abc", "--set DOWNLOAD_TIMEOUT=abc: expected a number"),
    ("BAOTINH_LISTING_DEPTH=x", "--set BAOTINH_LISTING_DEPTH=x: expected a whole number"),
    ("CLOSESPIDER_TIMEOUT=abc", "--set CLOSESPIDER_TIMEOUT=abc: expected a number"),
    ("ARCHIVE_MAX_SIZE=1GB", "--set ARCHIVE_MAX_SIZE=1GB: expected a whole number (default: 1000000000)"),
    ("ARCHIVE_DEDUP=maybe", "expected true or false"),
    ("ARCHIVE_INFO=[1]", "expected a JSON object"),
    ("DOWNLOAD_DELAY=-1", "expected 0 or more"),
    ("NOSUCHSETTING=1", "no setting NOSUCHSETTING in baotinh or Scrapy"),
    ("DOWNLOAD_DELEY=2", "no setting DOWNLOAD_DELEY in baotinh or Scrapy; did you mean DOWNLOAD_DELAY"),
    ("BAOTINH_DATA_DIR=/tmp/x", "--set BAOTINH_DATA_DIR: give --data-dir DIR"),
])
def test_a_wrong_setting_is_one_line_and_nothing_is_written(pair: str, message: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    line = one_line(baotinh("crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(data), "--set", pair))
    assert line.startswith("baotinh: error: ") and message in line
    assert not data.exists()


def test_good_settings_pass_the_check() -> None:
    from crawler.commands.crawl_input import overrides

    pairs = ["DOWNLOAD_DELAY=0.5", "CLOSESPIDER_TIMEOUT=9000", "ARCHIVE_MAX_SIZE=500000000", "ARCHIVE_DEDUP=false",
             "ARCHIVE_OPERATOR=Khoa Báo chí <a@b.vn>", 'ARCHIVE_INFO={"description": "x"}', "LOG_LEVEL=debug",
             "REDIRECT_PRIORITY_ADJUST=-1", "RETRY_HTTP_CODES=500,503"]
    assert list(overrides(pairs)) == [p.split("=")[0] for p in pairs]


@pytest.mark.parametrize(("url", "message"), [
    ("http://[::1", "--start-url 'http://[::1': not a valid URL"),
    ("http://127.0.0.1:99999/", "not a valid URL (Port out of range"),
    ("ftp://example.org/", "not an http(s) URL"),
])
def test_a_malformed_start_url_is_one_line(url: str, message: str, tmp_path: Path) -> None:
    line = one_line(baotinh("crawl", "--start-url", url, "--data-dir", str(tmp_path / "d")))
    assert message in line


def test_crawl_all_with_an_empty_registry_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "sites.toml"
    empty.write_text("# no sites yet\n")
    line = one_line(baotinh("crawl", "--all", "--sites-file", str(empty), "--data-dir", str(tmp_path / "d")))
    assert "has no sites" in line


# -- files where folders belong, and the reverse ---------------------------------------------------------------
def test_files_and_folders_in_the_wrong_place(crawled: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = [
        (["crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(a_file)], "is a file, not a data directory"),
        (["status", "--data-dir", str(a_file)], "is a file, not a data directory"),
        (["export", "--data-dir", str(crawled), "--out", str(a_file)], f"--out {a_file} is a file"),
        (["export", "--data-dir", str(crawled), "--parquet", str(a_file)], f"--parquet {a_file} is a file"),
        (["sites", "--sites-file", str(tmp_path)], f"{tmp_path} is a folder: give the registry file"),
    ]
    for args, message in cases:
        assert message in one_line(baotinh(*args)), args
    assert a_file.read_text() == "x"


def test_parquet_export_never_writes_into_a_folder_with_files(crawled: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("my own notes\n")
    line = one_line(baotinh("export", "--data-dir", str(crawled), "--parquet", str(folder)))
    assert "is not empty: give a new folder" in line
    assert (folder / "README.md").read_text() == "my own notes\n" and len(list(folder.iterdir())) == 1


# -- status reads, never writes --------------------------------------------------------------------------------
def test_status_leaves_a_line_being_written_alone(crawled: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawled / "state", data / "state")
    journals = sorted((data / "state" / "sites").glob("*/articles.jsonl"))
    assert journals
    for journal in journals:
        with open(journal, "a", encoding="utf-8") as fh:
            fh.write('{"url": "http://half-written')  # a running crawl is in the middle of this line
    before = {j: (j.read_bytes(), j.stat().st_mtime_ns) for j in journals}
    result = baotinh("status", "--data-dir", str(data))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert {j: (j.read_bytes(), j.stat().st_mtime_ns) for j in journals} == before


@pytest.mark.skipif(not shutil.which("setpriv"), reason="setpriv (util-linux) runs the command as another user")
def test_status_works_on_a_read_only_data_directory(crawled: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes anywhere: run status as nobody, on a copy nobody can read but not write
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="baotinh-ro-"))
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        root, as_user = tmp_path, []
    try:
        data = root / "data"
        shutil.copytree(crawled / "state", data / "state")
        for folder in [root, *[p for p in data.rglob("*") if p.is_dir()], data]:
            folder.chmod(0o555)
        for file in (p for p in data.rglob("*") if p.is_file()):
            file.chmod(0o444)
        result = subprocess.run([*as_user, sys.executable, "-m", "crawler", "status", "--data-dir", str(data)],
                                cwd=REPO, env={**os.environ, **ENV}, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert "sites:" in result.stdout
    finally:
        for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)
        if os.geteuid() == 0:
            shutil.rmtree(root)


# -- pipes, versions, JSON ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["status"], ["sites"], ["search", "xuat khau"]])
def test_a_closed_pipe_is_a_quiet_exit(command: list[str], crawled: Path) -> None:
    args = command + (["--data-dir", str(crawled)] if command[0] != "sites" else [])
    process = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=REPO, env={**os.environ, **ENV},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the first line (`| head -0`, a closed `| head -1`)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 141 and err == "", err


def test_head_one_gets_the_first_line(crawled: Path) -> None:
    result = subprocess.run(f"set -o pipefail; {sys.executable} -m crawler status --data-dir {crawled} | head -1",
                            shell=True, executable="/bin/bash", cwd=REPO, env={**os.environ, **ENV},
                            capture_output=True, text=True, timeout=120)
    assert result.stdout == "no crawl running\n" and "Error" not in result.stderr


def test_version() -> None:
    result = baotinh("--version")
    assert result.returncode == 0
    assert re.fullmatch(rf"baotinh {re.escape(version('baotinh'))} \(Scrapy {re.escape(version('scrapy'))}, "
                        r"trafilatura [\d.]+, warcio [\d.]+, DuckDB [\d.]+, Python [\d.]+\)\n", result.stdout)


def test_status_json_is_the_state_in_vietnamese_time(crawled: Path) -> None:
    from crawler.run.state import read_runs

    result = baotinh("status", "--data-dir", str(crawled), "--json")
    status = json.loads(result.stdout)
    runs = read_runs(crawled)
    assert [r["run_id"] for r in status["runs"]] == [r["run_id"] for r in reversed(runs)]
    from datetime import datetime

    for shown, recorded in zip(status["runs"], reversed(runs), strict=True):
        assert shown["started_at"].endswith("+07:00")
        recorded_at = datetime.fromisoformat(recorded["started_at"]).replace(microsecond=0)
        assert datetime.fromisoformat(shown["started_at"]) == recorded_at
    assert [s["site"] for s in status["sites"]] == sorted(runs[-1]["sites"])
    assert all(s["archived"] > 0 and s["status"] == "ok" for s in status["sites"])


def test_status_text_names_its_time_zone(crawled: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from crawler.run.state import read_runs

    out = baotinh("status", "--data-dir", str(crawled)).stdout
    started = datetime.fromisoformat(read_runs(crawled)[-1]["started_at"]).astimezone(timezone(timedelta(hours=7)))
    assert "(times in Vietnam, UTC+7)" in out and f"{started:%Y-%m-%d %H:%M}" in out


def test_search_json(crawled: Path) -> None:
    from tests.conftest import sql

    result = baotinh("search", "xuat khau", "--data-dir", str(crawled), "--json")
    found = json.loads(result.stdout)
    expected = sql(crawled, "SELECT count(*) FROM search_articles_folded('xuat khau', max_hits := 100)")[0][0]
    assert found["query"] == "xuat khau" and expected > 0 and len(found["hits"]) == expected
    assert [h["rank"] for h in found["hits"]] == list(range(1, expected + 1))


# -- what the README tells a newcomer ---------------------------------------------------------------------------
def test_status_without_data_dir_after_make_demo_points_at_data_demo(tmp_path: Path) -> None:
    (tmp_path / "data-demo").mkdir()
    line = one_line(baotinh("status", cwd=tmp_path))
    assert "--data-dir data-demo" in line


def test_the_readme_cron_line_runs_on_a_fresh_install(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^```cron\n(.+)\n```", readme, re.MULTILINE)[1]
    command = line.split(None, 5)[5]  # without the five schedule fields
    install = tmp_path / "srv"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "baotinh").symlink_to(Path(sys.executable).with_name("baotinh"))
    with SiteServer(SITES / "news") as news:
        host = news.base_url.removeprefix("http://")
        (install / "sites.toml").write_text(f'[site.news]\nname = "News"\ndomains = ["{host}"]\n'
                                            f'start_urls = ["{news.base_url}/"]\n', encoding="utf-8")
        command = command.replace("/srv/baotinh", str(install)).replace("--all", "--all --sites-file sites.toml")
        result = subprocess.run(command, shell=True, executable="/bin/sh", env={**os.environ, **ENV},
                                capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr + (install / "data/logs/cron.log").read_text()
    log = log_lines((install / "data" / "logs" / "cron.log").read_text(encoding="utf-8"))
    assert log and all(STAMPED.match(entry) for entry in log), log
    assert re.search(r"run \S+: finished; \d+ pages", log[-1])


def test_each_since_says_which_date_it_compares() -> None:
    helps = {c: baotinh(c, "--help").stdout for c in ("crawl", "search", "export", "report")}
    assert "lastmod" in helps["crawl"] and "published" in helps["search"]
    assert "fetched" in helps["export"] and "publication" in helps["report"]


def test_sigterm_outside_a_crawl_is_one_line(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "crawler", "demo", "--serve"], cwd=tmp_path,
                               env={**os.environ, **ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("serving until Ctrl-C"):
            break
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143 and err.strip() == "baotinh: stopped by SIGTERM", err
