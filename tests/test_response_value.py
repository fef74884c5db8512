"""The ArchivedResponse a live crawl builds for each record equals the one read back from the WARC record, for
every record of real crawls (the well-behaved site twice, revisits included, and the hostile one): so the
crawl and `baotinh index` hand derive() byte-identical input."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.server import SiteServer
from crawler.settings import EXTENSIONS
from tests.conftest import SITES, responses, run_baotinh
from tests.hostile import HostileServer
from tests.live_values import read_values, values_file
from tests.test_bad_input import MAX_BODY, MAX_DECOMPRESSED


def crawl_with_values(base: str, data: Path, *extra: str) -> None:
    extensions = json.dumps({**EXTENSIONS, "tests.live_values.LiveValues": 900})
    run_baotinh("crawl", "--start-url", base + "/", "--data-dir", str(data), "--set", f"EXTENSIONS={extensions}",
                *extra, check=True)


def assert_live_equals_stored(data: Path) -> dict[str, int]:
    live = {v.record_id: v for v in read_values(values_file(data))}
    stored = {r.record_id: r for path in sorted((data / "warc").glob("*.warc.gz")) for r in responses(path)}
    assert live.keys() == stored.keys()
    for record_id, value in stored.items():
        assert live[record_id] == value, record_id
    kinds: dict[str, int] = {}
    for value in stored.values():
        kinds[value.record_type] = kinds.get(value.record_type, 0) + 1
    return kinds


def test_live_values_equal_stored_ones_on_the_news_site(news_site: SiteServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    crawl_with_values(news_site.base_url, data)
    crawl_with_values(news_site.base_url, data, "--refresh")  # unchanged pages again: revisit records
    kinds = assert_live_equals_stored(data)
    assert kinds["response"] >= 13 and kinds["revisit"] >= 5


def test_live_values_equal_stored_ones_on_the_hostile_site(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HostileServer(SITES / "bad") as server:
        crawl_with_values(server.base_url, data, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1",
                          "--set", f"GUARD_MAX_BODY={MAX_BODY}", "--set", f"DOWNLOAD_MAXSIZE={MAX_DECOMPRESSED}",
                          "--set", "POLITENESS_MAX_FAILURES=50")
    kinds = assert_live_equals_stored(data)
    truncated = sorted(v.truncated for v in read_values(values_file(data)) if v.truncated)
    # among them the body cut at GUARD_MAX_BODY, and the three attempts the server cut short
    assert kinds["response"] >= 14 and truncated == ["disconnect"] * 3 + ["length"]
