"""How `baotinh export` puts a package on disk: never half-written, whole WARC records only, progress lines.

- `staged()`: the package is written into a hidden folder beside the one asked for and renamed to it at the
  end; whatever fails on the way (a damaged file, a full disk, Ctrl-C), the folder is removed, so a folder
  by the asked-for name is always a whole package.
- `copy_files()`: every closed WARC file copied as it is, or, when it is damaged, as its whole records only
  (archive.subset.copy_whole_records), said in one line per file; `Damaged` counts what was left out.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crawler.commands.common import size_text


class Progress:
    """`export: copying WARC records 45% (1.2 GB of 2.6 GB)`, at most every `interval` seconds."""

    def __init__(self, label: str, total: int, interval: float = 2.0) -> None:
        self.label, self.total, self.done, self.interval = label, total, 0, interval
        self.last = time.monotonic()

    def __call__(self, nbytes: int) -> None:
        self.done += nbytes
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            share = 100 * self.done / self.total if self.total else 100
            print(f"export: {self.label} {share:.0f}% ({size_text(self.done)} of {size_text(self.total)})",
                  file=sys.stderr)


def say(message: str) -> None:
    print(f"export: {message}", file=sys.stderr)


@dataclass
class Damaged:
    """What was left out of a package because its WARC bytes are damaged, for one line at the end."""

    unit: str  # what is counted: "record" (a filtered copy) or "span" (bytes of a file copied whole)
    count: int = 0
    files: set[str] = field(default_factory=set)
    first: str = ""

    def add(self, warc_file: str, offset: int, problem: str, count: int = 1) -> None:
        self.count += count
        self.files.add(warc_file)
        self.first = self.first or f"{warc_file} at offset {offset}: {problem}"

    def line(self) -> str:
        what = f"{self.count:,} damaged {self.unit}{'s' if self.count > 1 else ''}"
        return (f"{what} in {len(self.files)} WARC file(s) left out (the first: {self.first}); the package holds "
                "whole records only; `baotinh verify` names every damaged span")


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A folder beside `out` to write into, renamed to `out` at the end; removed if anything fails, so that
    no half-written package is ever left where the user looks for one."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield stage
        if out.is_dir():
            out.rmdir()  # new_folder() let only an empty one through
        stage.rename(out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def copy_files(warc_dir: Path, out_warc: Path, damaged: Damaged) -> None:
    """Every closed WARC file, copied whole; a damaged one as its whole records only (archive.subset)."""
    from archive.subset import copy_whole_records

    sources = sorted(warc_dir.glob("*.warc.gz"))
    progress = Progress("copying WARC files", sum(p.stat().st_size for p in sources))
    for source in sources:
        for span in copy_whole_records(source, out_warc / source.name, progress):
            damaged.add(source.name, span.offset, span.problem or "")
