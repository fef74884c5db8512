"""derive(): the one function from an archived HTTP response (+ the site it belongs to) to its rows.

The live crawl (crawler.extensions.ingest), `baotinh index` and recovery (crawler.ingest.index) all call it,
in worker processes, and nothing else turns a response into rows: the database is an index of the WARC
files, the same rows every time. Pure: no Scrapy, no I/O, no state; it and everything it imports load
without Scrapy (tests/test_derive.py checks).

Every response or revisit record gives a `captures` row. A page judged an article gives its `articles`,
`images` and `figures` rows too; any other record says why not (`reason`), in this order:

    revisit            an unchanged page (any revisit profile): its article is the original capture's
    http_status        not 2xx (redirect hops, errors, a 304 archived as a response)
    not_html           a Content-Type other than HTML (feeds, sitemaps, images), or none and a non-HTML URL
    truncated          the record says the body was cut (WARC-Truncated: GUARD_MAX_BODY, a lost connection)
    decompression_bomb the Content-Encoding expands past MAX_DECODED
    bad_encoding       an unknown or broken Content-Encoding
    empty, binary      nothing to read, or NUL bytes served as text/html
    listing            a listing, home or category page (crawler.ingest.article_page)
    not_article        judged an article page, but the extractor found no article in it
    extraction_error   the extractor failed on the page (the error is the detail)

`problems` holds what was wrong but did not stop the page (`charset_mislabelled`). An article also names its
page requisites (crawler.ingest.requisites: its photos and og:image), for the crawl to archive; an image
record, like any non-HTML record, gives its capture row only. Decoding happens here
once: chunked framing left by another crawler, Content-Encoding (bounded), charset with mislabelled labels
and windows-1258, NFC (crawler.ingest.decode).
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.ingest.analysis import analyse
from crawler.ingest.article_page import is_article_page
from crawler.ingest.content_coding import ContentError, dechunk, decode_content
from crawler.ingest.decode import page_text
from crawler.ingest.requisites import page_requisites
from crawler.ingest.response import ArchivedResponse
from crawler.ingest.rows import article_rows, capture_row
from crawler.registry import Site
from pipelines.extraction.templates import SiteTemplates

HTML_TYPES = ("text/html", "application/xhtml")
# reasons and problems counted per site (`site/SLUG/REASON`) and logged: something about the page itself
PAGE_PROBLEMS = {"not_html", "truncated", "decompression_bomb", "bad_encoding", "empty", "binary",
                 "extraction_error", "charset_mislabelled"}
LOG_LEVELS = {"truncated": logging.INFO, "not_html": logging.DEBUG, "extraction_error": logging.ERROR}


@dataclass(frozen=True)
class Derived:
    """The rows of one record and what was judged."""

    rows: dict[str, list[dict[str, Any]]]
    site: str
    reason: str  # "article", or why the record holds no article (see the module's docstring)
    detail: str = ""
    problems: tuple[tuple[str, str], ...] = ()  # (problem, detail)
    requisites: tuple[str, ...] = ()  # an article's photos and og:image (crawler.ingest.requisites)

    @property
    def is_article(self) -> bool:
        return self.reason == "article"

    def log_lines(self, url: str) -> list[tuple[int, str]]:
        """(level, message) for the log: each page problem, in the crawl's words."""
        found = [*self.problems, *([(self.reason, self.detail)] if self.reason in PAGE_PROBLEMS else [])]
        return [(LOG_LEVELS.get(name, logging.WARNING), f"{self.site}: {url}: {detail}") for name, detail in found]


def derive(response: ArchivedResponse, site: Site, templates: SiteTemplates | None = None) -> Derived:
    """Every row `response` gives, and why it holds no article when it does not.

    `templates`: the site's template lines, loaded by the caller (crawler.ingest.template_store): the set
    its current.json names in a crawl, the set the WARC file's warcinfo names in `baotinh index`.
    """
    rows: dict[str, list[dict[str, Any]]] = {"captures": [capture_row(response, site.slug)]}
    problems: list[tuple[str, str]] = []

    def verdict(reason: str, detail: str = "", requisites: tuple[str, ...] = ()) -> Derived:
        return Derived(rows, site.slug, reason, detail, tuple(problems), requisites)

    if response.record_type == "revisit":
        return verdict("revisit", f"unchanged since {response.refers_to}")
    if not 200 <= response.status < 300:
        return verdict("http_status", f"HTTP {response.status}")
    content_type = response.header("Content-Type")
    if not _is_html(content_type, response.url):
        return verdict("not_html", f"not HTML ({response.mime or 'no Content-Type'})")
    if response.truncated:
        return verdict("truncated", f"body cut short (WARC-Truncated: {response.truncated}); archived, not extracted")
    body = response.body
    if any("chunked" in v.lower() for v in response.header_values("Transfer-Encoding")):
        body = dechunk(body)
    try:
        body = decode_content(body, response.header_values("Content-Encoding"))
    except ContentError as e:
        return verdict(e.reason, str(e))
    page = page_text(body, content_type)
    if page.problem in ("empty", "binary"):
        return verdict(page.problem, page.detail)
    if page.problem:
        problems.append((page.problem, page.detail))
    if not is_article_page(site, response.url, page.text):
        return verdict("listing")
    try:
        analysis = analyse(page.text, response.url, response.fetched_at, templates)
    except Exception as e:  # a page that breaks the extractor costs its article, never the run
        return verdict("extraction_error", f"extraction failed: {type(e).__name__}: {e}")
    if analysis is None:
        return verdict("not_article", "no article text found")
    rows.update(article_rows(analysis, capture_id=response.record_id, site=site.slug,
                             fetched_at=response.fetched_at))
    return verdict("article", requisites=page_requisites(analysis.article, page.text))


def derive_each(tasks: list[tuple[ArchivedResponse, Site, SiteTemplates | None]]) -> list[Derived | str]:
    """derive() of each (response, site, templates) in turn: what a worker of the live crawl runs, several records
    a round trip when fetching outruns extraction (crawler.extensions.ingest). An error derive() lets out costs
    its own record, not the others: its text (`TypeError: …`) stands in its place."""
    results: list[Derived | str] = []
    for response, site, templates in tasks:
        try:
            results.append(derive(response, site, templates))
        except Exception as e:
            results.append(f"{type(e).__name__}: {e}")
    return results


def _is_html(content_type: str | None, url: str) -> bool:
    if content_type is not None and content_type.strip():
        return content_type.strip().lower().startswith(HTML_TYPES)
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)  # no Content-Type: the URL's extension, if any
    return guessed is None or guessed.startswith(HTML_TYPES)
