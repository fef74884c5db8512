"""What the commands share: the one-line user error and the formatter that keeps examples as written."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.registry import Site, load_sites

EXIT_USAGE = 2
FORMATTER = argparse.RawDescriptionHelpFormatter


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def registry(args: argparse.Namespace) -> dict[str, Site]:
    path = getattr(args, "sites_file", None)
    return load_sites(Path(path) if path else None)


def add_sites_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites-file", metavar="FILE", help="a registry other than the bundled sites.toml")


def open_database(data_dir: Path):  # -> duckdb.DuckDBPyConnection (duckdb imported only when needed)
    """The data directory's database, read-only; a missing or busy file is a one-line user error."""
    import duckdb

    path = data_dir / "baotinh.duckdb"
    if not path.exists():
        raise UsageError(f"no database at {path}: run `baotinh crawl` first or give --data-dir")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as e:
        raise UsageError(f"{path} is busy (a crawl is writing or a shell has it open); try again") from e


def add_data_dir(parser: argparse.ArgumentParser, default: str = "data") -> None:
    parser.add_argument("--data-dir", default=default, metavar="DIR", help=f"data directory (default: ./{default})")
