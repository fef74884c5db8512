"""Pages laid out as the CMS of papers nobody tuned for lay them out (not a test module).

`news_page()` builds a provincial paper's article page from parts, each replaceable: the masthead with
the day's clock, a "most read" sidebar whose items carry their own dates, the article (headline, date
line, sapo, body blocks, what follows the body), a comment form and a footer. Tests pass only the
part they are about; everything else stays as a real page has it, so a rule that fires on the wrong
part of the page fails some test.

The wording is written for these tests (a road project in a mountain province), not taken from any
page; what is copied from real sites is only the structure.
"""

from __future__ import annotations

import html
import json
from typing import Any

HOST = "baosonla-test.vn"
URL = f"https://{HOST}/giao-thong/mo-rong-tuyen-duong-noi-hai-huyen-vung-cao-p84512.html"
SITE = "Báo Sơn La Thử Nghiệm"
TITLE = "Mở rộng tuyến đường nối hai huyện vùng cao trước mùa mưa"
SAPO = (
    "Tuyến đường dài hơn 11 km nối hai huyện vùng cao sẽ được mở rộng lên 9 m mặt đường, "
    "hoàn thành trước mùa mưa năm sau để hàng nghìn hộ dân đi lại thuận tiện hơn."
)
BODY = [
    "Theo Ban quản lý dự án giao thông tỉnh, tuyến đường có tổng chiều dài 11,63km, đi qua địa bàn "
    "năm xã, trong đó nhiều đoạn đèo dốc thường xuyên sạt lở sau mỗi trận mưa lớn kéo dài.",
    "Dự án được phê duyệt với tổng mức đầu tư 486 tỷ đồng từ nguồn vốn ngân sách trung ương và địa "
    "phương; riêng phần giải phóng mặt bằng cần thu hồi 1.262m² đất của 37 hộ gia đình ven đường.",
    "Ông Lò Văn Páo, Trưởng bản Nà Hạ, cho biết bà con trong bản đều đồng thuận bàn giao mặt bằng vì "
    "mong có con đường rộng, an toàn hơn cho học sinh đi học và xe chở nông sản ra chợ huyện.",
    "Đơn vị thi công đã huy động 14 máy xúc, 20 xe tải và hơn 150 công nhân làm việc ba ca liên tục, "
    "ưu tiên xử lý các điểm có nguy cơ sạt lở cao và hoàn thiện hệ thống rãnh thoát nước dọc tuyến.",
    "Lãnh đạo Sở Giao thông vận tải yêu cầu nhà thầu bảo đảm an toàn cho người dân qua lại trong thời "
    "gian thi công, đặt biển báo ở các đoạn đào đắp và không để vật liệu tràn ra phần đường đang lưu thông.",
]
PUBLISHED_SHOWN = "Thứ Ba, 11/03/2025 - 07:45"
PUBLISHED = "2025-03-11T07:45:00+07:00"
CLOCK = "Thứ Tư, 24/12/2025"  # the day of the visit, printed in the masthead
MOST_READ = [
    ("Khai mạc lễ hội hoa ban với nhiều hoạt động văn hóa đặc sắc", "05/06/2019 09:10"),
    ("Nông dân thu hoạch mận hậu sớm, giá bán cao hơn năm trước", "06/06/2019 14:25"),
    ("Thành lập tổ công tác hỗ trợ người dân vùng bị ảnh hưởng mưa đá", "07/06/2019 16:40"),
]


def paragraphs(blocks: list[str] | None = None) -> str:
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in (BODY if blocks is None else blocks))


