"""extract_content(cleaned_tree, options): trafilatura's main extractor, its XPaths matched in Python.

trafilatura.main_extractor.extract_content looks for the article's frame with BODY_XPATH and prunes it with
OVERALL_DISCARD_XPATH, DISCARD_IMAGE_ELEMENTS and TEASER_DISCARD_XPATH: XPaths whose `re:test()` calls lxml
answers in Python, one call per attribute per element (`re:test(@id, …)` is called even on an element without
an id), and whose `self::div or …` tests libxml2 runs on every element: half of the main extractor's time.
Here each is one walk that reads an element's attributes once and runs the same regular expressions (read
from the XPaths themselves) only on the attributes there are; it selects the same elements in the same order,
the frames one by one as the extractor asks for them. extract_content, _extract, prune_unwanted_sections and
recover_wild_text (which prunes the whole page with it when the main text is short) are trafilatura's own
(2.3.1) with only those swapped (link density: link_density.py) and their debug logging left out;
tests/test_extract_content.py pins their source and the XPaths, and compares each walk with its XPath on
every gate page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from copy import deepcopy

from lxml.etree import Element, XPath, _Element, strip_elements, strip_tags
from lxml.html import HtmlElement
from trafilatura import main_extractor, utils, xpaths  # their sets and XPath lists, read where they are
from trafilatura.htmlprocessing import link_density_test_tables, process_node
from trafilatura.htmlprocessing import prune_unwanted_nodes as prune_nodes
from trafilatura.main_extractor import _elem_text, handle_textelem
from trafilatura.settings import DEDUPE_SCAN_CAP, MIN_DUPLICATE_LENGTH, Extractor
from trafilatura.utils import text_chars_test, trim
from trafilatura.xml import delete_element

from pipelines.extraction.link_density import TrimmedTexts, delete_by_link_density

# The `re:test(@a|@b, 'pattern'[, 'flags'])` calls of an XPath, in the order they stand.
REGEX_TESTS = re.compile(r"re:test\((@[\w-]+(?:\|@[\w-]+)*), '([^']*)'(?:, '(i?)')?\)")


def regex_tests(expression: XPath) -> tuple[re.Pattern[str], ...]:
    """The patterns of `expression`'s re:test() calls, compiled as lxml compiles them (flag "i": IGNORECASE)."""
    return tuple(re.compile(p, re.IGNORECASE if f else 0) for _, p, f in REGEX_TESTS.findall(expression.path))


_BOXES, _HIDDEN = (regex_tests(x) for x in xpaths.OVERALL_DISCARD_XPATH)
# the first XPath's tags (`self::div or self::item or …`)
BOX_TAGS = tuple(sorted(set(re.findall(r"self::(\w+)", xpaths.OVERALL_DISCARD_XPATH[0].path))))
FRAMES = ("article", "div", "main", "section")  # the elements BODY_XPATH looks for
_ARTICLE, _, _STORY, _MAIN, _ = (regex_tests(x) for x in xpaths.BODY_XPATH)


def _first(items: list[tuple[str, str]], one: str, other: str) -> str:
    """`string(@one|@other)`: the value of whichever of the two comes first on the element, "" if neither."""
    for name, value in items:
        if name in (one, other):
            return value
    return ""


def discarded(tree: _Element) -> list[_Element]:
    """`[element for expression in OVERALL_DISCARD_XPATH for element in expression(tree)]`.

    >>> from lxml.html import fragment_fromstring
    >>> [e.get("class") for e in discarded(fragment_fromstring("<div><p class='x'>a</p><div class='share-x'/></div>"))]
    ['share-x']
    """
    consent, box_id, box_class = _BOXES
    hidden, hidden_id, hidden_class = _HIDDEN
    boxes, hiding = [], []
    for element in tree.iterdescendants(Element):
        items = element.items()
        if not items:
            continue
        values = dict(items)
        names, classes, style = values.get("id", ""), values.get("class", ""), values.get("style", "")
        if element.tag in BOX_TAGS and (
            "data-lp-replacement-content" in values
            or "nav" in values.get("role", "").replace("N", "n")
            or "MostPopularStories" in values.get("data-component", "")
            or consent.search(_first(items, "id", "class"))
            or (names and box_id.search(names))
            or (classes and box_class.search(classes))
        ):
            boxes.append(element)
        if (
            classes == "comments-title"
            or _first(items, "id", "class").startswith("reply-")
            or hidden.search(_first(items, "id", "style"))
            or "display:none" in style
            or "display: none" in style
            or (names and hidden_id.search(names))
            or (classes and hidden_class.search(classes))
            or values.get("aria-hidden") == "true"
        ):
            hiding.append(element)
    return boxes + hiding


