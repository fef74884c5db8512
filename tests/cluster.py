"""Real servers for the `cluster` tests (tests/test_lake.py, test_scrapyd.py, test_spark_index.py), all on
127.0.0.1: a throwaway PostgreSQL cluster as the DuckLake catalog, Scrapyd, and Java for Spark.

Each is installed by `make test` (tests/debian-packages.txt, the `cluster` extra). A missing one fails the
test with one line naming what to install, never a skip: CI must not pass without them. Developers skip the
lot with `pytest -m "not cluster"`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import free_port

PG_USER = "baotinh"


def pg_bin(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them in /usr/lib/postgresql/VERSION/bin, off the PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        pytest.fail(f"PostgreSQL's {name} is not installed: `make test` installs Debian's postgresql as root "
                    "(tests/debian-packages.txt); skip these tests with -m 'not cluster'")
    return path


def _as_server_user() -> list[str]:
    # postgres refuses to run as root: as root, run it as the `postgres` user Debian's package makes
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root and there is no `postgres` user to run the server as (install postgresql)")
    return ["runuser", "-u", "postgres", "--"]


class Postgres:
    """A PostgreSQL cluster made with initdb in a temporary folder and started with pg_ctl on a free port.

    >>> with Postgres() as pg:                                          # doctest: +SKIP
    ...     spec = pg.catalog(pg.create_database("lake1"))
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="baotinh-pg-"))  # not under pytest's root-only tmp
        self.data = self.folder / "data"
        self.port = free_port()
        self.startup_seconds = 0.0

    def __enter__(self) -> Postgres:
        runner = _as_server_user()
        if runner:
            shutil.chown(self.folder, "postgres")
        started = time.monotonic()
        self._run([*runner, pg_bin("initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                   "--no-sync"])
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
                   "-c fsync=off -c max_connections=200")
        self._run([*runner, pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                   str(self.folder / "server.log"), "-w", "-t", "60", "start"])
        self.startup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run([*_as_server_user(), pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> str:
        self._run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name])
        return name

    def catalog(self, database: str) -> str:
        """The BAOTINH_CATALOG of a DuckLake catalog kept in `database`."""
        return f"ducklake:postgres:dbname={database} host=127.0.0.1 port={self.port} user={PG_USER}"

    def _run(self, argv: list[str]) -> None:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if result.returncode != 0:
            log = self.folder / "server.log"
            raise AssertionError(f"{' '.join(argv)} failed:\n{result.stderr[-2000:]}"
                                 + (log.read_text(errors="replace")[-2000:] if log.exists() else ""))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with Postgres() as server:
        yield server