def news_page(
    *,
    url: str = URL,
    title: str = TITLE,
    title_tag: str | None = None,
    og_type: str | None = "article",
    site_name: str | None = SITE,
    json_ld: dict[str, Any] | list[dict[str, Any]] | None = None,
    meta: str = "",
    headline: str | None = None,
    date_line: str | None = f'<div class="detail-time">{PUBLISHED_SHOWN}</div>',
    sapo: str | None = f'<div class="detail-sapo">{html.escape(SAPO)}</div>',
    body: str | None = None,
    after_body: str = "",
    after_article: str = "",
    clock: str | None = f'<div class="top-date">{CLOCK}</div>',
    sidebar: str | None = None,
    comment_form: bool = True,
    footer: str = "<footer><p>© 2025 Báo Sơn La Thử Nghiệm. Giấy phép số 57/GP-BTTTT cấp ngày 02/03/2021.</p></footer>",
) -> str:
    """The article page; `body` replaces the body blocks, `after_body` goes right after them inside the
    article, `after_article` after the article element (before the sidebar)."""
    heads = [f"<title>{html.escape(title_tag if title_tag is not None else f'{title} - {SITE}')}</title>", meta]
    if og_type:
        heads.append(f'<meta property="og:type" content="{og_type}">')
    if site_name:
        heads.append(f'<meta property="og:site_name" content="{html.escape(site_name)}">')
    heads.append(f'<meta property="og:title" content="{html.escape(title)}">')
    if json_ld is not None:
        heads.append(f'<script type="application/ld+json">{json.dumps(json_ld, ensure_ascii=False)}</script>')
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">{"".join(heads)}</head><body>
<div class="top-bar">{clock or ""}<a href="/lien-he.html">Liên hệ</a></div>
<header class="masthead"><a href="/" class="logo" title="{html.escape(SITE)}">
<img src="/logo.png" alt="{html.escape(SITE)}"></a>
<nav><ul><li><a href="/thoi-su.html">Thời sự</a></li><li><a href="/kinh-te.html">Kinh tế</a></li>
<li><a href="/giao-thong.html">Giao thông</a></li><li><a href="/van-hoa.html">Văn hóa</a></li></ul></nav></header>
<div class="container"><div class="main-col">
<div class="article-detail">
<h1 class="article-title">{headline if headline is not None else html.escape(title)}</h1>
{date_line or ""}
{sapo or ""}
<div class="article-body">
{paragraphs() if body is None else body}
{after_body}
</div></div>
{after_article}
{_comment_form() if comment_form else ""}
</div>
{most_read() if sidebar is None else sidebar}
</div>
{footer}
</body></html>"""


def most_read(items: list[tuple[str, str]] = MOST_READ) -> str:
    """A sidebar of teasers, each with the date of its own article."""
    rows = "\n".join(
        f'<li class="item"><a href="/tin-{i}-p7{i}100.html" class="thumb"><img src="/t{i}.jpg" alt=""></a>'
        f'<h3><a href="/tin-{i}-p7{i}100.html">{html.escape(t)}</a></h3><span class="time">{d}</span></li>'
        for i, (t, d) in enumerate(items)
    )
    return f'<aside class="sidebar"><div class="box-most-read"><h2>Đọc nhiều nhất</h2><ul>{rows}</ul></div></aside>'


def _comment_form() -> str:
    return """<div class="comment-box"><h3>Gửi bình luận</h3><form action="/binh-luan" method="post">
<div class="author"><label>Tên</label><input name="name"></div>
<div class="author-email"><label>Email</label><input name="email"></div>
<textarea name="content"></textarea><button>Gửi</button></form></div>"""


def article_ld(**fields: Any) -> dict[str, Any]:
    """A NewsArticle JSON-LD object; `fields` override or add keys."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "datePublished": PUBLISHED,
        "publisher": {"@type": "Organization", "name": SITE},
    }
    data.update(fields)
    return data


def home_page(*, og_type: str = "article", ld: bool = True, teasers: int = 24) -> str:
    """A home page: a lead story, rows of teasers with summaries, section blocks; no article body."""
    words = ["đường", "trường", "chợ", "cầu", "bản", "hợp tác xã", "lễ hội", "vườn mận"]
    blocks = []
    for i in range(teasers):
        noun = words[i % len(words)]
        headline = f"Người dân xã số {i + 1} góp công làm {noun} mới trước mùa mưa năm nay"
        summary = (
            f"Sau nhiều tháng chuẩn bị, bà con xã số {i + 1} đã cùng chính quyền hoàn thành {noun}, "
            "giúp việc đi lại và buôn bán thuận tiện hơn hẳn so với trước."
        )
        blocks.append(
            f'<div class="story"><a href="/tin-{i}-p6{i:03d}1.html"><img src="/h{i}.jpg" alt=""></a>'
            f'<h3 class="story-title"><a href="/tin-{i}-p6{i:03d}1.html">{headline}</a></h3>'
            f'<p class="story-summary">{summary}</p></div>'
        )
    ld_json = (
        f'<script type="application/ld+json">{json.dumps(article_ld(), ensure_ascii=False)}</script>' if ld else ""
    )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{SITE} - Tin tức mới nhất</title>
