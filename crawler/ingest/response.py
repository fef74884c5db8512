"""ArchivedResponse: one HTTP response as it was transferred, and where the archive holds it.

This value is the input of the one function that makes rows (crawler.ingest.derive). It is built in two
places, and both must give the same value for the same record (tests/test_response_value.py checks every
record of real crawls):

- from a WARC record (`from_record`, here): `baotinh index`, recovery, any re-index;
- from the live capture (crawler.extensions.ingest), from what the WARC writer has just written.

The body is the record's payload: still content-encoded when the server sent it so, transfer-encoding
removed, empty for a revisit. Nothing is decoded here: decoding is the rows' business, done once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.records import WarcRecord, read_record

_FRACTION = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]  # as received, repeated ones kept; latin-1 text of the bytes
    body: bytes  # the payload as stored: content-encoding kept, transfer-encoding removed
    fetched_at: datetime  # WARC-Date: when the request was sent
    record_id: str
    record_type: str  # "response" or "revisit" (whatever the revisit's profile)
    warc_file: str  # final name, without `.open`
    offset: int  # of the record's gzip member
    length: int  # of that member
    payload_digest: str | None
    truncated: str | None = None  # WARC-Truncated: "length", "disconnect", …
    refers_to: str | None = None  # a revisit's WARC-Refers-To
    run_id: str | None = None  # the run that wrote the file (its warcinfo `run-id`)

    def header(self, name: str) -> str | None:
        """The last value of a header, as Scrapy's `Headers.get` gives it to the spider."""
        name = name.lower()
        values = [v for k, v in self.headers if k.lower() == name]
        return values[-1] if values else None

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def mime(self) -> str | None:
        """Content-Type without parameters, lower case; None when the server sent none."""
        value = self.header("Content-Type")
        return value.split(";")[0].strip().lower() if value is not None else None


def warc_date(value: str) -> datetime:
    """A WARC-Date as an aware datetime (UTC); digits past microseconds are dropped."""
    return datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00")).astimezone(UTC)


def from_record(record: WarcRecord, run_id: str | None = None) -> ArchivedResponse:
    """The value of a response or revisit record (`run_id`: from the file's warcinfo record)."""
    return ArchivedResponse(
        url=record.header("WARC-Target-URI") or "",
        status=record.http_status,
        headers=record.http_headers,
        body=record.payload,
        fetched_at=warc_date(record.header("WARC-Date") or ""),
        record_id=record.header("WARC-Record-ID") or "",
        record_type=record.warc_type,
        warc_file=record.warc_file,
        offset=record.offset,
        length=record.length,
        payload_digest=record.header("WARC-Payload-Digest"),
        truncated=record.header("WARC-Truncated"),
        refers_to=record.header("WARC-Refers-To"),
        run_id=run_id,
    )


def read_response(path: Path, offset: int, length: int | None = None, run_id: str | None = None
                  ) -> ArchivedResponse:
    """The value of the record at `offset` of `path`; archive.records.RecordError when there is none."""
    return from_record(read_record(path, offset, length), run_id)
