"""Small but realistic provincial-news pages for the extraction unit tests (not a test module).

`article_page()` is a Vietnamese article as a provincial paper's CMS serves it: menu, h1, sapo,
date line, body, byline, related box, footer. Arguments put extra markup inside the body, after it,
or change the metadata, so each test states only what it is about.
"""

from __future__ import annotations

import html

URL = "https://baophutho.vn/nong-dan-phu-tho-mo-rong-dien-tich-che-xanh-an-toan-215634.htm"
TITLE = "Nông dân Phú Thọ mở rộng diện tích chè xanh an toàn"
SAPO = (
    "Năm nay, các hợp tác xã chè ở huyện Thanh Sơn và Tân Sơn mở rộng thêm 320 ha chè sản xuất theo "
    "tiêu chuẩn VietGAP, nâng tổng diện tích chè an toàn của tỉnh lên gần 4.000 ha."
)
PARAGRAPHS = [
    "Theo Sở Nông nghiệp và Phát triển nông thôn tỉnh Phú Thọ, từ đầu năm đến nay, nông dân ở các xã "
    "vùng cao đã chuyển đổi hơn 320 ha chè trung du già cỗi sang các giống chè mới cho năng suất cao, "
    "đồng thời áp dụng quy trình bón phân hữu cơ và hạn chế thuốc bảo vệ thực vật.",
    "Tại xã Minh Đài, huyện Tân Sơn, Hợp tác xã chè Minh Đài liên kết với 156 hộ dân bao tiêu toàn bộ "
    "sản phẩm. Giá chè búp tươi đạt chuẩn được thu mua cao hơn từ 15 đến 20% so với chè sản xuất theo "
    "cách truyền thống, giúp mỗi hộ tăng thu nhập thêm khoảng 30 triệu đồng mỗi năm.",
    "Ông Hà Văn Thắng, Giám đốc hợp tác xã, cho biết: “Trước đây bà con quen phun thuốc theo thói quen, "
    "nay có cán bộ kỹ thuật hướng dẫn ghi nhật ký sản xuất nên chè sạch hơn, bán được giá hơn và "
    "thương lái từ Hà Nội, Thái Nguyên về tận nơi đặt hàng”.",
    "Trong thời gian tới, tỉnh tiếp tục hỗ trợ kinh phí cấp giấy chứng nhận VietGAP, xây dựng mã số "
    "vùng trồng và quảng bá thương hiệu chè Phú Thọ trên các sàn thương mại điện tử, phấn đấu đến năm "
    "2025 có 5.000 ha chè được chứng nhận an toàn.",
]
AUTHOR = "Thu Hà"
PUBLISHED = "2024-05-06T08:30:00+07:00"


def article_page(
    *,
    inside: str = "",
    after: str = "",
    byline: str = AUTHOR,
    head: str = "",
    json_ld: bool = True,
    date_line: str = "Thứ Hai, 06/05/2024 08:30",
) -> str:
    """The article; `inside` goes between the second and third paragraph, `after` after the byline."""
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS]
    body = "\n".join(paragraphs[:2]) + f"\n{inside}\n" + "\n".join(paragraphs[2:])
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":"{TITLE}","datePublished":"{PUBLISHED}",'
        '"author":{"@type":"Organization","name":"Báo Phú Thọ"},'
        '"publisher":{"@type":"Organization","name":"Báo Phú Thọ"}}</script>'
        if json_ld
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} | Báo Phú Thọ điện tử</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="Báo Phú Thọ điện tử">
<meta property="og:title" content="{TITLE}"><meta name="description" content="{html.escape(SAPO)}">
<meta name="author" content="baophutho.vn">
{ld}{head}
</head><body>
<header><a href="/" class="logo"><img src="/logo.png" alt="Báo Phú Thọ"></a>
<nav><ul class="menu"><li><a href="/thoi-su.htm">Thời sự</a></li><li><a href="/kinh-te.htm">Kinh tế</a></li>
<li><a href="/xa-hoi.htm">Xã hội</a></li><li><a href="/van-hoa.htm">Văn hóa</a></li></ul></nav></header>
<main><article class="detail">
<div class="breadcrumb"><a href="/kinh-te.htm">Kinh tế</a></div>
<h1 class="detail-title">{TITLE}</h1>
<div class="detail-time">{date_line}</div>
<h2 class="detail-sapo">{html.escape(SAPO)}</h2>
<div class="detail-content">
{body}
<p style="text-align:right"><strong>{html.escape(byline)}</strong></p>
{after}
</div></article>
<div class="box-related"><h3 class="title">Tin cùng chuyên mục</h3>
<div class="item"><a href="/gia-lua-tang-215600.htm">Giá lúa tăng mạnh, nông dân Phú Thọ phấn khởi</a></div>
<div class="item"><a href="/ocop-phu-tho-215601.htm">Phú Thọ có thêm 40 sản phẩm OCOP đạt ba sao</a></div>
<div class="item"><a href="/buoi-doan-hung-215602.htm">Bưởi Đoan Hùng được bảo hộ tại châu Âu</a></div></div>
</main>
<footer><p>© Báo Phú Thọ điện tử. Giấy phép số 123/GP-BTTTT.</p></footer>
</body></html>"""


def listing_page(
    url: str = "https://baophutho.vn/kinh-te.htm",
    og_type: str = "website",
    *,
    h1_links_here: bool = True,
    time_first: bool = False,
) -> str:
    """A category page: the section name as h1 (linking to itself), then teasers with sapos."""
    h1 = f'<a href="{url}">Kinh tế</a>' if h1_links_here else "Tin kinh tế Phú Thọ mới nhất hôm nay"
    label = '<span class="time">2 giờ trước</span>' if time_first else ""
    teasers = "\n".join(
        f"""<div class="story"><a href="/bai-{i}-2156{i:02d}.htm" class="thumb"><img src="/{i}.jpg"></a>
{label}<h4 class="story-title"><a href="/bai-{i}-2156{i:02d}.htm">{html.escape(title)}</a></h4>
<p class="story-sapo">{html.escape(sapo)}</p></div>"""
        for i, (title, sapo) in enumerate(
            [
                (TITLE, SAPO),
                ("Giá lúa tăng mạnh, nông dân Phú Thọ phấn khởi vào vụ mới", PARAGRAPHS[0]),
                ("Phú Thọ có thêm 40 sản phẩm OCOP đạt chuẩn ba sao", PARAGRAPHS[1]),
                ("Bưởi Đoan Hùng được bảo hộ chỉ dẫn địa lý tại châu Âu", PARAGRAPHS[2]),
                ("Tỉnh đẩy mạnh chuyển đổi số trong sản xuất nông nghiệp", PARAGRAPHS[3]),
                ("Nông thôn mới nâng cao: ba huyện về đích trước hạn hai năm", SAPO),
            ]
        )
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kinh tế - Báo Phú Thọ điện tử</title>
<meta property="og:type" content="{og_type}"><meta property="og:site_name" content="Báo Phú Thọ điện tử">
</head><body>
<nav><ul><li><a href="/thoi-su.htm">Thời sự</a></li><li><a href="/kinh-te.htm">Kinh tế</a></li></ul></nav>
<main><h1 class="cate-title">{h1}</h1>
<div class="list-news">{teasers}</div>
<div class="paging"><a href="?page=2">2</a><a href="?page=3">3</a></div></main>
<footer><p>© Báo Phú Thọ điện tử.</p></footer></body></html>"""
