"""The `baotinh` command line. Each command lives in crawler/commands/; user errors are one line, exit 2."""

from __future__ import annotations

import argparse
import sys

from crawler.commands import crawl, demo, export, index, report, search, shell, sites, status, verify
from crawler.commands.common import EXIT_USAGE, UsageError
from crawler.registry import RegistryError
from crawler.run.lock import EXIT_LOCKED, LockHeld

# One line per command; each module has add_parser() and run().
COMMANDS = [crawl, status, index, search, shell, sites, export, verify, report, demo]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baotinh",
        description="Archive Vietnamese provincial news sites: WARC files as served, articles and figures in DuckDB.",
        epilog="Run `baotinh COMMAND --help` for a command's options and examples.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, RegistryError) as e:
        print(f"baotinh: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except LockHeld as e:
        print(f"baotinh: {e}", file=sys.stderr)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        print("baotinh: interrupted", file=sys.stderr)
        return 130
