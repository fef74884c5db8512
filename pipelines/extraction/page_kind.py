"""Article or not: listing, category, tag, search, home and error pages get no article.

The page's structure decides, the URL only helps:
- teasers: blocks made of one headline link (plus an image and a short summary), repeated; when most
  of the extracted text comes from teasers, the page lists articles instead of being one;
- what the page declares: JSON-LD @type (NewsArticle vs CollectionPage), og:type, a publication time;
- a headline: an <h1> of several words that the <title> or og:title repeats, not a section name that
  is also a menu link;
- the URL as a hint: "/", /tag/, /tim-kiem/, ?page= against a long slug or a numeric article id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipelines.extraction.bylines import fold
from pipelines.extraction.signals import WHITESPACE, PageSignals, resolve, split_url

TOKEN = re.compile(r"\w+")
TEASER_MAX_CHARS = 600  # headline + summary; a block longer than this is not one teaser
TEASER_SHARE_LISTING = 0.5
ERROR_TITLE_WORDS = 10
HEADLINE_MIN_CHARS = 24
HEADINGS = frozenset({"h2", "h3", "h4", "h5"})
# An error page's title is the error ("404 - Không tìm thấy trang"), not a headline with a number in it
# ("500 tỷ đồng cho giao thông nông thôn").
ERROR_TITLE = re.compile(
    r"^\W*(?:lỗi|error)?\W*(?:404|403|410|500|503)\W*(?:$|[-–|:]|not|error|forbidden|gone|không|lỗi|trang)|"
    r"\bnot found\b|^\W*(?:lỗi|error)\W*$|"
    r"(?:không tìm thấy|không tồn tại|đã bị xóa|đã bị gỡ)\W*(?:trang|bài viết|nội dung)?\W*$|"
    r"^\W*(?:trang|bài viết|nội dung)\s+(?:không tồn tại|không tìm thấy|đã bị xóa)",
    re.IGNORECASE,
)
LISTING_PATH = re.compile(
    r"/(?:tag|tags|chu-de|tu-khoa|tim-kiem|search|category|categories|chuyen-muc|danh-muc|author|tac-gia|"
    r"page|trang|archive|archives|topic|topics|su-kien|event)(?:/|$|[-.])",
    re.IGNORECASE,
)
LISTING_QUERY = re.compile(r"(?:^|&)(?:page|p|q|s|keyword|tu-khoa|trang)=", re.IGNORECASE)
ARTICLE_ID = re.compile(r"\d{5,}")
ID_PARAMETER = re.compile(r"(?:^|&)(?:idx|id|aid|article_?id|news_?id|no|p|post)=\d{3,}", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    is_article: bool
    reason: str


def teaser_texts(tree: HtmlElement) -> list[str]:
    """Texts of teaser blocks: the largest block around a headline link that holds no other headline,
    with the summary beside it ("box-category-sapo" after an <h3> in the same item)."""
    seen: set[HtmlElement] = set()
    texts: list[str] = []
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        headline = _text(link)
        if not _is_headline_text(headline) or not _standalone(link):
            continue
        block, node = link, link.getparent()
        while node is not None and node.tag not in ("body", "html"):
            if len(_text(node)) > TEASER_MAX_CHARS or _other_headline(node, href):
                break
            block, node = node, node.getparent()
        if block in seen:
            continue
        seen.add(block)
        text = _text(block)
        parent = link.getparent()
        # A teaser opens with its headline (after an image link without text, or a short time or
        # category label) or sets it as a heading.
        if not (0 <= text.find(headline[:20]) <= 40 or (parent is not None and parent.tag in HEADINGS)):
            continue
        if block.tag in HEADINGS or block is link:
            summary = block.getnext()
            if (
                summary is not None
                and summary.find(".//a") is None
                and len(_text(summary)) < TEASER_MAX_CHARS
            ):
                text += " " + _text(summary)
        texts.append(text)
    return texts


def teaser_share(text: str, teasers: Iterable[str]) -> float:
    """Share of the 4-word shingles of `text` that also occur in teaser blocks."""
    mine = _shingles(text)
    if not mine:
        return 0.0
    theirs: set[tuple[str, ...]] = set()
    for teaser in teasers:
        theirs |= _shingles(teaser)
    return len(mine & theirs) / len(mine)


def judge(signals: PageSignals, tree: HtmlElement, share: float) -> Verdict:
    """Decide from the page's signals and the share of its extracted text that teasers hold."""
    title = signals.title_tag or signals.og_title
    headline = signals.h1[0] if signals.h1 else ""
    if any(ERROR_TITLE.search(t) for t in (title, headline) if t and len(t.split()) <= ERROR_TITLE_WORDS):
        return Verdict(False, "error page")
    score, reasons = 0, []

    def note(points: int, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{why}{points:+d}")

    if signals.ld_article is not None:
        note(2, "json-ld article")
    if signals.ld_listing:
        note(-2, "json-ld listing")
    if signals.og_type == "article":
        note(1, "og:type article")
    elif signals.og_type in ("website", "object", "profile"):
        note(-1, f"og:type {signals.og_type}")
    if signals.published_meta:
        note(1, "published time")
    if _is_headline(headline, signals):
        note(1, "headline")
    elif headline and len(headline.split()) <= 4 and _links_to_page(tree, headline, signals.url):
        note(-2, "section heading")
    path, query = split_url(signals.url).path, split_url(signals.url).query
    if path.strip("/") == "" and not ID_PARAMETER.search(query):
        note(-2, "home page url")
    elif LISTING_PATH.search(path) or (LISTING_QUERY.search(query) and not ID_PARAMETER.search(query)):
        note(-1, "listing url")
    elif _article_url(path, query):
        note(1, "article url")
    # Mostly teaser text takes strong evidence (JSON-LD article, time, headline) to stay an article:
    # "10 things in tech you need to know today" is an article made of headlines.
    needed = 4 if share >= TEASER_SHARE_LISTING else 0
    reasons.append(f"teasers {share:.2f}")
    return Verdict(score >= needed, ", ".join(reasons))


def _is_headline(headline: str, signals: PageSignals) -> bool:
    if len(headline.split()) < 4:
        return False
    key = fold(headline)[:40]
    return bool(key) and any(key in fold(t) for t in (signals.title_tag, signals.og_title) if t)


def _article_url(path: str, query: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.(?:html?|htm|chn|aspx?|php|vnp|tpo|ldo)$", "", last, flags=re.IGNORECASE)
    return bool(ARTICLE_ID.search(stem) or ID_PARAMETER.search(query)) or len(re.split(r"[-_]", stem)) >= 6


def _links_to_page(tree: HtmlElement, label: str, url: str) -> bool:
    """The heading is also a link to this very page: a section's name, as on "Kinh doanh" pages."""
    key, here = fold(label), split_url(url).path.rstrip("/")
    for link in tree.iter("a"):
        href = link.get("href")
        if (
            href
            and fold(link.text_content()) == key
            and split_url(resolve(url, href) or "").path.rstrip("/") == here
        ):
            return True
    return False


def _standalone(link: HtmlElement) -> bool:
    """A headline link stands alone; a link with text right before or after it is inside running text."""
    if (link.tail or "").strip():
        return False
    before = link.getprevious()
    parent = link.getparent()
    text_before = before.tail if before is not None else (parent.text if parent is not None else "")
    return not (text_before or "").strip()


def _is_headline_text(text: str) -> bool:
    # Vietnamese words are syllables: "Đầu tư tài chính" (a section link) has four of them.
    return len(text) >= HEADLINE_MIN_CHARS and len(text.split()) >= 5


def _other_headline(node: HtmlElement, href: str) -> bool:
    return any(a.get("href") != href and _is_headline_text(_text(a)) for a in node.iter("a"))


def _text(element: HtmlElement) -> str:
    return WHITESPACE.sub(" ", element.text_content()).strip()


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
