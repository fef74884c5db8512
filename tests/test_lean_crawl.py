"""What the crawl process loads: none of pyarrow's compute, dataset, Parquet or S3 modules, whose libraries count
in its RSS for as long as it runs (bench/bench_memory.py), and Arrow tables made with the C library's allocator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.demo.server import SiteServer
from tests.conftest import ENV, REPO, sql

HEAVY = ("pyarrow.compute", "pyarrow.dataset", "pyarrow.parquet", "pyarrow.fs", "pyarrow._s3fs")

# `baotinh crawl` in this process; at exit, what it imported and the allocator of its Arrow tables
CRAWL = """import atexit, json, runpy, sys
where = sys.argv[1]
def report():
    import pyarrow
    loaded = sorted(m for m in sys.modules if m.startswith("pyarrow"))
    with open(where, "w") as out:
        json.dump({"modules": loaded, "pool": pyarrow.default_memory_pool().backend_name}, out)
atexit.register(report)
sys.argv = ["baotinh", *sys.argv[2:]]
runpy.run_module("crawler", run_name="__main__")
"""

# a batch written, then written again (its rows replaced: the deletes' scans too), in a fresh process
WRITE = """import json, sys
from tests.test_store import batch
from pipelines.database.store import Store
store = Store(__import__("pathlib").Path(sys.argv[1]))
assert store.write(batch(1)) and store.write(batch(1)) and store.write(batch(2))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("pyarrow"))))
"""


def test_a_crawl_process_loads_no_pyarrow_compute_dataset_or_parquet(news_site: SiteServer, tmp_path: Path) -> None:
    data, report = tmp_path / "data", tmp_path / "modules.json"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CRAWL,
            str(report),
            "crawl",
            "--start-url",
            news_site.base_url + "/",
            "--data-dir",
            str(data),
        ],
        cwd=REPO,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert sql(data, "SELECT count(*) FROM articles")[0][0] >= 5  # its rows went through the store
    loaded = json.loads(report.read_text())
    assert not set(HEAVY) & set(loaded["modules"]), loaded["modules"]
    assert loaded["pool"] == "system"


def test_the_store_writes_and_replaces_rows_without_pyarrow_compute_or_dataset(tmp_path: Path) -> None:
    path = tmp_path / "baotinh.duckdb"
    result = subprocess.run(
        [sys.executable, "-c", WRITE, str(path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert not set(HEAVY) & set(json.loads(result.stdout))
    assert sql(path.parent, "SELECT count(*) FROM captures")[0][0] == 2
