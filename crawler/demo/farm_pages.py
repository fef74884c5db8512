"""The demo content farm "VCCIDATA (demo)": a WordPress site (Jannah theme, Yoast SEO) that reposts articles.

Rendered from `_src/contentfarm.toml`; the repost page is the seed, line for line. A post's text is a list
of lines, each rendered the way the farm's theme shows it: "*" is an image whose alt text is "*", the
wrapper lines ("Bạn đang xem:", "Xem thêm:", "XEM VIDEO … tại đây.") carry their links, a "*" followed by a
caption is a figure. Yoast writes its times in UTC, so these pages do too.
"""

# ruff: noqa: E501 - the templates below are HTML, one line of markup per line as the sites serve it

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.demo.pages import SOURCES, Seed, esc, json_ld

B = "{{BASE}}"
SOURCE = SOURCES / "contentfarm.toml"
TEASER = ("Bạn đang quan tâm đến {title} phải không? Nào hãy cùng VCCIDATA đón xem bài viết này ngay sau đây "
          "nhé, vì nó vô cùng thú vị và hay đấy!")
CLOSING = ("Vậy là đến đây bài viết về {title} đã dừng lại rồi. Hy vọng bạn luôn theo dõi và đọc những bài viết "
           "hay của chúng tôi trên website VCCIDATA.COM.VN")
WISH = "Chúc các bạn luôn gặt hái nhiều thành công trong cuộc sống!"


@dataclass
class Post:
    key: str
    id: int
    category: str
    slug: str
    published: datetime
    title: str
    video: str
    images: list[str]
    lines: list[str]
    see_also: list[str]
    caption: str | None = None  # the line that is a figure's caption (after a "*")

    @property
    def url(self) -> str:
        return f"/{self.slug}/"

    @property
    def utc(self) -> str:
        return self.published.astimezone(UTC).isoformat()

    @property
    def date(self) -> str:
        return f"{self.published:%d/%m/%Y}"


def load(seed: Seed) -> tuple[dict, list[Post]]:
    data = tomllib.loads(SOURCE.read_text(encoding="utf-8"))
    posts = []
    for p in data["post"]:
        common = {k: p[k] for k in ("key", "id", "category", "slug", "published", "video", "images")}
        if p.get("seed"):
            lines = list(seed.lines[2:seed.lines.index("Related Articles")])
            posts.append(Post(**common, title=seed.title, lines=lines, see_also=p["see_also"],
                              caption=seed.first_caption))
        else:
            title = p["title"]
            lines = [TEASER.format(title=title), f"XEM VIDEO {title} tại đây.", "*", p["caption"],
                     f"Bạn đang xem: {title}", *p["body"], CLOSING.format(title=title), WISH]
            posts.append(Post(**common, title=title, lines=lines, see_also=[], caption=p["caption"]))
    posts.sort(key=lambda x: x.published, reverse=True)
    return data, posts


