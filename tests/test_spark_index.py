"""`baotinh index --engine spark` in PySpark's local mode (Java 17 from Debian): the WARC files of two crawls
spread over Spark tasks give the same tables as `baotinh index --rebuild` and as the crawls, row for row."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from tests.conftest import run_baotinh
from tests.test_index import tables, warcs_only

pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def crawled_twice(news_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("crawled") / "data"
    for refresh in ([], ["--refresh"]):  # the second crawl's file holds revisits of the first's
        run_baotinh("crawl", "--start-url", news_site.base_url + "/", "--data-dir", str(data), *refresh, check=True)
    assert len(list((data / "warc").glob("*.warc.gz"))) == 2
    return data


def test_spark_gives_the_rows_of_a_local_rebuild(crawled_twice: Path, tmp_path: Path) -> None:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.fail("Java is not installed: `make test` installs Debian's openjdk-17-jre-headless as root "
                    "(tests/debian-packages.txt); skip these tests with -m 'not cluster'")
    local = warcs_only(crawled_twice, tmp_path / "local")
    run_baotinh("index", "--data-dir", str(local), "--rebuild", "--processes", "2", check=True)
    spark = warcs_only(crawled_twice, tmp_path / "spark")
    result = run_baotinh("index", "--data-dir", str(spark), "--rebuild", "--engine", "spark", "--processes", "2",
                         timeout=600, check=True)
    expected = tables(local)
    assert len(expected["articles"]) == 5 and sum(r[10] for r in expected["captures"]) >= 5  # revisits too
    assert tables(spark) == expected
    assert tables(crawled_twice) == expected
    assert "2 WARC file(s)" in result.stderr and "search index built: 5 articles" in result.stderr
    assert not (spark / "spark").exists() or not any((spark / "spark").iterdir())  # committed, then removed


def test_spark_without_java_is_one_line_and_exit_69(crawled_twice: Path, tmp_path: Path) -> None:
    data = warcs_only(crawled_twice, tmp_path / "data")
    no_java = tmp_path / "bin"  # a PATH with Python's folder and nothing else: no java on it
    no_java.mkdir()
    result = run_baotinh_env(["index", "--data-dir", str(data), "--engine", "spark"],
                             {"PATH": str(no_java), "JAVA_HOME": ""})
    assert result.returncode == 69, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "baotinh: Java is not installed: Spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless, "
        "or set JAVA_HOME)")
    assert "Traceback" not in result.stderr


def run_baotinh_env(args: list[str], env: dict[str, str]):  # -> subprocess.CompletedProcess[str]
    import subprocess
    import sys

    from tests.conftest import ENV, REPO

    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **ENV, **env}, timeout=120)
