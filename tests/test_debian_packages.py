"""tests/debian-packages.sh, which `make test` runs before pytest: nothing happens when every package is there,
and a user who cannot install gets one line naming what to install (never an apt-get run that cannot work)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import TESTS

SCRIPT = TESTS / "debian-packages.sh"


def run_script(packages: str, *, as_user: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    folder = Path(tempfile.mkdtemp(prefix="debian-packages-"))
    try:
        listing = folder / "packages.txt"
        listing.write_text(packages, encoding="utf-8")
        folder.chmod(0o755)
        listing.chmod(0o644)
        return subprocess.run([*(as_user or []), "sh", str(SCRIPT), str(listing)], capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(folder)


@pytest.mark.skipif(not shutil.which("dpkg-query"), reason="not a Debian system")
def test_nothing_happens_when_every_package_is_installed() -> None:
    result = run_script("# comment\ndpkg        # the package manager itself is always there\n\n")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


@pytest.mark.skipif(not shutil.which("dpkg-query"), reason="not a Debian system")
def test_a_user_who_cannot_install_gets_one_line() -> None:
    as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    if as_user and not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to run the script as another user")
    result = run_script("dpkg\nbaotinh-no-such-package  # what a test would need\n", as_user=as_user)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        "debian-packages: missing: baotinh-no-such-package; install them as root: apt-get install "
        "--no-install-recommends baotinh-no-such-package (until then the tests that need them are skipped)"]
