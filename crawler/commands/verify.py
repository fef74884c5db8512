"""`baotinh verify`: every capture row leads to its WARC record, digests match, every revisit's original exists;
the WARC files as files are crawler/commands/verify_files' to check."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from crawler.commands.common import FORMATTER, add_data_dir, open_database
from pipelines.database.damage import StoreDamaged, unreadable_table

EXIT_FAULTS = 1
SHOWN_FAULTS = 20


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", help="check that every capture row resolves to a whole WARC record", formatter_class=FORMATTER,
        description="Read the WARC record of every row of `captures`: it must be at its file and offset, carry "
        "the row's record id, URL and payload digest, and pass its own block and payload digests; every "
        "revisit's original must exist with the same digest; every closed WARC file must hold whole records "
        "only (not cut short, no damaged gzip member, nothing appended) and have its rows in the database "
        "(else `baotinh index` puts them there); the database must be readable to its last block. A `.open` "
        "file that a run which did not finish left is a note: the next crawl repairs it. Prints a summary.",
        epilog="examples:\n  baotinh verify\n  baotinh verify --data-dir /srv/baotinh/data\n\n"
        "exit codes: 0 all is well, 1 any fault (each named with its file and offset), 2 no database, or it is "
        "busy or damaged",
    )
    add_data_dir(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archive.check import RecordCheck, check_record, check_record_in, locate_records
    from archive.repair import OPEN_SUFFIX, is_locked
    from crawler.commands.verify_files import damaged, left_open, unindexed_files

    data_dir = Path(args.data_dir)
    warc_dir = data_dir / "warc"
    with open_database(data_dir) as con:
        rows = con.execute(
            "SELECT capture_id, url, warc_file, warc_offset, warc_length, payload_digest, revisit "
            "FROM captures ORDER BY warc_file, warc_offset"
        ).fetchall()
        indexed = dict(con.execute("SELECT warc_file, captures FROM warc_files").fetchall())
        problem = unreadable_table(con, data_dir / "baotinh.duckdb")
    if problem is not None:  # the rows read may be all there are, or not: a damaged database is no base
        raise StoreDamaged(data_dir / "baotinh.duckdb", problem)
    files = damaged(warc_dir)
    faults: list[str] = []
    found: dict[str, RecordCheck] = {}
    missing: Counter[str] = Counter()
    in_left_open: Counter[str] = Counter()
    lost: dict[str, str] = {}  # capture id -> the file whose damaged bytes held its record
    in_progress = revisits = 0
    last_report = time.monotonic()
    handle, handle_name = None, None
    try:
        for n, (capture_id, url, warc_file, offset, length, digest, revisit) in enumerate(rows, 1):
            path = warc_dir / warc_file
            revisits += bool(revisit)
            if not path.exists():
                path = path.with_name(warc_file + OPEN_SUFFIX)
                if not path.exists():
                    missing[warc_file] += 1
                    continue
                if is_locked(path):
                    in_progress += 1  # a running crawl's current file
                    continue
                in_left_open[warc_file] += 1  # a dead run's: its records are there all the same
            elif files[warc_file].holds(offset, capture_id):
                lost[capture_id] = warc_file  # its record is in bytes the file lost: one fault for them all
                continue
            if handle_name != path.name:
                if handle:
                    handle.close()
                handle, handle_name = open(path, "rb"), path.name  # noqa: SIM115 - kept across rows of one file
            check = check_record_in(handle, offset, warc_file)
            found[capture_id] = check
            where = f"{warc_file}@{offset}"
            expected_type = "revisit" if revisit else "response"
            faults += [f"{capture_id} ({where}): {p}" for p in check.problems]
            for label, want, got in (("record id", capture_id, check.record_id), ("URL", url, check.url),
                                     ("record type", expected_type, check.record_type),
                                     ("length", length, check.length), ("payload digest", digest,
                                                                        check.payload_digest)):
                if not check.problems and want != got:
                    faults.append(f"{capture_id} ({where}): {label} is {got!r}, the row says {want!r}")
            if time.monotonic() - last_report >= 2:
                last_report = time.monotonic()
                print(f"verify: {n:,} of {len(rows):,} captures read", file=sys.stderr)
    finally:
        if handle:
            handle.close()

    originals = unindexed = 0
    revisit_checks = {cid: c for cid, c in found.items() if c.record_type == "revisit" and not c.problems}
    # an original without a row (its run was killed before the row was stored) is looked for in the files
    elsewhere = {c.refers_to for c in revisit_checks.values() if c.refers_to and c.refers_to not in found}
    if elsewhere:
        for record_id, (name, offset, _) in locate_records(sorted(warc_dir.glob("*.warc.gz")), elsewhere).items():
            found[record_id] = check_record(warc_dir / name, offset)
            unindexed += 1
    for capture_id, check in revisit_checks.items():
        original = found.get(check.refers_to or "")
        if check.refers_to in lost:
            faults.append(f"{capture_id}: its original {check.refers_to} is in damaged bytes of "
                          f"{lost[check.refers_to]}")
        elif original is None:
            faults.append(f"{capture_id}: its original {check.refers_to} is in no WARC file")
        elif original.problems or original.record_type != "response":
            faults.append(f"{capture_id}: its original {check.refers_to} is not a whole response record")
        # a server-not-modified revisit (a 304) has no payload digest of its own: it stands for its original's
        elif (check.payload_digest is not None and original.payload_digest != check.payload_digest) \
                or original.url != check.refers_to_url:
            faults.append(f"{capture_id}: its original {check.refers_to} has another URL or payload digest")
        else:
            originals += 1
    # the files' own faults first: one line names what many rows share
    faults = ([f for damage in files.values() for f in damage.faults()]
              + [f"WARC file {name} is missing: {count:,} captures rows point at it" for name, count in missing.items()]
              + unindexed_files(data_dir, warc_dir, indexed, rows) + faults)
    notes = left_open(data_dir, warc_dir, in_left_open)

    print(f"verify: {len(rows):,} captures in {len({r[2] for r in rows}):,} WARC files: "
          f"{len(rows) - revisits - in_progress:,} responses, {revisits:,} revisits ({originals:,} originals found), "
          f"{in_progress:,} in a file still being written; {len(faults):,} faults")
    if unindexed:
        print(f"  note: {unindexed:,} originals have no captures row (a killed run); `baotinh index` restores rows")
    for note in notes:
        print(f"  note: {note}")
    for fault in faults[:SHOWN_FAULTS]:
        print(f"  FAULT {fault}")
    if len(faults) > SHOWN_FAULTS:
        print(f"  … and {len(faults) - SHOWN_FAULTS:,} more")
    return EXIT_FAULTS if faults else 0