class Farm:
    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.data, self.posts = load(seed)
        self.site = self.data["site"]
        self.categories = {c["slug"]: c["name"] for c in self.data["category"]}
        self.by_key = {p.key: p for p in self.posts}

    def head(self, title: str, canonical: str, description: str, extra: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="vi" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="description" content="{esc(description)}">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
<link rel="canonical" href="{B}{canonical}">
<meta property="og:locale" content="vi_VN">
<meta property="og:site_name" content="{esc(self.site['name'])}">
{extra}<link rel="stylesheet" id="tie-css-base-css" href="/wp-content/themes/jannah/style.css?ver=6.0.1" type="text/css" media="all">
<meta name="generator" content="WordPress 6.0.2">
</head>
"""

    def header(self, body_class: str) -> str:
        menu = "\n".join(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                         f'<a href="/category/{s}/">{esc(n)}</a></li>' for s, n in self.categories.items())
        return f"""<body id="tie-body" class="{body_class} wrapper-has-shadow block-head-1 magazine1 is-desktop is-header-layout-3 sidebar-right has-sidebar">
<div class="background-overlay"><div id="tie-container" class="site tie-container"><div id="tie-wrapper">
<header id="theme-header" class="theme-header header-layout-3 main-nav-dark main-nav-below has-shadow">
<div class="container header-container"><div id="logo" class="text-logo"><a title="{esc(self.site['name'])}" href="/"><div class="logo-text">{esc(self.site['title'])}</div></a></div></div>
<div class="main-nav-wrapper"><nav id="main-nav" class="main-nav header-nav" aria-label="Primary Navigation"><div class="main-menu header-menu"><ul id="menu-main" class="menu">
<li class="menu-item menu-item-home"><a href="/">Trang chủ</a></li>
{menu}
</ul></div></nav></div>
</header>
<div id="content" class="site-content container"><div id="main-content-row" class="tie-row main-content-row">
"""

    def sidebar_and_footer(self) -> str:
        recent = "\n".join(f'<li class="widget-single-post-item"><a href="{p.url}">{esc(p.title)}</a></li>'
                           for p in self.posts)
        return f"""<aside class="sidebar tie-col-md-4 tie-col-xs-12 normal-side" aria-label="Primary Sidebar">
<div id="posts-list-widget-2" class="container-wrapper widget posts-list"><div class="widget-title the-global-title"><div class="the-subtitle">Bài viết mới</div></div>
<ul class="posts-list-items">
{recent}
</ul></div>
</aside>
</div></div>
<footer id="footer" class="site-footer dark-skin dark-widgetized-area">
<div id="site-info" class="site-info"><div class="container"><div class="copyright-text copyright-text-first">© Copyright 2022, All Rights Reserved | {esc(self.site['title'])}</div></div></div>
</footer>
<a id="go-to-top" class="go-to-top-button" href="#go-to-tie-body"><span class="tie-icon-angle-up"></span><span class="screen-reader-text">Back to top button</span></a>
</div></div></div>
</body>
</html>
"""

    def excerpt(self, post: Post) -> str:
        """WordPress's automatic excerpt: the first words of the text, then an ellipsis."""
        return esc(" ".join(post.lines[0].split()[:20])) + " &hellip;"

    def post_item(self, post: Post) -> str:
        name = self.categories[post.category]
        return f"""<li class="post-item post-{post.id} tie-standard">
<a aria-label="{esc(post.title)}" href="{post.url}" class="post-thumb"><span class="post-cat-wrap"><span class="post-cat tie-cat-{post.category}">{esc(name)}</span></span><img width="390" height="220" src="{post.images[0]}" class="attachment-jannah-image-large size-jannah-image-large wp-post-image" alt="*"></a>
<div class="post-details">
<div class="post-meta clearfix"><span class="date meta-item tie-icon">{post.date}</span></div>
<h2 class="post-title"><a href="{post.url}">{esc(post.title)}</a></h2>
<p class="post-excerpt">{self.excerpt(post)}</p>
</div>
</li>
"""

    def home(self) -> str:
        head = self.head(f"{self.site['name']} - {self.site['description']}", "/", self.site["description"],
                         '<meta property="og:type" content="website">\n'
                         f'<meta property="og:url" content="{B}/">\n')
        items = "".join(self.post_item(p) for p in self.posts)
        return head + self.header("home blog") + f"""<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<div class="mag-box wide-post-box"><div class="container-wrapper"><div class="mag-box-title the-global-title"><h3>Bài viết mới nhất</h3></div>
<div class="mag-box-container clearfix"><ul id="posts-container" class="posts-items">
{items}</ul></div></div></div>
</div>
""" + self.sidebar_and_footer()

    def category(self, slug: str) -> str:
        name = self.categories[slug]
        path = f"/category/{slug}/"
        head = self.head(f"Lưu trữ {name} - {self.site['name']}", path, f"Các bài viết chuyên mục {name}",
                         f'<meta property="og:type" content="website">\n<meta property="og:url" content="{B}{path}">\n')
        items = "".join(self.post_item(p) for p in self.posts if p.category == slug)
        return head + self.header(f"archive category category-{slug}") + f"""<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<header class="entry-header-outer container-wrapper"><nav id="breadcrumb"><a href="/">Trang chủ</a><em class="delimiter">/</em><span class="current">{esc(name)}</span></nav>
<h1 class="page-title">{esc(name)}</h1></header>
<div class="mag-box wide-post-box"><div class="container-wrapper"><ul id="posts-container" class="posts-items">
{items}</ul></div></div>
</div>
""" + self.sidebar_and_footer()

    def render_line(self, post: Post, i: int, images: list[str]) -> str:
        """One line of a post's text as the farm's theme marks it up; `images` is consumed by "*" lines."""
        line, lines = post.lines[i], post.lines
        if line == "*":
            img = f'<img loading="lazy" decoding="async" src="{images.pop(0)}" alt="*" width="800" height="450">'
            if i + 1 < len(lines) and lines[i + 1] == post.caption:
                return (f'<figure class="wp-block-image aligncenter size-large">{img}'
                        f'<figcaption>{esc(post.caption)}</figcaption></figure>')
            return f'<p style="text-align: center;">{img}</p>'
        if line == post.caption:
            return ""  # rendered with its image
        if line.startswith("XEM VIDEO ") and line.endswith(" tại đây."):
            return (f'<p><strong>{esc(line.removesuffix(" tại đây."))}</strong> <a href="{post.video}" '
                    f'target="_blank" rel="noopener nofollow">tại đây</a>.</p>')
        for label, nth in (("Bạn đang xem:", None), ("Xem thêm:", 0), ("XEM THÊM:", 1)):
            if line.startswith(label):
                text = line.removeprefix(label).strip()
                target = post if nth is None else self.by_key[post.see_also[nth]]
                if nth is not None and target.title != text:
                    raise ValueError(f"{post.slug}: {label} {text!r} is not the title of {target.slug}")
                gap = line[len(label):len(line) - len(text)]  # as the seed has it ("XEM THÊM:&nbsp; …")
                return f'<p><strong>{label}</strong>{esc(gap)}<a href="{target.url}">{esc(text)}</a></p>'
        return f"<p>{esc(line)}</p>"

    def post(self, post: Post) -> str:
        name = self.categories[post.category]
        images = list(post.images)
        content = "\n".join(filter(None, (self.render_line(post, i, images) for i in range(len(post.lines)))))
        if images:
            raise ValueError(f"{post.slug}: {len(images)} image(s) left over; one per '*' line")
        words = sum(len(line.split()) for line in post.lines)
        description = post.lines[0]
        page_title = f"{post.title} - {self.site['name']}"
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "Article", "@id": f"{B}{post.url}#article", "isPartOf": {"@id": f"{B}{post.url}"},
             "author": {"name": "admin", "@id": f"{B}/#/schema/person/1"}, "headline": post.title,
             "datePublished": post.utc, "dateModified": post.utc, "mainEntityOfPage": {"@id": f"{B}{post.url}"},
             "wordCount": words, "publisher": {"@id": f"{B}/#organization"},
             "image": {"@id": f"{B}{post.url}#primaryimage"}, "thumbnailUrl": f"{B}{post.images[0]}",
             "articleSection": [name], "inLanguage": "vi"},
            {"@type": "WebPage", "@id": f"{B}{post.url}", "url": f"{B}{post.url}", "name": page_title,
             "isPartOf": {"@id": f"{B}/#website"}, "datePublished": post.utc, "dateModified": post.utc,
             "breadcrumb": {"@id": f"{B}{post.url}#breadcrumb"}, "inLanguage": "vi"},
            {"@type": "ImageObject", "@id": f"{B}{post.url}#primaryimage", "url": f"{B}{post.images[0]}",
             "contentUrl": f"{B}{post.images[0]}", "width": 800, "height": 450},
            {"@type": "BreadcrumbList", "@id": f"{B}{post.url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{B}/"},
                {"@type": "ListItem", "position": 2, "name": post.title}]},
            {"@type": "WebSite", "@id": f"{B}/#website", "url": f"{B}/", "name": self.site["name"],
             "description": self.site["description"], "publisher": {"@id": f"{B}/#organization"},
             "inLanguage": "vi"},
            {"@type": "Organization", "@id": f"{B}/#organization", "name": self.site["name"], "url": f"{B}/"},
            {"@type": "Person", "@id": f"{B}/#/schema/person/1", "name": "admin"},
        ]}
        extra = ('<meta property="og:type" content="article">\n'
                 f'<meta property="og:title" content="{esc(page_title)}">\n'
                 f'<meta property="og:description" content="{esc(description)}">\n'
                 f'<meta property="og:url" content="{B}{post.url}">\n'
                 f'<meta property="article:section" content="{esc(name)}">\n'
                 f'<meta property="article:published_time" content="{post.utc}">\n'
                 f'<meta property="article:modified_time" content="{post.utc}">\n'
                 f'<meta property="og:image" content="{B}{post.images[0]}">\n'
                 '<meta name="author" content="admin">\n'
                 '<meta name="twitter:card" content="summary_large_image">\n'
                 '<meta name="twitter:label1" content="Được viết bởi"><meta name="twitter:data1" content="admin">\n'
                 f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(graph)}</script>\n')
        related = "\n".join(
            f'<div class="related-item tie-standard"><a aria-label="{esc(p.title)}" href="{p.url}" class="post-thumb">'
            f'<img width="390" height="220" src="{p.images[0]}" alt="*"></a><h3 class="post-title">'
            f'<a href="{p.url}">{esc(p.title)}</a></h3><div class="post-meta clearfix"><span class="date meta-item '
            f'tie-icon">{p.date}</span></div></div>' for p in self.posts if p is not post)
        return self.head(page_title, post.url, description, extra) + self.header(
            f"post-template-default single single-post postid-{post.id} single-format-standard") + f"""<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard post-{post.id} post type-post status-publish format-standard has-post-thumbnail category-{post.category}">
<header class="entry-header-outer">
<nav id="breadcrumb"><a href="/">Trang chủ</a><em class="delimiter">/</em><a href="/category/{post.category}/">{esc(name)}</a><em class="delimiter">/</em><span class="current">{esc(post.title)}</span></nav>
<div class="entry-header">
<span class="post-cat-wrap"><a class="post-cat tie-cat-{post.category}" href="/category/{post.category}/">{esc(name)}</a></span>
<h1 class="post-title entry-title">{esc(post.title)}</h1>
<div class="single-post-meta post-meta clearfix"><span class="author-meta single-author no-avatars"><span class="meta-item meta-author-wrapper"><span class="meta-author">admin</span></span></span><span class="date meta-item tie-icon">{post.date}</span></div>
</div>
</header>
<div class="entry-content entry clearfix">
{content}
</div>
<div class="post-footer post-footer-on-bottom"><div class="share-links share-centered icons-only"><a href="https://www.facebook.com/sharer.php?u={B}{post.url}" rel="external noopener nofollow" target="_blank" class="facebook-share-btn"><span class="screen-reader-text">Facebook</span></a></div></div>
</article>
<div id="related-posts" class="container-wrapper has-extra-post">
<div class="mag-box-title the-global-title"><h3>Related Articles</h3></div>
<div class="related-posts-list">
{related}
</div>
</div>
<div id="comments" class="comments-area">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Trả lời <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Hủy</a></small></h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">Email của bạn sẽ không được hiển thị công khai.</span> <span class="required-field-message">Các trường bắt buộc được đánh dấu <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Bình luận <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Tên <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" required></p>
<p class="comment-form-url"><label for="url">Trang web</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Phản hồi"> <input type="hidden" name="comment_post_ID" value="{post.id}" id="comment_post_ID"></p>
</form>
</div>
</div>
</div>
""" + self.sidebar_and_footer()

    def sitemap_index(self) -> str:
        newest = self.posts[0].utc
        maps = "\n".join(f"<sitemap><loc>{B}/{n}</loc><lastmod>{newest}</lastmod></sitemap>"
                         for n in ("post-sitemap.xml", "category-sitemap.xml"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{maps}\n</sitemapindex>\n'
                "<!-- XML Sitemap generated by Yoast SEO -->\n")

    def post_sitemap(self) -> str:
        urls = [f"<url><loc>{B}/</loc><lastmod>{self.posts[0].utc}</lastmod></url>"]
        for p in self.posts:
            urls.append(f"<url><loc>{B}{p.url}</loc><lastmod>{p.utc}</lastmod>"
                        f"<image:image><image:loc>{B}{p.images[0]}</image:loc></image:image></url>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n' + "\n".join(urls)
                + "\n</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n")

    def category_sitemap(self) -> str:
        urls = []
        for slug in self.categories:
            newest = max(p.utc for p in self.posts if p.category == slug)
            urls.append(f"<url><loc>{B}/category/{slug}/</loc><lastmod>{newest}</lastmod></url>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(urls)
                + "\n</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->\n")

    def files(self) -> dict[str, str]:
        out = {"index.html": self.home(), "sitemap_index.xml": self.sitemap_index(),
               "post-sitemap.xml": self.post_sitemap(), "category-sitemap.xml": self.category_sitemap()}
        for slug in self.categories:
            out[f"category/{slug}/index.html"] = self.category(slug)
        for p in self.posts:
            out[f"{p.slug}/index.html"] = self.post(p)
        return out
