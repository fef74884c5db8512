"""The report's sections: ReportData turned into charts (SVG) and tables, in the order the page shows them.

A section is a title, a sentence saying what it shows, and blocks: a chart, a table or a note. Nothing
here writes HTML beyond what the page's helpers give; crawler.report.page lays the sections out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crawler.commands.common import size_text as size
from crawler.report import charts
from crawler.report.data import ReportData, error_reasons

WINDOW_DAYS = 60  # the coverage map's days when --since is not given
WEEKS_BEYOND = 120  # a longer span is drawn by week,
MONTHS_BEYOND = 730  # and one over two years by month


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)  # right-aligned, sorted as numbers


@dataclass
class Section:
    id: str
    title: str
    about: str
    blocks: list[tuple[str, Any]] = field(default_factory=list)  # ("chart", svg) | ("table", Table) | ("note", str)


def run_label(started: Any, seen: set[str]) -> str:
    """A run's start as a short axis label, with seconds (and then a count) when two runs share a minute."""
    label = f"{started:%m-%d %H:%M}"
    if label in seen:
        label = f"{started:%m-%d %H:%M:%S}"
    base, n = label, 1
    while label in seen:
        n += 1
        label = f"{base} ({n})"
    seen.add(label)
    return label


def _window(data: ReportData) -> tuple[date, date] | None:
    days = [r["day"] for r in data.coverage] + [r["day"] for r in data.site_runs]
    if not days:
        return None
    end = max(days)
    return data.since or end - timedelta(days=WINDOW_DAYS - 1), end


def coverage(data: ReportData) -> Section:
    section = Section("coverage", "Coverage", "Articles per site and day of publication (Vietnam); a grey day had "
                      "none, a red cross marks a day a run failed for the site.")
    window = _window(data)
    sites = sorted({s["site"] for s in data.sites} | {r["site"] for r in data.coverage})
    if window is None or not sites:
        section.blocks.append(("note", "No articles and no runs yet."))
        return section
    start, end = window
    span = (end - start).days + 1
    unit = "day" if span <= WEEKS_BEYOND else "week" if span <= MONTHS_BEYOND else "month"

    def bucket(day: date) -> date:
        if unit == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if unit == "month" else day

    counts: dict[tuple[str, date], int] = defaultdict(int)
    before = 0
    for r in data.coverage:
        if r["day"] < start:
            before += r["articles"]
        elif r["day"] <= end:
            counts[(r["site"], bucket(r["day"]))] += r["articles"]
    failed = {(r["site"], bucket(r["day"])) for r in data.site_runs if r["status"] == "failed"}
    buckets = sorted({bucket(start + timedelta(days=i)) for i in range((end - start).days + 1)})
    cells = [{"site": s, "day": b.isoformat(), "articles": counts[(s, b)], "failed": (s, b) in failed}
             for s in sites for b in buckets]
    section.blocks.append(("chart", charts.svg(charts.coverage_chart(cells, unit))))
    notes = [f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" + {"day": "", "week": ", one column a week (from Monday)",
                                                        "month": ", one column a month"}[unit]]
    if before:
        notes.append(f"{before:,} article(s) published before {start:%Y-%m-%d} are left out (--since shows them)")
    section.blocks.append(("note", "; ".join(notes) + "."))
    last: dict[str, dict[str, Any]] = {}
    for r in data.site_runs:
        last[r["site"]] = r
    rows = []
    for site in sites:
        r = last.get(site)
        if r is None:
            rows.append([site, "-", "-", "no run recorded", 0, 0, 0, ""])
            continue
        status = r["status"] or "?"
        if status == "failed":
            status = f"failed: {r['reason'] or '?'}"
        reasons = error_reasons([r])
        rows.append([site, f"{r['started_vn']:%Y-%m-%d %H:%M}", r["run_id"], status, r["pages"], r["articles"],
                     r["errors"], ", ".join(f"{e['reason']} ×{e['count']}" for e in reasons)])
    section.blocks.append(("table", Table(["site", "last run (Vietnam)", "run", "status", "pages", "articles",
                                           "errors", "error reasons"], rows, {4, 5, 6})))
    return section


