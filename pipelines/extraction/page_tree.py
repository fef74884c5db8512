"""parse_page(html) -> the page's lxml tree, as trafilatura.utils.load_html makes it, with cheaper elements.

lxml.html's parser picks each element's class (HtmlElement, FormElement, InputElement, …) in a Python
callback every time an element's Python object is made, which the dozen walks of one extraction (and
trafilatura's copies of the tree) do hundreds of thousands of times per page. Neither trafilatura nor
baotinh uses the form classes: here every element is a plain HtmlElement, picked inside lxml. The rest is
load_html's own steps (decoding, the repair of faulty HTML, the same parser options, the same fallbacks).
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, decode_file, is_dubious_html, repair_faulty_html

# The characters repair_faulty_html removes first (its INVALID_XML_CHARS): C0 controls but tab and newlines,
# each one byte in UTF-8, and two noncharacters.
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
NONCHARACTERS = ("\ufffe", "\uffff")


def _parser() -> etree.HTMLParser:
    # the options of trafilatura.utils.HTML_PARSER; a parser is cheap and holds no state between pages
    parser = etree.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    return parser


def parse_page(html: str | bytes) -> HtmlElement | None:
    """The page's tree, or None when it is not HTML (what load_html rejects, it rejects).

    >>> parse_page("<html><body><p>Hà Nội</p></body></html>").findtext(".//p")
    'Hà Nội'
    """
    parser = _parser()
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair(text, beginning)
    tree = None
    fallback = False
    try:
        tree = fromstring(text, parser=parser)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = _from_bytes(text, parser)
        fallback = True
    except Exception:  # what load_html swallows  # noqa: BLE001
        tree = None
    if (tree is None or len(tree) < 1) and not fallback:
        tree = _from_bytes(text, parser)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def repair(text: str, beginning: str) -> str:
    """`repair_faulty_html(text, beginning)`. Its first step, a regex over the whole page (~5 ns a character),
    takes out characters nearly no page holds: it runs only on a page that holds one, found on the page's
    UTF-8 bytes in half the time; the other steps, on the first lines, are its own with its own patterns.

    >>> repair("<!DOCTYPE html/>\\n<html/>\\n<p>a\\x0bb</p>", "<!doctype html/>")
    '\\n<html>\\n<p>ab</p>'
    """
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, CONTROL_BYTES)) != len(encoded) or any(c in text for c in NONCHARACTERS):
        return repair_faulty_html(text, beginning)
    if "doctype" in beginning:
        firstline, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def _from_bytes(text: str, parser: etree.HTMLParser) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=parser)
    except Exception:  # what trafilatura.utils.fromstring_bytes swallows  # noqa: BLE001
        return None