def _frame(tree: HtmlElement, wanted: Callable[[str, str, dict[str, str]], bool]) -> HtmlElement | None:
    """The first element below `tree` for which `wanted(tag, id, attributes)` holds, None if none does."""
    for element in tree.iterdescendants(*FRAMES):
        values = dict(element.items())
        if wanted(element.tag, values.get("id", ""), values):
            return element
    return None


def _article_frame(tag: str, names: str, values: dict[str, str]) -> bool:
    classes = values.get("class", "")
    return bool(
        classes in ("post", "entry")
        or values.get("itemprop") == "articleBody"
        or names == "articleContent"
        or (names and _ARTICLE[0].search(names))
        or (classes and _ARTICLE[1].search(classes))
    )


def _story_frame(tag: str, names: str, values: dict[str, str]) -> bool:
    classes = values.get("class", "")
    return bool(
        values.get("role") == "article"
        or names in ("article", "story")
        or classes in ("postarea", "art-postcontent", "text", "cell", "story")
        or (names and _STORY[0].search(names))
        or (classes and (_STORY[1].search(classes) or _STORY[2].search(classes)))
    )


def _main_frame(tag: str, names: str, values: dict[str, str]) -> bool:
    classes = values.get("class", "")
    return bool(
        names == "content"
        or classes == "content"
        or (names and _MAIN[0].search(names))
        or (classes and _MAIN[1].search(classes))
        or "main-content" in names.replace("C", "c").replace("M", "m")  # translate(@id, 'CM', 'cm')
        or "main-content" in classes.replace("C", "c").replace("M", "m")
        or "page-content" in classes.replace("C", "c").replace("P", "p")
    )


def _main_start(tag: str, names: str, values: dict[str, str]) -> bool:
    return (
        tag == "main"
        or values.get("class", "").startswith("main")
        or names.startswith("main")
        or values.get("role", "").startswith("main")
    )


def body_frames(tree: HtmlElement) -> Iterator[HtmlElement | None]:
    """`next((s for s in expression(tree) if s is not None), None)` for each expression of BODY_XPATH, in turn,
    each found when it is asked for (the caller changes the tree between them).

    >>> from lxml.html import fragment_fromstring
    >>> frames = body_frames(fragment_fromstring("<div><section class='story'/><article/></div>"))
    >>> [None if f is None else f.tag for f in frames]
    [None, 'article', 'section', None, None]
    """
    yield _frame(tree, _article_frame)
    yield next(tree.iterdescendants("article"), None)
    yield _frame(tree, _story_frame)
    yield _frame(tree, _main_frame)
    yield _frame(tree, _main_start)


def captions(tree: _Element) -> list[_Element]:
    """`DISCARD_IMAGE_ELEMENTS[0](tree)`: the boxes whose @id or @class holds "caption"."""
    return [
        element
        for element in tree.iterdescendants(*BOX_TAGS)
        if "caption" in element.get("id", "") or "caption" in element.get("class", "")
    ]


def teasers(tree: _Element) -> list[_Element]:
    """`TEASER_DISCARD_XPATH[0](tree)`: the boxes whose @id or @class holds "teaser" (its T in either case)."""
    return [
        element
        for element in tree.iterdescendants(*BOX_TAGS)
        if "teaser" in element.get("id", "").replace("T", "t") or "teaser" in element.get("class", "").replace("T", "t")
    ]


def prune_discarded(tree: HtmlElement) -> HtmlElement:
    """`prune_unwanted_nodes(tree, OVERALL_DISCARD_XPATH, with_backup=True)`, its matches from `discarded`."""
    matches = dict.fromkeys(discarded(tree))
    outer = [elem for elem in matches if not any(a in matches for a in elem.iterancestors())]
    old_len = len(tree.text_content())
    if old_len - sum(len(elem.text_content()) for elem in outer) > old_len / 7:
        for elem in outer:
            delete_element(elem)
    return tree


