"""Reading WARC files back: every response/revisit record with where it lies, or one record by offset.

Used by `baotinh index`, `export` and `verify`, and by the tests to check what the crawl wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_datetime


@dataclass
class StoredResponse:
    """A response (or revisit) record. `body` is the payload with Content-Encoding undone."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    record_id: str
    record_type: str
    warc_file: str
    offset: int
    length: int
    date: datetime
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def _to_response(record: ArcWarcRecord, warc_file: str, offset: int, length: int) -> StoredResponse:
    headers = record.rec_headers
    http = record.http_headers
    status = int(http.get_statuscode()) if http else 0
    return StoredResponse(
        url=headers.get_header("WARC-Target-URI"),
        status=status,
        headers=list(http.headers) if http else [],
        body=record.content_stream().read(),
        record_id=headers.get_header("WARC-Record-ID"),
        record_type=record.rec_type,
        warc_file=warc_file,
        offset=offset,
        length=length,
        date=iso_date_to_datetime(headers.get_header("WARC-Date")).replace(tzinfo=UTC),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
    )


def iter_responses(path: Path) -> Iterator[StoredResponse]:
    """Every response and revisit record of one WARC file, in file order."""
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            if record.rec_type not in ("response", "revisit"):
                continue
            # the body must be read before asking for offset/length: warcio reads to the record's end for those
            response = _to_response(record, path.name.removesuffix(".open"), 0, 0)
            response.offset = records.get_record_offset()
            response.length = records.get_record_length()
            yield response


def read_response(path: Path, offset: int) -> StoredResponse:
    """The record starting at `offset` in `path` (a `captures.warc_offset`)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        records = ArchiveIterator(fh)
        record = next(records)
        response = _to_response(record, path.name, offset, 0)
        response.length = records.get_record_length()
        return response
