"""DigestIndex: the payloads already archived, across runs, so that a repeat is written as a revisit record.

A small SQLite file beside the WARC files (`warc/digests.sqlite`) maps (URL, payload digest) to the response
record that holds the body. Scheduled crawls fetch the same listing pages, feeds and sitemaps every run; when
one comes back unchanged, the writer looks it up here and writes a revisit record pointing at the original
instead of the body again.

Keyed by URL as well as digest on purpose: a revisit then always refers to an earlier capture of the same
URL, which every replay tool resolves; identical bodies under different URLs are stored in full.

An entry is added (and committed: WAL, no fsync, ~40 µs) only after its record has been written and flushed,
so a killed crawl never leaves an entry that points past the end of a file, and keeps every entry whose
record is whole. The index is a cache of what the WARC files hold: deleting it costs only dedup, and entries
whose WARC file is gone are dropped when the index is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "digests.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS originals (
    url         TEXT NOT NULL,     -- WARC-Target-URI of the original response record
    digest      TEXT NOT NULL,     -- its WARC-Payload-Digest, "sha1:BASE32"
    record_id   TEXT NOT NULL,     -- its WARC-Record-ID
    warc_date   TEXT NOT NULL,     -- its WARC-Date, as written
    warc_file   TEXT NOT NULL,     -- file name (final, without .open)
    warc_offset INTEGER NOT NULL,  -- offset of its gzip member
    PRIMARY KEY (url, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS originals_file ON originals (warc_file, warc_offset);
"""


@dataclass(frozen=True)
class Original:
    """The response record a revisit refers to."""

    url: str
    digest: str
    record_id: str
    warc_date: str
    warc_file: str
    warc_offset: int


class DigestIndex:
    """Persistent (URL, payload digest) -> original record.

    >>> index = DigestIndex(Path("data/warc/digests.sqlite"))               # doctest: +SKIP
    >>> index.lookup("https://baophutho.vn/rss", "sha1:AYIJ4XWURS2Q…")        # doctest: +SKIP
    Original(url='https://baophutho.vn/rss', record_id='<urn:uuid:…>', …)
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, isolation_level=None)  # autocommit: each entry on its own
        # WAL + NORMAL: a commit costs no fsync; a killed process loses nothing committed
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        self._con.executescript(SCHEMA)

    def lookup(self, url: str, digest: str) -> Original | None:
        row = self._con.execute(
            "SELECT url, digest, record_id, warc_date, warc_file, warc_offset FROM originals "
            "WHERE url = ? AND digest = ?",
            (url, digest),
        ).fetchone()
        return Original(*row) if row else None

    def add(self, original: Original) -> None:
        # the first original stays: every later revisit of it points at the same, oldest record
        self._con.execute(
            "INSERT OR IGNORE INTO originals VALUES (?, ?, ?, ?, ?, ?)",
            (original.url, original.digest, original.record_id, original.warc_date, original.warc_file,
             original.warc_offset),
        )

    def forget_from(self, warc_file: str, offset: int) -> int:
        """Drop entries at or after `offset` in `warc_file` (bytes a crash repair cut off)."""
        cursor = self._con.execute(
            "DELETE FROM originals WHERE warc_file = ? AND warc_offset >= ?", (warc_file, offset)
        )
        return cursor.rowcount

    def keep_files(self, existing: Iterable[str]) -> int:
        """Drop entries whose WARC file is not among `existing` (moved away or deleted). Returns entries dropped."""
        existing = set(existing)
        files = [f for (f,) in self._con.execute("SELECT DISTINCT warc_file FROM originals") if f not in existing]
        dropped = 0
        for name in files:
            dropped += self._con.execute("DELETE FROM originals WHERE warc_file = ?", (name,)).rowcount
        return dropped

    def __len__(self) -> int:
        return self._con.execute("SELECT count(*) FROM originals").fetchone()[0]

    def close(self) -> None:
        if self._con is None:
            return
        self._con.close()
        self._con = None  # type: ignore[assignment]
