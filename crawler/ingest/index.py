"""The database made from the WARC files, with the crawl's own function: `baotinh index` and the catch-up
every writing command runs first.

`index_files()` walks each file (archive.records: zlib alone, in this process), sends runs of records to a
pool of worker processes that read them and call derive() (crawler.ingest.index_worker), and adds each
run's rows (Arrow tables, made by the worker) to a RowSink, then the file's `warc_files` row once all of them
are in. This process walks, counts and writes the database (in the sink's thread) while the workers derive:
whatever it spends per page is taken from them on a machine with as many cores as workers. Records whose
capture row is stored already are counted, not derived again: a stored capture row means a fully derived
record (crawler.ingest.sink). Each record's `run_id` is the one in its file's warcinfo record, so a file
indexed again gives the crawl's rows, row for row.

- `index_warcs()` (`baotinh index`): the files without a `warc_files` row, or every file with `rebuild` (each
  record read again replaces its earlier rows), as a run of its own (`runs` row, command `index`).
- `catch_up()`: the same for the files without a `warc_files` row, inside a crawl (crawler.ingest.recovery).

A damaged file costs only what is damaged: the walk names each span that holds no whole record and goes on,
the rows of every whole record are stored, and rows whose record the file no longer holds (cut short, a
damaged gzip member) are kept, never deleted; both are counted (`index/damaged`, `index/lost_rows`) and the
file is named in `IndexCounts.damaged_files`. Files still named `.open` are being written, or were left by a
killed crawl (the next crawl repairs them): they are skipped. The site of a record is
crawler.ingest.sites.SiteResolver's.

Site templates (crawler.ingest.template_store): a file's records are derived with the sets its warcinfo record
names, the ones the crawl that wrote it applied; with `rebuild`, with each site's current set instead. At the
end of `baotinh index` the templates of the sites that are due are learned again
(crawler.ingest.template_learning): `--rebuild` applies them to the rows made before.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.records import Member, walk, warcinfo_fields
from crawler.ingest.index_worker import Derivations, Unreadable, derive_records, start_worker
from crawler.ingest.pool import worker_pool
from crawler.ingest.rows import site_row
from crawler.ingest.sink import RowSink
from crawler.ingest.sites import SiteResolver
from crawler.ingest.template_learning import Outcome, learn_sites
from crawler.ingest.template_store import TemplatePlan, TemplateStore, plan_templates
from crawler.registry import Site, load_sites
from crawler.run.identity import new_run_id
from crawler.run.stats import archived_counts, jsonable_stats
from pipelines.database.store import DB_NAME, Store, StoreBusy

logger = logging.getLogger(__name__)

CHUNK_RECORDS = 16  # records per task sent to a worker: fewer round trips, still fine-grained on two cores
BATCH_ROWS = 10000  # rows per database transaction: connecting and checkpointing cost ~0.1 s a batch
RECORD_TYPES = ("response", "revisit")
NOT_PAGES = ("revisit", "http_status", "not_html")  # records that are no HTML page to read


@dataclass
class IndexProgress:
    """Where an index run is, for a progress bar: bytes of WARC read out of the total."""

    bytes_done: int = 0
    bytes_total: int = 0
    files_done: int = 0
    files_total: int = 0
    records: int = 0
    articles: int = 0
    started: float = field(default_factory=time.monotonic)


@dataclass
class IndexCounts:
    """What an indexing pass found: counters (`index/…`, `store/…`) and, per run and site, what was archived."""

    stats: Counter[str] = field(default_factory=Counter)
    runs: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)  # warcinfo run id -> site -> counts
    sites: dict[str, Site] = field(default_factory=dict)  # every site a record belonged to
    spooled: bool = False
    damaged_files: list[str] = field(default_factory=list)  # files with bytes that are no whole record

    def count(self, run_id: str, site: str, member: Member, article: bool) -> None:
        archived_counts(self.runs.setdefault(run_id, {}).setdefault(site, Counter()), member, article)


@dataclass
class IndexResult:
    run_id: str
    files: int
    records: int
    pages: int
    articles: int
    errors: int
    seconds: float
    skipped_open: int
    spooled: bool
    stats: dict[str, Any]
    templates: str = ""  # which site templates the rows were made with (TemplatePlan.describe)
    learned: list[Outcome] = field(default_factory=list)  # site templates learned at the end
    not_learned: str | None = None  # why no site templates could be learned at the end
    damaged: int = 0  # spans of WARC files that hold no whole record, and records that could not be read
    lost_rows: int = 0  # rows kept whose record their file no longer holds
    damaged_files: list[str] = field(default_factory=list)


def warc_paths(warc_dir: Path) -> tuple[list[Path], int]:
    """Finished WARC files in name order (names start with their creation time), and how many are `.open`."""
    if not warc_dir.is_dir():
        return [], 0
    return sorted(warc_dir.glob("*.warc.gz")), len(list(warc_dir.glob("*.warc.gz.open")))


def sites_in_database(con: Any) -> list[Site]:
    rows = con.execute(
        "SELECT site, name, province, kind, domains, start_urls, feeds, sitemaps, article_pattern FROM sites"
    ).fetchall()
    return [
        Site(slug=slug, name=name, province=province, kind=kind or "paper", domains=tuple(domains or ()),
             start_urls=tuple(start_urls or ()), feeds=tuple(feeds or ()), sitemaps=tuple(sitemaps or ()),
             article_pattern=re.compile(pattern) if pattern else None)
        for slug, name, province, kind, domains, start_urls, feeds, sitemaps, pattern in rows
    ]


@dataclass(frozen=True)
class Catalog:
    """What the database says about the archive before an indexing pass."""

    indexed: set[str]  # files with a warc_files row
    sites: list[Site]
    stored: dict[str, bool]  # capture id -> has an article row, for the records of the files to read
    rows_of: dict[str, set[str]] = field(default_factory=dict)  # file -> capture ids its rows name


def read_catalog(store: Store, files: Iterable[str] = ()) -> Catalog:
    """Raises StoreBusy when another process holds the database."""
    if not store.exists():
        return Catalog(set(), [], {})
    with store.connect(read_only=True, wait=10) as con:
        indexed = {name for (name,) in con.execute("SELECT warc_file FROM warc_files").fetchall()}
        sites = sites_in_database(con)
        rows = con.execute(
            "SELECT c.capture_id, a.article_id IS NOT NULL, c.warc_file FROM captures c LEFT JOIN articles a "
            "ON a.article_id = c.capture_id WHERE c.warc_file IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(set(files))]).fetchall()
    rows_of: dict[str, set[str]] = {}
    for capture_id, _, warc_file in rows:
        rows_of.setdefault(warc_file, set()).add(capture_id)
    return Catalog(indexed, sites, {capture_id: article for capture_id, article, _ in rows}, rows_of)


def _ordered(pool: ProcessPoolExecutor, tasks: Iterable[tuple[list[Member], tuple[Any, ...]]], depth: int
             ) -> Iterator[tuple[list[Member], Derivations]]:
    """The results of each task with its members, in order, with at most `depth` tasks in flight."""
    pending: deque[tuple[list[Member], Future[Derivations]]] = deque()
    for members, args in tasks:
        pending.append((members, pool.submit(derive_records, *args)))
        while len(pending) > depth:
            members, future = pending.popleft()
            yield members, future.result()
    while pending:
        members, future = pending.popleft()
        yield members, future.result()


def index_files(store: Store, paths: list[Path], resolver: SiteResolver, *, run_id: str, rebuild: bool = False,
                stored: dict[str, bool] | None = None, rows_of: dict[str, set[str]] | None = None,
                processes: int | None = None, plan: TemplatePlan | None = None,
                on_progress: Callable[[IndexProgress], None] | None = None) -> IndexCounts:
    """Derive and store the rows of `paths`; `stored` records (capture id -> is an article) are only counted.

    `run_id`: the run doing this, for `warc_files.run_id` and for records of a file without a warcinfo run id.
    `plan`: the site templates each file is derived with (none without one).
    `rows_of` (file -> capture ids of its rows): rows whose record the file no longer holds whole are kept and
    counted (`index/lost_rows`), never deleted: they may be all that is left of those pages.
    """
    plan = plan or TemplatePlan({})
    counts = IndexCounts()
    stored = {} if rebuild else (stored or {})
    rows_of = rows_of or {}
    progress = IndexProgress(bytes_total=sum(p.stat().st_size for p in paths), files_total=len(paths))
    workers = processes or os.cpu_count() or 1
    # batches are written by the sink's own thread: on this one, a batch (~0.3 s of Arrow and DuckDB at 10,000
    # rows) left the workers without their next records once the few runs in flight were done
    sink = RowSink(store, BATCH_ROWS, background=True)
    pool = worker_pool(workers, start_worker, (resolver, plan.sets))
    try:
        for path in paths:
            _index_file(path, run_id, sink, pool, resolver, stored, rows_of.get(path.name, set()), counts,
                        progress, workers, plan, on_progress)
    finally:
        # the workers end (~0.5 s, more on a busy machine) while the last batch is written, not before it
        ending = threading.Thread(target=pool.shutdown, kwargs={"wait": True, "cancel_futures": True},
                                  name="baotinh-index-pool-end")
        ending.start()
        try:
            sink.close()
        finally:
            ending.join()
    counts.spooled = sink.spooled > 0
    return counts


def _index_file(path: Path, run_id: str, sink: RowSink, pool: ProcessPoolExecutor, resolver: SiteResolver,
                stored: dict[str, bool], had_rows: set[str], counts: IndexCounts, progress: IndexProgress,
                workers: int, plan: TemplatePlan, on_progress: Callable[[IndexProgress], None] | None) -> None:
    # Rows are replaced record by record (a capture written again brings all its rows, Store.write), never a
    # file's at once: a rebuild of a damaged file keeps the rows of every record it can no longer read.
    stats = counts.stats
    fields = warcinfo_fields(path)
    file_run = fields.get("run-id") or run_id
    chosen = plan.for_file(fields)
    in_file = Counter[str]()
    whole: set[str] = set()

    def site_of(member: Member) -> Site:
        site = resolver.site_for(member.target_uri or "")
        counts.sites.setdefault(site.slug, site)
        return site

    def tasks() -> Iterator[tuple[list[Member], tuple[Any, ...]]]:
        chunk: list[Member] = []
        for member in walk(path):
            progress.bytes_done += member.length
            if member.problem is not None:
                stats["index/damaged"] += 1
                in_file["damaged"] += 1
                logger.warning("%s at offset %d: %s", path.name, member.offset, member.problem)
                continue
            if member.warc_type not in RECORD_TYPES:
                continue
            whole.add(member.record_id or "")
            if member.record_id in stored:  # derived already: counted, not read again
                article = stored[member.record_id or ""]
                counts.count(file_run, site_of(member).slug, member, article)
                in_file["captures"] += 1
                in_file["articles"] += article
                stats["index/already_stored"] += 1
                continue
            chunk.append(member)
            if len(chunk) >= CHUNK_RECORDS:
                yield chunk, (path, file_run, [(m.offset, m.length) for m in chunk], chosen)
                chunk = []
        if chunk:
            yield chunk, (path, file_run, [(m.offset, m.length) for m in chunk], chosen)

    for members, derived in _ordered(pool, tasks(), depth=2 * workers):
        for member, result in zip(members, derived.results, strict=True):
            if isinstance(result, Unreadable):
                stats["index/unreadable"] += 1
                in_file["damaged"] += 1
                whole.discard(member.record_id or "")
                logger.error("unreadable record: %s", result.error)
                continue
            site_of(member)
            stats["index/records"] += 1
            stats["store/captures"] += 1
            stats[f"index/reason_count/{result.reason}"] += 1
            in_file["captures"] += 1
            if result.is_article:
                stats["store/articles"] += 1
                in_file["articles"] += 1
            if result.reason == "extraction_error":
                stats["index/errors"] += 1
                logger.error("%s (%s at offset %d): %s", member.target_uri, path.name, member.offset, result.detail)
            counts.count(file_run, result.site, member, result.is_article)
        sink.add(derived.rows)  # the run's records, whole: each is all in the database or not at all
        progress.records, progress.articles = stats["index/records"], stats["store/articles"]
        if on_progress:
            on_progress(progress)
    lost = len(had_rows - whole)
    if in_file["damaged"] or lost:
        counts.damaged_files.append(path.name)
        stats["index/lost_rows"] += lost
        logger.warning("%s is damaged: the rows of its %d whole record(s) are stored%s", path.name,
                       in_file["captures"], f"; {lost} row(s) whose record it no longer holds are kept (restore the "
                       "file from a copy; `baotinh verify` names them)" if lost else "")
    # after every record of the file: "this file is indexed" is stored only with (or after) all its rows
    sink.add({"warc_files": [{"warc_file": path.name, "run_id": run_id, "captures": in_file["captures"],
                              "articles": in_file["articles"], "indexed_at": datetime.now(UTC)}]})
    stats["index/files"] += 1
    progress.files_done += 1
    if on_progress:
        on_progress(progress)


def catch_up(store: Store, warc_dir: Path, resolver_sites: list[Site], registry: dict[str, Site], *, run_id: str,
             also: Iterable[Path] = (), processes: int | None = None,
             templates: TemplateStore | None = None) -> IndexCounts:
    """Index every closed WARC file without a `warc_files` row (and `also`), skipping stored records, each
    with the site templates its warcinfo names (from `templates`).

    Raises StoreBusy when another process holds the database.
    """
    paths, _ = warc_paths(warc_dir)
    catalog = read_catalog(store, [p.name for p in paths])
    todo = sorted({p for p in paths if p.name not in catalog.indexed} | set(also))
    if not todo:
        return IndexCounts()
    resolver = SiteResolver([*resolver_sites, *catalog.sites], registry)
    plan = plan_templates(templates, [warcinfo_fields(p) for p in todo], rebuild=False) if templates else None
    return index_files(store, todo, resolver, run_id=run_id, stored=catalog.stored, rows_of=catalog.rows_of,
                       processes=processes, plan=plan)


@dataclass(frozen=True)
class IndexPlan:
    """What an index run reads (`todo`, in name order) and how it resolves sites, decided before it starts."""

    todo: list[Path]
    open_files: int  # `.open` files left out
    catalog: Catalog
    resolver: SiteResolver


def plan_index(data_dir: Path, store: Store, rebuild: bool, registry: dict[str, Site] | None) -> IndexPlan:
    """Merge the spool, then the files without a `warc_files` row (all with `rebuild`); StoreBusy if held."""
    store.merge_spool()
    paths, open_files = warc_paths(Path(data_dir) / "warc")
    catalog = read_catalog(store, [p.name for p in paths])
    resolver = SiteResolver(catalog.sites, registry if registry is not None else load_sites())
    if open_files:
        logger.warning("skipping %d WARC file(s) still named .open (being written, or left by a killed crawl)",
                       open_files)
    return IndexPlan([p for p in paths if rebuild or p.name not in catalog.indexed], open_files, catalog, resolver)


def index_warcs(
    data_dir: Path,
    *,
    rebuild: bool = False,
    processes: int | None = None,
    registry: dict[str, Site] | None = None,
    on_progress: Callable[[IndexProgress], None] | None = None,
    store: Store | None = None,
) -> IndexResult:
    """Read the not-yet-indexed WARC files of `data_dir/warc` (all of them with `rebuild`) into the database
    (`store`: the data directory's DuckDB file unless given, e.g. a DuckLake catalog's).

    Raises StoreBusy when the database is held by another process at the start (the spool cannot be
    merged nor the indexed files known); once running, batches that find it busy are spooled.
    """
    data_dir = Path(data_dir)
    store = store or Store(data_dir / DB_NAME)
    plan = plan_index(data_dir, store, rebuild, registry)
    todo, open_files, catalog, resolver = plan.todo, plan.open_files, plan.catalog, plan.resolver
    templates = plan_templates(TemplateStore(data_dir), [warcinfo_fields(p) for p in todo], rebuild)
    run_id = new_run_id()
    started_at = datetime.now(UTC)
    run = {"run_id": run_id, "command": "index", "started_at": started_at, "finished_at": None,
           "status": "running", "stats": jsonable_stats({"start_time": started_at})}
    store.write({"runs": [run]})
    status = "finished"
    counts = IndexCounts()
    try:
        counts = index_files(store, todo, resolver, run_id=run_id, rebuild=rebuild, stored=catalog.stored,
                             rows_of=catalog.rows_of, processes=processes, plan=templates, on_progress=on_progress)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except BaseException:
        status = "failed"
        raise
    finally:
        finished_at = datetime.now(UTC)
        stats = counts.stats
        run.update(finished_at=finished_at, status=status,
                   stats=jsonable_stats({**stats, "start_time": started_at, "finish_time": finished_at}))
        store.write({"runs": [run], "sites": [site_row(s) for s in counts.sites.values()]})
    learned, not_learned = learn_after_index(data_dir, store, [*catalog.sites, *counts.sites.values()], processes)
    return IndexResult(
        run_id=run_id, files=stats["index/files"], records=stats["index/records"],
        pages=stats["index/records"] - sum(stats[f"index/reason_count/{r}"] for r in NOT_PAGES),
        articles=stats["store/articles"],
        errors=stats["index/errors"], seconds=(finished_at - started_at).total_seconds(),
        skipped_open=open_files, spooled=counts.spooled or store.spooled() > 0, stats=dict(stats),
        templates=templates.describe(), learned=learned, not_learned=not_learned,
        damaged=stats["index/damaged"] + stats["index/unreadable"], lost_rows=stats["index/lost_rows"],
        damaged_files=counts.damaged_files,
    )


def learn_after_index(data_dir: Path, store: Store, sites: list[Site], processes: int | None
           ) -> tuple[list[Outcome], str | None]:
    """The templates of the sites that are due, learned again; or why they could not be."""
    unique = list({s.slug: s for s in sites}.values())
    try:
        return learn_sites(data_dir, store, unique, processes=processes), None
    except StoreBusy:
        return [], "site templates not learned: the database is open in another process (the next run learns them)"
    except OSError as e:
        return [], f"site templates not learned: {type(e).__name__}: {e}"
