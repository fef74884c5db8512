"""What one crawl leaves for the next, in `DATA/state/`: plain files, readable while the database is not.

A researcher's DuckDB shell makes the database impossible to open at all, so the crawl keeps the little it
needs to be incremental beside it, in files only the crawl (holding the run lock) writes:

    state/crawl.lock               the run lock (crawler.run.lock)
    state/runs.jsonl               one line per run: when, status, per-site counts (`baotinh status` reads it)
    state/sites/SLUG/articles.jsonl  one line per article page archived: url, capture id, WARC file and offset
    state/sites/SLUG/validators.json ETag / Last-Modified of discovery pages and the record of their last 200
    state/sites/SLUG/absent.json   feeds and sitemaps that answered 404: since when (an error once, not every run)

`articles.jsonl` is the knowledge of "already archived": an article URL in it is not fetched again unless
`--refresh`. A line is appended (and flushed) as soon as the page is archived and judged an article, so a
killed run loses at most the page in hand; recovery (crawler.ingest.recovery) checks the lines against the WARC
files. A URL found later to redirect to an archived article adds a line of its own: the article's capture,
with the new `aliases`. Validators and absences are rewritten whole (atomically) at the end of a run: losing
them costs one full fetch, or one more error line.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from archive.space import write_all

logger = logging.getLogger(__name__)

STATE_DIR = "state"
RUNS_FILE = "runs.jsonl"
ARTICLES_FILE = "articles.jsonl"
VALIDATORS_FILE = "validators.json"
ABSENT_FILE = "absent.json"


def state_dir(data_dir: Path) -> Path:
    return Path(data_dir) / STATE_DIR


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The complete lines of a JSON-lines file; a line cut short by a killed process is skipped."""
    return (row for _, row in _jsonl_lines(path))


def _jsonl_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(offset, row) of each complete line that holds a JSON object; the rest (a line cut short by a killed
    process, and anything after it) is skipped."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, generator
    except FileNotFoundError:
        return
    with fh:
        at = 0
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if isinstance(row, dict):
                yield at, row
            at += len(line)


def cut_partial_line(path: Path) -> None:
    """Drop an unfinished last line, so the next append starts on a line of its own."""
    try:
        with open(path, "r+b") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            if size == 0:
                return
            fh.seek(max(0, size - 65536))
            tail = fh.read()
            if tail.endswith(b"\n"):
                return
            cut = tail.rfind(b"\n")
            fh.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)
    except FileNotFoundError:
        return


