"""Article or not: listing, category, tag, search, home and error pages get no article; real articles,
of any language and layout, always do. When in doubt the page is kept, and the doubt recorded.

Evidence is weighed, no single weak signal decides:
- for an article: JSON-LD Article (+2), og:type article (+1), a publication time (+1), a headline
  (an <h1> the <title> or og:title repeats, +1), an article URL (a long slug or a numeric id, +1), and
  one long text block that is not links (+2);
- for a listing: JSON-LD CollectionPage/ItemList (-2), og:type website (-1, unless JSON-LD says
  article), a section name as <h1> that links to the page itself (-1), a home or listing URL (-2/-1),
  and the structure of a listing page: the extracted text made mostly of teasers — blocks of one
  headline link and a short summary — inside the article's own container (-3; -5 when three quarters
  of it is), and that container
  full of headline links to other pages (-3), or the extracted text only a small part of a large
  container, pieces from all over the page (-2), or little text on a page of many teasers (-2).
The page is an article when the sum is at least 0: with no evidence at all, a page with text is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.extraction.bylines import fold
from pipelines.extraction.signals import PageSignals, resolve, split_url
from pipelines.extraction.text import FlatTexts, text_content, words_around

TOKEN = re.compile(r"\w+")
TEASER_MAX_CHARS = 600  # headline + summary; a block longer than this is not one teaser
TEASER_SHARE_LISTING = 0.5
TEASER_REACH = 3  # ancestors of a paragraph searched for the headline link it summarises
TEASER_SHARE_ALL = 0.75  # the text is the teasers: only a page declaring itself an article in every way stays
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


LINK_HEAVY_HEADLINES = 8  # headline links to other pages inside the article's container...
LINK_HEAVY_SHARE = 0.3  # ... when links hold this share of its text
LONG_BLOCK_CHARS = 1500
LONG_BLOCK_LINK_SHARE = 0.15
SECTION_WORDS = 8  # "Tài chính - Ngân hàng": a section's name as heading is short
LITTLE_TEXT_CHARS = 600
MANY_TEASERS = 20
SCATTERED_MIN_CHARS = 2000
SCATTERED_SHARE = 0.25
DOUBT_MARGIN = 2  # kept with a score under this, and some evidence against: the doubt is recorded


@dataclass(frozen=True)
class Verdict:
    is_article: bool
    reason: str
    doubtful: bool = False


@dataclass(frozen=True)
class Shape:
    """The article's container: its text, the part of it in links, the headline links to other pages."""

    chars: int = 0
    link_chars: int = 0
    headline_links: int = 0
    text_chars: int = 0  # of the extracted text
    summaries: float = 0.0  # share of the located paragraphs that sit beside a headline link

    @property
    def scattered(self) -> bool:
        """The extracted text is a small part of a large container: pieces from all over the page,
        not one block of article."""
        return self.chars >= SCATTERED_MIN_CHARS and self.text_chars < SCATTERED_SHARE * self.chars

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def container_shape(
    container: HtmlElement | None, url: str, text_chars: int, hits: Iterable[HtmlElement] = ()
) -> Shape:
    """The container's shape; `hits` are the elements the extracted paragraphs start in."""
    if container is None:
        return Shape(text_chars=text_chars)
    texts = FlatTexts()
    chars = len(texts[container])
    link_chars, headlines = 0, 0
    here = split_url(url).path.rstrip("/")
    for link in container.iter("a"):
        text = texts[link]
        link_chars += len(text)
        href = link.get("href") or ""
        if _is_headline_text(text) and href and not href.startswith(("#", "javascript:", "mailto:")):
            headlines += split_url(resolve(url, href) or "").path.rstrip("/") != here
    beside, total = 0, 0
    for hit in hits:
        length = len(texts[hit])
        total += length
        beside += length if _beside_headline(hit, texts) else 0
    return Shape(chars, link_chars, headlines, text_chars, beside / total if total else 0.0)


