"""Crawl nodes under a real Scrapyd on 127.0.0.1: the project deployed with `scrapyd-deploy` (an egg built
from scrapy.cfg and setup.py), two sites scheduled through its JSON API by `baotinh nodes plan --schedule`;
both jobs run from the egg, finish, and their rows are in one DuckLake catalog (a real PostgreSQL server)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from pipelines.database.lake import LakeCatalog
from pipelines.database.store import Store
from tests.cluster import Postgres, postgres  # noqa: F401  # the fixture: a throwaway PostgreSQL server
from tests.conftest import ENV, REPO, SITES, run_baotinh
from tests.tools import free_port, wait_for_http

pytestmark = pytest.mark.cluster

BIN = Path(sys.executable).parent
CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
dbs_dir = {root}/dbs
items_dir =
max_proc = 2
poll_interval = 0.5
"""


def project_copy(dest: Path, url: str) -> Path:
    """The repository's tracked files (what a clone holds), its deploy target pointed at `url`."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((REPO / name).read_bytes())
    cfg = dest / "scrapy.cfg"
    cfg.write_text(re.sub(r"(?m)^url = .*$", f"url = {url}", cfg.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


@pytest.fixture
def scrapyd(tmp_path: Path, postgres: Postgres) -> Iterator[tuple[str, str]]:  # noqa: F811
    """A Scrapyd daemon whose jobs write into a DuckLake catalog (the node's environment says which)."""
    root = tmp_path / "scrapyd"
    root.mkdir()
    port = free_port()
    (root / "scrapyd.conf").write_text(CONF.format(port=port, root=root), encoding="utf-8")
    catalog = postgres.catalog(postgres.create_database("scrapyd_nodes"))
    env = {**os.environ, **ENV, "BAOTINH_CATALOG": catalog, "BAOTINH_CATALOG_DATA_PATH": f"{tmp_path}/lake/"}
    log = open(root / "scrapyd.log", "wb")  # noqa: SIM115 - closed below, after the process
    daemon = subprocess.Popen([str(BIN / "scrapyd")], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_http(url + "daemonstatus.json", daemon, root / "scrapyd.log")
        yield url, catalog
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        log.close()


def jobs(url: str) -> dict[str, list[dict]]:
    with urllib.request.urlopen(url + "listjobs.json?project=baotinh", timeout=10) as response:
        return json.loads(response.read())


def test_two_jobs_deployed_with_scrapyd_deploy_write_into_one_catalog(
        scrapyd: tuple[str, str], tmp_path: Path) -> None:
    url, catalog = scrapyd
    project = project_copy(tmp_path / "project", url)
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "--version", "r1"], cwd=project, capture_output=True,
                            text=True, timeout=300, env={**os.environ, **ENV})
    assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    (egg,) = (tmp_path / "scrapyd" / "eggs" / "baotinh").glob("r1*.egg")
    names = zipfile.ZipFile(egg).namelist()
    assert {"crawler/sites.toml", "queries/schema.sql", "crawler/extensions/run_life.py"} <= set(names)
    assert not any(n.startswith("tests/") for n in names)
    # the bundled registry and the schema are read from inside the zipped egg, as a job of its sites does
    probe = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "import crawler.registry as r, pipelines.database.schema as s; "
                            "print(r.__file__, len(r.load_sites()) > 30, s.migrations()[0][0])", str(egg)],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.split() == [f"{egg}/crawler/registry.py", "True", "2"], probe.stderr

    with SiteServer(SITES / "news", host="127.0.0.2") as news, SiteServer(SITES / "polite", host="127.0.0.3") as polite:
        registry = tmp_path / "sites.toml"
        registry.write_text("".join(
            f'[site.{slug}]\nname = "{slug}"\ndomains = ["{site.base_url.split("//")[1]}"]\n'
            f'start_urls = ["{site.base_url}/"]\n' for slug, site in (("tinh", news), ("nong", polite))),
            encoding="utf-8")
        plan = run_baotinh("nodes", "plan", "--node", f"n1={url}", "--sites-file", str(registry),
                           "--data-root", str(tmp_path / "node"), "--schedule", "--set", "AUTOTHROTTLE_ENABLED=False",
                           "--set", "DOWNLOAD_DELAY=0.05", check=True)
        assert re.search(r"^nong +n1 +job nong-\d{8}T\d{6}$", plan.stdout, re.M), plan.stdout
        assert re.search(r"^tinh +n1 +job tinh-\d{8}T\d{6}$", plan.stdout, re.M), plan.stdout
        deadline = time.monotonic() + 240
        polls = 0
        while len((listing := jobs(url))["finished"]) < 2:
            polls += 1
            assert time.monotonic() < deadline, listing
            time.sleep(0.5)
        assert polls > 0
    logs = {job["id"].split("-")[0]: (tmp_path / "scrapyd" / "logs" / "baotinh" / "news" / f"{job['id']}.log")
            .read_text(encoding="utf-8") for job in listing["finished"]}
    assert sorted(logs) == ["nong", "tinh"]
    for slug, text in logs.items():
        assert re.search(r"baotinh from \S+/eggs/baotinh/r1\S*\.egg, rows into ducklake:postgres", text), text[-3000:]
        assert "'finish_reason': 'finished'" in text or "run " in text
        assert re.search(r"run \S+ finished", text), text[-3000:]
        warcs = list((tmp_path / "node" / slug / "warc").glob("baotinh-n1-*.warc.gz"))  # the node's own prefix
        assert warcs, slug

    store = Store(tmp_path / "reader" / "baotinh.duckdb", catalog=LakeCatalog(catalog))
    with store.connect(read_only=True) as con:
        assert con.execute("SELECT site, count(*), count(DISTINCT url) FROM articles GROUP BY site ORDER BY site"
                           ).fetchall() == [("nong", 3, 3), ("tinh", 5, 5)]
        assert con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall() == [("finished", 2)]
        prefixes = {f.split("-")[1] for (f,) in con.execute("SELECT DISTINCT warc_file FROM captures").fetchall()}
        assert prefixes == {"n1"}

    again = run_baotinh("nodes", "plan", "--node", "n1=http://127.0.0.1:9/", "--sites-file", str(registry),
                        "--schedule")
    assert again.returncode == 69 and again.stderr.strip().startswith("baotinh: Scrapyd at http://127.0.0.1:9/ did")
