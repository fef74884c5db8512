# ruff: noqa: E501 (the page template is markup as such a site serves it, long lines included)
"""Re-record vccidata_repost.html: the seed text laid out as the WordPress content farm served it.

The seed (000_248af50c5ac81042.txt) is the text of a Báo Phú Thọ ("PTĐT –") article as VCCIDATA
reposted it, wrapper lines and all, one block per blank-line-separated chunk. This script puts each
block where such a site puts it: menu and category label, the h1, the SEO teaser lines inside the
post, the photo as a <figure>, the PTĐT paragraphs, the closing lines, the related posts, the comment
form and the back-to-top button. Paragraphs the repost glued together ("mới.Phương thức") become
<p> siblings again, as in the original WordPress post.

    python tests/corpus/seed/make_repost.py
"""

from __future__ import annotations

import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE / "000_248af50c5ac81042.txt"
OUT = HERE / "vccidata_repost.html"
URL = "https://vccidata.com.vn/tai-sao-phai-nang-cao-nang-luc-lanh-dao-cua-dang/"
# A sentence end glued to the next sentence's capital letter: the trace of a lost </p><p>.
GLUE = re.compile(r"(?<=[a-zđà-ỹ.”)][.:])(?=[A-ZĐÀ-Ỹ])")


def blocks() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n\n")


def paragraphs(block: str) -> str:
    return "\n".join(f"<p>{html.escape(part)}</p>" for part in GLUE.split(block))


