"""What a worker process of `baotinh index` (and of recovery) does: read records, derive their rows.

The indexing process walks the files (archive.records.walk: zlib alone) and sends each worker a file and a
run of record offsets; the worker reads each record (archive.records), makes its ArchivedResponse and calls
derive(), exactly as the live crawl does with the response it has just archived. A record that cannot be
read costs that record only. This module and what it imports is all a worker loads: no Scrapy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.records import RecordError, read_record_in
from crawler.ingest.derive import Derived, derive
from crawler.ingest.response import from_record
from crawler.ingest.sites import SiteResolver


@dataclass(frozen=True)
class Unreadable:
    """A record the worker could not read; `error` names the file and the offset."""

    offset: int
    error: str


class _Worker:
    """The state of one worker process for one run: the site resolver (sent once, when the pool starts)."""

    resolver: SiteResolver | None = None


def start_worker(resolver: SiteResolver) -> None:
    """The pool's initializer."""
    _Worker.resolver = resolver


def derive_records(path: Path, run_id: str | None, spans: list[tuple[int, int]]) -> list[Derived | Unreadable]:
    """In a worker: the rows of each record of `path` at (offset, length), in order."""
    assert _Worker.resolver is not None, "the pool was started without start_worker"
    results: list[Derived | Unreadable] = []
    with open(path, "rb") as fh:
        for offset, length in spans:
            try:
                response = from_record(read_record_in(fh, offset, length, path.name), run_id)
            except (RecordError, ValueError) as e:  # a damaged record costs that record, not the run
                results.append(Unreadable(offset, str(e)))
                continue
            results.append(derive(response, _Worker.resolver.site_for(response.url)))
    return results
