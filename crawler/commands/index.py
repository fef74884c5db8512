"""`baotinh index`: build or refresh the database from the WARC files alone."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crawler.commands.common import FORMATTER, UsageError, add_data_dir, add_sites_file, registry

if TYPE_CHECKING:
    from crawler.ingest.index import IndexProgress

BAR = 30


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "index", help="build or refresh the database from the WARC files", formatter_class=FORMATTER,
        description="Read the WARC files of the data directory that are not in the database yet, run the crawl's "
        "own extraction over every archived page (one worker process per core), store the rows, merge rows "
        "spooled while the database was busy, and refresh the search index. With --rebuild, read every "
        "WARC file again: the rows of each file are replaced by what the current extractor makes of it.",
        epilog="examples:\n  baotinh index\n  baotinh index --data-dir /srv/baotinh/data\n"
        "  baotinh index --rebuild --processes 2",
    )
    add_data_dir(parser)
    parser.add_argument("--rebuild", action="store_true", help="read every WARC file again, not only new ones")
    parser.add_argument("--processes", type=int, default=None, metavar="N",
                        help="worker processes for extraction (default: one per CPU core)")
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


def run(args: argparse.Namespace) -> int:
    import logging

    from crawler.ingest.index import index_warcs
    from crawler.run.console import ConsoleFormatter
    from pipelines.database.repost_index import refresh_reposts_database
    from pipelines.database.search_index import refresh_database
    from pipelines.database.store import DB_NAME, StoreBusy

    if args.processes is not None and args.processes < 1:
        raise UsageError("--processes must be at least 1")
    data_dir = Path(args.data_dir)
    if not (data_dir / "warc").is_dir() and not (data_dir / DB_NAME).exists():
        raise UsageError(f"{data_dir}: no warc/ folder and no database (is --data-dir right?)")
    sites = registry(args)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ConsoleFormatter())
    for name in ("crawler", "pipelines", "archive"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    bar = ProgressBar(sys.stderr)
    try:
        result = index_warcs(data_dir, rebuild=args.rebuild, processes=args.processes, registry=sites,
                             on_progress=bar)
    except StoreBusy as e:
        print(f"baotinh: {e}: close it (a DuckDB shell?) and run `baotinh index` again", file=sys.stderr)
        return 1
    finally:
        for name in ("crawler", "pipelines", "archive"):
            logging.getLogger(name).removeHandler(handler)
    bar.finish()
    print(f"run {result.run_id}: {result.files} WARC file(s), {result.records:,} records, {result.pages:,} pages, "
          f"{result.articles:,} articles, {result.errors} error(s) in {result.seconds:.1f} s"
          + ("" if result.files else " (every WARC file is indexed already; --rebuild reads them again)"),
          file=sys.stderr)
    print(refresh_database(data_dir / DB_NAME, rebuild=args.rebuild), file=sys.stderr)
    print(refresh_reposts_database(data_dir / DB_NAME, rebuild=args.rebuild), file=sys.stderr)
    return 0
