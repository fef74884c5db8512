"""`baotinh index`: build or refresh the database from the WARC files alone."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crawler.commands.common import (
    FORMATTER,
    Unavailable,
    UsageError,
    add_catalog,
    add_data_dir,
    add_sites_file,
    registry,
)

if TYPE_CHECKING:
    from crawler.ingest.index import IndexProgress

BAR = 30
EXIT_DAMAGED = 1  # some WARC bytes hold no whole record (as `verify` exits on a fault)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "index", help="build or refresh the database from the WARC files", formatter_class=FORMATTER,
        description="Read the WARC files of the data directory that are not in the database yet, run the crawl's "
        "own extraction over every archived page (one worker process per core), store the rows, merge rows "
        "spooled while the database was busy, and refresh the search index. With --rebuild, read every "
        "WARC file again: the rows of each record are replaced by what the current extractor makes of it, with "
        "each site's current templates (without --rebuild, a file's records get the templates its crawl applied). "
        "A damaged WARC file costs only its damaged records: they are named, counted and their earlier rows kept. "
        "At the end, the templates of sites whose articles have grown enough are learned again. "
        "With --engine spark the files are spread over the tasks of a Spark application (local mode unless "
        "--master), each running the same function and writing Parquet, committed file by file.",
        epilog="examples:\n  baotinh index\n  baotinh index --data-dir /srv/baotinh/data\n"
        "  baotinh index --rebuild --processes 2\n"
        "  baotinh index --rebuild --engine spark                     # Spark in local mode, one task per core\n"
        "  baotinh index --rebuild --engine spark --master spark://head:7077 --parquet-dir /shared/reindex\n"
        "  baotinh index --catalog 'ducklake:postgres:dbname=baotinh host=db' --catalog-data-path /shared/lake/\n\n"
        "exit codes: 0 done, 1 a WARC file is damaged (the rows of its whole records are stored, none deleted) "
        "or another process holds the database, 2 a usage error or a damaged database (--rebuild moves a "
        "damaged baotinh.duckdb aside and starts a fresh one), 69 the catalog or Spark is not available",
    )
    add_data_dir(parser)
    parser.add_argument("--rebuild", action="store_true", help="read every WARC file again, not only new ones")
    parser.add_argument("--processes", type=int, default=None, metavar="N",
                        help="worker processes for extraction (default: one per CPU core)")
    parser.add_argument("--engine", choices=("local", "spark"), default="local",
                        help="local: a process pool on this machine (default); spark: a Spark application")
    parser.add_argument("--master", metavar="URL", default=None,
                        help="the Spark master (default: local[N], N from --processes or the cores here)")
    parser.add_argument("--parquet-dir", metavar="DIR", default=None,
                        help="where Spark tasks write their Parquet files, a folder every executor and this "
                        "machine see (default: DATA/spark/RUN_ID, removed once committed)")
    add_catalog(parser)
    add_sites_file(parser)
    parser.set_defaults(func=run)


class ProgressBar:
    """A bar redrawn in place on a terminal; elsewhere (cron, a log) a line every `interval` seconds."""

    def __init__(self, stream: TextIO, interval: float = 10.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = 0.2 if self.tty else interval
        self.last = 0.0
        self.progress: IndexProgress | None = None

    def __call__(self, progress: IndexProgress) -> None:
        self.progress = progress
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.draw(progress, now)

    def finish(self) -> None:
        """Draw the last state once more, whatever the interval, and end the bar's line."""
        if self.progress is not None:
            self.draw(self.progress, time.monotonic(), final=True)

    def draw(self, p: IndexProgress, now: float, final: bool = False) -> None:
        share = p.bytes_done / p.bytes_total if p.bytes_total else 1.0
        rate = p.records / max(now - p.started, 1e-6)
        text = (f"{share:4.0%} file {min(p.files_done + 1, p.files_total)}/{p.files_total}, "
                f"{p.records:,} records ({rate:.1f}/s), {p.articles:,} articles")
        if self.tty:
            filled = int(share * BAR)
            self.stream.write(f"\rindex [{'#' * filled}{' ' * (BAR - filled)}] {text}\033[K" + ("\n" if final else ""))
        else:
            self.stream.write(f"index: {text}\n")
        self.stream.flush()


