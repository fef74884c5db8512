"""main_text(tree, url) -> paragraphs: trafilatura's balanced cascade, its external comparison only where it can matter.

`trafilatura.bare_extraction(tree, include_comments=False)` runs, on every page, its own extractor and then
readability on another copy of the raw tree (about a third of its time), to keep readability's text only when
its own looks deficient. Here the same stages run in the same order (trafilatura is pinned, and
tests/test_extract_main_text.py checks the internals used here still have these signatures), with one change:
the comparison (readability, then justext) runs only on a *suspect* body:

- one that would send trafilatura to justext anyway: shorter than MIN_EXTRACTED_SIZE, or holding
  SANITIZED_XPATH elements;
- one readability replaces on structure alone: no paragraph text, or more tables than paragraphs;
- one readability could outgrow twice (the only other way it wins in balanced mode): a body under
  SUSPECT_CHARS, or under half of what the page declares as its article body (JSON-LD `articleBody`).

A long, paragraph-shaped body that holds most of the declared text is what readability's comparison keeps
on every page of the gate's corpora; the recall escalation and baseline rescue run exactly as trafilatura's
(both rescues are left out for a page the caller already holds for no article: `rescue=False`).
Mutates nothing it is given (the tree is copied once, as bare_extraction does).
"""

from __future__ import annotations

from copy import copy
from importlib import import_module

from lxml.etree import XPath, _Element
from lxml.html import HtmlElement
from trafilatura import xpaths  # its XPath lists, used as they are
from trafilatura.baseline import baseline, html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _forum_thread_page,
    _prepare_tree,
    _recall_retry,
)
from trafilatura.external import SANITIZED_XPATH, compare_extraction, justext_rescue
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor

from pipelines.extraction.body import body_paragraphs

