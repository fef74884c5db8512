"""The command line: user errors are one line and exit 2, every command has examples and a README section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.cli import build_parser, main
from tests.conftest import REPO, run_baotinh


def commands() -> dict[str, object]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(sub.choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_examples_and_a_readme_section(name: str) -> None:
    help_text = commands()[name].format_help()  # type: ignore[attr-defined]
    assert "examples:" in help_text and f"baotinh {name}" in help_text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*`baotinh {name}\b", readme, re.MULTILINE), f"README has no section for {name}"


def test_sites_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^baophutho\s+Báo Phú Thọ\s+Phú Thọ\s+paper\s+baophutho\.vn$", out, re.MULTILINE)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl"], "name at least one SITE"),
        (["crawl", "khong-co"], "unknown site 'khong-co'"),
        (["crawl", "--start-url", "baophutho.vn"], "not an http(s) URL"),
        (["crawl", "baophutho", "--set", "DOWNLOAD_DELAY"], "expected KEY=VALUE"),
        (["crawl", "--all", "baophutho"], "--all crawls every registered site"),
        (["crawl", "baophutho", "--since", "hôm qua"], "not a date"),
        (["crawl", "baophutho", "--max-pages", "0"], "--max-pages 0"),
        (["sites", "--sites-file", "/nonexistent/sites.toml"], "no such registry file"),
    ],
)
def test_user_errors_are_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("baotinh: error: ") and message in err and "\n" not in err


def test_bad_registry_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "my-sites.toml"
    bad.write_text('[site.x]\nname = "X"\ndomains = ["x.vn"]\nstart_urls = ["https://x.vn/"]\nfeed = []\n')
    assert main(["sites", "--sites-file", str(bad)]) == 2
    assert "my-sites.toml: site 'x': field 'feed': unknown key" in capsys.readouterr().err


def test_python_dash_m_and_console_script_agree() -> None:
    result = run_baotinh("--help", check=True)
    for name in commands():
        assert name in result.stdout
