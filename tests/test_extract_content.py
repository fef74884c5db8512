"""content.extract_content is trafilatura's, its BODY_XPATH and OVERALL_DISCARD_XPATH matched in Python.

These fail when a trafilatura release changes the code or the XPaths content.py mirrors, or when the Python
matching selects other elements than the XPaths on a gate page or on the shapes below.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator

import pytest
from lxml.html import HtmlElement, document_fromstring, tostring
from trafilatura import htmlprocessing, main_extractor, xpaths
from trafilatura.core import _prepare_tree
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipelines.extraction.content import (
    REGEX_TESTS,
    body_frames,
    captions,
    discarded,
    extract_content,
    prune_unwanted_sections,
    regex_tests,
    teasers,
)
from tests.gate.corpus import Page, all_pages

OPTIONS = Extractor(output_format="python", comments=False)


def _theirs_frames(tree: HtmlElement) -> list[HtmlElement | None]:
    return [next((s for s in expression(tree) if s is not None), None) for expression in xpaths.BODY_XPATH]


def _theirs_discarded(tree: HtmlElement) -> list[HtmlElement]:
    return [element for expression in xpaths.OVERALL_DISCARD_XPATH for element in expression(tree)]


def test_the_mirrored_code_and_xpaths_are_trafilaturas() -> None:
    """content.py repeats these functions with one step swapped: a new release that changes them shows here."""
    functions = (
        main_extractor.extract_content,
        main_extractor._extract,
        main_extractor.prune_unwanted_sections,
        htmlprocessing.prune_unwanted_nodes,
    )
    source = "".join(inspect.getsource(function) for function in functions)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "7b433b86aba7a236"
    mirrored = (
        xpaths.BODY_XPATH + xpaths.OVERALL_DISCARD_XPATH + xpaths.DISCARD_IMAGE_ELEMENTS + xpaths.TEASER_DISCARD_XPATH
    )
    paths = "".join(x.path for x in mirrored)
    assert hashlib.sha256(paths.encode()).hexdigest()[:16] == "5e53ff9326f1aba1"


def test_every_regex_of_the_xpaths_is_read_and_none_matches_nothing() -> None:
    """An element without the attribute is skipped: exact only if no pattern matches the empty string."""
    for expression in xpaths.BODY_XPATH + xpaths.OVERALL_DISCARD_XPATH:
        assert len(REGEX_TESTS.findall(expression.path)) == expression.path.count("re:test(")
        assert not any(pattern.search("") for pattern in regex_tests(expression))


def _gate_trees() -> Iterator[tuple[Page, HtmlElement]]:
    for page in all_pages():
        tree = load_html(page.html())
        if tree is not None:
            yield page, tree


def test_the_python_matching_is_the_xpaths_on_every_gate_page() -> None:
    """On each page's tree as loaded and as extract_content gets it (cleaned and converted)."""
    compared = 0
    for page, raw in _gate_trees():
        for tree in (raw, _prepare_tree(raw, OPTIONS, page.url)[0]):
            compared += 1
            assert list(body_frames(tree)) == _theirs_frames(tree), page.key
            assert discarded(tree) == _theirs_discarded(tree), page.key
            assert captions(tree) == xpaths.DISCARD_IMAGE_ELEMENTS[0](tree), page.key
            assert teasers(tree) == xpaths.TEASER_DISCARD_XPATH[0](tree), page.key
    assert compared > 400


@pytest.mark.parametrize(
    "element",
    [
        '<div class="share-box" id="x">', '<div id="sharing">', '<p class="x" id="cookie-bar">',
        '<div class="cookie-x" id="content">', '<div id="content" class="cookie-x">', '<span role="Navigation">',
        '<section data-lp-replacement-content="">', '<div data-component="MostPopularStoriesX">',
        '<div class="comments-title">', '<div class="reply-x" id="x">', '<div id="x" class="reply-x">',
        '<div id="x" style="hidden">', '<div id="hidden-part" style="">',
        '<div style="hidden" id="x">', '<div style="display: none">', '<div aria-hidden="true">',
        '<div class="x hide">', '<div id="akismet">', '<article class="share-box">', '<div class="">',
        '<div class="post">', '<div itemprop="articleBody">', '<main id="x">', '<div class="FullText">',
        '<section id="story">', '<div class="Main-Content">', '<div class="x" id="main">', '<div role="mainx">',
        '<div class="text">', '<div id="content-body">', '<section class="single-post">',
        '<span class="img-caption">', '<p id="caption">', '<div class="Teaser">', '<section id="xTeaserx">',
        '<article class="teaser">',
    ],
)  # fmt: skip
def test_the_python_matching_is_the_xpaths(element: str) -> None:
    tag = element[1:].split()[0].rstrip(">")
    html = f"<html><body><div><main>m</main></div>{element}<p>text</p></{tag}><article>a</article></body></html>"
    for tree in (document_fromstring(html), document_fromstring(html.replace("<div><main>m</main></div>", ""))):
        assert list(body_frames(tree)) == _theirs_frames(tree)
        assert discarded(tree) == _theirs_discarded(tree)
        assert captions(tree) == xpaths.DISCARD_IMAGE_ELEMENTS[0](tree)
        assert teasers(tree) == xpaths.TEASER_DISCARD_XPATH[0](tree)


def test_extract_content_is_trafilaturas_on_every_gate_page() -> None:
    for page, raw in _gate_trees():
        # two cleaned trees (_prepare_tree copies the raw one): extract_content changes the tree it is given
        ours = extract_content(_prepare_tree(raw, OPTIONS, page.url)[0], OPTIONS)
        theirs = main_extractor.extract_content(_prepare_tree(raw, OPTIONS, page.url)[0], OPTIONS)
        assert ours[1] == theirs[1], page.key
        assert tostring(ours[0]) == tostring(theirs[0]), page.key


def test_the_mirrored_link_density_and_wild_text_code_is_trafilaturas() -> None:
    """link_density.py and content.recover_wild_text repeat these, their texts kept: a new release shows here."""
    functions = (
        htmlprocessing.delete_by_link_density,
        htmlprocessing.link_density_test,
        htmlprocessing.collect_link_info,
        htmlprocessing.is_paragraph_listing,
        main_extractor.recover_wild_text,
    )
    source = "".join(inspect.getsource(function) for function in functions)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "966bfc9c26fe4a31"


@pytest.mark.parametrize("focus", ["balanced", "recall"])
def test_prune_unwanted_sections_is_trafilaturas_on_every_gate_page(focus: str) -> None:
    """The whole cleaned page pruned, as recover_wild_text prunes it: the link-density passes' kept texts
    select what trafilatura's passes select, after the removals of the passes before."""
    options = Extractor(output_format="python", comments=False, recall=focus == "recall")
    for page, raw in _gate_trees():
        tags = set(main_extractor.TAG_CATALOG)
        ours = prune_unwanted_sections(_prepare_tree(raw, options, page.url)[0], tags, options)
        theirs = main_extractor.prune_unwanted_sections(_prepare_tree(raw, options, page.url)[0], tags, options)
        assert tostring(ours) == tostring(theirs), page.key