def page() -> str:
    b = blocks()
    category, title, teaser, video, _, dang_xem, *_ = b
    xem_them, caption, opening, body = b[9], b[11].strip(), b[12], b[13]
    related, closing, wishes = b[14], b[15], b[16]
    xem_them_label, xem_them_title = xem_them.split(": ", 1)
    related_label, related_title = (part.strip() for part in related.split(":", 1))
    photo = "https://vccidata.com.vn/wp-content/uploads/2021/11/sinh-hoat-chi-bo-son-nga.jpg"
    return f"""<!DOCTYPE html>
<html lang="vi" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<title>{html.escape(title)} - VCCIDATA</title>
<meta name="description" content="{html.escape(teaser)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{html.escape(title)} - VCCIDATA">
<meta property="og:site_name" content="VCCIDATA">
<meta property="og:url" content="{URL}">
<meta property="article:section" content="{html.escape(category)}">
<meta property="article:published_time" content="2021-11-30T10:05:00+07:00">
<meta name="author" content="admin">
<script type="application/ld+json">{{"@context":"https://schema.org","@graph":[
{{"@type":"Article","headline":"{title}","datePublished":"2021-11-30T10:05:00+07:00",
"author":{{"@type":"Person","name":"admin"}},"publisher":{{"@type":"Organization","name":"VCCIDATA"}},
"articleSection":["{category}"]}},
{{"@type":"WebSite","name":"VCCIDATA","url":"https://vccidata.com.vn/"}},
{{"@type":"BreadcrumbList","itemListElement":[{{"@type":"ListItem","position":1,"name":"Trang chủ"}},
{{"@type":"ListItem","position":2,"name":"{category}"}}]}}]}}</script>
<link rel="stylesheet" href="/wp-content/themes/jannah/assets/css/style.min.css">
</head>
<body class="post-template-default single single-post postid-5123 single-format-standard">
<div class="background-overlay"><div id="tie-container" class="site tie-container">
<header id="theme-header" class="theme-header header-layout-3 main-nav-light">
<div class="container"><div class="logo-wrapper"><a href="https://vccidata.com.vn/" rel="home">
<img src="/wp-content/uploads/2020/05/logo-vccidata.png" alt="VCCIDATA" width="300" height="49"></a></div>
<nav id="main-nav" class="main-nav"><ul id="menu-main-menu" class="menu">
<li class="menu-item"><a href="https://vccidata.com.vn/">Trang chủ</a></li>
<li class="menu-item current-post-ancestor"><a href="https://vccidata.com.vn/hoi-dap/">{category}</a></li>
<li class="menu-item"><a href="https://vccidata.com.vn/cong-nghe/">Công nghệ</a></li>
<li class="menu-item"><a href="https://vccidata.com.vn/giao-duc/">Giáo dục</a></li>
<li class="menu-item"><a href="https://vccidata.com.vn/tai-chinh/">Tài chính</a></li>
<li class="menu-item"><a href="https://vccidata.com.vn/lien-he/">Liên hệ</a></li>
</ul></nav>
<form role="search" method="get" class="search-form" action="https://vccidata.com.vn/">
<input type="search" name="s" placeholder="Tìm kiếm..."><button type="submit">Tìm kiếm</button></form>
</div></header>
<div id="content" class="site-content container"><div class="tie-row main-content-row">
<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard">
<header class="entry-header-outer">
<nav id="breadcrumb"><a href="https://vccidata.com.vn/">Trang chủ</a><em class="delimiter">/</em>
<a href="https://vccidata.com.vn/hoi-dap/">{category}</a></nav>
<div class="entry-header">
<span class="post-cat-wrap"><a class="post-cat tie-cat-5" href="https://vccidata.com.vn/hoi-dap/">{category}</a></span>
<h1 class="post-title entry-title">{html.escape(title)}</h1>
<div class="single-post-meta post-meta clearfix">
<span class="author-meta single-author no-avatars"><span class="meta-item meta-author-wrapper">
<span class="meta-author"><a href="https://vccidata.com.vn/author/admin/" class="author-name">admin</a></span></span></span>
<span class="date meta-item tie-icon">30/11/2021 | 10:05</span>
<div class="tie-alignright"><span class="meta-views meta-item">1.024</span></div>
</div></div></header>
<div class="entry-content entry clearfix">
<p>{html.escape(teaser)}</p>
<p><strong>{html.escape(video.removesuffix(" tại đây."))} <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">tại đây</a>.</strong></p>
<ul class="wp-block-gallery"><li><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/video-thumb.jpg" alt="" width="640" height="360"></li></ul>
<div class="ez-toc-v2_0_17 counter-hierarchy ez-toc-container"><p class="ez-toc-title">Mục lục</p>
<nav><ul class="ez-toc-list"><li><a href="#PTDT">Tổ chức cơ sở Đảng là nền tảng của Đảng</a></li></ul></nav></div>
<p>{html.escape(dang_xem)}</p>
<ul>
<li><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/dang-1.jpg" alt="" width="640" height="427"></li>
<li><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/dang-2.jpg" alt="" width="640" height="427"></li>
<li><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/dang-3.jpg" alt="" width="640" height="427"></li>
</ul>
<p>{html.escape(xem_them_label)}: <a href="https://vccidata.com.vn/de-thi-tieng-anh-lop-3/">{html.escape(xem_them_title)}</a></p>
<ul><li><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/dang-4.jpg" alt="" width="640" height="427"></li></ul>
<figure id="attachment_5124" class="wp-caption aligncenter" style="width: 700px">
<img class="size-full wp-image-5124" src="{photo}" alt="{html.escape(title)}" width="700" height="466">
<figcaption class="wp-caption-text">{html.escape(caption)}</figcaption></figure>
{paragraphs(opening)}
{paragraphs(body)}
<div class="inline-related-post"><strong>{html.escape(related_label)}:</strong>\xa0 <a href="https://vccidata.com.vn/cong-nghe-xac-dinh-vi-tri-la-gi/">{html.escape(related_title)}</a></div>
<p>{html.escape(closing)}</p>
<p><strong>{html.escape(wishes)}</strong></p>
<div class="kk-star-ratings kksr-auto kksr-align-left"><div class="kksr-stars"></div>
<div class="kksr-legend">5/5 - (1 bình chọn)</div></div>
</div>
<div id="share-buttons-bottom" class="share-buttons share-buttons-bottom"><div class="share-links">
<a href="https://www.facebook.com/sharer.php?u={URL}" class="facebook-share-btn"><span class="share-btn-icon"></span><span class="social-text">Facebook</span></a>
<a href="https://twitter.com/intent/tweet?url={URL}" class="twitter-share-btn"><span class="social-text">Twitter</span></a>
<a href="https://www.pinterest.com/pin/create/button/?url={URL}" class="pinterest-share-btn"><span class="social-text">Pinterest</span></a>
<a href="mailto:?subject={html.escape(title)}" class="email-share-btn"><span class="social-text">Chia sẻ qua Email</span></a>
<a href="#" class="print-share-btn"><span class="social-text">In</span></a></div></div>
</article>
<div id="related-posts" class="container-wrapper has-extra-post">
<div class="mag-box-title the-global-title"><h3>Related Articles</h3></div>
<div class="related-posts-list">
<div class="related-item"><a href="https://vccidata.com.vn/y-nghia-cua-tu-tuong-ho-chi-minh/" class="post-thumb"><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/hcm.jpg" width="390" height="220" alt=""></a>
<h3 class="post-title"><a href="https://vccidata.com.vn/y-nghia-cua-tu-tuong-ho-chi-minh/">Ý Nghĩa Của Tư Tưởng Hồ Chí Minh Về Xây Dựng Đảng</a></h3>
<div class="post-meta"><span class="date meta-item">29/11/2021</span></div></div>
<div class="related-item"><a href="https://vccidata.com.vn/nguyen-tac-tap-trung-dan-chu-la-gi/" class="post-thumb"><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/ttdc.jpg" width="390" height="220" alt=""></a>
<h3 class="post-title"><a href="https://vccidata.com.vn/nguyen-tac-tap-trung-dan-chu-la-gi/">Nguyên Tắc Tập Trung Dân Chủ Là Gì? Nội Dung Và Ý Nghĩa</a></h3>
<div class="post-meta"><span class="date meta-item">28/11/2021</span></div></div>
<div class="related-item"><a href="https://vccidata.com.vn/chi-bo-la-gi/" class="post-thumb"><img src="https://vccidata.com.vn/wp-content/uploads/2021/11/chibo.jpg" width="390" height="220" alt=""></a>
<h3 class="post-title"><a href="https://vccidata.com.vn/chi-bo-la-gi/">Chi Bộ Là Gì? Nhiệm Vụ Của Chi Bộ Cơ Sở Mới Nhất</a></h3>
<div class="post-meta"><span class="date meta-item">27/11/2021</span></div></div>
</div></div>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Trả lời <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Hủy</a></small></h3>
<form action="https://vccidata.com.vn/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes"><span id="email-notes">Email của bạn sẽ không được hiển thị công khai.</span> <span class="required-field-message">Các trường bắt buộc được đánh dấu <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Bình luận</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
<p class="comment-form-author"><label for="author">Tên *</label><input id="author" name="author" type="text" size="30" required></p>
<p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email" type="email" size="30" required></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Phản hồi"></p>
</form></div></div>
</div>
<aside class="sidebar tie-col-md-4 tie-col-xs-12 normal-side" aria-label="Primary Sidebar">
<div id="posts-list-widget-2" class="container-wrapper widget posts-list"><div class="widget-title the-global-title"><h4>Bài viết mới</h4></div>
<ul class="posts-list-items">
<li class="widget-single-post-item"><a href="https://vccidata.com.vn/cach-tinh-lai-suat-vay-ngan-hang/">Cách Tính Lãi Suất Vay Ngân Hàng Chính Xác Nhất 2021</a></li>
<li class="widget-single-post-item"><a href="https://vccidata.com.vn/bang-chu-cai-tieng-viet/">Bảng Chữ Cái Tiếng Việt Chuẩn Theo Bộ Giáo Dục</a></li>
<li class="widget-single-post-item"><a href="https://vccidata.com.vn/cach-doi-mat-khau-wifi/">Cách Đổi Mật Khẩu Wifi Viettel, VNPT, FPT Đơn Giản</a></li>
</ul></div></aside>
</div></div>
<footer id="footer" class="site-footer dark-skin"><div class="container"><p>© Copyright 2021, All Rights Reserved | VCCIDATA.COM.VN</p></div></footer>
<a id="go-to-top" class="go-to-top-button" href="#go-to-tie-body"><span class="tie-icon-angle-up"></span><span class="screen-reader-text">Back to top button</span></a>
</div></div>
</body>
</html>
"""


if __name__ == "__main__":
    OUT.write_text(page(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(HERE.parents[2])}")
