"""`baotinh shell`: the DuckDB shell on the database, with full-text search loaded and Vietnamese time."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from importlib import resources
from pathlib import Path

from crawler.commands.common import FORMATTER, UsageError, add_data_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "shell", help="open the DuckDB shell on the database, search ready", formatter_class=FORMATTER,
        description="Start the DuckDB shell (duckdb-cli, installed with baotinh) on the database with "
        "queries/init.sql: the FTS extension loaded from the duckdb-ext-fts package (the shell cannot "
        "download it) and times shown in Vietnamese time. Read-only unless --write, so a crawl running at the "
        "same time keeps its rows in the spool instead of waiting. Saved queries: .read queries/NAME.sql",
        epilog="examples:\n  baotinh shell\n  baotinh shell --data-dir /srv/baotinh/data\n"
        "  baotinh shell -c \"SELECT * FROM search_articles('phu tho')\"\n"
        "  baotinh shell -c \"SET VARIABLE site = 'baophutho'\" -c '.read queries/latest_per_site.sql'",
    )
    add_data_dir(parser)
    parser.add_argument("--write", action="store_true", help="open read-write (a crawl then spools its rows)")
    parser.add_argument("-c", dest="commands", action="append", default=[], metavar="SQL",
                        help="run SQL (or a dot command) and exit; repeatable, run in order")
    parser.set_defaults(func=run)


def duckdb_binary() -> str | None:
    beside = Path(sys.executable).with_name("duckdb")  # duckdb-cli installs it next to python
    return str(beside) if beside.exists() else shutil.which("duckdb")


def shell_command(db: Path, *, write: bool = False, commands: list[str] | None = None) -> list[str]:
    binary = duckdb_binary()
    if binary is None:
        raise UsageError("the DuckDB shell is not installed (pip install duckdb-cli==1.4.4.post2)")
    init = resources.files("queries") / "init.sql"
    argv = [binary, "-init", str(init)]
    if not write:
        argv.append("-readonly")
    argv.append(str(db))
    for command in commands or []:
        argv += ["-c", command]  # run in order; the first error stops them with exit code 1
    return argv


def run(args: argparse.Namespace) -> int:
    from pipelines.database.search_index import ENV_EXTENSIONS, extension_directory
    from pipelines.database.store import DB_NAME

    db = Path(args.data_dir) / DB_NAME
    if not db.exists():
        raise UsageError(f"no database at {db} (run `baotinh crawl` or `baotinh index` first, or give --data-dir)")
    argv = shell_command(db, write=args.write, commands=args.commands)
    env = dict(os.environ)
    folder = extension_directory()
    if folder is not None:
        env[ENV_EXTENSIONS] = str(folder)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)  # the shell takes over this process (and Ctrl-C)
    return 0  # pragma: no cover
