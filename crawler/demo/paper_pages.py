"""The demo paper "Báo Phú Thọ (demo)": its pages, sitemaps and feed, rendered from `_src/baophutho.toml`.

Absolute URLs are written with `{{BASE}}`, which the SiteServer replaces with its own base URL.
"""

# ruff: noqa: E501 - the templates below are HTML, one line of markup per line as the sites serve it

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote_plus

from crawler.demo.pages import SOURCES, Seed, date_line, esc, json_ld, paper_caption

B = "{{BASE}}"
SOURCE = SOURCES / "baophutho.toml"


@dataclass
class Article:
    key: str
    category: str
    slug: str
    published: datetime
    date_style: str
    title: str
    sapo: str
    byline: str
    author: str
    tags: list[str]
    related: list[str]
    blocks: list[tuple[str, ...]] = field(default_factory=list)  # ("p", text) | ("figure", src, caption) | ("see", key)
    old_url: str | None = None

    @property
    def url(self) -> str:
        return f"/{self.category}/{self.slug}-{self.published:%Y%m%d%H%M}.html"

    @property
    def image(self) -> str:
        return next(b[1] for b in self.blocks if b[0] == "figure")

    @property
    def description(self) -> str:
        return re.sub(r"^PTĐT\s*[-–]\s*", "", self.sapo)


def _blocks(paragraphs: list[str], figures: list[dict], see_also: dict | None) -> list[tuple[str, ...]]:
    inserts: dict[int, list[tuple[str, ...]]] = {}
    for fig in figures:
        inserts.setdefault(fig["after"], []).append(("figure", fig["src"], fig["caption"]))
    if see_also:
        inserts.setdefault(see_also["after"], []).append(("see", see_also["key"]))
    blocks: list[tuple[str, ...]] = []
    for i, text in enumerate(paragraphs):
        blocks += inserts.pop(i, [])
        blocks.append(("p", text))
    blocks += inserts.pop(len(paragraphs), [])
    if inserts:
        raise ValueError(f"figure or see_also after={sorted(inserts)} is past the last paragraph")
    return blocks


def load(seed: Seed) -> tuple[dict, list[Article]]:
    data = tomllib.loads(SOURCE.read_text(encoding="utf-8"))
    articles = []
    for a in data["article"]:
        common = {k: a[k] for k in ("key", "category", "slug", "published", "date_style", "title", "byline",
                                    "author", "tags", "related")}
        if a.get("seed"):
            first, second = a["figure_src"]
            blocks: list[tuple[str, ...]] = [("figure", first, paper_caption(seed.first_caption))]
            for kind, text in seed.paper_blocks():
                blocks.append(("figure", second, text) if kind == "caption" else ("p", text))
            articles.append(Article(**common, sapo=seed.sapo, blocks=blocks, old_url=a["old_url"]))
        else:
            blocks = _blocks(a["body"], a["figure"], a.get("see_also"))
            articles.append(Article(**common, sapo=a["sapo"], blocks=blocks))
    articles.sort(key=lambda x: x.published, reverse=True)
    return data, articles


