"""What `baotinh verify` checks of the WARC files as files, beside the record of each row (crawler/commands/verify).

- `damaged()`: every closed file is walked (archive.records.walk): bytes that hold no whole record (a file cut
  short, a damaged gzip member, bytes appended after the last record) are a fault naming the file, the offset
  and how many `captures` rows point into them.
- `unindexed_files()`: a closed file whose records are not all in the database is a fault, with the command
  that puts them there.
- `left_open()`: a `.open` file no running crawl holds was left by a run that did not finish (killed, or
  forced to stop); the next crawl cuts it after its last whole record and closes it, so it is a note, naming
  the run, not a fault.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from archive.records import Member, walk, warcinfo_fields
from archive.repair import OPEN_SUFFIX, is_locked
from crawler.run.lock import RunLock


@dataclass
class FileDamage:
    """The spans of one closed WARC file that hold no whole record, and the rows that point into them."""

    name: str
    size: int
    spans: list[Member] = field(default_factory=list)
    rows_in: dict[int, list[str]] = field(default_factory=dict)  # span offset -> capture ids pointing into it
    rows_past_end: list[str] = field(default_factory=list)

    def holds(self, offset: int, capture_id: str) -> bool:
        """True when a row at `offset` points at damaged bytes or past the end (its record is lost); keeps it."""
        for span in self.spans:
            if span.offset <= offset < span.offset + span.length:
                self.rows_in.setdefault(span.offset, []).append(capture_id)
                return True
        if offset >= self.size:
            self.rows_past_end.append(capture_id)
            return True
        return False

    def faults(self) -> list[str]:
        lines = []
        past_end = self.rows_past_end
        for span in self.spans:
            rows = self.rows_in.get(span.offset, [])
            if span.offset + span.length == self.size:  # the last span: rows past the end belong to it
                rows, past_end = rows + past_end, []
            lines.append(f"{self.name} at offset {span.offset} ({span.length:,} bytes): {span.problem}{_lost(rows)}")
        if past_end:
            lines.append(f"{self.name} ends at byte {self.size:,} (cut short?){_lost(past_end)}")
        return lines


def _lost(capture_ids: list[str]) -> str:
    if not capture_ids:
        return ""
    if len(capture_ids) == 1:
        return f"; the record of captures row {capture_ids[0]} is lost"
    return f"; the records of {len(capture_ids):,} captures rows are lost (the first: {capture_ids[0]})"


def damaged(warc_dir: Path) -> dict[str, FileDamage]:
    """Every closed WARC file of `warc_dir` with the spans in it that hold no whole record (often none)."""
    return {path.name: FileDamage(path.name, path.stat().st_size, [m for m in walk(path) if m.problem is not None])
            for path in sorted(warc_dir.glob("*.warc.gz"))}


def unindexed_files(data_dir: Path, warc_dir: Path, indexed: dict[str, int], rows: list[tuple]) -> list[str]:
    """A fault for each closed WARC file whose records are not all in the database (a crawl killed before
    its rows were stored, a file copied in), with the command that puts them there."""
    holder, alive = RunLock(data_dir).holder()
    stored: dict[str, int] = {}
    for row in rows:
        stored[row[2]] = stored.get(row[2], 0) + 1
    faults = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        if path.name in indexed and stored.get(path.name, 0) >= indexed[path.name]:
            continue
        if alive and holder is not None and warcinfo_fields(path).get("run-id") == holder.run_id:
            continue  # the running crawl's: its rows are on their way
        what = "has no rows in the database" if path.name not in indexed else "has rows missing"
        fix = f"baotinh index --data-dir {data_dir}" + ("" if path.name not in indexed else " --rebuild")
        faults.append(f"{path.name}: a closed WARC file that {what}; run `{fix}`")
    return faults


def left_open(data_dir: Path, warc_dir: Path, rows_in: Counter[str]) -> list[str]:
    """A note for each `.open` file that no running crawl writes: which run left it, and what happens to it.

    `rows_in`: captures rows per file name (without `.open`), checked against the `.open` file.
    """
    holder, alive = RunLock(data_dir).holder()
    notes = []
    for path in sorted(warc_dir.glob("*" + OPEN_SUFFIX)):
        if is_locked(path):
            continue
        run = warcinfo_fields(path).get("run-id") or (holder.run_id if holder is not None and not alive else None)
        name = path.name.removesuffix(OPEN_SUFFIX)
        rows = rows_in.get(name, 0)
        notes.append(f"{path.name}: left open by run {run or '(unknown: no warcinfo record)'}, which did not "
                     "finish; repaired at the next crawl (cut after its last whole record and closed, nothing "
                     f"stored is lost)" + (f"; {rows:,} captures rows checked in it" if rows else ""))
    return notes
