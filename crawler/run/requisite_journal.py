"""RequisiteJournal: the page requisites earlier runs archived, in `state/requisites.jsonl`.

One line per requisite URL archived (whatever its status: a 404 photo is archived as one and not asked
again), with the record holding it: url, capture id, WARC file and offset, status, run id. One journal for
every site, since a photo host (a CDN) may serve several of them. A line is appended and flushed as soon as
the response is archived; recovery drops the lines whose record a killed run lost
(`drop_requisite_entries`), so those URLs are asked again. Only the crawl holding the run lock writes it.

>>> journal = RequisiteJournal(Path("data"))                           # doctest: +SKIP
>>> journal.is_archived("https://cdn.baophutho.vn/2026/11/anh.jpg")     # doctest: +SKIP
False
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from crawler.run.state import cut_partial_line, read_jsonl, state_dir, write_jsonl_atomic

REQUISITES_FILE = "requisites.jsonl"


class RequisiteJournal:
    def __init__(self, data_dir: Path) -> None:
        self.path = state_dir(data_dir) / REQUISITES_FILE
        self._fh: IO[str] | None = None
        cut_partial_line(self.path)
        self.archived: set[str] = {row["url"] for row in read_jsonl(self.path) if row.get("url")}

    def is_archived(self, url: str) -> bool:
        return url in self.archived

    def record(self, urls: list[str], warc: dict[str, Any], status: int, run_id: str | None) -> None:
        """Journal the requisite `urls` (the URL asked and, after redirects, the one answered) as archived."""
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        for url in dict.fromkeys(urls):
            if url in self.archived:
                continue
            self._fh.write(json.dumps({"url": url, "capture_id": warc.get("capture_id"),
                                       "warc_file": warc.get("warc_file"), "warc_offset": warc.get("warc_offset"),
                                       "status": status, "run_id": run_id}, ensure_ascii=False) + "\n")
            self.archived.add(url)
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def drop_requisite_entries(data_dir: Path, warc_files: set[str], present: set[str]) -> int:
    """Remove the lines pointing into `warc_files` whose record is not `present` (lost to a kill); returns them."""
    path = state_dir(data_dir) / REQUISITES_FILE
    rows = list(read_jsonl(path))
    kept = [r for r in rows if r.get("warc_file") not in warc_files or r.get("capture_id") in present]
    if len(kept) == len(rows):
        return 0
    write_jsonl_atomic(path, kept)
    return len(rows) - len(kept)
