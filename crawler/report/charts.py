"""The report's charts: Vega-Altair specifications rendered to static SVG by vl-convert (no browser, no network,
no script in the page). Each function takes plain rows and returns an Altair chart; `svg()` renders one.

>>> svg(coverage_chart([{"site": "baophutho", "day": "2026-11-05", "articles": 3, "failed": False}]))[:4]
'<svg'
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # the version Altair writes: "6.4"
FONT = "DejaVu Sans, Verdana, sans-serif"
FAILED = "#c0392b"
EMPTY = "#eeeeee"
WIDE = 820


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (text kept as text, so the browser can search it)."""
    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VEGA_LITE)


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)


def _configured(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(font=FONT).configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=11)


def coverage_chart(cells: list[dict[str, Any]], unit: str = "day") -> alt.TopLevelMixin:
    """Articles per site (rows) and day (columns); a day without articles is grey, a failed run a red cross.

    `cells`: one per site and day (or week, or month: `unit`), {site, day: "YYYY-MM-DD", articles, failed}."""
    days = sorted({c["day"] for c in cells})
    top = max([c["articles"] for c in cells] + [1])
    step = max(1, len(days) // 12)
    width = min(WIDE, max(240, 11 * len(days)))
    base = alt.Chart(_data(cells))
    label = {"day": "slice(datum.label, 5)", "week": "datum.label", "month": "slice(datum.label, 0, 7)"}[unit]
    x = alt.X("day:O", title=f"{unit} (Vietnam)", sort=days,
              axis=alt.Axis(values=days[::step], labelAngle=-60, labelExpr=label))
    y = alt.Y("site:N", title=None)
    tiles = base.mark_rect(stroke="white", strokeWidth=1 if len(days) <= 150 else 0).encode(
        x=x, y=y,
        color=alt.condition("datum.articles == 0", alt.value(EMPTY),
                            alt.Color("articles:Q", title="articles", scale=alt.Scale(scheme="blues", domain=[0, top]),
                                      legend=alt.Legend(format="d", values=sorted({1, top})))),
    )
    failures = base.transform_filter("datum.failed").mark_point(shape="cross", filled=True, size=70,
                                                                color=FAILED).encode(x=x, y=y)
    return _configured(alt.layer(tiles, failures).properties(width=width, height={"step": 18}))


def run_health_chart(rows: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """Small multiples, one row a measure, one bar a run: {run, measure, value} with `run` a label in order."""
    runs = list(dict.fromkeys(r["run"] for r in rows))
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    width = min(WIDE, max(240, 36 * len(runs)))
    return _configured(
        alt.Chart(_data(rows)).mark_bar(color="#2f6f9f").encode(
            x=alt.X("run:O", title="run (start, Vietnam)", sort=runs, axis=alt.Axis(labelAngle=-60)),
            y=alt.Y("value:Q", title=None),
        ).properties(width=width, height=70).facet(
            row=alt.Row("measure:N", title=None, sort=measures, header=alt.Header(labelAngle=0, labelAlign="left")),
        ).resolve_scale(y="independent")
    )


def errors_chart(rows: list[dict[str, Any]], runs: list[str]) -> alt.TopLevelMixin:
    """Errors per run, stacked by reason: {run, reason, count}."""
    width = min(WIDE, max(240, 36 * len(runs)))
    return _configured(
        alt.Chart(_data(rows)).mark_bar().encode(
            x=alt.X("run:O", title="run (start, Vietnam)", sort=runs, axis=alt.Axis(labelAngle=-60),
                    scale=alt.Scale(domain=runs)),
            y=alt.Y("sum(count):Q", title="errors"),
            color=alt.Color("reason:N", title="reason", scale=alt.Scale(scheme="tableau10")),
        ).properties(width=width, height=140)
    )


def shares_chart(rows: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """Per site, the share of articles with each thing: {site, measure, share} with share in 0..1."""
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    return _configured(
        alt.Chart(_data(rows)).mark_bar(color="#3b8b5a").encode(
            x=alt.X("share:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", tickCount=2)),
            y=alt.Y("site:N", title=None),
        ).properties(width=150, height={"step": 18}).facet(
            column=alt.Column("measure:N", title=None, sort=measures),
        )
    )


def page_kinds_chart(rows: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """HTML pages fetched per site, split into articles and listings: {site, kind, pages}."""
    return _configured(
        alt.Chart(_data(rows)).mark_bar().encode(
            x=alt.X("sum(pages):Q", title="HTML pages (2xx)"),
            y=alt.Y("site:N", title=None),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["articles", "listings"],
                                                                  range=["#2f6f9f", "#b0c4d8"])),
        ).properties(width=400, height={"step": 18})
    )


def units_chart(rows: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """The most frequent units of each site's figures: {site, unit, figures}."""
    return _configured(
        alt.Chart(_data(rows)).mark_bar(color="#8a6d3b").encode(
            x=alt.X("figures:Q", title="figures"),
            y=alt.Y("unit:N", title=None, sort="-x"),
        ).properties(width=180, height={"step": 16}).facet(
            column=alt.Column("site:N", title=None),
        ).resolve_scale(y="independent")
    )


def archive_chart(rows: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """WARC bytes per Vietnamese month of fetch, stacked by site: {month: "YYYY-MM", site, megabytes}."""
    months = sorted({r["month"] for r in rows})
    return _configured(
        alt.Chart(_data(rows)).mark_bar().encode(
            x=alt.X("month:O", title="month of fetch (Vietnam)", sort=months, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(megabytes):Q", title="MB in WARC files"),
            color=alt.Color("site:N", title="site", scale=alt.Scale(scheme="tableau10")),
        ).properties(width=min(WIDE, max(200, 60 * len(months))), height=160)
    )
