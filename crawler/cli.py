"""The `baotinh` command line. Each command lives in crawler/commands/; user errors are one line, exit 2."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType

from crawler.commands import crawl, demo, export, index, nodes, report, search, shell, sites, status, verify
from crawler.commands.common import EXIT_UNAVAILABLE, EXIT_USAGE, Unavailable, UsageError, damaged_message
from crawler.registry import RegistryError
from crawler.run.lock import EXIT_LOCKED, LockHeld
from pipelines.database.damage import StoreDamaged

# One line per command; each module has add_parser() and run().
COMMANDS = [crawl, status, index, search, shell, sites, export, verify, report, demo, nodes]
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as the shell reports them
EXIT_PIPE = 141  # 128 + SIGPIPE: the reader of our output went away (`baotinh status | head -1`)


class Terminated(BaseException):
    """SIGTERM outside a crawl (Scrapy handles it during one: the crawl stops cleanly and says so)."""


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    def of(name: str) -> str:
        try:
            return installed(name)
        except PackageNotFoundError:
            return "?"

    python = ".".join(map(str, sys.version_info[:3]))
    return (f"baotinh {of('baotinh')} (Scrapy {of('scrapy')}, trafilatura {of('trafilatura')}, "
            f"warcio {of('warcio')}, DuckDB {of('duckdb')}, Python {python})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baotinh",
        description="Archive Vietnamese provincial news sites: WARC files as served, articles and figures in DuckDB.",
        epilog="Run `baotinh COMMAND --help` for a command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the version line as written, unwrapped
    )
    parser.add_argument("--version", action="version", version=version(),
                        help="print baotinh's version and those of Scrapy, trafilatura, warcio, DuckDB and Python")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _exiting() -> None:
    """The command's work is done: a SIGTERM or Ctrl-C while Python shuts down (module teardown takes up to a
    second after a crawl) is ignored, so the exit code stays the command's instead of 143. Ignoring is the
    only way that lasts: Python puts back the default action of any signal it handles in Python as it
    finalizes, but leaves an ignored signal ignored."""
    for late in (signal.SIGTERM, signal.SIGINT):
        signal.signal(late, signal.SIG_IGN)


def main(argv: list[str] | None = None) -> int:
    """The command line; `argv` None: this process is the `baotinh` program (sys.argv)."""
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    code: int | None = None
    try:
        result = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, while we can still say nothing about it
        code = result
        return code
    except (UsageError, RegistryError) as e:
        print(f"baotinh: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except StoreDamaged as e:
        print(f"baotinh: error: {damaged_message(e)}", file=sys.stderr)
        return EXIT_USAGE
    except LockHeld as e:
        print(f"baotinh: {e}", file=sys.stderr)
        return EXIT_LOCKED
    except Unavailable as e:
        print(f"baotinh: {e}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point stdout at nothing first
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        print("baotinh: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("baotinh: stopped by SIGTERM", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if argv is None and code is not None:
            _exiting()
        else:
            signal.signal(signal.SIGTERM, previous)  # called from Python (the tests): leave no handler behind