def crawl_health(data: ReportData) -> Section:
    section = Section("health", "Crawl health", "Per run: pages fetched, WARC bytes written, 304 Not Modified answers "
                      "to conditional requests, revisit records (unchanged bodies stored without their bytes), "
                      "and errors by reason.")
    if not data.runs:
        section.blocks.append(("note", "No runs yet."))
        return section
    seen: set[str] = set()
    labels = {r["run_id"]: run_label(r["started_vn"], seen) for r in data.runs}
    measures = (("pages fetched", "pages", 1), ("KB written to WARC", "bytes", 1000),
                ("304 Not Modified", "not_modified", 1), ("revisit records", "revisits", 1))
    rows = [{"run": labels[r["run_id"]], "measure": name, "value": round(r[key] / scale, 1)}
            for r in data.runs for name, key, scale in measures]
    section.blocks.append(("chart", charts.svg(charts.run_health_chart(rows))))
    errors = [{"run": labels[e["run_id"]], "reason": e["reason"], "count": e["count"]}
              for e in data.error_reasons() if e["run_id"] in labels]
    if errors:
        section.blocks.append(("chart", charts.svg(charts.errors_chart(errors, list(labels.values())))))
    else:
        section.blocks.append(("note", "No fetch errors in these runs."))
    table = [[labels[r["run_id"]], r["run_id"], r["command"], r["status"], r["seconds"], r["pages"],
              size(r["bytes"]), r["not_modified"], r["revisits"]] for r in reversed(data.runs)]
    section.blocks.append(("table", Table(["start (Vietnam)", "run", "command", "status", "seconds", "pages",
                                           "WARC bytes", "304s", "revisits"], table, {4, 5, 7, 8})))
    return section


def extraction(data: ReportData) -> Section:
    section = Section("extraction", "Extraction", "Per site, the share of articles with an author, a publication "
                      "time to the minute, photos and figures; and how the HTML pages fetched divide into articles "
                      "and listings (home, categories, tags).")
    measured = [r for r in data.extraction if r["articles"]]
    if measured:
        rows = [{"site": r["site"], "measure": name, "share": r[key] / r["articles"]} for r in measured
                for name, key in (("author", "with_author"), ("time to the minute", "with_time"),
                                  ("photos", "with_images"), ("figures", "with_figures"))]
        section.blocks.append(("chart", charts.svg(charts.shares_chart(rows))))
    pages = [{"site": r["site"], "kind": kind, "pages": n} for r in data.extraction if r["html_pages"]
             for kind, n in (("articles", r["article_pages"]), ("listings", r["html_pages"] - r["article_pages"]))]
    if pages:
        section.blocks.append(("chart", charts.svg(charts.page_kinds_chart(pages))))
    if not measured and not pages:
        section.blocks.append(("note", "No pages extracted yet."))
    return section


def figures(data: ReportData) -> Section:
    section = Section("figures", "Figures", "The largest sums of money the articles give (đồng and USD apart, as "
                      "written and scaled) and the most frequent units of each site's numbers.")
    if data.money:
        rows = [[r["currency"], r["amount"], r["as_written"], r["site"], f"{r['day']:%Y-%m-%d}" if r["day"] else "",
                 ("link", r["title"] or r["url"], r["url"])] for r in data.money]
        section.blocks.append(("table", Table(["currency", "amount", "as written", "site", "day", "article"],
                                              rows, {1})))
    if data.units:
        section.blocks.append(("chart", charts.svg(charts.units_chart(data.units))))
    if not data.money and not data.units:
        section.blocks.append(("note", "No figures yet."))
    return section


def archive(data: ReportData) -> Section:
    total = sum(f.bytes for f in data.files_on_disk)
    section = Section("archive", "Archive", f"{len(data.files_on_disk):,} WARC file(s), {size(total)} in "
                      f"{data.data_dir / 'warc'}; bytes per site and month of fetch (each record as stored).")
    if data.archive_months:
        rows = [{"month": f"{r['month']:%Y-%m}", "site": r["site"], "megabytes": r["bytes"] / 1e6}
                for r in data.archive_months]
        section.blocks.append(("chart", charts.svg(charts.archive_chart(rows))))
    held = {r["warc_file"]: r for r in data.warc_files}
    rows = []
    for f in data.files_on_disk:
        r = held.get(f.name.removesuffix(".open"), {})
        if data.site and not r:
            continue  # holds none of the site's captures
        state = ("being written, or left by a killed crawl" if f.open else
                 "all rows stored" if r.get("complete") else
                 "rows missing: `baotinh index` reads it" if r else "no rows (another site, or not indexed)")
        rows.append([f.name, f.bytes, size(f.bytes), r.get("captures", 0), r.get("revisits", 0), state])
    if rows:
        section.blocks.append(("table", Table(["WARC file", "bytes", "size", "captures", "revisits", "state"],
                                              rows, {1, 3, 4})))
    else:
        section.blocks.append(("note", "No WARC files yet."))
    return section


def all_sections(data: ReportData) -> list[Section]:
    return [coverage(data), crawl_health(data), extraction(data), figures(data), archive(data)]
