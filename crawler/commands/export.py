"""`baotinh export`: hand archives to a researcher: WARC files, CDXJ index, WACZ, tables as Parquet, checksums.

The command chooses the captures (from DuckDB) and orchestrates; archive/ copies records and builds the
index, the WACZ and the checksums without knowing the database.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.commands.common import (
    FORMATTER,
    UsageError,
    add_data_dir,
    existing_data_dir,
    open_database,
)
from crawler.commands.export_package import Damaged, Progress, copy_files, say, staged

if TYPE_CHECKING:
    import duckdb

EXIT_DAMAGED = EXIT_FAILED = 1  # written without the damaged WARC bytes of the selection / not written
VIETNAM = timezone(timedelta(hours=7))  # dates given without a zone are days in Vietnam
DB_NAME = "baotinh.duckdb"
TEMPLATES_DIR = "templates"  # crawler.ingest.template_store (not imported: the command loads light)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export", help="package WARC files, index, WACZ and tables for a researcher", formatter_class=FORMATTER,
        description="Write what a researcher needs into a new folder: the WARC files (or a filtered copy holding "
        "exactly the captures selected, with the originals of their revisits), a sorted CDXJ index, a WACZ "
        "bundle for ReplayWeb.page and pywb, the tables as Parquet, SHA256SUMS and a README on how to replay "
        "them. Dates are days in Vietnam (UTC+7), both ends included, compared with when a page was fetched.",
        epilog="examples:\n  baotinh export --out /srv/share/baotinh-2026-03\n"
        "  baotinh export --out out/baophutho-q1 --site baophutho --since 2026-01-01 --until 2026-03-31\n"
        "  baotinh export --parquet out/tables --site baonghean   # only the tables, as Parquet\n\n"
        "exit codes: 0 done, 1 done but damaged WARC bytes were left out (the package holds whole records only) "
        "or not written at all (a full disk), 2 a usage error or a damaged database. A package is written beside "
        "--out and renamed at the end: nothing half-written is ever left.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="DIR", help="a new (or empty) folder for the whole package")
    target.add_argument("--parquet", metavar="DIR", help="write only the tables, as Parquet, into DIR")
    add_data_dir(parser)
    parser.add_argument("--site", metavar="SLUG",
                        help="only this site, as the database names it (`SELECT site FROM sites`; the demo's: "
                        "baophutho, contentfarm)")
    parser.add_argument("--since", metavar="DATE",
                        help="only pages fetched on or after DATE (a day in Vietnam, YYYY-MM-DD; the fetch, not the "
                        "publication)")
    parser.add_argument("--until", metavar="DATE", help="only pages fetched on or before DATE (a day in Vietnam)")
    parser.add_argument("--no-wacz", action="store_true", help="skip the WACZ (it holds a second copy of the WARCs)")
    parser.set_defaults(func=run)


# -- selection --------------------------------------------------------------------------------------------
def parse_when(text: str | None, option: str, end: bool = False) -> datetime | None:
    """YYYY-MM-DD (a day in Vietnam; `end` gives the start of the next day) or an ISO date-time."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError as e:
        raise UsageError(f"{option} {text!r}: expected a date like 2026-03-31") from e
    day_only = len(text.strip()) == 10
    if when.tzinfo is None:
        when = when.replace(tzinfo=VIETNAM)
    return when + timedelta(days=1) if end and day_only else when


@dataclass(frozen=True)
class Selection:
    site: str | None
    since: datetime | None
    until: datetime | None  # exclusive

    @property
    def everything(self) -> bool:
        return self.site is None and self.since is None and self.until is None

    def describe(self) -> str:
        if self.everything:
            return "everything in the archive"
        parts = [f"site {self.site}"] if self.site else []
        if self.since:
            parts.append(f"fetched from {self.since:%Y-%m-%d %H:%M %z}")
        if self.until:
            parts.append(f"fetched before {self.until:%Y-%m-%d %H:%M %z}")
        return ", ".join(parts)


def select_captures(con: duckdb.DuckDBPyConnection, selection: Selection) -> list[dict]:
    query = "SELECT capture_id, url, fetched_at, warc_file, warc_offset, warc_length, revisit FROM captures"
    conditions, params = [], []
    if selection.site:
        # the site each capture was stored with (as the tables are exported), not the registry's guess
        conditions.append("site = ?")
        params.append(selection.site)
    if selection.since:
        conditions.append("fetched_at >= ?")
        params.append(selection.since)
    if selection.until:
        conditions.append("fetched_at < ?")
        params.append(selection.until)
    if conditions:
        query += " WHERE " + " AND ".join(conditions)
    cursor = con.execute(query + " ORDER BY warc_file, warc_offset", params)
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def check_site(con: duckdb.DuckDBPyConnection, site: str | None) -> None:
    if site is None:
        return
    known = [s for (s,) in con.execute(
        "SELECT site FROM sites UNION SELECT DISTINCT site FROM captures WHERE site IS NOT NULL ORDER BY 1").fetchall()]
    if site not in known:
        raise UsageError(f"--site {site!r}: no such site in the database (sites: {', '.join(known) or 'none'})")