# What html2txt's text can be at most, without copying the tree: the body's text with whitespace collapsed
# (in C), plus the two spaces html2txt puts around each block (each lengthens the collapsed text by one at
# most). str.split() collapses more kinds of whitespace than normalize-space(), and html2txt's cleaning only
# takes text out (its scripts and styles are subtracted in page_text_bound: removing text adds no word).
COLLAPSED_LENGTH = XPath("string-length(normalize-space(.))")
# the blocks html2txt spaces (the module by name: the package exports a function called baseline)
BLOCK_TAGS = tuple(sorted(import_module("trafilatura.baseline")._BLOCK_ELEMS))
SUSPECT_CHARS = 3000  # what trafilatura calls short (ESCALATION_MAX_LENGTH): readability has only won below it
# The raw-tree prunes, each with what it can select at all: (XPath, tags, words of @id, words of @class). Every
# element an XPath selects has one of those tags and holds one of those words in its @id or @class (its re:test
# and contains() patterns hold them literally), so a page with no such element is not searched: libxml2 takes
# about a microsecond an element for `.//*[self::div or …]`, a walk over those tags a fraction of it.
# tests/test_extract_main_text.py pins the XPaths these words were read from.
Prune = tuple[XPath, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
BOX_TAGS = ("div", "section", "aside")
RAW_PRUNES: tuple[Prune, ...] = (
    (xpaths.RAW_TREE_PRUNE_XPATH[0], BOX_TAGS, ("mvp-post-add-", "infinite"), ("mvp-post-add-", "infinite")),
    (xpaths.RAW_TREE_PRUNE_XPATH[1], BOX_TAGS, (), ("elementor-share-buttons",)),
)
COMMENT_PRUNES: tuple[Prune, ...] = (
    (
        xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH[0],
        ("div", "list", "section", "details", "ol", "ul"),
        ("omment", "comol", "disqus_thread"),
        ("omment",),
    ),
)


def main_text(tree: HtmlElement, url: str, declared_body: int = 0, *, rescue: bool = True) -> list[str]:
    """The main text's paragraphs, as `bare_extraction(tree, url=url, include_comments=False)` finds them.
    `declared_body`: the length of the article body the page declares (JSON-LD), 0 when none. `rescue`
    False skips the comparison and the recall escalation whatever the body: for a page that declares
    itself no article, whose text is only weighed for a listing's shape."""
    # Balanced, not precision mode: precision's recall cost outweighs its gain on pages nobody tuned
    # for; the boxes pruned before and the body rules give the precision back.
    options = Extractor(output_format="python", comments=False, url=url)
    try:
        body, text = _sequence(copy(tree), options, url, declared_body, rescue)
    except (TypeError, ValueError):  # what bare_extraction turns into "no document"
        return []
    return body_paragraphs(body) if text else []


def _sequence(
    tree: HtmlElement, options: Extractor, url: str, declared_body: int, rescue: bool
) -> tuple[_Element, str]:
    """trafilatura.core.trafilatura_sequence with comments off, the comparison gated by `_suspect`."""
    forum = _forum_thread_page(tree)
    tree = prune_raw(tree, RAW_PRUNES)
    if not forum:
        tree = prune_raw(tree, COMMENT_PRUNES)
    cleaned, backup = _prepare_tree(tree, options, url)
    body, text = extract_content(cleaned, options)
    if rescue and _suspect(body, text, options, declared_body):
        body, text = compare_extraction(backup, copy(tree), body, text, options)

    if len(text) < options.min_extracted_size:  # baseline rescue, accepted only if it adds text
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text

    # recall escalation: a short text covering little of the page is retried in recall mode
    if rescue and 0 < len(text) < ESCALATION_MAX_LENGTH and _covers_little(text, tree):
        r_options = copy(options)
        r_options.focus = "recall"
        r_body, r_text = _recall_retry(tree, r_options, url)
        j_body, j_text = justext_rescue(copy(tree), options)
        if len(j_text) > len(r_text) and len(j_text) > ESCALATION_JUSTEXT_RATIO * len(text):
            body, text = j_body, j_text
        elif len(r_text) >= options.min_extracted_size and len(r_text) > ESCALATION_ACCEPT_RATIO * len(text):
            body, text = r_body, r_text
    return body, text


def prune_raw(tree: HtmlElement, prunes: tuple[Prune, ...]) -> HtmlElement:
    """`prune_unwanted_nodes(tree, [xpath for xpath, *_ in prunes])`, each XPath run only where it can select."""
    for expression, tags, ids, classes in prunes:
        if may_select(tree, tags, ids, classes):
            tree = prune_unwanted_nodes(tree, [expression])
    return tree


def may_select(tree: HtmlElement, tags: tuple[str, ...], ids: tuple[str, ...], classes: tuple[str, ...]) -> bool:
    """Whether an element below `tree` has one of `tags` and one of `ids` in its @id or `classes` in its @class.

    >>> from lxml.html import document_fromstring
    >>> may_select(document_fromstring("<div class='comments-box'>x</div>"), ("div",), (), ("omment",))
    True
    """
    for element in tree.iterdescendants(*tags):
        names = element.get("id")
        if names and any(word in names for word in ids):
            return True
        names = element.get("class")
        if names and any(word in names for word in classes):
            return True
    return False


def page_text_bound(tree: HtmlElement) -> int:
    """A length html2txt(tree)'s text never exceeds, found without copying or walking the tree in Python.

    >>> from lxml.html import document_fromstring
    >>> page_text_bound(document_fromstring("<html><body><div>a</div>b<script>var x</script></body></html>"))
    5
    """
    body = tree.find(".//body")
    body = tree if body is None else body
    code = sum(len("".join((element.text or "").split())) for element in body.iter("script", "style"))
    blocks = sum(1 for _ in body.iter(*BLOCK_TAGS))  # lxml matches the tags; an XPath of self:: tests is 8x slower
    return int(COLLAPSED_LENGTH(body)) + 2 * blocks - code


def _covers_little(text: str, tree: HtmlElement) -> bool:
    """`len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))`, html2txt (a copy of the tree, its cleaning
    and a walk that spaces every block) only when the page's text can be long enough for it to hold."""
    if len(text) >= ESCALATION_PAGE_SHARE * page_text_bound(tree):
        return False
    return len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))


def _suspect(body: _Element, text: str, options: Extractor, declared_body: int) -> bool:
    """Whether readability or justext might replace this body (see the module docstring)."""
    length = len(text)
    if length < max(options.min_extracted_size, SUSPECT_CHARS) or 2 * length < declared_body:
        return True
    if body.xpath(SANITIZED_XPATH) or not body.xpath(".//p//text()"):
        return True
    return len(body.findall(".//table")) > len(body.findall(".//p"))
