"""check_record(): read one record where an index says it is, and check it against its own digests.

Used by `baotinh verify` (which takes the locations from the database) and by export. Knows nothing of the
database: the caller compares what it expected with the `RecordCheck` returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed


@dataclass
class RecordCheck:
    """What was found at a location. `problems` is empty when the record is whole and its digests match."""

    record_id: str | None = None
    record_type: str | None = None
    url: str | None = None
    payload_digest: str | None = None
    length: int = 0
    refers_to: str | None = None  # revisit: WARC-Refers-To
    refers_to_url: str | None = None
    problems: list[str] = field(default_factory=list)


def check_record(path: Path, offset: int) -> RecordCheck:
    """The record at `offset` of `path`, read to its end with block and payload digests checked."""
    try:
        with open(path, "rb") as fh:
            return check_record_in(fh, offset)
    except OSError as e:
        return RecordCheck(problems=[f"cannot open {path.name}: {e}"])


def check_record_in(fh: BinaryIO, offset: int) -> RecordCheck:
    """check_record() on an open file (verify reads many records of one file)."""
    result = RecordCheck()
    try:
        fh.seek(offset)
        records = ArchiveIterator(fh, check_digests=True)
        record = next(records, None)
        if record is None:
            result.problems.append(f"no record at offset {offset}")
            return result
        headers = record.rec_headers
        result.record_id = headers.get_header("WARC-Record-ID")
        result.record_type = record.rec_type
        result.url = headers.get_header("WARC-Target-URI")
        result.payload_digest = headers.get_header("WARC-Payload-Digest")
        result.refers_to = headers.get_header("WARC-Refers-To")
        result.refers_to_url = headers.get_header("WARC-Refers-To-Target-URI")
        stream = record.content_stream()
        while stream.read(1 << 20):
            pass
        result.length = records.get_record_length()
        if record.digest_checker.passed is False:
            result.problems.extend(str(p) for p in record.digest_checker.problems)
    except (OSError, ArchiveLoadFailed, ValueError, EOFError) as e:
        result.problems.append(f"unreadable at offset {offset}: {type(e).__name__}: {e}")
    return result


def locate_records(paths: Iterable[Path], record_ids: set[str]) -> dict[str, tuple[str, int, int]]:
    """Where the records with `record_ids` are: {id: (file name, offset, length)}, by reading `paths` through.

    For records that no index names (a killed crawl's rows that never reached the database).
    """
    found: dict[str, tuple[str, int, int]] = {}
    for path in paths:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                if record_id in record_ids:
                    found[record_id] = (path.name, records.get_record_offset(), records.get_record_length())
                    if len(found) == len(record_ids):
                        return found
    return found