def prune_unwanted_sections(
    tree: HtmlElement, potential_tags: set[str], options: Extractor, keep_teasers: bool = False
) -> HtmlElement:
    "Rule-based deletion of targeted document sections"
    favor_precision = options.focus == "precision"
    tree = prune_discarded(tree)
    if "graphic" not in potential_tags:
        for element in captions(tree):
            delete_element(element)
    if options.focus != "recall":
        if not keep_teasers:
            for element in teasers(tree):
                delete_element(element)
        if favor_precision:
            tree = prune_nodes(tree, xpaths.PRECISION_DISCARD_XPATH)
    texts = TrimmedTexts()  # what the link-density passes read, kept between them
    for _ in range(2):
        tree = delete_by_link_density(tree, "div", texts, backtracking=True, favor_precision=favor_precision)
        tree = delete_by_link_density(tree, "list", texts, backtracking=False, favor_precision=favor_precision)
        tree = delete_by_link_density(tree, "p", texts, backtracking=False, favor_precision=favor_precision)
    if "table" in potential_tags or favor_precision:
        boilerplate_tables = [elem for elem in tree.iter("table") if link_density_test_tables(elem) is True]
        for elem in boilerplate_tables:
            delete_element(elem, keep_tail=False)
    if favor_precision:
        while len(tree) > 0 and (tree[-1].tag == "head"):
            delete_element(tree[-1], keep_tail=False)
        texts = TrimmedTexts()  # the tables and headings removed since changed some
        tree = delete_by_link_density(tree, "head", texts, backtracking=False, favor_precision=True)
        tree = delete_by_link_density(tree, "quote", texts, backtracking=False, favor_precision=True)
    strip_tags(tree, "span", *(() if "ref" in potential_tags else ("ref",)))
    return tree


def recover_wild_text(
    tree: HtmlElement,
    result_body: _Element,
    options: Extractor,
    potential_tags: set[str] | None = None,
    consumed: set[_Element] | None = None,
) -> _Element:
    """Look for all previously unconsidered wild elements, including outside of the determined
    frame and throughout the document to recover potentially missing text parts."""
    # copy: the recall branch below mutates potential_tags, must not leak back to the caller
    potential_tags = set(main_extractor.TAG_CATALOG if potential_tags is None else potential_tags)
    # blockquote/pre/q are already renamed to quote/code by convert_tags before this tree is built
    search_expr = ".//code|.//p|.//quote|.//table|.//div[contains(@class, 'w3-code')]"
    if options.focus == "recall":
        potential_tags.update(["div", "lb"])
        search_expr += "|.//div|.//lb|.//list"
    # prune; in fast mode (no external comparator to defer to) keep teaser-class blocks, some of
    # which are real content — this is the last-resort path after the confident extractor failed
    search_tree = prune_unwanted_sections(tree, potential_tags, options, keep_teasers=options.fast)
    subelems = search_tree.xpath(search_expr)
    # dedup against the pre-main-pass snapshot: skip what the main pass already took -- exact
    # match (not length-gated, #634; accepted cost: identical-text elements collapse) or a
    # length-gated substring (a <p> folded into its <list> container)
    elem_texts = [_elem_text(el) for el in result_body]
    # newline-joined (trimmed element text has no newline) so no substring match spans two elements
    existing = "\n".join(filter(None, elem_texts))
    existing_elems = set(elem_texts)
    # elements emitted or deduped whole: their descendants are covered
    handled: set[_Element] = set()
    for subelem in subelems:
        if (consumed and subelem in consumed) or any(a in handled for a in subelem.iterancestors()):
            continue
        processed = handle_textelem(subelem, potential_tags, options)
        if processed is None:
            continue
        if processed is subelem:
            handled.add(subelem)
        text = _elem_text(processed)
        # image-only blocks have no text to compare, check their sources against the live body
        images = {img.get("src") for img in processed.iter("graphic")}
        if not text and images and images <= {g.get("src") for g in result_body.iter("graphic")}:
            continue
        # past the cap, the substring scan is skipped and `existing` stops growing
        under_cap = len(existing) <= DEDUPE_SCAN_CAP
        # a copy carrying its source tail is a fragment of a text run: no length gate
        fragment = trim(text + (processed.tail or "")) if text_chars_test(processed.tail) else ""
        if text and (
            text in existing_elems
            or (
                under_cap
                and ((len(text) > MIN_DUPLICATE_LENGTH and text in existing) or (fragment and fragment in existing))
            )
        ):
            continue
        result_body.append(processed)
        if under_cap:
            existing += "\n" + (fragment or text)
        existing_elems.add(text)
    return result_body