def append_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` whole or not at all (on a full disk the old file stays, no `.tmp` is left, and the error
    is raised)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_json_atomic(path: Path, data: object) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=0, default=str))


def write_jsonl_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


@dataclass(frozen=True)
class ArchivedArticle:
    url: str
    capture_id: str
    warc_file: str
    warc_offset: int
    run_id: str
    aliases: tuple[str, ...] = ()  # the URLs that redirected to `url`


class SiteState:
    """One site's state, opened for a run: the archived article URLs and the validators of discovery pages.

    >>> state = SiteState(Path("data/state/sites/baophutho"))           # doctest: +SKIP
    >>> state.is_archived("https://baophutho.vn/x-123456.html")         # doctest: +SKIP
    False
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.articles = 0
        self.validators: dict[str, dict[str, Any]] = {}
        self.absent: dict[str, dict[str, Any]] = {}
        # archived URL (aliases too) -> where its article's journal line starts: one int a URL, not the line
        # (a site's journal only grows; the line is read back for the rare redirect found to lead to it)
        self._line_at: dict[str, int] = {}
        self._journal: IO[bytes] | None = None
        self._load()

    @property
    def journal_path(self) -> Path:
        return self.folder / ARTICLES_FILE

    @property
    def validators_path(self) -> Path:
        return self.folder / VALIDATORS_FILE

    @property
    def absent_path(self) -> Path:
        return self.folder / ABSENT_FILE

    def _load(self) -> None:
        cut_partial_line(self.journal_path)
        for at, row in _jsonl_lines(self.journal_path):
            url = row.get("url")
            if url and url not in self._line_at:
                self.articles += 1
            for known in (url, *row.get("aliases", ())):
                if known:
                    self._line_at[known] = at
        self.validators = _read_json_object(self.validators_path, "discovery pages will be fetched in full once")
        self.absent = _read_json_object(self.absent_path, "a feed still missing counts as an error once more")

    def is_archived(self, url: str) -> bool:
        return url in self._line_at

    def _row_at(self, at: int) -> dict[str, Any] | None:
        with open(self.journal_path, "rb") as fh:
            fh.seek(at)
            try:
                row = json.loads(fh.readline())
            except ValueError:
                return None
        return row if isinstance(row, dict) else None

    def add_aliases(self, url: str, aliases: Iterable[str], run_id: str) -> list[str]:
        """Journal URLs that turned out to redirect to the archived article `url`; returns the new ones."""
        at = self._line_at.get(url)
        new = [a for a in dict.fromkeys(aliases) if a not in self._line_at and a != url]
        row = self._row_at(at) if at is not None and new else None
        if row is None or not new:
            return []
        self.record_article(ArchivedArticle(
            url=row["url"], capture_id=row["capture_id"], warc_file=row["warc_file"],
            warc_offset=row["warc_offset"], run_id=run_id, aliases=tuple(new),
        ))
        return new

    def record_article(self, article: ArchivedArticle) -> None:
        """Append one archived article page to the journal, at once. On an OSError (a full disk) the journal is
        cut back to its last whole line and the error raised: the page is then fetched again by the next run
        (a revisit: its body is archived already)."""
        if self._journal is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.journal_path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        row = {"url": article.url, "capture_id": article.capture_id, "warc_file": article.warc_file,
               "warc_offset": article.warc_offset, "run_id": article.run_id}
        if article.aliases:
            row["aliases"] = list(article.aliases)
        line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        end = self._journal.seek(0, os.SEEK_END)
        try:
            write_all(self._journal, line)
        except OSError:
            os.ftruncate(self._journal.fileno(), end)  # no half line for the next line to be glued to
            raise
        if article.url not in self._line_at:
            self.articles += 1
        for known in (article.url, *article.aliases):
            self._line_at[known] = end

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None, warc_file: str,
                            warc_offset: int, record_id: str | None = None, warc_date: str | None = None) -> None:
        """Keep what a conditional request for `url` needs, and the record holding the body they stand for."""
        entry: dict[str, Any] = {"warc_file": warc_file, "warc_offset": warc_offset}
        if record_id:
            entry["record_id"] = record_id
        if warc_date:
            entry["warc_date"] = warc_date
        if etag:
            entry["etag"] = etag
        if last_modified:
            entry["last_modified"] = last_modified
        self.validators[url] = entry

    def forget_validators(self, url: str) -> None:
        self.validators.pop(url, None)

    def mark_absent(self, url: str, status: int, run_id: str, since: str) -> None:
        self.absent[url] = {"status": status, "since": since, "run_id": run_id}

    def forget_absent(self, url: str) -> dict[str, Any] | None:
        return self.absent.pop(url, None)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self.validators or self.validators_path.exists():
            write_json_atomic(self.validators_path, self.validators)
        if self.absent or self.absent_path.exists():
            write_json_atomic(self.absent_path, self.absent)


def _read_json_object(path: Path, consequence: str) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:
        logger.warning("%s is not JSON; %s", path, consequence)
        return {}
    return data if isinstance(data, dict) else {}


def site_folder(data_dir: Path, slug: str) -> Path:
    return state_dir(data_dir) / "sites" / slug


def known_sites(data_dir: Path) -> list[str]:
    folder = state_dir(data_dir) / "sites"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def journal_entries(data_dir: Path, warc_files: set[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """capture_id -> (site slug, journal line) for the article lines pointing into `warc_files`."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for slug in known_sites(data_dir):
        for row in read_jsonl(site_folder(data_dir, slug) / ARTICLES_FILE):
            if row.get("warc_file") in warc_files and row.get("capture_id"):
                found[row["capture_id"]] = (slug, row)
    return found


def drop_journal_entries(data_dir: Path, capture_ids: set[str]) -> int:
    """Remove article lines whose record never reached the disk (power loss); returns lines removed."""
    removed = 0
    for slug in known_sites(data_dir):
        path = site_folder(data_dir, slug) / ARTICLES_FILE
        rows = list(read_jsonl(path))
        kept = [r for r in rows if r.get("capture_id") not in capture_ids]
        if len(kept) != len(rows):
            removed += len(rows) - len(kept)
            write_jsonl_atomic(path, kept)
    return removed


def append_run(data_dir: Path, row: dict[str, Any]) -> None:
    path = state_dir(data_dir) / RUNS_FILE
    cut_partial_line(path)
    append_jsonl(path, [row])


def read_runs(data_dir: Path) -> list[dict[str, Any]]:
    return list(read_jsonl(state_dir(data_dir) / RUNS_FILE))
