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
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

OPEN_SUFFIX = ".open"
CHUNK = 1 << 20
HEAD_KEEP = 64 * 1024  # enough of a record to read its WARC header block
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)\r\n", re.IGNORECASE)


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


def _whole_record(head: bytes, size: int) -> bool:
    """A decompressed member is one whole WARC record: header block, Content-Length bytes, CRLF CRLF."""
    end = head.find(b"\r\n\r\n")
    match = _CONTENT_LENGTH.search(head[: end + 2]) if end > 0 else None
    return head.startswith(b"WARC/") and match is not None and size == end + 4 + int(match.group(1)) + 4


def whole_records_end(path: Path) -> tuple[int, int]:
    """(offset just past the last whole record, number of whole records) of a file of gzip members."""
    good_end = records = 0
    with open(path, "rb") as fh:
        buffer = b""
        while True:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            head, size, used = b"", 0, 0  # used: compressed bytes of this member read so far
            while not inflater.eof:
                if not buffer:
                    buffer = fh.read(CHUNK)
                    if not buffer:
                        return good_end, records  # end of file: a whole member ends here, or a partial one
                try:
                    out = inflater.decompress(buffer)
                except zlib.error:
                    return good_end, records  # corrupt bytes: everything from here on goes
                size += len(out)
                if len(head) < HEAD_KEEP:
                    head += out[: HEAD_KEEP - len(head)]
                rest = inflater.unused_data if inflater.eof else b""
                used += len(buffer) - len(rest)
                buffer = rest
            if not _whole_record(head, size):
                return good_end, records
            records += 1
            good_end += used


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
