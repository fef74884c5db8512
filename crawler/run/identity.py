"""A run's id, chosen once, before the spider or any component of the crawl reads it.

The id names the run everywhere: its log file, the `runs` row, the warcinfo record of every WARC file it
writes (`run-id`), and so the `run_id` of every capture row, whether the crawl wrote the row or `baotinh
index` made it again from the file. `baotinh crawl` chooses it on the command line; for `scrapy crawl news`
(what Scrapyd runs) the add-on below does, before Scrapy creates the spider.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def new_run_id(now: datetime | None = None) -> str:
    """`20260312T031500Z-4f2a`: the start time (UTC), then 4 random hex digits."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


class RunIdAddon:
    """Scrapy add-on (ADDONS): sets BAOTINH_RUN_ID when nobody did, before any component reads settings."""

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        if not settings.get("BAOTINH_RUN_ID"):
            # at the priority of crawler/settings.py's empty default; `-s BAOTINH_RUN_ID=…` still wins
            settings.set("BAOTINH_RUN_ID", new_run_id(), priority="project")

    def update_settings(self, settings: Any) -> None:
        """Nothing more to set once the crawler exists."""
