"""basic_cleaning(tree): trafilatura's, its BASIC_CLEAN_XPATH matched in Python.

trafilatura.external.basic_cleaning (the cleaning html2txt and justext_rescue run first) removes what
BASIC_CLEAN_XPATH selects: asides, footers, scripts, styles, SVG, templates, divs whose @class or @id holds
"footer", and any element whose @class or @id is a cookie or consent banner's, by `re:test()` calls lxml
answers in Python twice for every element of the page (~4 ms a page). Here one walk selects the same
elements in the same order (the XPath's union: document order) with the same regular expressions, read from
the XPath itself, run only on the attributes there are. tests/test_extract_main_text.py pins the XPath and
basic_cleaning's source, and compares the walk with the XPath on every gate page.
"""

from __future__ import annotations

import re

from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.settings import BASIC_CLEAN_XPATH
from trafilatura.xml import delete_element

from pipelines.extraction.content import regex_tests

# the tags the XPath selects whatever their attributes (`.//aside|…`)
CLEANED_TAGS = frozenset(re.findall(r"\.//(\w+)(?=\||$)", BASIC_CLEAN_XPATH.path))
_CLASS, _ID = regex_tests(BASIC_CLEAN_XPATH)


def cleaned(tree: _Element) -> list[_Element]:
    """`BASIC_CLEAN_XPATH(tree)`.

    >>> from lxml.html import fragment_fromstring
    >>> tree = fragment_fromstring("<div><p id='x' class='site-footer'>a</p><div class='Cookie-Bar'/><aside/></div>")
    >>> [e.tag for e in cleaned(tree)]
    ['div', 'aside']
    """
    found = []
    for element in tree.iterdescendants():
        tag = element.tag
        if tag in CLEANED_TAGS:
            found.append(element)
            continue
        classes, names = element.get("class"), element.get("id")
        if classes is None and names is None:
            continue
        if (classes is not None and _CLASS.search(classes)) or (names is not None and _ID.search(names)):
            found.append(element)
        elif tag == "div" and "footer" in _first_of_class_and_id(element):  # contains(@class|@id, 'footer')
            found.append(element)
    return found


def basic_cleaning(tree: HtmlElement) -> HtmlElement:
    "Remove a few section types from the document."
    for elem in cleaned(tree):
        delete_element(elem)
    return tree


def _first_of_class_and_id(element: _Element) -> str:
    """The string value of `@class|@id`: the first of the two the element has, in its attributes' order."""
    for name, value in element.items():
        if name in ("class", "id"):
            return value
    return ""
