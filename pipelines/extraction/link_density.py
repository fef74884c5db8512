"""delete_by_link_density(tree, tag, texts): trafilatura's link-density pruning, each text read once.

trafilatura.htmlprocessing.delete_by_link_density tests every element of a tag and removes those rich in
links; its test reads the trimmed text of the element and of each link inside it (`trim(text_content())`),
so a link inside ten nested divs is read ten times, in each of the six passes prune_unwanted_sections makes.
Here the same functions (2.3.1, their debug logging left out, ElementPath's `.//ref` walked inside lxml) take
those texts from `texts`, which keeps them while they hold: the tree is changed only after an element's test,
and removing an element changes the text of its ancestors alone (its tail stays in the parent), whose texts
are then forgotten. tests/test_extract_content.py pins their source and compares the pruning with
trafilatura's on every gate page.
"""

from __future__ import annotations

from lxml.etree import _Element
from trafilatura.utils import LINK_FARM_RATIO, trim
from trafilatura.xml import delete_element

from pipelines.extraction.text import text_content


class TrimmedTexts(dict[_Element, str]):
    """`trim(element.text_content())` of elements of one tree, each read once. Valid while the tree changes
    only through `forget_ancestors` before each removal.

    >>> from lxml.html import fragment_fromstring
    >>> TrimmedTexts()[fragment_fromstring("<p> a  <b>b</b> </p>")]
    'a b'
    """

    def __missing__(self, element: _Element) -> str:
        text = self[element] = trim(text_content(element))  # type: ignore[arg-type]
        return text

    def forget_ancestors(self, element: _Element) -> None:
        """Before `element` leaves the tree: the texts that change with it."""
        for ancestor in element.iterancestors():
            self.pop(ancestor, None)


def collect_link_info(links_xpath: list[_Element], texts: TrimmedTexts) -> tuple[int, int, int]:
    "Collect heuristics on link text"
    lengths = [len(text) for text in (texts[elem] for elem in links_xpath) if text]
    # longer strings impact recall in favor of precision
    shortelems = sum(1 for length in lengths if length < 10)
    return sum(lengths), len(lengths), shortelems


def is_paragraph_listing(links_xpath: list[_Element]) -> bool:
    "Tell a document listing (every link alone in its paragraph) from a farm (links running together)"
    for link in links_xpath:
        parent = link.getparent()
        if parent is None or parent.tag != "p" or len(parent.findall(".//ref")) > 1:
            return False
    return True


def link_density_test(element: _Element, texts: TrimmedTexts, favor_precision: bool = False) -> tuple[bool, bool]:
    "Remove sections which are rich in links (probably boilerplate), flag short linked ones."
    links_xpath = list(element.iterdescendants("ref"))  # findall(".//ref"), walked inside lxml
    if not links_xpath:
        return False, False
    # preserve image containers
    if next(element.iterdescendants("graphic"), None) is not None:
        return False, False
    text = texts[element]
    # shortcut
    if len(links_xpath) == 1:
        len_threshold = 10 if favor_precision else 100
        link_text = texts[links_xpath[0]]
        if len(link_text) > len_threshold and len(link_text) > len(text) * 0.9:
            return True, False
    if element.tag == "p":
        limitlen = 60 if element.getnext() is None else 30
    elif element.getnext() is None:
        limitlen = 300
    else:
        limitlen = 100
    elemlen = len(text)
    if elemlen < limitlen:
        linklen, elemnum, shortelems = collect_link_info(links_xpath, texts)
        if elemnum == 0:
            return True, False
        return linklen > elemlen * 0.8 or (elemnum > 1 and shortelems / elemnum > 0.8), True
    # large near-total-link farms ("latest news" sidebars) at/above limitlen, which the size gate
    # above never tests (#584); small farms are already caught there at the plain 0.8 ratio.
    # >4: a farm is MANY links -- a handful of long sentence-links is editorial (knowtechie realworld test)
    if len(links_xpath) > 4:
        linklen, elemnum, _ = collect_link_info(links_xpath, texts)
        # avg link len >= 100 => catalog/listing content (one link per card), not a farm: keep it
        if linklen > len(text) * LINK_FARM_RATIO and linklen < 100 * elemnum and not is_paragraph_listing(links_xpath):
            return True, False
    return False, False


def delete_by_link_density(
    subtree: _Element,
    tagname: str,
    texts: TrimmedTexts,
    backtracking: bool = False,
    favor_precision: bool = False,
) -> _Element:
    """Determine the link density of elements with respect to their length,
    and remove the elements identified as boilerplate."""
    deletions = []
    len_threshold = 200 if favor_precision else 100
    depth_threshold = 1 if favor_precision else 3

    for elem in subtree.iter(tagname):
        result, short_with_links = link_density_test(elem, texts, favor_precision)
        if result or (
            backtracking and short_with_links and len(elem) >= depth_threshold and len(texts[elem]) < len_threshold
        ):
            # a paragraph that holds the content of a list item is kept: the
            # link density of the whole list is checked separately, and
            # removing it here would leave the item empty (GH #788)
            parent = elem.getparent()
            if tagname == "p" and parent is not None and parent.tag in ("item", "td", "th"):
                continue
            deletions.append(elem)

    for elem in dict.fromkeys(deletions):
        texts.forget_ancestors(elem)
        delete_element(elem)

    return subtree