def new_folder(option: str, out: Path) -> None:
    """The package goes into a new or empty folder: never over a file, never beside someone's files."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} {out} is a file: give a new folder")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{option} {out} is not empty: give a new folder")


# -- tables ------------------------------------------------------------------------------------------------
def export_selected_tables(db_path: Path, out_dir: Path, selection: Selection) -> list[Path]:
    """The tables of the selection as Parquet (pipelines.database.export; `until` is an excluded instant)."""
    from pipelines.database.export import export_tables

    return export_tables(db_path, out_dir, selection.site, selection.since, selection.until)


# -- the package ---------------------------------------------------------------------------------------------
def originals_of(rows: list[dict], warc_dir: Path, con: duckdb.DuckDBPyConnection,
                 damaged: Damaged) -> list[dict]:
    """Capture rows of the originals of the revisits among `rows` that `rows` do not hold already.

    A revisit whose record is damaged is taken out of `rows` and counted in `damaged`.
    """
    from archive.check import check_record, locate_records

    have = {r["capture_id"] for r in rows}
    wanted: set[str] = set()
    for row in list(rows):
        if row["revisit"]:
            found = check_record(warc_dir / row["warc_file"], row["warc_offset"])
            if found.problems and found.record_id is None:
                damaged.add(row["warc_file"], row["warc_offset"], found.problems[0])
                rows.remove(row)
                continue
            if found.refers_to is None:
                raise UsageError(f"revisit {row['capture_id']} names no original; run `baotinh verify`")
            if found.refers_to not in have:
                wanted.add(found.refers_to)
    if not wanted:
        return []
    con.execute("CREATE OR REPLACE TEMP TABLE wanted (capture_id VARCHAR)")
    con.executemany("INSERT INTO wanted VALUES (?)", [(w,) for w in sorted(wanted)])
    cursor = con.execute("SELECT capture_id, url, fetched_at, warc_file, warc_offset, warc_length, revisit "
                         "FROM captures WHERE capture_id IN (SELECT capture_id FROM wanted)")
    columns = [d[0] for d in cursor.description]
    found_rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    missing = wanted - {r["capture_id"] for r in found_rows}
    if missing:
        # a killed run's rows may never have reached the database; its records are in the files all the same
        located = locate_records(sorted(warc_dir.glob("*.warc.gz")), missing)
        found_rows += [{"capture_id": rid, "url": None, "fetched_at": None, "warc_file": name, "warc_offset": offset,
                        "warc_length": length, "revisit": False} for rid, (name, offset, length) in located.items()]
        missing -= set(located)
    if missing:
        raise UsageError(f"{len(missing)} revisit original(s) are in no WARC file, e.g. {sorted(missing)[0]}; "
                         "run `baotinh verify`")
    return found_rows


def pages(con: duckdb.DuckDBPyConnection, capture_ids: list[str]) -> list[dict[str, Any]]:
    """pages.jsonl rows: one per article among the exported captures, its ts the capture's WARC-Date."""
    con.execute("CREATE OR REPLACE TEMP TABLE exported (capture_id VARCHAR)")
    con.executemany("INSERT INTO exported VALUES (?)", [(c,) for c in capture_ids])
    rows = con.execute(
        "SELECT a.article_id, a.url, c.fetched_at, a.title, a.text, a.site, a.published_at "
        "FROM articles a JOIN captures c USING (capture_id) "
        "WHERE a.capture_id IN (SELECT capture_id FROM exported) ORDER BY c.fetched_at, a.url"
    ).fetchall()
    return [
        {"id": article_id, "url": url, "ts": _iso(fetched), "title": title, "text": text, "site": site,
         "published": _iso(published) if published else None}
        for article_id, url, fetched, title, text, site, published in rows
    ]


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_package(stage: Path, data_dir: Path, selection: Selection, rows: list[dict], originals: list[dict],
                  page_rows: list[dict[str, Any]], damaged: Damaged, *, wacz: bool) -> int:
    """Write the package into `stage`; returns the number of files in it."""
    from archive.capture import software_versions
    from archive.cdxj import index_warcs
    from archive.package import write_sha256sums, write_wacz
    from archive.subset import Wanted, write_subset
    from crawler.commands.export_readme import render_readme

    warc_dir, out_warc = data_dir / "warc", stage / "warc"
    out_warc.mkdir()
    exported = rows + originals
    if selection.everything:
        copy_files(warc_dir, out_warc, damaged)
    else:
        progress = Progress("copying WARC records", sum(r["warc_length"] for r in exported))
        info = {
            "software": software_versions(),
            "description": f"baotinh export: {selection.describe()}; records copied byte for byte from the "
                           "files named by each record's warcinfo",
        }
        write_subset(warc_dir, [Wanted(r["warc_file"], r["warc_offset"], r["warc_length"], r["capture_id"])
                                for r in exported], out_warc, info, progress=progress,
                     on_damaged=lambda w, problem: damaged.add(w.warc_file, w.offset, problem))
    warcs = sorted(out_warc.glob("*.warc.gz"))
    say(f"{len(warcs)} WARC file(s) written; indexing")
    lines = index_warcs(warcs)
    (stage / "indexes").mkdir()
    (stage / "indexes" / "index.cdxj").write_text("".join(line + "\n" for line in lines), encoding="ascii")
    if wacz:
        total = sum(w.stat().st_size for w in warcs)
        write_wacz(stage / "baotinh.wacz", warcs, lines, page_rows, title=f"baotinh: {selection.describe()}",
                   description="Vietnamese provincial news pages archived by baotinh",
                   progress=Progress("writing WACZ", total))
    export_selected_tables(data_dir / DB_NAME, stage / "tables", selection)
    if (data_dir / TEMPLATES_DIR).is_dir():  # the site templates the WARC files name: re-indexing gives the rows
        shutil.copytree(data_dir / TEMPLATES_DIR, stage / TEMPLATES_DIR)
    revisits = sum(1 for r in rows if r["revisit"])
    (stage / "README.md").write_text(
        render_readme(selection.describe(), len(rows), revisits, len(originals), len(warcs), len(page_rows),
                      wacz=wacz),
        encoding="utf-8",
    )
    files = [p for p in stage.rglob("*") if p.is_file()]
    write_sha256sums(stage, files, progress=Progress("checksums", sum(p.stat().st_size for p in files)))
    return len(files) + 1


