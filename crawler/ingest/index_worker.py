"""What a worker process of `baotinh index` (and of recovery) does: read records, derive their rows.

The indexing process walks the files (archive.records.walk: zlib alone) and sends each worker a file and a
run of record offsets; the worker reads each record (archive.records), makes its ArchivedResponse and calls
derive(), exactly as the live crawl does with the response it has just archived, with the site templates the
run's plan chose for that file (crawler.ingest.template_store.TemplatePlan). A record that cannot be
read costs that record only. This module and what it imports is all a worker loads: no Scrapy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.records import RecordError, read_record_in
from crawler.ingest.derive import Derived, derive
from crawler.ingest.response import from_record
from crawler.ingest.sites import SiteResolver
from pipelines.extraction.templates import SiteTemplates


@dataclass(frozen=True)
class Unreadable:
    """A record the worker could not read; `error` names the file and the offset."""

    offset: int
    error: str


class _Worker:
    """The state of one worker process for one run, sent once when the pool starts: the site resolver and
    every site template set the run may apply, by (slug, digest)."""

    resolver: SiteResolver | None = None
    templates: dict[tuple[str, str], SiteTemplates] = {}


def start_worker(resolver: SiteResolver, templates: dict[tuple[str, str], SiteTemplates] | None = None) -> None:
    """The pool's initializer."""
    _Worker.resolver = resolver
    _Worker.templates = templates or {}


def derive_records(path: Path, run_id: str | None, spans: list[tuple[int, int]],
                   chosen: dict[str, str] | None = None) -> list[Derived | Unreadable]:
    """In a worker: the rows of each record of `path` at (offset, length), in order; `chosen`: slug -> digest
    of the template set each site's records are derived with."""
    assert _Worker.resolver is not None, "the pool was started without start_worker"
    chosen = chosen or {}
    results: list[Derived | Unreadable] = []
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
            results.append(derive(response, site, templates))
    return results
