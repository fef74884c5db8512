"""A damaged database file, told apart from a busy one: what DuckDB says when the file cannot be read.

DuckDB raises the same `IOException` for a file another process holds (busy: wait, or spool the rows) and for
a file that is cut short or corrupt (damaged: no waiting helps; restore it, or rebuild it from the WARC files).
`damage_reason()` names the second kind; `StoreDamaged` carries it. A file cut short is often found only when
a query reaches a missing block, so `size_problem()` compares the file with the blocks its header counts as
soon as it is opened, and `unreadable_table()` reads every table to its last block (for `verify` and a
rebuild). `move_aside()` renames a damaged file (and its WAL) out of the way, so a rebuild starts a fresh one
and the user keeps the old one.

>>> import duckdb
>>> damage_reason(duckdb.IOException('IO Error: Could not set lock on file "b.duckdb"'), Path("b.duckdb"))
>>> import duckdb
>>> damage_reason(duckdb.IOException('IO Error: Corrupt database file: computed checksum 1 does not match'),
...               Path("b.duckdb"))
'Corrupt database file: computed checksum 1 does not match'
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # duckdb is imported where a connection is made: the command line starts without it
    import duckdb

HEADER_BYTES = 3 * 4096  # DuckDB's main header and its two database headers, before the first block
# What DuckDB 1.x says of a file that is not whole (storage/single_file_block_manager.cpp, local_file_system.cpp)
SIGNS = (
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "Corrupt database file",
    "Failure while replaying WAL",
    "database has been invalidated",
)
SHORT_READ = re.compile(r"attempted to read (?P<n>\d+) bytes from location (?P<at>\d+)")


class StoreDamaged(RuntimeError):
    """The database file cannot be read: cut short or corrupt. `reason` says what DuckDB found."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name} cannot be read ({reason})")
        self.path = Path(path)
        self.reason = reason


def damage_reason(error: BaseException, path: Path) -> str | None:
    """What is wrong with the file when `error` says it is damaged (None for a busy file, a bad query, …)."""
    import duckdb

    if not isinstance(error, duckdb.Error):
        return None
    text = str(error)
    if not any(sign in text for sign in SIGNS):
        return None
    for prefix in ("IO Error: ", "FATAL Error: ", "INTERNAL Error: "):
        text = text.removeprefix(prefix)
    short = SHORT_READ.search(text)
    if short:  # a block wanted past the end of the file: say so in the words of size_problem()
        wanted = int(short["at"]) + int(short["n"])
        try:
            size = path.stat().st_size
        except OSError:
            size = None
        if size is not None and size < wanted:
            return f"the file is {size:,} bytes, a block in use ends at byte {wanted:,}: cut short"
    # DuckDB names the file by its absolute path: the file's name is enough (the line names its folder)
    return re.sub(rf'"[^"]*/{re.escape(path.name)}"', f'"{path.name}"', text).splitlines()[0]


def size_problem(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """A file shorter than the blocks in use need: cut short (a failed copy, a full disk, a truncated restore).

    Each block in use has a place of its own in the file, so `used_blocks` of them need at least that many
    block sizes after the headers (free blocks may lie past the end: DuckDB shortens files). Only meaningful
    right after opening, before this connection writes, and without a WAL to replay.
    """
    import duckdb

    try:
        (_, _, block_size, _, used_blocks, *_), = con.execute(
            "SELECT * FROM pragma_database_size() WHERE database_name = current_database()").fetchall()
        size = path.stat().st_size
    except (duckdb.Error, OSError, ValueError):
        return None
    needed = HEADER_BYTES + int(used_blocks) * int(block_size)
    if size < needed:
        return f"the file is {size:,} bytes, its {used_blocks:,} blocks in use need {needed:,}: cut short"
    return None


def unreadable_table(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Read every row and column of every table of the database; what DuckDB said at the first that fails."""
    import duckdb

    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                         "WHERE database_name = current_database() ORDER BY ALL").fetchall()
    for schema, table in tables:
        name = f'"{schema}"."{table}"'
        try:
            con.execute(f"SELECT count(*), min(hash(t)) FROM {name} t").fetchall()  # hash(t): every column
        except duckdb.Error as e:
            reason = damage_reason(e, path)
            if reason is not None:
                return f"table {table}: {reason}"
            raise
    return None


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged `baotinh.duckdb` (and its `.wal`) to `baotinh.duckdb.damaged-YYYYMMDDThhmmssZ`."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    if target.exists():
        raise FileExistsError(f"{target} exists already")
    wal = path.with_name(path.name + ".wal")
    os.rename(path, target)
    if wal.exists():
        os.rename(wal, target.with_name(target.name + ".wal"))  # DuckDB finds a WAL by its file's name
    return target
