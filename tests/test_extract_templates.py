"""Site templates: lines a site repeats on many pages (title masked) are learned from its own pages,
stored as data, and removed by extract(..., templates=...) the same way every time."""

from __future__ import annotations

import html

import pytest

from pipelines.extraction.article import Article
from pipelines.extraction.extract import EXTRACTOR_VERSION, extract
from pipelines.extraction.templates import SiteTemplates, learn_templates, line_key

HOST = "tintuc-mau.vn"
NOTICE = "Mọi sao chép phải ghi rõ nguồn gốc bài viết và đường dẫn gốc của tòa soạn."
STORIES = [
    ("Xã vùng cao hoàn thành đường bê tông về bản", "Con đường dài 3 km giúp 120 hộ đi lại dễ dàng hơn"),
    ("Nông dân thu hoạch mận sớm, giá bán tăng", "Mỗi ki-lô-gam mận được thương lái mua cao hơn năm trước"),
    ("Trường học mới khai giảng giữa núi rừng", "Ngôi trường hai tầng đón 300 học sinh trong ngày đầu"),
    ("Hợp tác xã chè đạt chứng nhận hữu cơ", "Sản phẩm chè được xuất sang thị trường châu Âu"),
    ("Bản làng đón điện lưới quốc gia", "Hơn 80 hộ dân lần đầu có điện sinh hoạt ổn định"),
]


def site_page(title: str, lead: str, author: str = "Lò Văn Hùng") -> str:
    body = "".join(
        f"<p>{html.escape(lead)}. Đây là câu thứ {i} của bài, kể chi tiết về sự kiện và những người đã góp "
        f"công làm nên thay đổi ở địa phương trong thời gian qua.</p>"
        for i in range(1, 5)
    )
    return f"""<html lang="vi"><head><title>{html.escape(title)} - Tin Tức Mẫu</title>
<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(title)}"></head><body>
<article><h1>{html.escape(title)}</h1><div class="date">11/03/2025 07:45</div><div class="content">
<p>Bài viết {html.escape(title)} thuộc chuyên mục Đời sống địa phương.</p>{body}<p>{NOTICE}</p>
<p><b>{author}</b></p></div></article></body></html>"""


def url(i: int) -> str:
    return f"https://{HOST}/tin-so-{i}-p{1000 + i}.html"


@pytest.fixture(scope="module")
def learned() -> SiteTemplates:
    articles = [extract(site_page(t, lead), url(i)) for i, (t, lead) in enumerate(STORIES)]
    assert all(articles)
    return learn_templates(HOST, [a for a in articles if a is not None])


def test_recurring_lines_are_learned_with_the_title_masked(learned: SiteTemplates) -> None:
    assert learned.lines == {line_key(NOTICE, None), "bài viết {title} thuộc chuyên mục đời sống địa phương."}
    assert learned.pages == len(STORIES)


def test_bylines_recur_but_are_never_template(learned: SiteTemplates) -> None:
    assert all("lò văn hùng" not in line for line in learned.lines)


def test_templates_leave_the_text_of_a_new_page(learned: SiteTemplates) -> None:
    page = site_page("Cầu treo mới nối hai bờ suối", "Cây cầu dài 60 m thay cho lối đi tạm")
    plain = extract(page, url(99))
    cleaned = extract(page, url(99), templates=learned)
    assert plain is not None and cleaned is not None
    assert NOTICE in plain.text and "thuộc chuyên mục Đời sống" in plain.text
    assert NOTICE not in cleaned.text and "thuộc chuyên mục Đời sống" not in cleaned.text
    assert cleaned.text.startswith("Cây cầu dài 60 m")
    assert cleaned.author == plain.author == "Lò Văn Hùng"


def test_the_same_templates_give_the_same_article(learned: SiteTemplates) -> None:
    page = site_page(*STORIES[0])
    stored = SiteTemplates.from_json(learned.to_json())
    first, again = extract(page, url(0), templates=learned), extract(page, url(0), templates=stored)
    assert first == again
    assert first is not None and first.extractor == f"{EXTRACTOR_VERSION} templates/{learned.digest}"
    assert extract(page, url(0)).extractor == EXTRACTOR_VERSION  # type: ignore[union-attr]


def test_no_template_from_too_few_pages() -> None:
    articles = [extract(site_page(t, lead), url(i)) for i, (t, lead) in enumerate(STORIES[:2])]
    assert learn_templates(HOST, [a for a in articles if a is not None]).lines == frozenset()


def test_a_line_on_a_small_share_of_pages_is_no_template() -> None:
    common = [Article(url=url(i), title=f"Tin {i}", text=f"Câu riêng {i}.") for i in range(20)]
    shared = [Article(url=url(i), title=f"Tin {i}", text=f"Câu riêng {i}.\n\nMột câu chung") for i in range(3)]
    assert learn_templates(HOST, common + shared).lines == frozenset()
    assert learn_templates(HOST, shared).lines == {"một câu chung"}


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("not json", "not JSON"),
        ('{"format": 99, "lines": []}', "unknown format"),
        ('{"format": 1, "lines": "x"}', "list of strings"),
    ],
)
def test_bad_stored_templates_say_what_to_do(stored: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SiteTemplates.from_json(stored)
