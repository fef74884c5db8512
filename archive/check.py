"""check_record(): read one record where an index says it is, and check it against its own digests.

Used by `baotinh verify` (which takes the locations from the database) and by export. Knows nothing of the
database: the caller compares what it expected with the `RecordCheck` returned. Records are read with
archive.records; the block digest covers the record's content block, the payload digest its HTTP body as
stored (a revisit's names its original's body, which it does not hold, so it is not recomputed).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from archive.records import RecordError, WarcRecord, read_record_in, walk


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


def digest_matches(declared: str, data: bytes) -> bool | None:
    """Whether `data` has the digest `declared` ("sha1:BASE32", base16 too); None for an unknown algorithm."""
    algorithm, _, value = declared.partition(":")
    try:
        digest = hashlib.new(algorithm.strip().lower().replace("-", ""), data).digest()
    except ValueError:
        return None
    value = value.strip()
    return value.upper() in (base64.b32encode(digest).decode("ascii"), digest.hex().upper())


def _digest_problems(record: WarcRecord) -> list[str]:
    problems = []
    checks = [("WARC-Block-Digest", record.block)]
    if record.warc_type != "revisit":
        checks.append(("WARC-Payload-Digest", record.payload))
    for name, data in checks:
        declared = record.header(name)
        if declared and digest_matches(declared, data) is False:
            problems.append(f"{name} does not match the bytes ({declared})")
    return problems


def check_record(path: Path, offset: int) -> RecordCheck:
    """The record at `offset` of `path`, read to its end with block and payload digests checked."""
    try:
        with open(path, "rb") as fh:
            return check_record_in(fh, offset, path.name)
    except OSError as e:
        return RecordCheck(problems=[f"cannot open {path.name}: {e}"])


def check_record_in(fh: BinaryIO, offset: int, name: str = "") -> RecordCheck:
    """check_record() on an open file (verify reads many records of one file)."""
    try:
        record = read_record_in(fh, offset, None, name)
    except RecordError as e:
        return RecordCheck(problems=[f"unreadable: {e}"])
    return RecordCheck(
        record_id=record.header("WARC-Record-ID"), record_type=record.warc_type,
        url=record.header("WARC-Target-URI"), payload_digest=record.header("WARC-Payload-Digest"),
        length=record.length, refers_to=record.header("WARC-Refers-To"),
        refers_to_url=record.header("WARC-Refers-To-Target-URI"), problems=_digest_problems(record),
    )


def locate_records(paths: Iterable[Path], record_ids: set[str]) -> dict[str, tuple[str, int, int]]:
    """Where the records with `record_ids` are: {id: (file name, offset, length)}, by walking `paths`.

    For records that no index names (a killed crawl's rows that never reached the database).
    """
    found: dict[str, tuple[str, int, int]] = {}
    for path in paths:
        for member in walk(path):
            if member.record_id in record_ids:
                found[member.record_id] = (path.name, member.offset, member.length)
                if len(found) == len(record_ids):
                    return found
    return found