def set_aside_if_damaged(db_path: Path) -> Path | None:
    """Before a rebuild: a database that cannot be read to its last block is renamed out of the way (never
    deleted), so that the rebuild writes a fresh one. Returns the new name of the damaged file, if any."""
    from pipelines.database.damage import move_aside, unreadable_table
    from pipelines.database.store import Store, StoreDamaged

    if not db_path.exists():
        return None
    try:
        with Store(db_path).connect(read_only=True, wait=10) as con:
            reason = unreadable_table(con, db_path)
    except StoreDamaged as e:
        reason = e.reason
    if reason is None:
        return None
    moved = move_aside(db_path)
    print(f"baotinh: {db_path.name} cannot be read ({reason}): moved to {moved.name}; rebuilding a fresh "
          f"{db_path.name} from the WARC files", file=sys.stderr)
    return moved


def run(args: argparse.Namespace) -> int:
    import logging

    from crawler.ingest.index import index_warcs
    from crawler.run.console import ConsoleFormatter
    from pipelines.database.repost_index import refresh_reposts_store
    from pipelines.database.search_index import refresh_store
    from pipelines.database.store import DB_NAME, CatalogUnreachable, StoreBusy, data_store

    if args.processes is not None and args.processes < 1:
        raise UsageError("--processes must be at least 1")
    if args.engine != "spark" and (args.master or args.parquet_dir):
        raise UsageError("--master and --parquet-dir are for --engine spark")
    data_dir = Path(args.data_dir)
    if not (data_dir / "warc").is_dir() and not (data_dir / DB_NAME).exists():
        raise UsageError(f"{data_dir}: no warc/ folder and no database (is --data-dir right?)")
    sites = registry(args)
    try:
        store = data_store(data_dir, args.catalog, args.catalog_data_path)
    except CatalogUnreachable as e:
        raise UsageError(str(e)) from e
    if args.rebuild and store.catalog is None:
        try:
            set_aside_if_damaged(data_dir / DB_NAME)
        except StoreBusy as e:
            print(f"baotinh: {e}: close it (a DuckDB shell?) and run `baotinh index` again", file=sys.stderr)
            return 1
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ConsoleFormatter())
    for name in ("crawler", "pipelines", "archive"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    bar = ProgressBar(sys.stderr)
    try:
        if args.engine == "spark":
            from crawler.ingest.spark_index import SparkUnavailable, index_on_spark

            try:
                result = index_on_spark(data_dir, store=store, rebuild=args.rebuild, registry=sites,
                                        master=args.master, processes=args.processes,
                                        parquet_dir=Path(args.parquet_dir) if args.parquet_dir else None,
                                        on_progress=bar)
            except SparkUnavailable as e:
                raise Unavailable(str(e)) from e
        else:
            result = index_warcs(data_dir, rebuild=args.rebuild, processes=args.processes, registry=sites,
                                 on_progress=bar, store=store)
    except StoreBusy as e:
        print(f"baotinh: {e}: close it (a DuckDB shell?) and run `baotinh index` again", file=sys.stderr)
        return 1
    except CatalogUnreachable as e:
        raise Unavailable(str(e)) from e
    finally:
        for name in ("crawler", "pipelines", "archive"):
            logging.getLogger(name).removeHandler(handler)
    bar.finish()
    damage = ""
    if result.damaged or result.lost_rows:
        damage = (f", {result.damaged:,} damaged span(s) in {len(result.damaged_files)} WARC file(s)"
                  + (f" ({result.lost_rows:,} row(s) whose record is lost kept)" if result.lost_rows else ""))
    print(f"run {result.run_id}: {result.files} WARC file(s), {result.records:,} records, {result.pages:,} pages, "
          f"{result.articles:,} articles, {result.errors} error(s){damage} in {result.seconds:.1f} s"
          + ("" if result.files else " (every WARC file is indexed already; --rebuild reads them again)"),
          file=sys.stderr)
    if args.rebuild:
        print(result.templates, file=sys.stderr)
    for outcome in result.learned:
        print(outcome.describe() + ("; `baotinh index --rebuild` applies them" if outcome.changed else ""),
              file=sys.stderr)
    if result.not_learned:
        print(result.not_learned, file=sys.stderr)
    print(refresh_store(store, rebuild=args.rebuild), file=sys.stderr)
    print(refresh_reposts_store(store, rebuild=args.rebuild), file=sys.stderr)
    if damage:
        print(f"baotinh: damaged WARC file(s): {', '.join(result.damaged_files)}; the rows of every whole record "
              f"are stored; `baotinh verify --data-dir {data_dir}` names each damaged span", file=sys.stderr)
        return EXIT_DAMAGED
    return 0
