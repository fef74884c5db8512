"""analyse(): everything computed from one article page's HTML: the article and the figures in its text.

Called by derive() (crawler.ingest.derive), the one function the live crawl and `baotinh index` share, so the
database can always be rebuilt from the WARC files with the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipelines.extraction.article import Article
from pipelines.extraction.extract import extract
from pipelines.extraction.templates import SiteTemplates
from pipelines.figures.figure import Figure
from pipelines.figures.find import find_figures


@dataclass
class Analysis:
    article: Article
    figures: list[Figure] = field(default_factory=list)  # numbers of article.text, offsets into it


def analyse(html: str, url: str, fetched_at: datetime | None = None, templates: SiteTemplates | None = None
            ) -> Analysis | None:
    """The article in the page with what is derived from it, or None when the page holds no article.

    `templates`: the site's learned template lines (crawler.ingest.template_store), loaded by the caller.
    """
    article = extract(html, url, fetched_at, templates=templates)
    if article is None:
        return None
    return Analysis(article=article, figures=find_figures(article.text))
