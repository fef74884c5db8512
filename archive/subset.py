"""write_subset(): a filtered copy of an archive, holding exactly the chosen records, byte for byte.

Each chosen response or revisit record is copied as its gzip member, unchanged (ids, dates and digests stay
valid), followed by the request record the writer put right after it. The warcinfo record of every source
file a record comes from is copied too, before its first record in each output file, so that every
`WARC-Warcinfo-ID` resolves; each output file starts with its own warcinfo naming the selection.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

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


def _member(fh: BinaryIO, offset: int, length: int | None = None) -> tuple[bytes, bytes]:
    """(the gzip member at `offset`, the start of its decompressed record)."""
    fh.seek(offset)
    if length is None:
        records = ArchiveIterator(fh)
        next(records)
        length = records.get_record_length()
        fh.seek(offset)
    member = fh.read(length)
    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(member, 4096)
    return member, head


def _header(head: bytes, name: bytes) -> bytes | None:
    for line in head.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def write_subset(
    source: Path,
    wanted: Iterable[Wanted],
    out_dir: Path,
    info: dict[str, str],
    max_size: int = DEFAULT_MAX_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Copy the `wanted` records of the WARC files in `source` into new files in `out_dir`; their names."""
    writer = WarcFileWriter(out_dir, info=info, max_size=max_size, hostname="export")
    chosen = sorted({w.record_id: w for w in wanted}.values(), key=lambda w: (w.warc_file, w.offset))
    infos_written: set[tuple[str, str]] = set()  # (output file, source file)
    try:
        for warc_file, group in groupby(chosen, key=lambda w: w.warc_file):
            with open(source / warc_file, "rb") as fh:
                warcinfo, _ = _member(fh, 0)
                for item in group:
                    member, head = _member(fh, item.offset, item.length)
                    if _header(head, b"WARC-Record-ID") != item.record_id.encode():
                        raise SubsetError(f"{warc_file} at offset {item.offset}: not record {item.record_id}")
                    group_members = [member]
                    request, request_head = _member(fh, item.offset + item.length) if _more(fh) else (b"", b"")
                    if (_header(request_head, b"WARC-Type") == b"request"
                            and _header(request_head, b"WARC-Concurrent-To") == item.record_id.encode()):
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
