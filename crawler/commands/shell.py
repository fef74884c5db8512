"""`baotinh shell`: the DuckDB shell on the database, with full-text search loaded and Vietnamese time."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from importlib import resources
from pathlib import Path

from crawler.commands.common import FORMATTER, UsageError, add_data_dir, existing_data_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "shell", help="open the DuckDB shell on the database, search ready", formatter_class=FORMATTER,
        description="Start the DuckDB shell (duckdb-cli, installed with baotinh) on the database with "
        "queries/init.sql: the FTS extension loaded from the duckdb-ext-fts package (the shell cannot "
        "download it) and times shown in Vietnamese time. Read-only unless --write, so a crawl running at the "
        "same time keeps its rows in the spool instead of waiting. A saved query of queries/ runs by its name "
        "with -q, from any folder, in a shell of its own (no variable is left from an earlier query).",
        epilog="examples:\n  baotinh shell\n  baotinh shell --data-dir /srv/baotinh/data\n"
        "  baotinh shell -c \"SELECT * FROM search_articles('phu tho')\"\n"
        "  baotinh shell -q latest_per_site --var site=baophutho --var per_site=3\n"
        "  baotinh shell -q largest_money --var currency=USD",
    )
    add_data_dir(parser)
    parser.add_argument("--write", action="store_true", help="open read-write (a crawl then spools its rows)")
    parser.add_argument("-c", dest="commands", action="append", default=[], metavar="SQL",
                        help="run SQL (or a dot command) and exit; repeatable, run in order")
    parser.add_argument("-q", "--query", dest="queries", action="append", default=[], metavar="NAME",
                        help="run the saved query queries/NAME.sql and exit (repeatable; after any -c)")
    parser.add_argument("--var", dest="variables", action="append", default=[], metavar="NAME=VALUE",
                        help="SET VARIABLE NAME = VALUE first (a whole number as a number, else text)")
    parser.set_defaults(func=run)


def duckdb_binary() -> str | None:
    beside = Path(sys.executable).with_name("duckdb")  # duckdb-cli installs it next to python
    return str(beside) if beside.exists() else shutil.which("duckdb")


def saved_queries() -> dict[str, Path]:
    """NAME -> file of the saved queries installed with baotinh (not schema.sql and init.sql)."""
    folder = Path(str(resources.files("queries")))
    return {p.stem: p for p in sorted(folder.glob("*.sql")) if p.stem not in ("schema", "init")}


def read_query(name: str) -> str:
    known = saved_queries()
    if name.removesuffix(".sql") not in known:
        raise UsageError(f"-q {name}: no saved query {name!r} (saved queries: {', '.join(known)})")
    return f".read {known[name.removesuffix('.sql')]}"


def set_variable(pair: str) -> str:
    name, sep, value = pair.partition("=")
    if not sep or not name.strip().isidentifier():
        raise UsageError(f"--var {pair!r}: expected NAME=VALUE, e.g. --var site=baophutho")
    literal = value if re.fullmatch(r"-?\d+", value) else "'" + value.replace("'", "''") + "'"
    return f"SET VARIABLE {name.strip()} = {literal}"


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
    from pipelines.database.store import DB_NAME, Store, StoreBusy

    db = existing_data_dir(args.data_dir) / DB_NAME
    if not db.exists():
        raise UsageError(f"no database at {db} (run `baotinh crawl` or `baotinh index` first, or give --data-dir)")
    try:
        with Store(db).connect(read_only=True):  # a file cut short is StoreDamaged: said as every command says it
            pass
    except StoreBusy:
        pass  # the shell says so itself, and may be asked to wait
    commands = [set_variable(v) for v in args.variables] + args.commands + [read_query(q) for q in args.queries]
    if args.variables and not args.commands and not args.queries:
        raise UsageError("--var sets a variable for -c or -q: give one of them too")
    argv = shell_command(db, write=args.write, commands=commands)
    if not commands:
        folder = Path(str(resources.files("queries")))
        print(f"baotinh shell: saved queries: .read {folder}/NAME.sql (or `baotinh shell -q NAME`); .quit to leave",
              file=sys.stderr)
    env = dict(os.environ)
    folder = extension_directory()
    if folder is not None:
        env[ENV_EXTENSIONS] = str(folder)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)  # the shell takes over this process (and Ctrl-C)
    return 0  # pragma: no cover
