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
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html


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
    text = repair_faulty_html(text, beginning)
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


def _from_bytes(text: str, parser: etree.HTMLParser) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=parser)
    except Exception:  # what trafilatura.utils.fromstring_bytes swallows  # noqa: BLE001
        return None
