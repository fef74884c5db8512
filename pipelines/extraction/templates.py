"""Site templates: lines a site prints on many of its pages, learned from the site's own archive.

A line that recurs, with the article's title masked, on many pages of one site is the site's template
("Bạn đang xem: {title}", a legal notice, an app banner), not the article. Learned per site from
articles extracted *without* templates, stored as data beside the extractor version, and applied by
`extract(..., templates=...)` the same way in the crawl and in `baotinh index`: the same templates and
the same page give the same article.

>>> from pipelines.extraction.article import Article
>>> pages = [Article(url=f"https://a.vn/{i}", title=f"Tin {i} hay",
...                  text=f"Bạn đang xem: Tin {i} hay\\n\\nNội dung {i}.") for i in range(4)]
>>> templates = learn_templates("a.vn", pages)
>>> sorted(templates.lines)
['bạn đang xem: {title}']
>>> templates.is_template("Bạn đang xem: Tin 9 hay", "Tin 9 hay"), templates.is_template("Nội dung 9.", "Tin 9 hay")
(True, False)
>>> SiteTemplates.from_json(templates.to_json()) == templates
True
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.extraction.article import Article
from pipelines.extraction.bylines import parse_byline
from pipelines.extraction.version import EXTRACTOR_VERSION

FORMAT = 1
MIN_PAGES = 3  # a line on fewer pages than this is never a template
MIN_SHARE = 0.25  # ... nor one on a smaller share of the site's pages
MIN_CHARS = 4
TITLE_MARK = "{title}"
WHITESPACE = re.compile(r"\s+")


def line_key(line: str, title: str | None) -> str:
    """The line as compared across pages: NFC, lower-case, whitespace collapsed, the title masked."""
    key = WHITESPACE.sub(" ", unicodedata.normalize("NFC", line)).strip().lower()
    if title:
        mark = WHITESPACE.sub(" ", unicodedata.normalize("NFC", title)).strip().lower()
        if len(mark) >= MIN_CHARS:
            key = key.replace(mark, TITLE_MARK)
    return key


@dataclass(frozen=True)
class SiteTemplates:
    """The template lines of one site (keys as `line_key` makes them) and what they were learned from."""

    site: str
    lines: frozenset[str]
    pages: int = 0
    extractor: str = EXTRACTOR_VERSION  # the extractor whose output they were learned from

    def is_template(self, line: str, title: str | None) -> bool:
        return line_key(line, title) in self.lines

    @property
    def digest(self) -> str:
        """A short fingerprint of the lines, recorded in `Article.extractor` when they are applied."""
        return hashlib.sha256("\n".join(sorted(self.lines)).encode()).hexdigest()[:12]

    def to_json(self) -> str:
        data = {"format": FORMAT, "site": self.site, "extractor": self.extractor, "pages": self.pages,
                "lines": sorted(self.lines)}  # fmt: skip
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SiteTemplates:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValueError(f"site templates are not JSON: {error}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"site templates of an unknown format (expected format {FORMAT}); learn them again")
        lines = data.get("lines")
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise ValueError("site templates: 'lines' must be a list of strings")
        return cls(
            str(data.get("site", "")), frozenset(lines), int(data.get("pages", 0)), str(data.get("extractor", ""))
        )


def learn_templates(
    site: str, articles: Iterable[Article], *, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE
) -> SiteTemplates:
    """The lines that recur on at least `min_pages` and `min_share` of the site's articles.

    Bylines and source credits recur too (one reporter writes many articles) but are metadata, never
    template: they are not counted.
    """
    counts: Counter[str] = Counter()
    pages = 0
    for article in articles:
        pages += 1
        keys = set()
        for line in article.text.split("\n"):
            line = line.strip()
            if len(line) >= MIN_CHARS and parse_byline(line) is None:
                keys.add(line_key(line, article.title))
        counts.update(keys)
    needed = max(min_pages, math.ceil(min_share * pages))
    return SiteTemplates(site, frozenset(k for k, n in counts.items() if n >= needed), pages)


def drop_template_lines(paragraphs: list[str], title: str | None, templates: SiteTemplates | None) -> list[str]:
    """`paragraphs` without the template lines (a paragraph left empty goes too)."""
    if templates is None or not templates.lines:
        return paragraphs
    kept = []
    for paragraph in paragraphs:
        lines = [line for line in paragraph.split("\n") if not templates.is_template(line, title)]
        if any(line.strip() for line in lines):
            kept.append("\n".join(lines))
    return kept
