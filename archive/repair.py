"""Crash repair: a `.open` WARC file left by a killed crawl is cut back to its last whole record and closed.

Each record is one gzip member and the writer flushes after every member, so a kill leaves at most one
partial member at the end of the file. `repair_open_files()` keeps every whole member that holds a whole
WARC record, truncates the rest, and drops the `.open` suffix, so that no file is left that warcio, pywb or
fastwarc would reject. A file that a live writer still holds (it keeps an exclusive `flock` on it) is left
alone: two crawls on one data directory must not cut each other's files.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from archive.records import walk

OPEN_SUFFIX = ".open"


@dataclass(frozen=True)
class Repair:
    """What was done to one `.open` file."""

    name: str  # final file name, without `.open`
    kept_bytes: int  # length of the file after repair
    cut_bytes: int  # bytes of a partial record removed from its end
    records: int  # whole records kept
    removed: bool  # no whole record at all: the file was deleted
    path: Path | None = None  # the closed file, None when removed


def is_locked(path: Path) -> bool:
    """True when another open file description holds an exclusive lock on `path` (a live writer)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops our shared lock too
    return False


def whole_records_end(path: Path) -> tuple[int, int]:
    """(offset just past the last whole record, number of whole records) of a file of gzip members.

    The walk (archive.records) stops being trusted at the first member that is damaged, cut short, or not
    one whole WARC record: everything from there on goes.
    """
    good_end = records = 0
    for member in walk(path):
        if member.problem is not None:
            break
        records += 1
        good_end = member.offset + member.length
    return good_end, records


def repair_open_file(path: Path) -> Repair:
    """Cut one `NAME.warc.gz.open` file after its last whole record and rename it NAME (delete it if none).

    The caller makes sure no writer holds it (`is_locked`). Refuses to overwrite an existing NAME.
    """
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"{path}: not a {OPEN_SUFFIX} file; only files a crawl left open need repair")
    name = path.name.removesuffix(OPEN_SUFFIX)
    final = path.with_name(name)
    size = path.stat().st_size
    end, records = whole_records_end(path)
    if records == 0:
        path.unlink()
        return Repair(name, 0, size, 0, removed=True)
    if final.exists():
        raise FileExistsError(f"{final} exists already; move one of {final.name} and {path.name} aside")
    if end < size:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            os.fsync(fh.fileno())
    os.replace(path, final)
    return Repair(name, end, size - end, records, removed=False, path=final)


def repair_open_files(directory: Path) -> list[Repair]:
    """Repair and close every unlocked `*.open` file in `directory`."""
    return [repair_open_file(p) for p in sorted(Path(directory).glob("*" + OPEN_SUFFIX)) if not is_locked(p)]
