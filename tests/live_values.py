"""LiveValues: a Scrapy extension the tests add to a real crawl, to see the ArchivedResponse of each record as
the crawl builds it (crawler.extensions.ingest.live_response, from the capture_written signal), pickled one
after the other into DATA/live-values.pickle (no setting of its own: the command line refuses unknown ones)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from archive.capture import Capture, capture_written
from archive.writer import Exchange
from crawler.extensions.ingest import live_response


class LiveValues:
    def __init__(self, crawler: Any, path: Path) -> None:
        self.path = path
        self.run_id = crawler.settings.get("BAOTINH_RUN_ID")
        crawler.signals.connect(self.capture_written, signal=capture_written)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LiveValues:
        return cls(crawler, values_file(Path(crawler.settings.get("BAOTINH_DATA_DIR"))))

    def capture_written(self, capture: Capture, exchange: Exchange) -> None:
        with open(self.path, "ab") as fh:
            pickle.dump(live_response(capture, exchange, self.run_id), fh)


def values_file(data_dir: Path) -> Path:
    return data_dir / "live-values.pickle"


def read_values(path: Path) -> list[Any]:
    values = []
    with open(path, "rb") as fh:
        while True:
            try:
                values.append(pickle.load(fh))
            except EOFError:
                return values
