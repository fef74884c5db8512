"""`baotinh report` of a real crawl (the fixture sites, one of them down), opened in a real headless Chromium:
the charts are in the DOM with the marks the data calls for, and the page writes nothing to the console."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from crawler.demo.server import SiteServer
from tests import browser
from tests.conftest import SITES, run_baotinh, sql

SECTIONS = ("coverage", "health", "extraction", "figures", "archive")


@dataclass
class Report:
    data: Path
    html: Path
    page: browser.Page
    tree: lxml.html.HtmlElement


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    browser.chromium()  # skip at once when there is none
    data = tmp_path_factory.mktemp("report") / "data"
    with SiteServer(SITES / "news") as news, SiteServer(SITES / "down", host="127.0.0.2") as down:
        urls = [a for s in (news, down) for a in ("--start-url", s.base_url + "/")]
        first = run_baotinh("crawl", *urls, "--data-dir", str(data))
        assert first.returncode == 1, first.stderr[-3000:]  # the down site failed, the news site did not
        run_baotinh("crawl", "--start-url", news.base_url + "/", "--data-dir", str(data), check=True)
    html = data.parent / "report.html"
    result = run_baotinh("report", "--data-dir", str(data), "--out", str(html), check=True)
    assert result.stderr.strip().startswith(f"report: {html}")
    page = browser.load(html)
    return Report(data, html, page, lxml.html.fromstring(page.dom))


def marks(figure: lxml.html.HtmlElement, kind: str) -> list[lxml.html.HtmlElement]:
    """The drawn marks of one kind (`rect`, `symbol`) in a Vega SVG."""
    return figure.xpath(f".//*[local-name()='g'][contains(concat(' ', @class, ' '), ' mark-{kind} ')]"
                        "[contains(concat(' ', @class, ' '), ' role-mark ')]/*[local-name()='path']")


def test_the_page_writes_nothing_to_the_console(report: Report) -> None:
    assert report.page.console == []


def test_every_section_is_there_with_its_charts(report: Report) -> None:
    for section in SECTIONS:
        assert report.tree.xpath(f"//section[@id='{section}']/h2"), section
    charts = report.tree.xpath("//figure[contains(@class, 'chart')]")
    assert len(charts) >= 6
    for chart in charts:
        svg = chart.xpath("./*[local-name()='svg']")
        assert svg and marks(chart, "rect") + marks(chart, "symbol"), chart.get("id")


def test_coverage_marks_the_failed_site_and_every_day(report: Report) -> None:
    chart = report.tree.xpath("//section[@id='coverage']/figure")[0]
    failures = sql(report.data, "SELECT count(DISTINCT (s.key, CAST(vn_time(started_at) AS DATE))) "
                   "FROM runs, json_each(stats -> 'sites') s WHERE s.value ->> 'status' = 'failed'")[0][0]
    assert failures == 1
    assert len(marks(chart, "symbol")) == failures
    sites = sql(report.data, "SELECT count(*) FROM sites")[0][0]
    assert len(marks(chart, "rect")) % sites == 0 and len(marks(chart, "rect")) >= sites


def test_crawl_health_has_a_bar_per_run_and_measure_and_the_errors(report: Report) -> None:
    health = report.tree.xpath("//section[@id='health']/figure")
    runs = sql(report.data, "SELECT count(*) FROM runs")[0][0]
    assert runs == 2 and len(marks(health[0], "rect")) == 4 * runs
    reasons = report.tree.xpath("//section[@id='health']/figure[2]//*[local-name()='text']/text()")
    assert "http_500" in reasons


def test_the_facts_are_the_database_s(report: Report) -> None:
    articles = sql(report.data, "SELECT count(*) FROM latest_articles")[0][0]
    facts = {" ".join(span.text_content().split()[1:]): span.xpath("./b")[0].text
             for span in report.tree.xpath("//div[@class='facts']/span")}
    assert articles > 0 and facts["articles"] == f"{articles:,}"
    money = sql(report.data, "SELECT max(scaled_value) FROM figures WHERE kind = 'money' AND base_unit = 'đồng'")[0][0]
    amounts = [float(td.get("data-v")) for td in report.tree.xpath("//section[@id='figures']//td[@data-v]")]
    assert money is not None and max(amounts) == money


def test_the_page_loads_nothing(report: Report) -> None:
    assert report.page.requests == []
    assert not report.tree.xpath("//script[@src] | //link | //img | //iframe | //object")


def test_the_console_check_sees_errors_and_outside_loads(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><img src="http://example.invalid/x.png"><script>nosuchfunction()</script>')
    loaded = browser.load(page)
    assert any("nosuchfunction" in line for line in loaded.console)
    assert loaded.requests == ["http://example.invalid/x.png"]
