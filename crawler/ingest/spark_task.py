"""What one Spark task of `baotinh index --engine spark` does: one WARC file to Parquet, with derive().

The task reads its file as `baotinh index` does (archive.records: walk the members with zlib alone, read
each response or revisit record, crawler.ingest.response.from_record), calls crawler.ingest.derive.derive —
the one function the live crawl and the local index call — and writes the file's rows as one Parquet file per
table, converted to Arrow exactly as the store converts a batch (pipelines.database.store). It returns what it
found; the driver (crawler.ingest.spark_index) commits the rows. This module imports neither PySpark nor
Scrapy: it runs in the executors' Python, and in tests without Spark.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from archive.records import RecordError, read_record_in, walk, warcinfo_fields
from crawler.ingest.derive import derive
from crawler.ingest.response import from_record
from crawler.ingest.sites import SiteResolver
from crawler.registry import Site
from pipelines.database.store import Batch, to_arrow
from pipelines.extraction.templates import SiteTemplates

RECORD_TYPES = ("response", "revisit")


@dataclass(frozen=True)
class FileTask:
    """A WARC file to read: records whose capture row is stored already (id -> is an article) are counted only."""

    path: str
    out: str  # the folder this file's Parquet files go to
    resolver: SiteResolver
    default_run_id: str  # for a file whose warcinfo record names no run
    stored: dict[str, bool] = field(default_factory=dict)
    templates: dict[str, SiteTemplates] = field(default_factory=dict)  # slug -> the set its records get


@dataclass
class FileResult:
    name: str
    out: str
    stats: Counter[str] = field(default_factory=Counter)
    sites: dict[str, Site] = field(default_factory=dict)
    captures: int = 0
    articles: int = 0
    errors: list[str] = field(default_factory=list)  # log lines: damaged, unreadable, failed extractions


def derive_file(task: FileTask) -> FileResult:
    """In a Spark task: every row of `task.path`, as Parquet under `task.out`."""
    path = Path(task.path)
    run_id = warcinfo_fields(path).get("run-id") or task.default_run_id
    result = FileResult(path.name, task.out)
    stats = result.stats
    rows: Batch = {}
    with open(path, "rb") as fh:
        for member in walk(path):
            if member.problem is not None:
                stats["index/damaged"] += 1
                result.errors.append(f"{path.name} at offset {member.offset}: {member.problem}")
                continue
            if member.warc_type not in RECORD_TYPES:
                continue
            if member.record_id in task.stored:  # derived already: counted, not read again
                result.captures += 1
                result.articles += task.stored[member.record_id or ""]
                stats["index/already_stored"] += 1
                continue
            try:
                response = from_record(read_record_in(fh, member.offset, member.length, path.name), run_id)
            except (RecordError, ValueError) as e:  # a damaged record costs that record, not the file
                stats["index/unreadable"] += 1
                result.errors.append(f"unreadable record: {e}")
                continue
            site = task.resolver.site_for(response.url)
            result.sites.setdefault(site.slug, site)
            derived = derive(response, site, task.templates.get(site.slug))
            stats["index/records"] += 1
            stats["store/captures"] += 1
            stats[f"index/reason_count/{derived.reason}"] += 1
            result.captures += 1
            if derived.is_article:
                stats["store/articles"] += 1
                result.articles += 1
            if derived.reason == "extraction_error":
                stats["index/errors"] += 1
                result.errors.append(f"{response.url} ({path.name} at offset {member.offset}): {derived.detail}")
            for table, table_rows in derived.rows.items():
                rows.setdefault(table, []).extend(table_rows)
    write_parquet(rows, Path(task.out))
    return result


def write_parquet(rows: Batch, out: Path) -> None:
    """One Parquet file per table (a folder written again is replaced: a task retried by Spark)."""
    if out.exists():
        shutil.rmtree(out)
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    for table, table_rows in rows.items():
        if table_rows:
            pq.write_table(to_arrow(table_rows), partial / f"{table}.parquet")
    partial.rename(out)  # whole or not at all


def read_parquet(out: Path) -> Batch:
    """The rows a task wrote, as the store takes them."""
    return {f.stem: pq.read_table(f).to_pylist() for f in sorted(out.glob("*.parquet"))}
