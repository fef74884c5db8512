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


def add_data_dir(parser: argparse.ArgumentParser, default: str = "data") -> None:
    parser.add_argument("--data-dir", default=default, metavar="DIR", help=f"data directory (default: ./{default})")
