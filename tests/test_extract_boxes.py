"""Boxes leave the body even inside the article element (related cards and lists, promotions, "Đọc tiếp");
a link inside running text never does; the prose trafilatura skips comes back in place."""

from __future__ import annotations

import html

import pytest
from lxml.html import fragment_fromstring

from pipelines.extraction.boxes import prune_boxes
from pipelines.extraction.extract import extract
from pipelines.extraction.text import read_text
from tests.extract_fixtures.layouts import BODY, URL, news_page, paragraphs


def with_inside(markup: str, at: int = 2) -> str:
    """The article page with `markup` between body paragraphs `at - 1` and `at`."""
    return news_page(body=paragraphs(BODY[:at]) + markup + paragraphs(BODY[at:]))


def text_of(page: str) -> str:
    article = extract(page, URL)
    assert article is not None
    return article.text


BOXES = {
    "book promotion": (
        '<div class="book-box"><img src="/sach.jpg" alt=""><h4><a href="https://nhasach.example/sach-1">Cẩm nang '
        "đường bộ vùng cao</a></h4><p>Cuốn sách tập hợp kinh nghiệm lái xe an toàn trên đèo dốc, do nhiều tác giả "
        'biên soạn.</p><p class="price">Giá bìa: 120.000 đồng</p><a class="btn" href="https://nhasach.example/mua">'
        "Mua ngay</a></div>",
        ["Cẩm nang đường bộ", "Mua ngay", "Giá bìa"],
    ),
    "booking call to action": (
        '<div class="cta-booking"><p><strong>Đặt phòng homestay ven hồ</strong></p><p>Nghỉ dưỡng giữa núi rừng '
        "với giá ưu đãi cho nhóm từ bốn người, liên hệ ngay để giữ chỗ cuối tuần.</p>"
        '<a href="https://dulich.example/dat-phong">Đặt ngay</a></div>',
        ["homestay", "Đặt ngay"],
    ),
    "teaser card": (
        '<div class="box-news"><a href="/bai-khac-p111.html"><img src="/k.jpg" alt=""></a>'
        '<a href="/bai-khac-p111.html">Khánh thành cây cầu treo thứ ba trên dòng sông Đà</a>'
        "<p>Cây cầu giúp hơn 300 hộ dân hai bên bờ đi lại thuận tiện.</p></div>",
        ["Khánh thành cây cầu", "300 hộ dân hai bên bờ"],
    ),
    "read-on box": (
        '<div class="note"><b>Đọc tiếp:</b> <a href="/bai-p222.html">Vì sao tuyến đèo thường sạt lở sau mưa '
        "lớn</a></div>",
        ["Vì sao tuyến đèo"],
    ),
    "headline link alone in a paragraph": (
        '<p><a href="/bai-p333.html">Huyện vùng cao đầu tư xây mới 12 điểm trường</a></p>',
        ["đầu tư xây mới 12 điểm"],
    ),
    "list of teasers with summaries": (
        '<ul><li><a href="/x-p1.html">Hàng trăm hộ dân được hỗ trợ làm nhà mới trước Tết</a> Người dân phấn khởi '
        'vì có nhà vững chãi.</li><li><a href="/x-p2.html">Tỉnh khen thưởng các tập thể có thành tích xuất sắc</a> '
        "Nhiều tập thể được biểu dương.</li></ul>",
        ["Hàng trăm hộ dân", "khen thưởng các tập thể"],
    ),
}


@pytest.mark.parametrize("box", BOXES)
def test_boxes_inside_the_article_leave_the_body(box: str) -> None:
    markup, words = BOXES[box]
    text = text_of(with_inside(markup))
    assert [w for w in words if w in text] == []
    for paragraph in BODY:
        assert paragraph in text


def test_a_link_inside_running_text_keeps_its_words() -> None:
    """A keyword link classed like a related box ("tag-relate") is part of the sentence."""
    sentence = (
        'Ngày 5/3, ngân hàng <a class="tag-relate" href="/tag/ngan-hang">chính sách xã hội</a> và vợ chồng ông S '
        "đã ký cam kết trả nợ đúng hạn theo lộ trình được hai bên thống nhất trước đó."
    )
    text = text_of(with_inside(f"<p>{sentence}</p>"))
    assert "ngân hàng chính sách xã hội và vợ chồng ông S" in text


def test_inline_box_classes_inside_a_sentence_are_not_pruned() -> None:
    tree = fragment_fromstring(
        '<div><p>Giá <span class="share">cổ phiếu</span> tăng, <b class="related">mạnh</b> nhất tuần.</p></div>'
    )
    prune_boxes(tree)
    assert read_text(tree) == "Giá cổ phiếu tăng, mạnh nhất tuần."


def test_cards_on_a_listing_are_the_page_not_boxes() -> None:
    """Teaser cards beside other teaser cards (a section page) stay for the article-or-not decision."""
    cards = "".join(
        f'<div class="item"><a href="/t-{i}-p9{i}.html"><img src="/{i}.jpg" alt=""></a>'
        f'<h3><a href="/t-{i}-p9{i}.html">Huyện vùng cao số {i} hoàn thành cầu treo trước mùa lũ</a></h3>'
        f"<p>Sau nhiều tháng thi công, cây cầu ở huyện số {i} đã được bàn giao cho người dân sử dụng an toàn.</p></div>"
        for i in range(6)
    )
    tree = fragment_fromstring(f"<div>{cards}</div>")
    assert prune_boxes(tree) == []


PASSAGES = {
    "a passage set in a div": "<div>Đoạn văn đặt trong thẻ div chứ không phải thẻ p, kể về việc bà con ghi lại "
    "từng ngày công lao động để được trả tiền công đúng hạn.</div>",
    "a passage after a photo table": f'<div>{html.escape(BODY[1])}<table class="image"><tr><td><img src="/a.jpg" '
    'alt=""></td></tr><tr><td class="caption">Máy xúc làm việc trên đèo. Ảnh: Lò Mai</td></tr></table>'
    "Đoạn văn ngay sau bảng ảnh, không có thẻ nào bọc, nói về kế hoạch trồng cây xanh hai bên đường khi "
    "tuyến hoàn thành.</div>",
}


@pytest.mark.parametrize("layout", PASSAGES)
def test_prose_trafilatura_skips_comes_back_in_place(layout: str) -> None:
    if "table" in layout:
        page = news_page(body=paragraphs(BODY[:1]) + PASSAGES[layout] + paragraphs(BODY[2:]))
        passage = "Đoạn văn ngay sau bảng ảnh"
    else:
        page, passage = with_inside(PASSAGES[layout]), "Đoạn văn đặt trong thẻ div"
    paragraphs_out = text_of(page).split("\n\n")
    where = next(i for i, p in enumerate(paragraphs_out) if passage in p)
    assert BODY[2] in paragraphs_out[where + 1]  # in reading order, before what follows it
    assert "Máy xúc làm việc trên đèo" not in "\n".join(paragraphs_out)  # the caption is no passage


def test_lines_of_nested_divs_are_not_glued() -> None:
    lines = (
        "<div><div>Dòng đầu tiên của đoạn này kể về buổi họp bàn kế hoạch thi công với đầy đủ các hộ dân "
        "trong bản.</div><div>Dòng thứ hai bắt đầu ngay sau, trong thẻ riêng của nó, kể về những ý kiến đóng "
        "góp của bà con.</div></div>"
    )
    text = text_of(with_inside(lines))
    assert "Dòng đầu tiên" in text and "Dòng thứ hai" in text
    assert "bản.Dòng" not in text
