"""The bundled demo sites (crawler/demo/site/), served by SiteServer on 127.0.0.1 and walked with http.client:
every link resolves, the discovery documents list real pages, the special routes of `_site.toml` behave,
and both copies of the seed article keep the seed's words."""

from __future__ import annotations

import gzip
import http.client
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest

from crawler.demo import build
from crawler.demo.pages import Seed, paper_caption, squash
from crawler.demo.server import SiteServer

SITE_ROOT = build.SITE_ROOT
PAPER, FARM = SITE_ROOT / "baophutho", SITE_ROOT / "contentfarm"
OLD_URL = "/xay-dung-dang/202010/nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-172531.htm"
SEED_ON_PAPER = "/thoi-su/nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-202010091520.html"
SEED_ON_FARM = "/tai-sao-phai-nang-cao-nang-luc-lanh-dao-cua-dang/"
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "li", "ul", "figure", "figcaption", "header", "footer", "nav",
          "section", "article", "aside", "main", "form", "br", "title"}
VOID = {"img", "br", "input", "meta", "link", "hr", "source"}


# --- reading pages --------------------------------------------------------------------------------------

class Page(HTMLParser):
    """Links, meta tags, JSON-LD and the visible text of a page, one line per block, as a text dump shows it.

    Each line remembers the classes of the elements around it, so a test can ask for the lines inside one.
    Images show as their alt text on a line of their own; elements hidden with display:none are skipped.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.lines: list[tuple[str, frozenset[str], bool]] = []  # (text, classes around it, is an image)
        self.title = ""
        self._line_classes: frozenset[str] = frozenset()
        self._script_type = ""
        self._stack: list[tuple[str, set[str], bool]] = []
        self._text: list[str] = []
        self._in: set[str] = set()
        self.feed(html)
        self.close()
        self._flush()

    def _classes(self) -> frozenset[str]:
        return frozenset(c for _, classes, _ in self._stack for c in classes)

    def _hidden(self) -> bool:
        return any(hidden for _, _, hidden in self._stack)

    def _flush(self, image: bool = False) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.lines.append((text, self._line_classes, image))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src"):
            if key in a and tag in ("a", "link", "img", "script"):
                self.links.append(a[key])
        if tag == "meta" and "content" in a:
            self.meta.setdefault(a.get("property") or a.get("name", ""), []).append(a["content"])
        if tag in BLOCKS:
            self._flush()
        if tag == "img" and not self._hidden():
            self._line_classes = self._classes()
            self._text.append(a.get("alt", ""))
            self._flush(image=True)
        if tag not in VOID:
            hidden = "display:none" in a.get("style", "").replace(" ", "") or "hidden" in a
            self._stack.append((tag, set(a.get("class", "").split()), hidden))
        if tag in ("script", "style", "head", "title"):
            self._in.add(tag)
        self._script_type = a.get("type", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._flush()
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break
        self._in.discard(tag)

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "script" in self._in:
            if self._script_type == "application/ld+json":
                self.json_ld.append(data)
            return
        if self._in & {"style", "head"} or self._hidden():
            return
        if not "".join(self._text).strip():  # the line's first words: remember what they are inside
            self._line_classes = self._classes()
        self._text.append(data)

    def text(self, inside: str | None = None, images: bool = True) -> list[str]:
        """The lines of text (inside an element of class `inside`), images as their alt text or left out."""
        return [t for t, classes, image in self.lines
                if (inside is None or inside in classes) and (images or not image)]


# --- a site as a client sees it -------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    chunked: bool


def fetch(server: SiteServer, target: str, accept_gzip: bool = False) -> Reply:
    port = urlsplit(server.base_url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target, headers={"Accept-Encoding": "gzip" if accept_gzip else "identity"})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read(), bool(response.chunked))
    finally:
        conn.close()


@dataclass
class Site:
    folder: Path
    server: SiteServer
    registry: dict
    redirects: dict
    replies: dict[str, Reply] = field(default_factory=dict)  # path (+query) -> reply
    links: dict[str, set[str]] = field(default_factory=dict)  # path -> the paths it links to

    @property
    def base(self) -> str:
        return self.server.base_url

    def expected(self, path: str) -> bytes:
        file = self.server.resolve(urlsplit(path).path)
        assert file is not None, path
        return file.read_bytes().replace(b"{{BASE}}", self.base.encode())

    def is_article(self, path: str) -> bool:
        return re.search(self.registry["article_pattern"], self.base + path) is not None

    def pages(self) -> dict[str, Page]:
        return {p: Page(r.body.decode("utf-8")) for p, r in self.replies.items()
                if r.status == 200 and r.headers.get_content_type() == "text/html"}

    def local(self, url: str, base: str) -> str | None:
        parts = urlsplit(urljoin(base, url.strip()))
        if parts.scheme != "http" or parts.netloc != urlsplit(self.base).netloc:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def walk(self) -> None:
        """Fetch everything reachable from the home page, robots.txt and /sitemap.xml, as a crawler would."""
        todo = ["/", "/robots.txt", "/sitemap.xml"]
        while todo:
            path = todo.pop()
            if path in self.replies:
                continue
            reply = self.replies[path] = fetch(self.server, path)
            found = self.links_of(path, reply)
            self.links[path] = found
            todo += sorted(found - self.replies.keys())

    def links_of(self, path: str, reply: Reply) -> set[str]:
        url = self.base + path
        if reply.status in (301, 302):
            raw = [reply.headers["Location"]]
        elif reply.status != 200:
            raw = []
        elif path == "/robots.txt":
            raw = re.findall(r"(?im)^sitemap:\s*(\S+)", reply.body.decode())
        elif reply.headers.get_content_type() == "text/html":
            raw = Page(reply.body.decode("utf-8")).links
        elif reply.headers.get_content_type() == "application/xml":
            root = ET.fromstring(reply.body)
            raw = [e.text or "" for e in root.iter() if e.tag.rpartition("}")[2] in ("loc", "link")]
        else:
            raw = []
        return {p for p in (self.local(u, url) for u in raw) if p}


def served(folder: Path) -> Iterator[Site]:
    rules = tomllib.loads((folder / "_site.toml").read_text(encoding="utf-8"))
    with SiteServer(folder) as server:
        site = Site(folder, server, rules["registry"], rules.get("redirects", {}))
        site.walk()
        yield site


@pytest.fixture(scope="module", params=["baophutho", "contentfarm"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    yield from served(SITE_ROOT / request.param)


@pytest.fixture(scope="module")
def paper() -> Iterator[Site]:
    yield from served(PAPER)


@pytest.fixture(scope="module")
def farm() -> Iterator[Site]:
    yield from served(FARM)


# --- links and discovery --------------------------------------------------------------------------------

def test_every_link_resolves(site: Site) -> None:
    broken = {p: r.status for p, r in site.replies.items() if r.status != 200 and p not in site.redirects}
    assert broken == {}
    for old, rule in site.redirects.items():
        reply = site.replies[old]
        assert reply.status == rule["status"] == 301
        assert reply.headers["Location"] == rule["to"]
        assert site.replies[rule["to"]].status == 200


def test_paper_redirect_is_linked_from_pages(paper: Site) -> None:
    assert {p for p, links in paper.links.items() if OLD_URL in links} >= {"/"}
    assert paper.replies[OLD_URL].headers["Location"] == SEED_ON_PAPER


def test_every_file_is_reachable(site: Site) -> None:
    served = {"/" + str(f.relative_to(site.folder)) for f in site.folder.rglob("*")
              if f.is_file() and not f.name.startswith("_")}
    reached = {str(site.server.resolve(urlsplit(p).path).relative_to(site.folder)) for p, r in site.replies.items()
               if r.status == 200}
    assert served - {"/" + r for r in reached} == set()


def test_articles_are_found_without_following_article_pages(site: Site) -> None:
    """The spider treats article pages as dead ends: listings, sitemaps and feeds must reach every article."""
    articles = {p for p, r in site.replies.items() if r.status == 200 and site.is_article(p)}
    seen, todo = set(), ["/", "/robots.txt", "/sitemap.xml"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if not site.is_article(path):
            todo += sorted(site.links.get(path, ()))
    assert articles and articles <= seen


def test_article_pattern_matches_exactly_the_article_pages(site: Site) -> None:
    og_articles = {p for p, page in site.pages().items() if page.meta.get("og:type") == ["article"]}
    matched = {p for p, r in site.replies.items() if site.is_article(p)}
    assert matched == og_articles
    assert len(og_articles) == {"baophutho": 10, "contentfarm": 3}[site.folder.name]


def test_sitemaps_parse_and_list_only_existing_urls(site: Site) -> None:
    robots = site.replies["/robots.txt"].body.decode()
    (index_url,) = re.findall(r"(?im)^sitemap:\s*(\S+)", robots)
    index = ET.fromstring(fetch(site.server, site.local(index_url, site.base)).body)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    children = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(children) == 2
    listed = set()
    for child in children:
        urlset = ET.fromstring(fetch(site.server, site.local(child, site.base)).body)
        assert urlset.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        listed |= {site.local(loc.text, site.base) for loc in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert None not in listed
    assert {p: site.replies[p].status for p in listed} == {p: 200 for p in listed}


def test_news_sitemap_has_publication_dates(paper: Site) -> None:
    news = ET.fromstring(paper.replies["/sitemap-news.xml"].body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    urls = news.findall("s:url", ns)
    assert len(urls) >= 5
    for url in urls:
        assert paper.is_article(paper.local(url.findtext("s:loc", namespaces=ns), paper.base))
        assert url.findtext("n:news/n:publication_date", namespaces=ns).endswith("+07:00")


def test_rss_feed_is_announced_and_lists_articles(paper: Site) -> None:
    home = Page(paper.replies["/"].body.decode())
    assert '<link rel="alternate" type="application/rss+xml"' in paper.replies["/"].body.decode()
    assert "/rss.xml" in {paper.local(u, paper.base) for u in home.links}
    channel = ET.fromstring(paper.replies["/rss.xml"].body).find("channel")
    links = [paper.local(item.findtext("link"), paper.base) for item in channel.findall("item")]
    assert len(links) >= 5 and all(paper.is_article(p) and paper.replies[p].status == 200 for p in links)


def test_robots_disallows_a_linked_page_that_exists(paper: Site) -> None:
    robots = RobotFileParser()
    robots.parse(paper.replies["/robots.txt"].body.decode().splitlines())
    disallowed = {p for p in paper.replies if not robots.can_fetch("baotinh", paper.base + p)}
    assert "/tim-kiem/" in disallowed and paper.replies["/tim-kiem/"].status == 200
    assert "/tim-kiem/" in paper.links["/"]
    assert all(p.startswith("/tim-kiem/") for p in disallowed)
    assert not any(paper.is_article(p) for p in disallowed)


# --- special routes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/kinh-te/", SEED_ON_PAPER, "/sitemap-news.xml", "/static/css/main.css"])
def test_gzip_when_asked(paper: Site, path: str) -> None:
    zipped = fetch(paper.server, path, accept_gzip=True)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == paper.expected(path)
    plain = fetch(paper.server, path)
    assert plain.headers["Content-Encoding"] is None and plain.body == paper.expected(path)


def test_images_and_robots_are_not_gzipped(paper: Site) -> None:
    for path in ("/robots.txt", "/uploads/2020/10/sinh-hoat-chi-bo-son-nga.jpg"):
        assert fetch(paper.server, path, accept_gzip=True).headers["Content-Encoding"] is None


def test_chunked_listing_arrives_whole(paper: Site) -> None:
    for accept_gzip in (False, True):
        reply = fetch(paper.server, "/kinh-te/", accept_gzip=accept_gzip)
        assert reply.chunked and reply.headers["Content-Length"] is None
        body = gzip.decompress(reply.body) if accept_gzip else reply.body
        assert body == paper.expected("/kinh-te/")
    assert len(paper.expected("/kinh-te/")) > 4096  # more than one of the server's 4 KiB chunks
    assert not fetch(paper.server, "/thoi-su/").chunked


def test_images_are_real_images(site: Site) -> None:
    magic = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
    images = {p: r for p, r in site.replies.items() if r.headers.get_content_type().startswith("image/")}
    assert images
    for path, reply in images.items():
        assert reply.body.startswith(magic[reply.headers.get_content_type()]), path


# --- article pages --------------------------------------------------------------------------------------

def test_article_pages_carry_metadata_and_furniture(site: Site) -> None:
    for path, page in site.pages().items():
        if not site.is_article(path):
            continue
        html = site.replies[path].body.decode()
        assert page.meta["og:url"] == [site.base + path]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", page.meta["article:published_time"][0])
        assert "<figcaption>" in html and "</figcaption>" in html
        assert any('"datePublished"' in block and '"author"' in block for block in page.json_ld)
        if site.folder == PAPER:
            assert page.title.endswith(" | Báo Phú Thọ")
            assert page.meta["article:published_time"][0].endswith("+07:00")
            assert page.text(inside="detail-sapo")[0].startswith("PTĐT")
            assert page.text(inside="author") and page.text(inside="detail-time")
            for furniture in ("Tin liên quan", "Từ khóa:", "Ý kiến bạn đọc", "In bài"):
                assert furniture in html, (path, furniture)
        else:
            for wrapper in ("Bạn đang quan tâm đến", "XEM VIDEO", "Bạn đang xem:", "Related Articles",
                            "Back to top button", "Trả lời"):
                assert wrapper in html, (path, wrapper)


def test_date_lines_are_vietnamese_formats(paper: Site) -> None:
    formats = {
        r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d\d/\d\d/\d{4} - \d\d:\d\d": "weekday",
        r"\d\d:\d\d \d\d/\d\d/\d{4}": "time_first",
        r"\d\d/\d\d/\d{4} \| \d\d:\d\d": "pipe",
    }
    seen = set()
    for path, page in paper.pages().items():
        if paper.is_article(path):
            (line,) = page.text(inside="detail-time")
            seen |= {name for rx, name in formats.items() if re.fullmatch(rx, line)}
    assert seen == set(formats.values())


# --- the seed article, twice ----------------------------------------------------------------------------

def test_farm_repost_is_the_seed_line_for_line(farm: Site) -> None:
    seed = Seed.load()
    page = Page(farm.replies[SEED_ON_FARM].body.decode())
    lines = page.text()
    body = list(seed.lines[2:seed.lines.index("Related Articles")])
    norm = [" ".join(x.split()) for x in body]
    start = lines.index(norm[0])
    assert lines[start:start + len(norm)] == norm  # the entry content, with no line added or changed
    assert page.text(inside="entry-content") == norm
    assert page.text(inside="post-cat-wrap") == [seed.category]
    assert page.text(inside="entry-title") == [seed.title]
    assert lines.index(seed.category) < lines.index(seed.title) < start
    after = iter(lines[start + len(norm):])  # the theme's lines after the post, in the seed's order
    assert all(any(line == want for line in after) for want in seed.lines[seed.lines.index("Related Articles"):])


def test_paper_article_is_the_seed_with_its_paragraphs_back(paper: Site) -> None:
    seed = Seed.load()
    page = Page(paper.replies[SEED_ON_PAPER].body.decode())
    assert page.text(inside="detail-sapo") == [" ".join(seed.sapo.split())]
    content = page.text(inside="detail-content", images=False)
    assert content[0] == "Một buổi sinh hoạt định kỳ của đảng viên chi bộ khu Sơn Nga, xã Nga Hoàng, huyện Yên Lập. " \
                         "Ảnh: Đinh Vũ" == paper_caption(seed.first_caption)
    assert squash("".join(content[1:])) == squash(seed.run_together)
    second = "Chi bộ Ban khoa học xã hội, Đảng bộ Trường THPT Chuyên Hùng Vương tổ chức kết nạp 2 đảng viên mới."
    assert second in content  # a caption again, no longer part of a paragraph
    paragraphs = [t for t in content[1:] if not t.startswith("Chi bộ Ban khoa học")]
    assert len(paragraphs) >= 15 and all(p[-1] in ".:" for p in paragraphs)
    starts = [p.split(",")[0] for p in paragraphs]
    assert {"Một là", "Hai là", "Ba là", "Bốn là", "Năm là", "Sáu là"} <= set(starts)


def test_generated_files_are_up_to_date() -> None:
    assert build.stale(build.generate()) == [], "run `python -m crawler.demo.build` and commit the result"
