"""What a worker process of `baotinh index` (and of recovery) does: read records, derive their rows.

The indexing process walks the files (archive.records.walk: zlib alone) and sends each worker a file and a
run of record offsets; the worker reads each record (archive.records), makes its ArchivedResponse and calls
derive(), exactly as the live crawl does with the response it has just archived, with the site templates the
run's plan chose for that file (crawler.ingest.template_store.TemplatePlan). A record that cannot be
read costs that record only. This module and what it imports is all a worker loads: no Scrapy.

The run's rows go back as Arrow tables (pipelines.database.arrow_rows), one per table for all its records,
and each record's verdict without them: the indexing process stores the tables as they are, and unpickles
buffers, not some fifty row dicts a page.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.records import RecordError, read_record_in
from crawler.ingest.derive import Derived, derive
from crawler.ingest.response import from_record
from crawler.ingest.sites import SiteResolver
from pipelines.database.arrow_rows import Rows, as_tables
from pipelines.extraction.templates import SiteTemplates


@dataclass(frozen=True)
class Unreadable:
    """A record the worker could not read; `error` names the file and the offset."""

    offset: int
    error: str


@dataclass(frozen=True)
class Derivations:
    """What a worker gives back for a run of records: each record's verdict in order (a Derived without its
    rows, or Unreadable), and the rows of all of them, per table."""

    results: list[Derived | Unreadable]
    rows: dict[str, Rows]  # Arrow tables; lists of dicts if Arrow could not take them (the batch will say so)


class _Worker:
    """The state of one worker process for one run, sent once when the pool starts: the site resolver and
    every site template set the run may apply, by (slug, digest)."""

    resolver: SiteResolver | None = None
    templates: dict[tuple[str, str], SiteTemplates] = {}


def start_worker(resolver: SiteResolver, templates: dict[tuple[str, str], SiteTemplates] | None = None) -> None:
    """The pool's initializer."""
    _Worker.resolver = resolver
    _Worker.templates = templates or {}
    atexit.register(_end_now)


def _end_now() -> None:
    """A worker's end without the interpreter's teardown. A spawned worker leaves by sys.exit(), and Python then
    frees every module and object one by one: after a run of deriving (lxml, trafilatura and their caches) that
    was ~0.5 s of CPU a worker (over a second on a busy machine), while the indexing process waited for it
    to write its last batch. Nothing is left for the teardown to do: results went back with their tasks."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # no such stream, or closed
            pass
    os._exit(0)


def derive_records(path: Path, run_id: str | None, spans: list[tuple[int, int]],
                   chosen: dict[str, str] | None = None) -> Derivations:
    """In a worker: the rows of each record of `path` at (offset, length), in order; `chosen`: slug -> digest
    of the template set each site's records are derived with."""
    assert _Worker.resolver is not None, "the pool was started without start_worker"
    chosen = chosen or {}
    results: list[Derived | Unreadable] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    with open(path, "rb") as fh:
        for offset, length in spans:
            try:
                response = from_record(read_record_in(fh, offset, length, path.name), run_id)
            except (RecordError, ValueError) as e:  # a damaged record costs that record, not the run
                results.append(Unreadable(offset, str(e)))
                continue
            site = _Worker.resolver.site_for(response.url)
            digest = chosen.get(site.slug)
            templates = _Worker.templates.get((site.slug, digest)) if digest else None
            derived = derive(response, site, templates)
            for table, table_rows in derived.rows.items():
                rows.setdefault(table, []).extend(table_rows)
            results.append(replace(derived, rows={}))
    try:
        return Derivations(results, as_tables(rows))
    except (pa.ArrowException, TypeError, ValueError):  # a row Arrow cannot take: the store says so, for its batch
        return Derivations(results, rows)