def _beside_headline(element: HtmlElement, texts: FlatTexts) -> bool:
    """The paragraph sits in a small block with a standalone headline link: a teaser's summary."""
    node = element
    for _ in range(TEASER_REACH):
        node = node.getparent()
        if node is None or node.tag in ("body", "html") or texts.longer(node, TEASER_MAX_CHARS):
            return False
        for link in node.iter("a"):
            if not (element is link or element in link.iterancestors()) and _is_headline_text(texts[link]):
                holder = link
                while (up := holder.getparent()) is not None and up is not node and texts.equals(up, texts[link]):
                    holder = up
                if _standalone(holder):
                    return True
    return False


def teaser_blocks(tree: HtmlElement, texts: FlatTexts | None = None) -> list[tuple[HtmlElement, str]]:
    """Texts of teaser blocks: the largest block around a headline link that holds no other headline,
    with the summary beside it ("box-category-sapo" after an <h3> in the same item). `texts`: a cache of
    block texts to fill and share, while the tree is not changed."""
    seen: set[HtmlElement] = set()
    found: list[tuple[HtmlElement, str]] = []
    if texts is None:
        texts = FlatTexts()
    headlines: dict[HtmlElement, set[str | None]] = {}  # per block: the links of a list climb to the same ones
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        headline = texts[link]
        if not _is_headline_text(headline) or not _standalone(link):
            continue
        block, node = link, link.getparent()
        while node is not None and node.tag not in ("body", "html"):
            if texts.longer(node, TEASER_MAX_CHARS) or _other_headline(node, href, texts, headlines):
                break
            block, node = node, node.getparent()
        if block in seen:
            continue
        seen.add(block)
        text = texts[block]
        parent = link.getparent()
        # A teaser opens with its headline (after an image link without text, or a short time or
        # category label) or sets it as a heading.
        if not (0 <= text.find(headline[:20]) <= 40 or (parent is not None and parent.tag in HEADINGS)):
            continue
        if block.tag in HEADINGS or block is link:
            summary = block.getnext()
            if summary is not None and summary.find(".//a") is None and not texts.longer(summary, TEASER_MAX_CHARS - 1):
                text += " " + texts[summary]
        found.append((block, text))
    return found


def teasers_inside(teasers: list[tuple[HtmlElement, str]], container: HtmlElement | None) -> list[str]:
    """Texts of the teasers that overlap the article's container — inside it, or holding it (all of
    them when it is unknown): a sidebar repeating the post's opening lines says nothing about the post."""
    if container is None:
        return [text for _, text in teasers]
    above = set(container.iterancestors())
    return [
        text for block, text in teasers if block is container or block in above or container in block.iterancestors()
    ]


def teaser_share(text: str, teasers: Iterable[str]) -> float:
    """Share of the 4-word shingles of `text` that also occur in teaser blocks."""
    teasers = list(teasers)
    if not teasers:  # nothing to share with: the text's shingles are not made
        return 0.0
    mine = _shingles(text)
    if not mine:
        return 0.0
    theirs: set[tuple[str, ...]] = set()
    for teaser in teasers:
        theirs |= _shingles(teaser)
    return len(mine & theirs) / len(mine)


TEXT_MOST = 2  # the most the text's shape can add for an article ("one long text block")


@dataclass
class Evidence:
    """Points for (+) and against (-) an article, each with its reason."""

    score: int = 0
    reasons: list[str] = field(default_factory=list)
    against: bool = False
    error_page: bool = False

    def note(self, points: int, why: str) -> None:
        self.score += points
        self.against |= points < 0
        self.reasons.append(f"{why}{points:+d}")


