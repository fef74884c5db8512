"""Every Vietnamese rule against its own example: alone, in the body cleaner, and inside a real page.

A new rule in pipelines/extraction/rules.py is tested here without a line of test code: its example must
match it, vanish from an article that carries it, and leave the article's paragraphs alone.
"""

from __future__ import annotations

import html

import pytest
from trafilatura.utils import load_html

from pipelines.extraction.body import clean_body
from pipelines.extraction.boxes import prune_boxes
from pipelines.extraction.extract import extract
from pipelines.extraction.rules import BOX_CLASSES, BOX_TITLES, LINE_RULES, match_line
from tests.extract_fixtures.pages import PARAGRAPHS, URL, article_page

COMMENT = "Nguyễn Văn Bình đã viết: bài báo rất hay, mong tòa soạn có thêm nhiều bài về nông nghiệp sạch."


def _ids(rules: tuple) -> list[str]:
    return [rule.name for rule in rules]


def test_rule_names_are_unique() -> None:
    for rules in (LINE_RULES, BOX_TITLES, BOX_CLASSES):
        names = _ids(rules)
        assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", LINE_RULES, ids=_ids(LINE_RULES))
def test_line_rule_matches_its_example(rule) -> None:
    assert rule.pattern.match(rule.example), f"{rule.name} does not match its own example"
    assert match_line(rule.example) is not None


@pytest.mark.parametrize("rule", LINE_RULES, ids=_ids(LINE_RULES))
def test_line_rule_acts_in_the_body(rule) -> None:
    body = clean_body([*PARAGRAPHS, rule.example, COMMENT], captions=[], vietnamese=True)
    assert rule.example not in body.paragraphs
    assert body.paragraphs[: len(PARAGRAPHS)] == PARAGRAPHS
    if rule.action == "cut":
        assert COMMENT not in body.paragraphs
    if rule.action == "credit":
        body = clean_body([*PARAGRAPHS, rule.example], captions=[], vietnamese=True)
        assert body.credit == rule.pattern.match(rule.example)["credit"]
        assert body.paragraphs == PARAGRAPHS


@pytest.mark.parametrize("rule", LINE_RULES, ids=_ids(LINE_RULES))
def test_line_rule_example_leaves_a_real_page(rule) -> None:
    line = f"<p>{html.escape(rule.example)}</p>"
    # A credit closes the article; anywhere else "Nguồn: …" is text (a chart's source, say).
    page = article_page(after=line) if rule.action == "credit" else article_page(inside=line)
    article = extract(page, URL)
    assert article is not None
    assert rule.example not in article.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    if rule.action == "credit":
        assert article.source_credit == rule.pattern.match(rule.example)["credit"]


def test_credit_lines_in_the_middle_stay_text() -> None:
    chart_note = "Nguồn: Cục Thống kê tỉnh Phú Thọ"
    body = clean_body([PARAGRAPHS[0], chart_note, *PARAGRAPHS[1:]], captions=[], vietnamese=True)
    assert chart_note in body.paragraphs
    assert body.credit is None


@pytest.mark.parametrize(
    "sentence",
    [
        *PARAGRAPHS,
        "Theo ông Hà Văn Thắng, năm nay giá chè tăng khá.",
        "Bạn đọc có thể gửi ý kiến về tòa soạn qua số điện thoại đường dây nóng.",
        "Chúc mừng năm mới, lãnh đạo tỉnh đã đến thăm hỏi các gia đình chính sách.",
        "Xem thêm các quy định tại Nghị định 68/2026/NĐ-CP về thuế đối với hộ kinh doanh.",
        "Chủ đề: hội thảo năm nay bàn về chuyển đổi số trong nông nghiệp vùng trung du.",
        "Trả lời câu hỏi của cử tri, Giám đốc Sở Tài chính cho biết sẽ rà soát lại giá đất.",
        "Bình luận về kết quả này, chuyên gia cho rằng cần thêm thời gian để đánh giá.",
    ],
)
def test_line_rules_leave_news_sentences_alone(sentence: str) -> None:
    assert match_line(sentence) is None


@pytest.mark.parametrize("heading", ["h3", "span"])
@pytest.mark.parametrize("rule", BOX_TITLES, ids=_ids(BOX_TITLES))
def test_box_title_rule_removes_its_box(rule, heading: str) -> None:
    headline = "về nông nghiệp công nghệ cao ở Phú Thọ"
    links = "".join(f'<div><a href="/tin-{i}.htm">Tin thứ {i} {headline}</a></div>' for i in range(3))
    box = f'<div class="box"><{heading}>{html.escape(rule.example)}</{heading}>{links}</div>'
    tree = load_html(article_page(inside=box))
    assert rule.name in prune_boxes(tree)
    article = extract(article_page(inside=box), URL)
    assert article is not None
    assert headline not in article.text
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text


@pytest.mark.parametrize("rule", BOX_CLASSES, ids=_ids(BOX_CLASSES))
def test_box_class_rule_removes_its_box(rule) -> None:
    links = '<a href="https://facebook.com/share">Facebook</a> <a href="#">Zalo</a> <span>Gửi</span>'
    bar = f'<div class="{rule.example}">{links}</div>'
    tree = load_html(article_page(inside=bar))
    assert rule.name in prune_boxes(tree)
    article = extract(article_page(inside=bar), URL)
    assert article is not None and "Zalo" not in article.text


def test_box_heading_inside_running_text_stays() -> None:
    sentence = "các quy định mới về thuế khoán đối với hộ kinh doanh tại Nghị định 68/2026/NĐ-CP."
    article = extract(article_page(inside=f"<p><b>Xem thêm</b> {sentence}</p>"), URL)
    assert article is not None
    assert f"Xem thêm {sentence}" in article.text


def test_related_link_list_without_heading_goes() -> None:
    items = "".join(
        f'<li><a href="/tin-{i}-2156{i}.htm">Tin thứ {i} về chương trình mỗi xã một sản phẩm</a></li>'
        for i in range(4)
    )
    tree = load_html(article_page(inside=f"<ul>{items}</ul>"))
    assert "link_list" in prune_boxes(tree)
    article = extract(article_page(inside=f"<ul>{items}</ul>"), URL)
    assert article is not None and "mỗi xã một sản phẩm" not in article.text


def test_content_lists_stay() -> None:
    items = "<li>Hỗ trợ 50% chi phí cấp giấy chứng nhận VietGAP;</li><li>Miễn phí tập huấn kỹ thuật.</li>"
    article = extract(article_page(inside=f"<ul>{items}</ul>"), URL)
    assert article is not None
    assert "Hỗ trợ 50% chi phí cấp giấy chứng nhận VietGAP" in article.text
