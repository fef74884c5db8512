"""Copies of WARC files that hold whole records only, byte for byte.

- `write_subset()`: a filtered copy of an archive, holding exactly the chosen records. Each chosen response or
  revisit record is copied as its gzip member, unchanged (ids, dates and digests stay valid), followed by the
  request record the writer put right after it. The warcinfo record of every source file a record comes
  from is copied too, before its first record in each output file, so that every `WARC-Warcinfo-ID`
  resolves; each output file starts with its own warcinfo naming the selection. A chosen record that is
  damaged is left out and named to `on_damaged` (SubsetError without one).
- `copy_whole_records()`: one file copied member by member, leaving out what holds no whole record (a
  damaged gzip member, a cut-short end, bytes appended after the last record); a whole file comes out the
  same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

from archive.records import Member, field, member_at, walk
from archive.writer import DEFAULT_MAX_SIZE, WarcFileWriter


class SubsetError(ValueError):
    """A chosen record is not where its location says."""


@dataclass(frozen=True)
class Wanted:
    """A record to copy: where it lies and the WARC-Record-ID expected there."""

    warc_file: str
    offset: int
    length: int
    record_id: str


def write_subset(
    source: Path,
    wanted: Iterable[Wanted],
    out_dir: Path,
    info: dict[str, str],
    max_size: int = DEFAULT_MAX_SIZE,
    progress: Callable[[int], None] | None = None,
    on_damaged: Callable[[Wanted, str], None] | None = None,
) -> list[str]:
    """Copy the `wanted` records of the WARC files in `source` into new files in `out_dir`; their names.

    A wanted record that is not whole where it should be is passed to `on_damaged` with what is wrong, and
    left out; without `on_damaged`, SubsetError.
    """
    writer = WarcFileWriter(out_dir, info=info, max_size=max_size, hostname="export")
    chosen = sorted({w.record_id: w for w in wanted}.values(), key=lambda w: (w.warc_file, w.offset))
    infos_written: set[tuple[str, str]] = set()  # (output file, source file)
    try:
        for warc_file, group in groupby(chosen, key=lambda w: w.warc_file):
            with open(source / warc_file, "rb") as fh:
                warcinfo, _ = member_at(fh, 0)
                for item in group:
                    member, found = member_at(fh, item.offset, item.length)
                    if found.problem is not None or found.record_id != item.record_id:
                        problem = found.problem or f"another record ({found.record_id})"
                        if on_damaged is None:
                            raise SubsetError(f"{warc_file} at offset {item.offset}: not record {item.record_id}"
                                              f" ({problem})")
                        on_damaged(item, problem)
                        continue
                    group_members = [member]
                    request, after = member_at(fh, item.offset + item.length) if _more(fh) else (b"", None)
                    if (after is not None and after.problem is None and after.warc_type == "request"
                            and field(after.headers, "WARC-Concurrent-To") == item.record_id):
                        group_members.append(request)
                    target = writer.room()
                    if (target, warc_file) not in infos_written:
                        group_members.insert(0, warcinfo)
                        infos_written.add((target, warc_file))
                    writer.append_members(group_members)
                    if progress:
                        progress(sum(len(m) for m in group_members))
    finally:
        writer.close()
    return writer.files_closed


def _more(fh: BinaryIO) -> bool:
    """True unless the file position is at the end (the last record of a file has no request after it)."""
    position = fh.tell()
    more = bool(fh.read(1))
    fh.seek(position)
    return more


def copy_whole_records(source: Path, target: Path, progress: Callable[[int], None] | None = None) -> list[Member]:
    """Copy the whole records of `source` to `target`, in order; the spans left out (none for a whole file)."""
    left_out = []
    with open(source, "rb") as src, open(target, "wb") as dst:
        for member in walk(source):
            if member.problem is not None:
                left_out.append(member)
            else:
                src.seek(member.offset)
                dst.write(src.read(member.length))
            if progress:
                progress(member.length)
    return left_out
