"""CDXJ: the sorted index replay tools (pywb, ReplayWeb.page) read to find a URL's records in WARC files.

One line per response or revisit record, `SURT-KEY TIMESTAMP {json}`, the JSON holding url, mime, status,
digest, length, offset and filename, as cdxj-indexer writes them (the tests compare the two). Lines sort as
bytes (`LC_ALL=C sort`), which is what a binary search over the file needs. The records are found by
archive.records.walk: zlib alone, no record read twice.

>>> lines = index_warcs([Path("warc/baotinh-20260312021400123-00000-vm.warc.gz")])   # doctest: +SKIP
>>> lines[0]                                                                          # doctest: +SKIP
'vn,baophutho)/ 20260312021400 {"url": "https://baophutho.vn/", "mime": "text/html", "status": "200", …}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.records import field, walk
from archive.surt import surt_key

INDEXED_TYPES = ("response", "revisit")


def _timestamp(warc_date: str) -> str:
    # 2026-03-12T02:14:00.123456Z -> 20260312021400
    return "".join(c for c in warc_date[:19] if c.isdigit())


def cdxj_lines(path: Path, filename: str | None = None) -> Iterator[str]:
    """The CDXJ lines of one WARC file, in file order; `filename` is the name written into them."""
    name = filename or path.name
    for member in walk(path):
        if member.problem is not None or member.warc_type not in INDEXED_TYPES:
            continue
        url = member.target_uri or ""
        fields: dict[str, str] = {"url": url}
        content_type = field(member.http_headers, "Content-Type")
        if member.warc_type == "revisit":
            fields["mime"] = "warc/revisit"
        elif content_type:
            fields["mime"] = content_type.split(";")[0].strip()
        if member.http_status is not None:
            fields["status"] = str(member.http_status)
        digest = field(member.headers, "WARC-Payload-Digest")
        if digest:
            fields["digest"] = digest
        fields["length"] = str(member.length)
        fields["offset"] = str(member.offset)
        fields["filename"] = name
        yield f"{surt_key(url)} {_timestamp(field(member.headers, 'WARC-Date') or '')} {json.dumps(fields)}"


def index_warcs(paths: Iterable[Path]) -> list[str]:
    """Sorted CDXJ lines of all `paths` (filenames relative to the folder they share)."""
    lines = [line for path in paths for line in cdxj_lines(path)]
    lines.sort()  # keys and JSON are ASCII (json.dumps escapes the rest): str order is byte order
    return lines


def write_cdxj(paths: Iterable[Path], out: Path) -> int:
    """Write the sorted index of `paths` to `out`; returns the number of lines."""
    lines = index_warcs(paths)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="ascii", newline="\n") as fh:
        fh.writelines(line + "\n" for line in lines)
    return len(lines)
