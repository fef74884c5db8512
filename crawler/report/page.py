"""The report as one self-contained HTML file: inline CSS, charts as inline SVG, a few lines of script that sort
a table when its heading is clicked. It loads nothing, so it works opened from disk, offline, or mailed.

>>> html = render(read_report(Path("data"), site=None, since=None, now=now))   # doctest: +SKIP
"""

from __future__ import annotations

from html import escape
from typing import Any

from crawler.report.data import ReportData
from crawler.report.sections import Section, Table, all_sections, size

CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 0 auto; max-width: 1180px; padding: 0 24px 48px;
       color: #222; background: #fff; }
header { border-bottom: 2px solid #2f6f9f; margin-bottom: 8px; }
h1 { font-size: 22px; margin: 18px 0 4px; } h2 { font-size: 18px; margin: 28px 0 4px; color: #2f6f9f; }
nav a { margin-right: 14px; color: #2f6f9f; } p.about { margin: 2px 0 10px; color: #555; font-size: 14px; }
p.note { font-size: 13px; color: #555; } .facts { font-size: 14px; margin: 6px 0 14px; }
.facts span { display: inline-block; margin-right: 18px; } .facts b { font-size: 17px; }
figure.chart { margin: 8px 0 14px; overflow-x: auto; } figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 16px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
th { background: #f3f6f9; cursor: pointer; user-select: none; } th.sorted-asc::after { content: " ▲"; }
th.sorted-desc::after { content: " ▼"; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td a { color: #2f6f9f; }
"""

# Click a heading to sort by it (numbers by data-v); a second click reverses.
SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var down = !th.classList.contains("sorted-asc");
    table.querySelectorAll("th").forEach(function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
    th.classList.add(down ? "sorted-asc" : "sorted-desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      var p = x.dataset.v !== undefined ? parseFloat(x.dataset.v) - parseFloat(y.dataset.v)
                                        : x.textContent.localeCompare(y.textContent, "vi");
      return down ? p : -p;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _cell(value: Any, numeric: bool) -> str:
    if isinstance(value, tuple) and value and value[0] == "link":
        _, text, href = value
        return f'<td><a href="{escape(href)}">{escape(str(text))}</a></td>'
    if numeric and isinstance(value, int | float):
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return f'<td class="n" data-v="{value}">{shown}</td>'
    return f"<td>{escape('' if value is None else str(value))}</td>"


def table_html(table: Table) -> str:
    head = "".join(f'<th{" class=n" if i in table.numeric else ""}>{escape(c)}</th>'
                   for i, c in enumerate(table.columns))
    body = "".join("<tr>" + "".join(_cell(v, i in table.numeric) for i, v in enumerate(row)) + "</tr>"
                   for row in table.rows)
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def section_html(section: Section) -> str:
    parts = [f'<section id="{section.id}"><h2>{escape(section.title)}</h2>',
             f'<p class="about">{escape(section.about)}</p>']
    for n, (kind, block) in enumerate(section.blocks):
        if kind == "chart":
            parts.append(f'<figure class="chart" id="{section.id}-chart-{n}">{block}</figure>')
        elif kind == "table":
            parts.append(table_html(block))
        else:
            parts.append(f'<p class="note">{escape(block)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def facts(data: ReportData) -> str:
    articles = sum(r["articles"] for r in data.extraction)
    captures = sum(r["captures"] for r in data.archive_months)
    stored = sum(f.bytes for f in data.files_on_disk)
    runs = len(data.runs)
    last = f"{data.runs[-1]['started_vn']:%Y-%m-%d %H:%M}" if data.runs else "never"
    items = [(f"{len(data.sites):,}", "sites"), (f"{articles:,}", "articles"), (f"{captures:,}", "captures"),
             (size(stored), "of WARC files"), (f"{runs:,}", "runs"), (last, "last run")]
    return '<div class="facts">' + "".join(f"<span><b>{escape(v)}</b> {escape(k)}</span>" for v, k in items) + "</div>"


def render(data: ReportData) -> str:
    sections = all_sections(data)
    scope = [f"site {data.site}" if data.site else "every site"]
    if data.since:
        scope.append(f"from {data.since:%Y-%m-%d}")
    title = f"baotinh report: {data.data_dir}"
    nav = "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in sections)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>{escape(title)}</h1>
<p class="about">{escape(", ".join(scope))}; made {data.generated_vn:%Y-%m-%d %H:%M} (Vietnam time, as every date
and time below).</p>{facts(data)}<nav>{nav}</nav></header>
{"".join(section_html(s) for s in sections)}
<script>{SCRIPT}</script>
</body></html>
"""
