"""parse_page(html) -> the page's lxml tree, as trafilatura.utils.load_html makes it, with cheaper elements.

lxml.html's parser picks each element's class (HtmlElement, FormElement, InputElement, …) in a Python
callback every time an element's Python object is made, which the dozen walks of one extraction (and
trafilatura's copies of the tree) do hundreds of thousands of times per page. Neither trafilatura nor
baotinh uses the form classes: here every element is a plain HtmlElement, picked inside lxml. The rest is
load_html's own steps (decoding, the repair of faulty HTML, the same parser options, the same fallbacks).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, decode_file, is_dubious_html, repair_faulty_html

# The characters repair_faulty_html removes first (its INVALID_XML_CHARS): C0 controls but tab and newlines,
# each one byte in UTF-8, and two noncharacters.
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
NONCHARACTERS = ("\ufffe", "\uffff")
LEADING_SPACE = re.compile(r"\s*")  # what lxml.html's check for a whole document skips (in text, any whitespace)


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
    encoded = repaired_bytes(text, beginning)
    tree = None
    if encoded is not None:
        # load_html parses the text, and its UTF-8 bytes where that fails: parsing the bytes at once builds
        # the tree the text gives (the parser's encoding is fixed; tests/test_extract_main_text.py compares
        # both on the gate pages), without lxml's second encoding of the page
        tree = _from_bytes(encoded, parser)
    else:
        text = repair(text, beginning)
        fallback = False
        try:
            tree = fromstring(text, parser=parser)
        except ValueError:  # "Unicode strings with encoding declaration are not supported."
            tree = _from_bytes(text.encode("utf8", "surrogatepass"), parser)
            fallback = True
        except Exception:  # what load_html swallows  # noqa: BLE001
            tree = None
        if (tree is None or len(tree) < 1) and not fallback:
            tree = _from_bytes(text.encode("utf8", "surrogatepass"), parser)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def repaired_bytes(text: str, beginning: str) -> bytes | None:
    r"""`repair(text, beginning)` encoded in UTF-8, the page's one encoding reused where the repair changes at
    most the first line; None where the bytes may parse otherwise than the text: a lone surrogate (no UTF-8),
    or whitespace before the first tag that is not ASCII (see _plain_start).

    >>> repaired_bytes("<!DOCTYPE html PUBLIC 'x'/>\n<html>Hà</html>", "<!doctype html public 'x'/>")
    b'\n<html>H\xc3\xa0</html>'
    >>> repaired_bytes("\xa0<html>Hà</html>", "\xa0<html>hà</html>") is None
    True
    """
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if len(encoded.translate(None, CONTROL_BYTES)) != len(encoded) or any(c in text for c in NONCHARACTERS):
        repaired = repair_faulty_html(text, beginning)
        return repaired.encode("utf-8") if _plain_start(repaired) else None
    head = text[:4096]
    if "doctype" in beginning:
        end = text.find("\n")
        firstline = text if end < 0 else text[:end]
        first = DOCTYPE_TAG.sub("", firstline, count=1)
        if first != firstline:  # "\n" is one byte in UTF-8, and no other character holds that byte
            encoded = first.encode("utf-8") + b"\n" + (b"" if end < 0 else encoded[encoded.index(b"\n") + 1 :])
        elif end < 0:
            encoded += b"\n"
        head = (first + "\n" + ("" if end < 0 else text[end + 1 : end + 4097]))[:4096]
    if any("<html" in line and line.endswith("/>") for line in head.splitlines()[:4]):
        repaired = repair(text, beginning)  # rare: done as written
        return repaired.encode("utf-8") if _plain_start(repaired) else None
    return encoded if _plain_start(head) else None


def _plain_start(text: str) -> bool:
    """Whether lxml.html's check for a whole document (whitespace, then `<html` or `<!doctype`) reads the text
    (or its beginning) as it reads its UTF-8 bytes: in text, U+00A0 and others are whitespace too."""
    end = LEADING_SPACE.match(text).end()  # type: ignore[union-attr]
    return end < len(text) and text[:end].isascii()


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


def _from_bytes(page: bytes, parser: etree.HTMLParser) -> HtmlElement | None:
    try:
        return fromstring(page, parser=parser)
    except Exception:  # what trafilatura.utils.fromstring_bytes swallows  # noqa: BLE001
        return None