def _extract(tree: HtmlElement, options: Extractor) -> tuple[_Element, str, set[str]]:  # noqa: C901, PLR0912
    potential_tags = set(main_extractor.TAG_CATALOG)
    if options.tables is True:
        potential_tags.update(["table", "td", "th", "tr"])
    if options.images is True:
        potential_tags.add("graphic")
    if options.links is True:
        potential_tags.add("ref")
    result_body = Element("body")
    for subtree in body_frames(tree):
        if subtree is None:
            continue
        subtree = prune_unwanted_sections(subtree, potential_tags, options)
        if len(subtree) == 0:
            continue
        ptest = subtree.xpath("//p//text()")
        factor = 1 if options.focus == "precision" else 3
        if not ptest or len("".join(ptest)) < options.min_extracted_size * factor:
            potential_tags.add("div")
        subelems = subtree.xpath(".//*")
        tags = {e.tag for e in subelems}
        if tags == {"lb"} or (
            subtree.tag == "div" and "div" in potential_tags and tags <= main_extractor.INLINE_FORMATTABLE | {"lb"}
        ):
            subelems = [subtree]
        lead, start = None, len(result_body)
        if subelems != [subtree] and text_chars_test(subtree.text):
            lead = Element("p")
            lead.text = subtree.text
            lead = process_node(lead, options)
        for elem in subelems:
            if elem.getroottree().getroot() is result_body:
                continue
            tag, tail = elem.tag, elem.tail
            processed_elem = handle_textelem(elem, potential_tags, options)
            if processed_elem is not None:
                result_body.append(processed_elem)
                if elem.getroottree().getroot() is not result_body:
                    elem.tag = "done"
            if (
                tag in main_extractor.REBUILT_BLOCKS
                and text_chars_test(tail)
                and (processed_elem is None or processed_elem.tail is None)
            ):
                tail_elem = Element("p")
                tail_elem.text = tail
                if process_node(tail_elem, options) is not None:
                    result_body.append(tail_elem)
        while len(result_body) > 0 and (result_body[-1].tag in main_extractor.NOT_AT_THE_END):
            delete_element(result_body[-1], keep_tail=False)
        if sum(e.tag != "graphic" for e in result_body) > 1:
            if lead is not None:
                result_body.insert(start, lead)
            break
    temp_text = " ".join(result_body.itertext()).strip()
    return result_body, temp_text, potential_tags


def extract_content(cleaned_tree: HtmlElement, options: Extractor) -> tuple[_Element, str]:
    """trafilatura.main_extractor.extract_content: the main text's body and its text."""
    backup_tree = deepcopy(cleaned_tree)
    order = list(cleaned_tree.iter())
    result_body, temp_text, potential_tags = _extract(cleaned_tree, options)
    if len(result_body) == 0 or len(temp_text) < options.min_extracted_size:
        consumed: set[_Element] = {
            twin for elem, twin in zip(order, backup_tree.iter(), strict=True) if elem.tag == "done"
        }
        result_body = recover_wild_text(backup_tree, result_body, options, potential_tags, consumed)
        temp_text = " ".join(result_body.itertext()).strip()
    previous = None
    for el in list(result_body):
        current = _elem_text(el)
        if current and current == previous and len(current) > MIN_DUPLICATE_LENGTH:
            delete_element(el, keep_tail=False)
        else:
            previous = current
    strip_elements(result_body, "done")
    strip_tags(result_body, "div")
    for linebreak in result_body.iter("lb"):
        if (
            linebreak.tail
            and not text_chars_test(linebreak.tail)
            and not any(anc.tag in utils.SPACING_PROTECTED for anc in linebreak.iterancestors())
        ):
            linebreak.tail = None
    return result_body, temp_text
