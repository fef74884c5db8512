"""What the commands share: the one-line user error and the formatter that keeps examples as written."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.registry import Site, load_sites

if TYPE_CHECKING:
    from pipelines.database.damage import StoreDamaged

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: a service the command needs (the catalog, Scrapyd, Java) is not there
FORMATTER = argparse.RawDescriptionHelpFormatter


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class Unavailable(Exception):
    """A service the command needs cannot be reached or started: printed as one line, exit code 69."""


def add_catalog(parser: argparse.ArgumentParser) -> None:
    """--catalog / --catalog-data-path: the rows in a DuckLake catalog instead of the data directory's file."""
    parser.add_argument("--catalog", metavar="SPEC", default=os.environ.get("BAOTINH_CATALOG") or None,
                        help="a DuckLake catalog instead of DATA/baotinh.duckdb, e.g. "
                        "'ducklake:postgres:dbname=baotinh host=db.example' (default: $BAOTINH_CATALOG)")
    parser.add_argument("--catalog-data-path", metavar="PATH",
                        default=os.environ.get("BAOTINH_CATALOG_DATA_PATH") or None,
                        help="where the catalog keeps its Parquet files, when it is made "
                        "(default: $BAOTINH_CATALOG_DATA_PATH)")


def registry(args: argparse.Namespace) -> dict[str, Site]:
    path = getattr(args, "sites_file", None)
    return load_sites(Path(path) if path else None)


def add_sites_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites-file", metavar="FILE", help="a registry other than the bundled sites.toml")


@contextmanager
def open_database(data_dir: Path) -> Iterator[Any]:  # a duckdb connection (duckdb imported only when needed)
    """The data directory's database, read-only; a missing or busy file is a one-line user error (a damaged
    one raises StoreDamaged, which the command line turns into `damaged_message`)."""
    from pipelines.database.store import Store, StoreBusy

    path = data_dir / "baotinh.duckdb"
    if not path.exists():
        raise UsageError(f"no database at {path}: run `baotinh crawl` first or give --data-dir")
    try:
        with Store(path).connect(read_only=True) as con:
            yield con
    except StoreBusy as e:
        raise UsageError(f"{path} is busy (a crawl is writing or a shell has it open); try again") from e


def damaged_message(error: StoreDamaged) -> str:
    """The one line every command prints for a damaged database (exit code 2)."""
    return (f"{error}: restore it or rebuild it from the archive with "
            f"`baotinh index --rebuild --data-dir {error.path.parent}` (which moves the damaged file aside)")


def existing_data_dir(text: str) -> Path:
    """The --data-dir of a command that reads one: a missing folder or a file is a one-line user error."""
    path = Path(text)
    if path.is_dir():
        return path
    if path.exists():
        raise UsageError(f"--data-dir {path} is a file, not a data directory")
    demo = " (`make demo` wrote data-demo: add --data-dir data-demo)" if Path("data-demo").is_dir() else ""
    raise UsageError(f"{path}: no such data directory{demo}; give --data-dir DIR")


def writable_data_dir(text: str) -> Path:
    """The --data-dir of a command that writes one, created if need be."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--data-dir {path} is a file, not a data directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"--data-dir {path}: cannot create it: {e.strerror}") from e
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"--data-dir {path}: not writable by this user")
    return path


def add_data_dir(parser: argparse.ArgumentParser, default: str = "data") -> None:
    parser.add_argument("--data-dir", default=default, metavar="DIR", help=f"data directory (default: ./{default})")


def size_text(n: float) -> str:
    """A byte count as people read it: 950 B, 1.2 MB (decimal units, as disks are sold)."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"
