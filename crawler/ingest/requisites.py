"""page_requisites(): the files an article page needs to replay with its photos, chosen from the article itself.

An article's requisites are its own photos, exactly those its `images` rows name (the <img> of the article's
container, chosen by pipelines.extraction.images: the lazy-loading `data-src` before `src`, no icons, no
thumbnail linking to another page), then the page's `og:image`. Nothing else: no stylesheet, script, font,
logo, advertisement, or thumbnail of a listing or of a "related" box. derive() returns them with an article's
rows; the crawl archives them (crawler.extensions.requisites). Pure: no Scrapy, no I/O.

>>> from pipelines.extraction.article import Article, Image
>>> page = '<head><meta property="og:image" content="/anh/chia-se.jpg"></head>'
>>> page_requisites(Article(url="http://a.vn/x-1.html", title="x", text="", images=[Image("http://a.vn/a.jpg")]),
...                 page)
('http://a.vn/a.jpg', 'http://a.vn/anh/chia-se.jpg')
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from pipelines.extraction.article import Article

META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([a-zA-Z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
DECLARED = ("og:image", "og:image:url", "og:image:secure_url")


def page_requisites(article: Article, page: str) -> tuple[str, ...]:
    """The article's photos (its `images` rows' src), then its og:image: http(s) URLs, each once, in order."""
    found = [image.src for image in article.images]
    declared = declared_image(page, article.url)
    if declared:
        found.append(declared)
    return tuple(u for u in dict.fromkeys(u.split("#", 1)[0] for u in found) if urlsplit(u).scheme in ("http", "https"))


def declared_image(page: str, base_url: str) -> str | None:
    """The page's og:image, resolved against `base_url`; None when its head declares none."""
    end = HEAD_END.search(page)
    for tag in META.finditer(page, 0, end.start() if end else len(page)):
        attributes = {m[1].lower(): m[2] if m[2] is not None else m[3] if m[3] is not None else m[4]
                      for m in ATTRIBUTE.finditer(tag[0])}
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        content = html.unescape(attributes.get("content") or "").strip()
        if key in DECLARED and content and not content.startswith("data:"):
            return urljoin(base_url, content)
    return None
