"""The article's photos with caption and photo credit.

Photos are the <img> inside the article's container (see `location`); a caption is a <figcaption>,
a caption-classed block beside the photo (WordPress "wp-caption-text", VCCorp "PhotoCMS_Caption", old
table layouts), or an italic line right under it.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipelines.extraction.article import Image
from pipelines.extraction.bylines import split_photo_credit
from pipelines.extraction.location import norm
from pipelines.extraction.signals import resolve
from pipelines.extraction.text import FlatTexts, read_text

CAPTION_CLASS = re.compile(r"caption|chu-?thich|chuthich|img-desc|image-desc|photo-desc|desc|credit", re.I)
SRC_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-srcset", "src")
MAX_CAPTION_CHARS = 400
MAX_PHOTO_BLOCK = 600  # a photo block holds the photo and its caption; beyond this we left it
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.I)
BLOCK_TAGS = frozenset({"p", "div", "figure", "table", "center", "section"})


def find_images(container: HtmlElement | None, base_url: str) -> tuple[list[Image], list[str]]:
    """The article's photos, and their captions as printed (credit included) to take out of the text."""
    if container is None:
        return [], []
    images: list[Image] = []
    printed: list[str] = []
    seen: set[str] = set()
    texts = FlatTexts()  # photos of one gallery share their blocks
    for img in container.iter("img"):
        src = _source(img, base_url)
        if not src or src in seen or _is_icon(img) or _links_elsewhere(img, base_url):
            continue
        seen.add(src)
        text = _caption(img, container, texts)
        caption, credit = split_photo_credit(text) if text else ("", None)
        images.append(Image(src=src, caption=caption or None, credit=credit))
        printed.append(text)
    return images, printed


def _source(img: HtmlElement, base_url: str) -> str | None:
    for attribute in SRC_ATTRIBUTES:
        value = (img.get(attribute) or "").strip()
        if attribute == "data-srcset":
            value = value.split(",")[0].strip().split(" ")[0]
        if value and not value.startswith("data:"):
            return resolve(base_url, value)
    return None


def _links_elsewhere(img: HtmlElement, base_url: str) -> bool:
    """A thumbnail linking to another page is a teaser, not a photo of this article."""
    for ancestor in img.iterancestors("a"):
        href = (ancestor.get("href") or "").strip()
        if href and not IMAGE_FILE.search(href) and (resolve(base_url, href) or "").split("#")[0] != base_url:
            return True
    return False


def _is_icon(img: HtmlElement) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < 60:
            return True
    return False


def _caption(img: HtmlElement, container: HtmlElement, texts: FlatTexts) -> str:
    node: HtmlElement | None = img
    for _ in range(4):
        node = node.getparent() if node is not None else None
        if node is None or node is container.getparent() or texts.longer(node, MAX_PHOTO_BLOCK):
            break
        if node.tag == "figure":
            captions = node.findall(".//figcaption")
            return read_text(captions[0]) if captions else ""
        for element in node.iter():
            if element is not img and element.tag != "img" and CAPTION_CLASS.search(element.get("class") or ""):
                text = read_text(element)
                if 0 < len(text) <= MAX_CAPTION_CHARS:
                    return text
        if node.tag in BLOCK_TAGS and not texts[node]:
            following = node.getnext()
            if following is not None:
                text = _italic_line(following)
                if text:
                    return text
                if CAPTION_CLASS.search(following.get("class") or ""):
                    return read_text(following)[:MAX_CAPTION_CHARS]
    return ""


def _italic_line(element: HtmlElement) -> str:
    """The text of a short block made only of <em>/<i> (how small CMS set captions under a photo)."""
    text = norm(element.text_content())
    if not text or len(text) > MAX_CAPTION_CHARS or norm(element.text):
        return ""
    italic = "".join(norm(e.text_content()) for e in element if e.tag in ("em", "i"))
    return text if italic.replace(" ", "") == text.replace(" ", "") else ""