<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="{SITE}">
<meta property="article:published_time" content="2019-08-25T06:00:00+07:00">{ld_json}</head><body>
<div class="top-bar"><div class="top-date">{CLOCK}</div></div>
<header><a href="/" class="logo">{SITE}</a>
<nav><a href="/thoi-su.html">Thời sự</a><a href="/kinh-te.html">Kinh tế</a></nav></header>
<h1 class="sr-only">{SITE}</h1>
<div class="home">{"".join(blocks)}</div>
<footer><p>© {SITE}</p></footer></body></html>"""


def section_page(
    *,
    url: str = f"https://{HOST}/giao-thong-c12/",
    heading: str = "Tin tức cập nhật về giao thông và hạ tầng vùng cao",
    og_type: str = "website",
    featured_summary_words: int = 60,
    summary_tag: str = "p",
    teasers: int = 12,
) -> str:
    """A section page: a descriptive heading (not a link to itself), a featured story with a long
    summary, then teasers with summaries; the page declares nothing about itself but og:type."""
    topics = ["cầu treo", "đường liên xã", "bến xe", "kè chống sạt lở", "đường tuần tra", "cầu tràn"]
    featured = " ".join(["Công trình được chờ đợi nhiều năm đã khởi công"] * (featured_summary_words // 8))
    items = [
        f'<div class="featured"><a href="/bai-noi-bat-p90001.html"><img src="/f.jpg" alt=""></a>'
        '<h2><a href="/bai-noi-bat-p90001.html">Khởi công tuyến đường huyết mạch nối trung tâm tỉnh với '
        "cửa khẩu</a></h2>"
        f'<{summary_tag} class="sapo">{featured}.</{summary_tag}></div>'
    ]
    for i in range(teasers):
        topic = topics[i % len(topics)]
        items.append(
            f'<div class="item"><a href="/tin-{i}-p8{i:03d}2.html"><img src="/s{i}.jpg" alt=""></a>'
            f'<h3><a href="/tin-{i}-p8{i:03d}2.html">Huyện vùng cao số {i + 1} hoàn thành {topic} '
            "trước kế hoạch</a></h3>"
            f'<{summary_tag} class="sapo">Sau thời gian thi công, {topic} ở huyện số {i + 1} đã được bàn giao, '
            f"giúp người dân đi lại thuận tiện, nhất là trong mùa mưa lũ.</{summary_tag}></div>"
        )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{heading} - {SITE}</title>
<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="{SITE}"></head><body>
<header><a href="/" class="logo">{SITE}</a>
<nav><a href="/thoi-su.html">Thời sự</a><a href="/giao-thong-c12/">Giao thông</a></nav></header>
<div class="main"><h1 class="cat-title">{heading}</h1>
<div class="list">{"".join(items)}</div>
<div class="pagination"><a href="?page=2">Xem thêm</a></div></div>
<footer><p>© {SITE}</p></footer></body></html>"""


FARM_HOST = "hoidap-test.com"
FARM_SITE = "Hỏi Đáp Thử Nghiệm"


def farm_page(*, opening: list[str], closing: list[str], middle: str = "") -> str:
    """A content farm's WordPress repost of the article: its own lines before and after the text."""
    lines = [f"<p>{html.escape(line)}</p>" for line in opening]
    lines += [f"<p>{html.escape(p)}</p>" for p in BODY[:3]] + ([middle] if middle else [])
    lines += [f"<p>{html.escape(p)}</p>" for p in BODY[3:]]
    lines += [f"<p>{html.escape(line)}</p>" for line in closing]
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - {FARM_SITE}</title><meta property="og:type" content="article">
<meta property="og:site_name" content="{FARM_SITE}"><meta property="og:title" content="{TITLE}"></head>
<body class="post-template"><header class="site-header"><a class="logo" href="/">{FARM_SITE}</a></header>
<main><article class="post"><h1 class="entry-title">{TITLE}</h1>
<div class="entry-meta"><span class="posted-on">11/03/2025</span> <span class="author">admin</span></div>
<div class="entry-content">{"".join(lines)}</div></article></main>
<footer class="site-footer"><p>© {FARM_SITE}</p></footer></body></html>"""
