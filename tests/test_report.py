"""`baotinh report` as a user meets it: the file written, and each mistake or obstacle told in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DatabaseHeld, run_baotinh


@pytest.fixture()
def data_dir(fixture_db: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(fixture_db, data / "baotinh.duckdb")
    return data


def one_line(result, code: int) -> str:  # noqa: ANN001 - a CompletedProcess
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_the_report_is_one_html_file(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    line = one_line(run_baotinh("report", "--data-dir", str(data_dir), "--out", str(out)), 0)
    html = out.read_text(encoding="utf-8")
    assert line.startswith(f"report: {out}") and html.startswith("<!doctype html>")
    assert html.count("<svg") >= 3 and "<link" not in html and "src=" not in html


def test_a_held_database_is_said_plainly(data_dir: Path, tmp_path: Path) -> None:
    with DatabaseHeld(data_dir / "baotinh.duckdb"):
        line = one_line(run_baotinh("report", "--data-dir", str(data_dir), "--out", str(tmp_path / "r.html")), 1)
    assert "is held by another process (pid " in line and "run `baotinh report` again" in line
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--site", "khong-co"], "no site 'khong-co' in the database (sites: "),
    (["--since", "hôm qua"], "--since 'hôm qua': not a day"),
    (["--out", "."], "--out . is a folder"),
])
def test_mistakes_are_one_line_exit_2(data_dir: Path, args: list[str], message: str) -> None:
    line = one_line(run_baotinh("report", "--data-dir", str(data_dir), *args), 2)
    assert line.startswith("baotinh: error: ") and message in line


def test_no_database_is_one_line(tmp_path: Path) -> None:
    line = one_line(run_baotinh("report", "--data-dir", str(tmp_path)), 2)
    assert "no database at" in line