def run(args: argparse.Namespace) -> int:
    data_dir = existing_data_dir(args.data_dir)
    selection = Selection(args.site, parse_when(args.since, "--since"), parse_when(args.until, "--until", end=True))
    if args.parquet:
        out = Path(args.parquet)
        new_folder("--parquet", out)
        with open_database(data_dir) as con:
            check_site(con, selection.site)
        try:
            with staged(out) as stage:
                written = export_selected_tables(data_dir / DB_NAME, stage, selection)
        except OSError as e:
            say(f"cannot write the tables ({e.strerror or e}); nothing was left at {out}")
            return EXIT_FAILED
        say(f"{len(written)} tables written to {out}")
        return 0

    out = Path(args.out)
    new_folder("--out", out)
    warc_dir = data_dir / "warc"
    damaged = Damaged("span" if selection.everything else "record")
    with open_database(data_dir) as con:
        check_site(con, selection.site)
        rows = select_captures(con, selection)
        in_progress = [r for r in rows if not (warc_dir / r["warc_file"]).exists()]
        if in_progress:
            # a running crawl's current file is still `.open`: its records are left for the next export
            say(f"{len(in_progress)} captures in a WARC file still being written are left out")
            rows = [r for r in rows if (warc_dir / r["warc_file"]).exists()]
        if not rows:
            raise UsageError(f"nothing to export: no captures match ({selection.describe()})")
        originals = originals_of(rows, warc_dir, con, damaged)
        page_rows = pages(con, [r["capture_id"] for r in rows + originals])
    revisits = sum(1 for r in rows if r["revisit"])
    say(f"{len(rows)} captures selected ({selection.describe()}), {revisits} revisits, "
        f"{len(originals)} originals added from outside the selection")

    try:
        with staged(out) as stage:
            files = write_package(stage, data_dir, selection, rows, originals, page_rows, damaged,
                                  wacz=not args.no_wacz)
    except OSError as e:  # a full disk, a file that cannot be read: staged() has removed what was written
        say(f"cannot write the package ({e.strerror or e}{f': {e.filename}' if e.filename else ''}); "
            f"nothing was left at {out}")
        return EXIT_FAILED
    say(f"done: {out} ({files} files; check them with `sha256sum -c SHA256SUMS`)")
    if damaged.count:
        say(damaged.line())
        return EXIT_DAMAGED
    return 0