class Paper:
    def __init__(self, seed: Seed) -> None:
        self.data, self.articles = load(seed)
        self.site = self.data["site"]
        self.categories = {c["slug"]: c["name"] for c in self.data["category"]}
        self.by_key = {a.key: a for a in self.articles}

    def in_category(self, slug: str) -> list[Article]:
        return [a for a in self.articles if a.category == slug]

    def link(self, ref: str) -> tuple[str, str]:
        """(href, title) of an article key; "old:KEY" links the article's pre-migration URL."""
        old = ref.startswith("old:")
        article = self.by_key[ref.removeprefix("old:")]
        return (article.old_url if old and article.old_url else article.url), article.title

    # --- page furniture ---------------------------------------------------------------------------------

    def head(self, title: str, canonical: str, description: str, extra: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="description" content="{esc(description)}">
<link rel="canonical" href="{B}{canonical}">
<link rel="alternate" type="application/rss+xml" title="{esc(self.site['name'])} - Tin mới nhất" href="{B}/rss.xml">
<link rel="stylesheet" href="/static/css/main.css">
<meta property="og:site_name" content="{esc(self.site['name'])}">
<meta property="og:locale" content="vi_VN">
{extra}</head>
"""

    def header(self, current: str = "") -> str:
        items = [("/", "Trang chủ")] + [(f"/{s}/", n) for s, n in self.categories.items()]
        items.append(("/gioi-thieu/", "Giới thiệu"))
        active = ' class="active"'
        menu = "\n".join(f'    <li{active if href == current else ""}><a href="{href}">{esc(name)}</a></li>'
                         for href, name in items)
        return f"""<body>
<header class="site-header">
  <div class="top-bar">
    <span class="tagline">{esc(self.site['tagline'])}</span>
    <a class="rss" href="/rss.xml">RSS</a>
    <a class="search-link" href="/tim-kiem/">Tìm kiếm</a>
  </div>
  <div class="brand">
    <a class="logo" href="/"><img src="/static/images/logo.png" alt="{esc(self.site['name'])}" width="240" height="60"></a>
    <form class="search-box" action="/tim-kiem/" method="get">
      <input type="text" name="q" placeholder="Nhập từ khóa..."><button type="submit">Tìm</button>
    </form>
  </div>
  <nav class="main-menu">
   <ul>
{menu}
   </ul>
  </nav>
</header>
"""

    def footer(self) -> str:
        s = self.site
        return f"""<footer class="site-footer">
  <p class="footer-name"><strong>{esc(s['name']).upper()} (DEMO)</strong> – {esc(s['tagline'])}</p>
  <p class="licence">{esc(s['licence'])}</p>
  <p class="address">Địa chỉ: {esc(s['address'])}</p>
  <p class="phones">Điện thoại: {esc(s['phones'])} – Email: {esc(s['email'])}</p>
  <p class="copyright">Ghi rõ nguồn “{esc(s['name'])}” khi phát hành lại thông tin từ website này.</p>
  <p class="footer-links"><a href="/gioi-thieu/">Giới thiệu</a> | <a href="/gioi-thieu/#lien-he">Liên hệ</a> | <a href="/rss.xml">RSS</a></p>
  <p class="demo-note">Trang minh họa của baotinh: nội dung là hư cấu, trừ bài “Nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng”.</p>
</footer>
</body>
</html>
"""

    def teaser(self, a: Article, with_sapo: bool = True, heading: str = "h3") -> str:
        sapo = f'\n    <p class="sapo">{esc(a.description)}</p>' if with_sapo else ""
        return f"""  <article class="item-news">
    <a class="thumb" href="{a.url}"><img src="{a.image}" alt="{esc(a.title)}" width="240" height="135"></a>
    <{heading} class="title-news"><a href="{a.url}">{esc(a.title)}</a></{heading}>
    <span class="time">{date_line(a.published, "time_first")}</span>{sapo}
  </article>
"""

    def latest_box(self, exclude: str = "") -> str:
        items = "\n".join(f'    <li><a href="{a.url}">{esc(a.title)}</a></li>'
                          for a in self.articles[:6] if a.key != exclude)
        return f"""<aside class="sidebar">
  <h3 class="box-title">Tin mới nhất</h3>
  <ul class="latest-news">
{items}
  </ul>
</aside>
"""

    # --- pages -----------------------------------------------------------------------------------------

    def home(self) -> str:
        featured, latest = self.articles[0], self.articles[1:5]
        seed = next(a for a in self.articles if a.old_url)
        blocks = []
        for slug, name in self.categories.items():
            teasers = "".join(self.teaser(a) for a in self.in_category(slug)[:3])
            blocks.append(f"""<section class="category-block">
  <h2 class="block-title"><a href="/{slug}/">{esc(name)}</a></h2>
{teasers}</section>
""")
        focus = [(seed.old_url, seed.title), *[(a.url, a.title) for a in self.articles[2:4]]]
        focus_items = "\n".join(f'    <li><a href="{href}">{esc(title)}</a></li>' for href, title in focus)
        head = self.head(f"{self.site['name']} (demo) - Tin tức tỉnh Phú Thọ", "/",
                         f"{self.site['name']} điện tử (demo): tin tức thời sự, kinh tế, xã hội tỉnh Phú Thọ",
                         '<meta property="og:type" content="website">\n'
                         f'<meta property="og:url" content="{B}/">\n')
        return head + self.header("/") + f"""<main class="container home">
<section class="featured">
{self.teaser(featured, heading="h2")}</section>
<section class="latest">
{"".join(self.teaser(a, with_sapo=False) for a in latest)}</section>
{"".join(blocks)}<aside class="focus">
  <h3 class="box-title">Tiêu điểm</h3>
  <ul>
{focus_items}
  </ul>
</aside>
</main>
""" + self.footer()

    def listing(self, slug: str, page: int) -> str:
        size = self.site["page_size"]
        articles = self.in_category(slug)
        pages = max(1, -(-len(articles) // size))
        shown = articles[(page - 1) * size: page * size]
        path = f"/{slug}/" if page == 1 else f"/{slug}/trang-{page}/"
        name = self.categories[slug]
        nav = []
        for n in range(1, pages + 1):
            href = f"/{slug}/" if n == 1 else f"/{slug}/trang-{n}/"
            nav.append(f'<span class="current">{n}</span>' if n == page else f'<a href="{href}">{n}</a>')
        if page < pages:
            nav.append(f'<a class="next" href="/{slug}/trang-{page + 1}/">Trang sau ›</a>')
        title = f"{name} | {self.site['name']}" if page == 1 else f"{name} - Trang {page} | {self.site['name']}"
        head = self.head(title, path, f"Tin tức {name.lower()} tỉnh Phú Thọ",
                         f'<meta property="og:type" content="website">\n<meta property="og:url" content="{B}{path}">\n')
        return head + self.header(f"/{slug}/") + f"""<main class="container category">
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/{slug}/">{esc(name)}</a></div>
<h1 class="category-title">{esc(name)}</h1>
<section class="list-news">
{"".join(self.teaser(a) for a in shown)}</section>
<div class="pagination">{" ".join(nav)}</div>
</main>
{self.latest_box()}""" + self.footer()

    def article(self, a: Article) -> str:
        name = self.categories[a.category]
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": f"{B}{a.url}"},
            "headline": a.title,
            "description": a.description,
            "image": [f"{B}{a.image}"],
            "datePublished": a.published.isoformat(),
            "dateModified": a.published.isoformat(),
            "articleSection": name,
            "author": {"@type": "Person", "name": a.author},
            "publisher": {"@type": "Organization", "name": self.site["name"],
                          "logo": {"@type": "ImageObject", "url": f"{B}/static/images/logo.png"}},
        }
        tags = "".join(f'<meta property="article:tag" content="{esc(t)}">\n' for t in a.tags)
        extra = (f'<meta name="keywords" content="{esc(", ".join(a.tags))}">\n'
                 '<meta property="og:type" content="article">\n'
                 f'<meta property="og:title" content="{esc(a.title)}">\n'
                 f'<meta property="og:description" content="{esc(a.description)}">\n'
                 f'<meta property="og:url" content="{B}{a.url}">\n'
                 f'<meta property="og:image" content="{B}{a.image}">\n'
                 f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
                 f'<meta property="article:section" content="{esc(name)}">\n'
                 f'{tags}<script type="application/ld+json">\n{json_ld(ld)}\n</script>\n')
        body = []
        for block in a.blocks:
            if block[0] == "p":
                body.append(f"<p>{esc(block[1])}</p>")
            elif block[0] == "figure":
                body.append(f'<figure class="image"><img src="{block[1]}" alt="{esc(a.title)}" width="800" '
                            f'height="450"><figcaption>{esc(block[2])}</figcaption></figure>')
            else:
                href, title = self.link(block[1])
                body.append(f'<p class="see-also"><strong>Xem thêm:</strong> <a href="{href}">{esc(title)}</a></p>')
        content = "\n".join(body)
        share_url = f"{B}{a.url}"
        tag_links = " ".join(f'<a href="/tim-kiem/?q={quote_plus(t)}">{esc(t)}</a>' for t in a.tags)
        related = "\n".join(f'    <li><a href="{href}">{esc(title)}</a></li>'
                            for href, title in map(self.link, a.related))
        return self.head(f"{a.title} | {self.site['name']}", a.url, a.description, extra) + self.header(
            f"/{a.category}/") + f"""<main class="container detail-page">
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/{a.category}/">{esc(name)}</a></div>
<article class="detail">
  <h1 class="detail-title">{esc(a.title)}</h1>
  <div class="detail-meta">
    <span class="detail-time">{date_line(a.published, a.date_style)}</span>
    <div class="share-bar">
      <a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={share_url}" target="_blank" rel="nofollow">Chia sẻ</a>
      <a class="share-zalo" href="https://zalo.me/share?url={share_url}" target="_blank" rel="nofollow">Zalo</a>
      <a class="print" href="javascript:window.print();">In bài</a>
      <a class="send-mail" href="mailto:?subject={quote_plus(a.title)}&amp;body={share_url}">Gửi email</a>
    </div>
  </div>
  <p class="detail-sapo"><strong>{esc(a.sapo)}</strong></p>
  <div class="detail-content">
{content}
  </div>
  <p class="author">{esc(a.byline)}</p>
  <div class="detail-tags"><span>Từ khóa:</span> {tag_links}</div>
  <div class="share-bar bottom"><a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u={share_url}" target="_blank" rel="nofollow">Chia sẻ Facebook</a> <a class="print" href="javascript:window.print();">In bài viết</a></div>
  <section class="related-news">
    <h3 class="box-title">Tin liên quan</h3>
    <ul>
{related}
    </ul>
  </section>
</article>
<section class="comments" id="y-kien">
  <h3 class="box-title">Ý kiến bạn đọc</h3>
  <form class="comment-form" action="#y-kien" method="post">
    <textarea name="noi_dung" rows="4" placeholder="Ý kiến của bạn..."></textarea>
    <input type="text" name="ho_ten" placeholder="Họ và tên">
    <input type="email" name="email" placeholder="Email">
    <button type="submit">Gửi ý kiến</button>
  </form>
  <p class="comment-note">Ý kiến của bạn sẽ được biên tập trước khi đăng. Xin vui lòng gõ tiếng Việt có dấu.</p>
</section>
</main>
{self.latest_box(exclude=a.key)}""" + self.footer()

    def about(self) -> str:
        s = self.site
        head = self.head(f"Giới thiệu | {s['name']}", "/gioi-thieu/", f"Giới thiệu {s['name']} (demo)")
        return head + self.header("/gioi-thieu/") + f"""<main class="container static-page">
<h1>Giới thiệu {esc(s['name'])} (demo)</h1>
<p>{esc(s['name'])} điện tử (demo) là trang minh họa của baotinh, dựng theo bố cục của các báo Đảng địa phương: trang chủ, chuyên mục Thời sự, Kinh tế, Xã hội và các bài viết có ảnh, chú thích ảnh, sitemap và RSS.</p>
<h2 id="lien-he">Liên hệ</h2>
<p>Địa chỉ: {esc(s['address'])}</p>
<p>Điện thoại: {esc(s['phones'])}</p>
<p>Email: {esc(s['email'])}</p>
</main>
""" + self.footer()

    def search(self) -> str:
        head = self.head(f"Tìm kiếm | {self.site['name']}", "/tim-kiem/", "Tìm kiếm tin bài",
                         '<meta name="robots" content="noindex, follow">\n')
        return head + self.header() + """<main class="container search-page">
<h1>Tìm kiếm</h1>
<form class="search-form" action="/tim-kiem/" method="get">
  <input type="text" name="q" placeholder="Nhập từ khóa..."><button type="submit">Tìm kiếm</button>
</form>
<p class="no-result">Nhập từ khóa để tìm kiếm tin bài.</p>
</main>
""" + self.footer()

    # --- discovery documents --------------------------------------------------------------------------

    def news_sitemap(self) -> str:
        urls = []
        for a in self.articles:
            if a.published.year < 2026:
                continue  # a news sitemap lists recent articles only; older ones are found through listings
            urls.append(f"""<url>
  <loc>{B}{a.url}</loc>
  <news:news>
    <news:publication><news:name>{esc(self.site['name'])}</news:name><news:language>vi</news:language></news:publication>
    <news:publication_date>{a.published.isoformat()}</news:publication_date>
    <news:title>{esc(a.title)}</news:title>
  </news:news>
</url>""")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(urls) + "\n</urlset>\n")

    def category_sitemap(self) -> str:
        newest = self.articles[0].published.isoformat()
        paths = ["/", *(f"/{s}/" for s in self.categories)]
        urls = "\n".join(f"<url><loc>{B}{p}</loc><lastmod>{newest}</lastmod><changefreq>hourly</changefreq></url>"
                         for p in paths)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')

    def sitemap_index(self) -> str:
        newest = self.articles[0].published.isoformat()
        maps = "\n".join(f"<sitemap><loc>{B}/{name}</loc><lastmod>{newest}</lastmod></sitemap>"
                         for name in ("sitemap-news.xml", "sitemap-categories.xml"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{maps}\n</sitemapindex>\n')

    def rss(self) -> str:
        items = []
        for a in self.articles[:8]:
            items.append(f"""<item>
  <title>{esc(a.title)}</title>
  <link>{B}{a.url}</link>
  <guid isPermaLink="true">{B}{a.url}</guid>
  <description>{esc(a.description)}</description>
  <category>{esc(self.categories[a.category])}</category>
  <pubDate>{format_datetime(a.published)}</pubDate>
</item>""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{esc(self.site['name'])} - Tin mới nhất</title>
<link>{B}/</link>
<description>Tin tức tỉnh Phú Thọ (demo)</description>
<language>vi</language>
<lastBuildDate>{format_datetime(self.articles[0].published)}</lastBuildDate>
{chr(10).join(items)}
</channel>
</rss>
"""

    def files(self) -> dict[str, str]:
        """Relative path -> text of every generated file of the site."""
        out = {"index.html": self.home(), "gioi-thieu/index.html": self.about(),
               "tim-kiem/index.html": self.search(), "sitemap.xml": self.sitemap_index(),
               "sitemap-news.xml": self.news_sitemap(), "sitemap-categories.xml": self.category_sitemap(),
               "rss.xml": self.rss()}
        size = self.site["page_size"]
        for slug in self.categories:
            pages = max(1, -(-len(self.in_category(slug)) // size))
            for page in range(1, pages + 1):
                where = f"{slug}/index.html" if page == 1 else f"{slug}/trang-{page}/index.html"
                out[where] = self.listing(slug, page)
        for a in self.articles:
            out[a.url.lstrip("/")] = self.article(a)
        return out