def declared_evidence(signals: PageSignals, tree: HtmlElement) -> Evidence:
    """What the page says of itself: structured data, meta tags, its headline and its URL. Read before
    anything is removed or extracted."""
    evidence = Evidence()
    note = evidence.note
    title = signals.title_tag or signals.og_title
    headline = signals.h1[0] if signals.h1 else ""
    if any(ERROR_TITLE.search(t) for t in (title, headline) if t and len(t.split()) <= ERROR_TITLE_WORDS):
        evidence.error_page = True
        return evidence
    if signals.ld_article is not None:
        note(2, "json-ld article")
    if signals.ld_listing:
        note(-2, "json-ld listing")
    if signals.og_type == "article":
        note(1, "og:type article")
    elif signals.og_type in ("website", "object", "profile") and signals.ld_article is None:
        note(-1, f"og:type {signals.og_type}")
    if signals.published_meta:
        note(1, "published time")
    if _is_headline(headline, signals):
        note(1, "headline")
    elif headline and len(headline.split()) <= SECTION_WORDS and _links_to_page(tree, headline, signals.url):
        note(-1, "section heading")
    path, query = split_url(signals.url).path, split_url(signals.url).query
    if path.strip("/") == "" and not ID_PARAMETER.search(query):
        note(-2, "home page url")
    elif _article_url(path, query):
        note(1, "article url")
    elif LISTING_PATH.search(path) or (LISTING_QUERY.search(query) and not ID_PARAMETER.search(query)):
        note(-1, "listing url")
    return evidence


def settled(evidence: Evidence) -> Verdict | None:
    """The verdict when what the page declares decides it whatever its text: an error page, or evidence
    against an article that no text can outweigh (the text adds at most TEXT_MOST). None when the text
    must be extracted and weighed: a listing settled here costs no extraction."""
    if evidence.error_page:
        return Verdict(False, "error page")
    if evidence.score + TEXT_MOST < 0:
        return Verdict(False, ", ".join(evidence.reasons))
    return None


def judge(page: Evidence, share: float, shape: Shape, teasers: int = 0) -> Verdict:
    """Weigh what the page declares (`declared_evidence`) against the shape of its text."""
    if page.error_page:
        return Verdict(False, "error page")
    evidence = Evidence(page.score, list(page.reasons), page.against)
    note = evidence.note
    if share >= TEASER_SHARE_LISTING:
        note(-5 if share >= TEASER_SHARE_ALL else -3, f"teasers {share:.2f}")
    elif shape.summaries >= TEASER_SHARE_LISTING:
        note(-3, f"teaser summaries {shape.summaries:.2f}")
    if shape.headline_links >= LINK_HEAVY_HEADLINES and shape.link_share >= LINK_HEAVY_SHARE:
        note(-3, f"{shape.headline_links} headline links")
    elif shape.scattered:
        note(-2, "scattered text")
    elif shape.text_chars < LITTLE_TEXT_CHARS and teasers >= MANY_TEASERS:
        note(-2, f"little text among {teasers} teasers")
    elif (
        shape.chars >= LONG_BLOCK_CHARS
        and shape.link_share < LONG_BLOCK_LINK_SHARE
        and shape.headline_links < LINK_HEAVY_HEADLINES // 2
    ):
        note(TEXT_MOST, "one long text block")
    is_article = evidence.score >= 0
    doubtful = is_article and evidence.against and evidence.score < DOUBT_MARGIN
    return Verdict(is_article, ", ".join(evidence.reasons), doubtful=doubtful)


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
        if href and fold(text_content(link)) == key and split_url(resolve(url, href) or "").path.rstrip("/") == here:
            return True
    return False


def _standalone(link: HtmlElement) -> bool:
    """A headline link stands alone; a link with text right before or after it is inside running text."""
    return not words_around(link)


def _is_headline_text(text: str) -> bool:
    # Vietnamese words are syllables: "Đầu tư tài chính" (a section link) has four of them.
    return len(text) >= HEADLINE_MIN_CHARS and len(text.split()) >= 5


def _other_headline(node: HtmlElement, href: str, texts: FlatTexts, known: dict[HtmlElement, set[str | None]]) -> bool:
    """The block holds a headline link going elsewhere than `href`. `known`: the hrefs of each block's
    headline links, as found."""
    hrefs = known.get(node)
    if hrefs is None:
        hrefs = known[node] = {a.get("href") for a in node.iter("a") if _is_headline_text(texts[a])}
    return bool(hrefs) and (len(hrefs) > 1 or href not in hrefs)


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
