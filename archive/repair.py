"""repair_open_file(): make a `.open` WARC file left by a killed crawl valid and close it.

The writer puts each record in its own gzip member and flushes it whole, so a killed crawl leaves at most
one partial member at the end of its `.open` file. Repair keeps every complete member (a member whose gzip
stream ends with a correct CRC and length), cuts the file after the last one and drops the `.open` suffix.
A file with no complete record is removed. Streams in chunks: a 1 GB file is never held in memory.

    >>> result = repair_open_file(Path("data/warc/baotinh-20260312031500123-00000-h.warc.gz.open"))  # doctest: +SKIP
    >>> result.path.name, result.records, result.cut_bytes                                            # doctest: +SKIP
    ('baotinh-20260312031500123-00000-h.warc.gz', 241, 1831)
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from archive.writer import OPEN_SUFFIX

CHUNK = 1 << 20


@dataclass(frozen=True)
class RepairResult:
    path: Path | None  # the closed file, or None when nothing complete was left and the file was removed
    records: int  # complete gzip members (= WARC records) kept
    cut_bytes: int  # bytes removed from the end


def complete_length(path: Path) -> tuple[int, int]:
    """(bytes up to the end of the last complete gzip member, number of complete members)."""
    good_end = members = 0
    offset = 0  # file offset of the first byte of `data`
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with open(path, "rb") as fh:
        data = fh.read(CHUNK)
        while data:
            try:
                # bounded output: a record holding a highly compressible body must not fill memory
                decompressor.decompress(data, CHUNK)
                while decompressor.unconsumed_tail and not decompressor.eof:
                    decompressor.decompress(decompressor.unconsumed_tail, CHUNK)
            except zlib.error:
                break  # a corrupt member: nothing after it can be trusted
            if decompressor.eof:
                rest = decompressor.unused_data
                good_end, members = offset + len(data) - len(rest), members + 1
                decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                offset, data = good_end, rest or fh.read(CHUNK)
            else:
                offset, data = offset + len(data), fh.read(CHUNK)
    return good_end, members


def repair_open_file(path: Path) -> RepairResult:
    """Truncate `path` (a `NAME.warc.gz.open` file) after its last complete record and rename it to NAME."""
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"{path}: not a {OPEN_SUFFIX} file; only files a crawl left open need repair")
    size = path.stat().st_size
    good_end, members = complete_length(path)
    if members == 0:
        path.unlink()
        return RepairResult(None, 0, size)
    if good_end < size:
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
            fh.flush()
            os.fsync(fh.fileno())
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    if final.exists():
        raise FileExistsError(f"{final} exists already; move one of {final.name} and {path.name} aside")
    os.replace(path, final)
    return RepairResult(final, members, size - good_end)
