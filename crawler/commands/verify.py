"""`baotinh verify`: every capture row leads to its WARC record, digests match, every revisit's original exists."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crawler.commands.common import FORMATTER, add_data_dir, open_database

EXIT_FAULTS = 1
SHOWN_FAULTS = 20


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", help="check that every capture row resolves to a whole WARC record", formatter_class=FORMATTER,
        description="Read the WARC record of every row of `captures`: it must be at its file and offset, carry "
        "the row's record id, URL and payload digest, and pass its own block and payload digests; every "
        "revisit's original must exist with the same digest; every closed WARC file must have its rows in the "
        "database (else `baotinh index` puts them there); no `.open` file may be left by a killed crawl. "
        "Prints a summary; exit code 1 when anything is wrong.",
        epilog="examples:\n  baotinh verify\n  baotinh verify --data-dir /srv/baotinh/data",
    )
    add_data_dir(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from archive.check import RecordCheck, check_record, check_record_in, locate_records
    from archive.repair import OPEN_SUFFIX, is_locked

    data_dir = Path(args.data_dir)
    warc_dir = data_dir / "warc"
    with open_database(data_dir) as con:
        rows = con.execute(
            "SELECT capture_id, url, warc_file, warc_offset, warc_length, payload_digest, revisit "
            "FROM captures ORDER BY warc_file, warc_offset"
        ).fetchall()
        indexed = dict(con.execute("SELECT warc_file, captures FROM warc_files").fetchall())
    faults: list[str] = unindexed_files(data_dir, warc_dir, indexed, rows)
    found: dict[str, RecordCheck] = {}
    digests: dict[str, str | None] = {}
    in_progress = revisits = 0
    last_report = time.monotonic()
    handle, handle_name = None, None
    try:
        for n, (capture_id, url, warc_file, offset, length, digest, revisit) in enumerate(rows, 1):
            path = warc_dir / warc_file
            if not path.exists():
                if is_locked(path.with_name(warc_file + OPEN_SUFFIX)):
                    in_progress += 1  # a running crawl's current file
                else:
                    faults.append(f"{capture_id}: WARC file {warc_file} is missing")
                continue
            if handle_name != warc_file:
                if handle:
                    handle.close()
                handle, handle_name = open(path, "rb"), warc_file  # noqa: SIM115 - kept across rows of one file
            check = check_record_in(handle, offset)
            found[capture_id], digests[capture_id] = check, digest
            where = f"{warc_file}@{offset}"
            expected_type = "revisit" if revisit else "response"
            faults += [f"{capture_id} ({where}): {p}" for p in check.problems]
            for label, want, got in (("record id", capture_id, check.record_id), ("URL", url, check.url),
                                     ("record type", expected_type, check.record_type),
                                     ("length", length, check.length), ("payload digest", digest,
                                                                        check.payload_digest)):
                if not check.problems and want != got:
                    faults.append(f"{capture_id} ({where}): {label} is {got!r}, the row says {want!r}")
            revisits += bool(revisit)
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
        if original is None:
            faults.append(f"{capture_id}: its original {check.refers_to} is in no WARC file")
        elif original.problems or original.record_type != "response":
            faults.append(f"{capture_id}: its original {check.refers_to} is not a whole response record")
        # a server-not-modified revisit (a 304) has no payload digest of its own: it stands for its original's
        elif (check.payload_digest is not None and original.payload_digest != check.payload_digest) \
                or original.url != check.refers_to_url:
            faults.append(f"{capture_id}: its original {check.refers_to} has another URL or payload digest")
        else:
            originals += 1
    for left in sorted(warc_dir.glob("*" + OPEN_SUFFIX)):
        if not is_locked(left):
            faults.append(f"{left.name}: left open by a killed crawl (the next crawl repairs and closes it)")

    files = len({r[2] for r in rows})
    print(f"verify: {len(rows):,} captures in {files:,} WARC files: {len(rows) - revisits - in_progress:,} "
          f"responses, {revisits:,} revisits ({originals:,} originals found), {in_progress:,} in a file still "
          f"being written; {len(faults):,} faults")
    if unindexed:
        print(f"  note: {unindexed:,} originals have no captures row (a killed run); `baotinh index` restores rows")
    for fault in faults[:SHOWN_FAULTS]:
        print(f"  FAULT {fault}")
    if len(faults) > SHOWN_FAULTS:
        print(f"  … and {len(faults) - SHOWN_FAULTS:,} more")
    return EXIT_FAULTS if faults else 0


def unindexed_files(data_dir: Path, warc_dir: Path, indexed: dict[str, int], rows: list[tuple]) -> list[str]:
    """A fault for each closed WARC file whose records are not all in the database (a crawl killed before
    its rows were stored, a file copied in), with the command that puts them there."""
    from archive.records import warcinfo_fields
    from crawler.run.lock import RunLock

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
