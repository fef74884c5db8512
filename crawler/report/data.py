"""What `baotinh report` shows, read from the database read-only: one query of `queries/report/` a section.

Every query takes the named parameters `$site` and `$since` (a Vietnamese day); days and months are
Vietnamese dates, times Vietnamese wall-clock time, as in the rest of the schema. The WARC files' sizes come
from the data directory itself (a file still being written included).

>>> data = read_report(Path("data"), site=None, since=None)      # doctest: +SKIP
>>> data.coverage[0]                                             # doctest: +SKIP
{'site': 'baophutho', 'day': datetime.date(2026, 11, 5), 'articles': 3}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from pipelines.database.store import Store, StoreBusy

DB_NAME = "baotinh.duckdb"
QUERIES = ("sites", "coverage", "site_runs", "runs", "extraction", "money", "units", "archive_months", "warc_files")
PARAMETER = re.compile(r"\$(\w+)")
HOLDER = re.compile(r"Conflicting lock is held in (\S+) \(PID (\d+)\)")
WAIT = 3.0  # seconds: a crawl holds the file for a batch at a time, well under a second


class DatabaseHeld(Exception):
    """Another process has the database open for writing: it cannot be read at all meanwhile."""


@dataclass
class WarcFile:
    name: str
    bytes: int
    open: bool  # still named .open: a crawl writes it, or a killed crawl left it


@dataclass
class ReportData:
    data_dir: Path
    site: str | None
    since: date | None
    generated_vn: datetime
    sites: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    site_runs: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    extraction: list[dict[str, Any]] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    archive_months: list[dict[str, Any]] = field(default_factory=list)
    warc_files: list[dict[str, Any]] = field(default_factory=list)
    files_on_disk: list[WarcFile] = field(default_factory=list)

    def error_reasons(self) -> list[dict[str, Any]]:
        return error_reasons(self.site_runs)


def error_reasons(site_runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """{run_id, site, reason, count} rows from each site's `error_reasons` in each run."""
    rows = []
    for r in site_runs:
        reasons = r.get("error_reasons")
        for reason, count in (json.loads(reasons) if isinstance(reasons, str) else reasons or {}).items():
            rows.append({"run_id": r["run_id"], "site": r["site"], "reason": reason, "count": int(count)})
    return rows


def query_text(name: str) -> str:
    return (resources.files("queries") / "report" / f"{name}.sql").read_text(encoding="utf-8")


def rows_of(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    sql = query_text(name)
    cursor = con.execute(sql, {k: params[k] for k in set(PARAMETER.findall(sql))})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def held_by(error: BaseException) -> str:
    """'pid 4242, /usr/bin/python3' from DuckDB's lock error, or '' when it does not say."""
    cause = error.__cause__ or error
    match = HOLDER.search(str(cause))
    return f"pid {match[2]}, {match[1]}" if match else ""


def known_sites(data_dir: Path) -> list[str]:
    try:
        with Store(Path(data_dir) / DB_NAME).connect(read_only=True, wait=WAIT) as con:
            return [r["site"] for r in rows_of(con, "sites", {"site": None})]
    except StoreBusy as e:
        raise DatabaseHeld(held_by(e)) from e


def read_report(data_dir: Path, *, site: str | None, since: date | None, now: datetime) -> ReportData:
    """Everything the report shows. Raises DatabaseHeld when another process holds the file."""
    data = ReportData(Path(data_dir), site, since, now)
    params = {"site": site, "since": since}
    try:
        with Store(data.data_dir / DB_NAME).connect(read_only=True, wait=WAIT) as con:
            for name in QUERIES:
                setattr(data, name, rows_of(con, name, params))
    except StoreBusy as e:
        raise DatabaseHeld(held_by(e)) from e
    warc_dir = data.data_dir / "warc"
    for path in sorted(warc_dir.glob("*.warc.gz*")) if warc_dir.is_dir() else []:
        if path.name.endswith((".warc.gz", ".warc.gz.open")):
            data.files_on_disk.append(WarcFile(path.name, path.stat().st_size, path.name.endswith(".open")))
    return data
