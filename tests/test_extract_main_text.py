"""main_text and parse_page do what trafilatura's bare_extraction and load_html do, on every gate page.

main_text calls trafilatura's internals (the pin, trafilatura==2.3.1, keeps them stable) and skips
readability's comparison where it cannot change the result: these tests fail when a trafilatura upgrade
changes an internal it calls, or when the skip drops a page readability or justext would have changed.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import math
from collections.abc import Iterator
from copy import copy
from pathlib import Path

import justext.core
import justext.paragraph
import lxml.sax
import pytest
import trafilatura
from lxml.html import HtmlElement, document_fromstring, fromstring, tostring
from trafilatura import core, external, main_extractor, readability_lxml, settings, xpaths
from trafilatura.baseline import basic_cleaning, html2txt
from trafilatura.htmlprocessing import tree_cleaning
from trafilatura.settings import BASIC_CLEAN_XPATH, Extractor
from trafilatura.utils import load_html, repair_faulty_html, trim

from pipelines.extraction.basic_cleaning import cleaned
from pipelines.extraction.body import body_paragraphs
from pipelines.extraction.main_text import (
    COMMENT_PRUNES,
    RAW_PRUNES,
    SUSPECT_CHARS,
    _covers_little,
    cleaned_text_bound,
    compare_extraction,
    justext_rescue,
    justext_stoplist,
    main_text,
    page_text_bound,
    raw_prunes,
    readability_bound,
    recall_retry,
)
from pipelines.extraction.main_text import _options as main_text_options
from pipelines.extraction.page_tree import _parser, parse_page, repair, repaired_bytes
from pipelines.extraction.paragraph_maker import MAX_DEPTH, make_paragraphs
from tests.gate.corpus import Page, all_pages

PAGES = all_pages()


def gate_trees() -> Iterator[tuple[Page, HtmlElement]]:
    """Every gate page load_html parses, with a tree of its own (main_text prunes the tree it is given)."""
    for page in PAGES:
        tree = load_html(page.html())
        if tree is not None:
            yield page, tree


def _bare(tree, url: str) -> list[str]:  # noqa: ANN001
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False)
    return body_paragraphs(document.body if document else None)


def test_the_internals_have_the_signatures_main_text_calls() -> None:
    def names(function: object) -> list[str]:
        return list(inspect.signature(function).parameters)  # type: ignore[arg-type]

    assert names(core._prepare_tree) == ["tree", "options", "url"]
    assert names(core._recall_retry) == ["esc_tree", "r_options", "url"]
    assert names(core._forum_thread_page) == ["tree"]
    assert names(main_extractor.extract_content) == ["cleaned_tree", "options"]
    assert names(external.compare_extraction) == ["cleaned_tree", "raw_tree", "body", "text", "options"]
    assert names(external.justext_rescue) == ["tree", "options"]
    # the cascade main_text follows, stage by stage; a new stage in a new release shows here
    source = inspect.getsource(core.trafilatura_sequence)
    for stage in (
        "_prepare_tree(",
        "_extract_and_compare(",
        "baseline(tree)",
        "html2txt(tree)",
        "_recall_retry(",
        "justext_rescue(",
    ):
        assert stage in source, stage


def test_the_comparison_main_text_repeats_is_trafilaturas() -> None:
    """main_text repeats compare_extraction and _prepare_tree, without the cleaned tree's backup until justext
    needs it: a new release that changes either shows here."""
    source = inspect.getsource(external.compare_extraction) + inspect.getsource(core._prepare_tree)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "d9aa2cff1f76b9bd"


def test_the_comparison_is_trafilaturas_on_every_gate_page() -> None:
    options = Extractor(output_format="python", comments=False)
    for page, tree in gate_trees():
        cleaned, backup = core._prepare_tree(tree, options, page.url)
        body, text = main_extractor.extract_content(cleaned, options)
        again = copy(body)
        theirs = external.compare_extraction(backup, copy(tree), body, text, options)
        ours = compare_extraction(lambda raw=tree: tree_cleaning(copy(raw), options), copy(tree), again, text, options)
        assert ours[1] == theirs[1], page.key
        assert tostring(ours[0]) == tostring(theirs[0]), page.key


def test_the_recall_retry_main_text_repeats_is_trafilaturas() -> None:
    """recall_retry repeats _recall_retry and the _extract_and_compare it calls: a new release that changes
    either shows here."""
    source = inspect.getsource(core._recall_retry) + inspect.getsource(core._extract_and_compare)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "f83f9c71197d6b76"


def test_the_recall_retry_is_trafilaturas_on_every_gate_page() -> None:
    """recall_retry (content.py's extractor, no backup of the cleaned tree) finds what _recall_retry finds,
    whether or not the page reaches the recall escalation, and leaves the tree as it was."""
    for page, tree in gate_trees():
        options = Extractor(output_format="python", comments=False, url=page.url)
        options.focus = "recall"
        before = tostring(tree)
        ours = recall_retry(tree, options, page.url)
        assert tostring(tree) == before, page.key
        theirs = core._recall_retry(tree, options, page.url)
        assert ours[1] == theirs[1], page.key
        assert tostring(ours[0]) == tostring(theirs[0]), page.key


def test_the_justext_main_text_repeats_is_trafilaturas() -> None:
    """justext_rescue repeats trafilatura's, with try_justext and the stoplist jt_stoplist_init builds: a new
    release that changes any of them shows here."""
    source = inspect.getsource(external.justext_rescue) + inspect.getsource(external.try_justext)
    source += inspect.getsource(external.jt_stoplist_init)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "e37e06660fb74716"


def test_justext_is_trafilaturas_on_every_gate_page() -> None:
    """The same words as trafilatura's stoplist, held as a frozenset; the same paragraphs on every page."""
    assert justext_stoplist() == frozenset(external.JT_STOPLIST or external.jt_stoplist_init())
    options = Extractor(output_format="python", comments=False)
    for page, tree in gate_trees():
        ours, theirs = justext_rescue(copy(tree), options), external.justext_rescue(copy(tree), options)
        assert ours[1] == theirs[1], page.key
        assert tostring(ours[0]) == tostring(theirs[0]), page.key


def test_the_html2txt_main_text_repeats_is_trafilaturas() -> None:
    """_covers_little repeats html2txt on the copy it cleans for justext, reasoning about what BASIC_CLEAN_XPATH
    reads: a new release that changes html2txt, its walk, its cleaning or that XPath shows here."""
    baseline = importlib.import_module("trafilatura.baseline")  # the package exports a function called baseline
    source = inspect.getsource(baseline.html2txt) + inspect.getsource(baseline._spaced_text)
    source += inspect.getsource(baseline.basic_cleaning) + settings.BASIC_CLEAN_XPATH.path
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "cc67269045c48725"


def test_the_escalation_check_is_html2txts_on_every_gate_page() -> None:
    """_covers_little holds where html2txt's text is long enough, on either side of the share, and gives
    justext the tree justext_rescue would clean; the tree it is given stays as it was."""
    for page, tree in gate_trees():
        before = tostring(tree)
        share = core.ESCALATION_PAGE_SHARE * len(html2txt(tree))
        longest = max(math.ceil(share) - 1, 0)  # the longest text that covers little
        for length in (longest, longest + 1):
            cleaned = _covers_little("x" * length, tree)
            assert (cleaned is not None) == (length < share), page.key
            if cleaned is not None:
                assert tostring(cleaned) == tostring(external.basic_cleaning(copy(tree))), page.key
        assert tostring(tree) == before, page.key


def _readability_length(tree: HtmlElement) -> int:
    """The length compare_extraction measures of readability's text."""
    summary = external.try_readability(copy(tree))
    return len(trim(tostring(summary, method="text", encoding="utf-8").decode("utf-8")))


def test_the_readability_bound_holds_on_every_gate_page() -> None:
    """_suspect skips readability where readability_bound leaves it no way to outgrow the body twice."""
    close = 0
    for page, tree in gate_trees():
        bound, length = readability_bound(tree), _readability_length(tree)
        assert length <= bound, page.key
        close += bound <= 2 * length
    assert close > 100  # within twice readability's text on most pages: a bound that holds by being huge shows here


@pytest.mark.parametrize(
    "html",
    [
        "<p>a b</p><div class='sidebar'>c <b>d</b> e</div><script>f g</script><p>h</p>",
        "<p>one, two, three words in a row here.</p><div id='comment'>x<div class='menu'>y</div>z</div>",
        "<title>a title</title><p>p as child of body, so html is a candidate and the title its text</p>",
        "<div><p>a long enough paragraph of text, with commas, here.</p>tail<br>more</div><style>x</style>",
        '<div><p>a long enough paragraph of text, with commas.</p><iframe src="https://youtube.com/x"></iframe></div>',
        "<div><p>a long enough paragraph of text, with commas.</p><xmp><b>x</b> &amp;lt; y</xmp></div>",
        "<div class='footer'><p>all of the text, in a box readability drops, it says.</p></div>",
        "<div class='sidebar'><script>var a = 1, b = 2, c = 3;</script>x</div><p>the text, long enough here.</p>",
        "<fencedframe><div class='menu'>a b c d e f g h</div></fencedframe><p>the text, long enough here.</p>",
    ],
)
def test_the_readability_bound_holds(html: str) -> None:
    tree = document_fromstring(f"<html><body>{html}</body></html>")
    assert _readability_length(tree) <= readability_bound(tree)


def test_the_readability_main_text_reasons_about_is_trafilaturas() -> None:
    """readability_bound reads what readability removes and adds: a new release that changes it shows here."""
    source = inspect.getsource(readability_lxml.Document) + inspect.getsource(external.try_readability)
    source += "".join(regex.pattern for regex in readability_lxml.REGEXES.values())
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "081e4ec036d9bba6"


def test_main_text_is_bare_extraction_on_every_gate_page() -> None:
    differ, compared = [], 0
    for page, tree in gate_trees():
        compared += 1
        if main_text(tree, page.url) != _bare(tree, page.url):
            differ.append(page.key)
    assert compared > 200
    assert not differ, f"main_text and bare_extraction differ on {differ}"


def test_the_pages_that_need_readability_are_in_the_corpus() -> None:
    """Some gate pages are changed by readability's comparison: the test above is not vacuous."""
    changed = 0
    for page, tree in gate_trees():
        fast = trafilatura.bare_extraction(tree, url=page.url, include_comments=False, fast=True)
        if body_paragraphs(fast.body if fast else None) != _bare(tree, page.url):
            changed += 1
    assert changed >= 3
    assert SUSPECT_CHARS >= 1000


def test_parse_page_builds_the_tree_load_html_builds() -> None:
    for page in PAGES[::5]:
        html = page.html()
        ours, theirs = parse_page(html), load_html(html)
        assert (ours is None) == (theirs is None), page.key
        if ours is not None and theirs is not None:
            assert tostring(ours) == tostring(theirs), page.key


@pytest.mark.parametrize("html", ["just some text", "", "<p>alone</p>", b"<html><body><p>bytes</p></body></html>"])
def test_parse_page_rejects_what_load_html_rejects(html: str | bytes) -> None:
    ours, theirs = parse_page(html), load_html(html)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert tostring(ours) == tostring(theirs)


# pages html2txt reads in its corners, each with a body element unless told
HTML2TXT_PAGES = [
    "<html><body><div>a</div>b<p>c</p>d<br>e</body></html>",  # minified blocks: html2txt spaces them
    "<html><body><p>a\xa0\xa0b</p><p>\u2003c\u2028d</p></body></html>",  # whitespace XPath keeps
    "<html><body><div>a<script>if (x) {}</script>b<style>p {}</style>c</div></body></html>",
    "<html><head><title>t</title></head><p>no body element</p></html>",
    "<html><body><p>a</p><aside>b <p>c</p> d</aside>tail<div class='footer' id='x'>e</div>f</body></html>",
    "<html><body><div id='footer'><p>a b</p><script>x y</script></div><footer>c<svg>d</svg></footer></body></html>",
    "<html><body><div>a<template>b c</template>d<fencedframe><p>e</p></fencedframe></div></body></html>",
    "<html><body class='onetrust'><p>a</p><p>b c d e f g</p><footer>h</footer></body></html>",  # the body goes
]


@pytest.mark.parametrize("html", HTML2TXT_PAGES)
def test_the_escalation_check_is_html2txts(html: str) -> None:
    """Also where the body goes with the cleaning justext's copy gets, and where there is no body element."""
    tree = load_html(html)
    for length in (0, 1, 2, 3, 5, 8):
        cleaned = _covers_little("x" * length, tree)
        assert (cleaned is not None) == (length < core.ESCALATION_PAGE_SHARE * len(html2txt(tree)))
        if cleaned is not None:
            assert tostring(cleaned) == tostring(external.basic_cleaning(copy(tree)))


@pytest.mark.parametrize("html", HTML2TXT_PAGES)
def test_the_page_text_bounds_hold_html2txt(html: str) -> None:
    tree = load_html(html)
    assert page_text_bound(tree) >= len(html2txt(tree))
    assert cleaned_text_bound(tree) >= len(html2txt(tree))


def test_the_page_text_bounds_hold_html2txt_on_every_gate_page() -> None:
    """main_text skips html2txt (the recall escalation's page measure) when these bounds already rule it out."""
    tighter = 0
    for page, tree in gate_trees():
        bound, length = cleaned_text_bound(tree), len(html2txt(tree))
        assert page_text_bound(tree) >= length, page.key
        assert bound >= length, page.key
        tighter += bound < 2 * length
    assert tighter > 100  # a bound that holds by being huge would show here


def test_the_raw_prunes_are_the_xpaths_their_words_were_read_from() -> None:
    """RAW_PRUNES and COMMENT_PRUNES hold words read from these XPaths: a new release that changes one shows here."""
    assert [x for x, *_ in RAW_PRUNES] == xpaths.RAW_TREE_PRUNE_XPATH
    assert [x for x, *_ in COMMENT_PRUNES] == xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH
    paths = "".join(x.path for x, *_ in RAW_PRUNES + COMMENT_PRUNES)
    assert hashlib.sha256(paths.encode()).hexdigest()[:16] == "9f4c3a91c883c372"


@pytest.mark.parametrize(
    "element",
    [
        '<div id="comments">', '<section class="Comments-area">', '<ul class="post-comments">', '<ol id="comol">',
        '<div id="disqus_thread">', '<div id="dsq-comments">', '<details class="comment">',
        '<aside id="infinitescroll">',
        '<div class="mvp-post-add-box">', '<section id="infinite-scroll">', '<div class="elementor-share-buttons x">',
        '<div class="a comment-list">', '<div id="commentary">',
    ],
)  # fmt: skip
def test_a_raw_prune_runs_wherever_its_xpath_selects(element: str) -> None:
    tag = element[1:].split()[0]
    tree = document_fromstring(f"<html><body><h1>t</h1>{element}<p>text</p></{tag}></body></html>")
    named = raw_prunes(tree, RAW_PRUNES + COMMENT_PRUNES)
    for expression, *_ in RAW_PRUNES + COMMENT_PRUNES:
        assert expression in named or not expression(tree), (element, expression.path)


def test_raw_prunes_holds_every_prune_that_selects_on_every_gate_page() -> None:
    """main_text copies the page's tree only when raw_prunes names a prune: one it leaves out must select nothing."""
    prunes = RAW_PRUNES + COMMENT_PRUNES
    selected = 0
    for page, tree in gate_trees():
        named = raw_prunes(tree, prunes)
        assert named == [x for x, *_ in prunes if x in named], page.key
        for expression, *_ in prunes:
            found = bool(expression(tree))
            selected += found
            assert expression in named or not found, (page.key, expression.path)
    assert selected >= 10


def test_main_text_leaves_the_tree_as_it_was() -> None:
    html = "<html><body><div id='comments'><p>a comment</p></div><article><p>{}</p></article></body></html>"
    tree = document_fromstring(html.format("Some text of the article. " * 40))
    before = tostring(tree)
    assert main_text(tree, "http://example.vn/a.html")
    assert tostring(tree) == before


def test_repair_is_repair_faulty_html_whose_steps_it_repeats() -> None:
    """page_tree.repair repeats repair_faulty_html's steps after the first: a new release that changes it shows here."""
    source = inspect.getsource(repair_faulty_html)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "7e68c7a3cb24910c"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>a\x00b\x0bc\x1fd\te\r\nf</p></body></html>",
        "<html><body><p>Hà Nội\ufffe và \uffff</p></body></html>",
        "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x'/>\n<html><body><p>a</p></body></html>",
        "<!doctype html>\n<html lang='vi'/>\n<body><p>a\x0cb</p></body>",
        "<html xmlns='x' />\n<body><p>no control characters, \ud800 a lone surrogate</p></body>",
        "\n\n\n\n<html/>",
    ],
)
def test_repair_gives_what_repair_faulty_html_gives(html: str) -> None:
    beginning = html[:50].lower()
    assert repair(html, beginning) == repair_faulty_html(html, beginning)


def test_repair_gives_what_repair_faulty_html_gives_on_every_gate_page() -> None:
    for page in PAGES:
        html = page.html()
        beginning = html[:50].lower()
        assert repair(html, beginning) == repair_faulty_html(html, beginning), page.key


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>a\x00b\x0bc\x1fd\te\r\nf</p></body></html>",
        "<html><body><p>Hà Nội\ufffe và \uffff</p></body></html>",
        "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x'/>\n<html><body><p>Hà Nội</p></body></html>",
        "<!DOCTYPE html PUBLIC 'x'/><html><body><p>one line</p></body></html>",
        "<!doctype html><html><body><p>one line</p></body></html>",
        "<!doctype html>\n<html lang='vi'/>\n<body><p>a\x0cb</p></body>",
        "<!DOCTYPE html PUBLIC 'x'/>\n<html lang='vi'/>\n<body><p>Hà</p></body>",
        "<html xmlns='x' />\n<body><p>no control characters, \ud800 a lone surrogate</p></body>",
        "\n\n\n\n<html/>",
        "\xa0<html><body><p>a</p></body></html>",
        "\x01\xa0<html><body><p>a</p></body></html>",
        "\u3000\n<p>a</p>",
    ],
)  # fmt: skip
def test_repaired_bytes_are_the_repaired_text_or_none(html: str) -> None:
    """Where they are given, parse_page parses them for the text: they must be that text's UTF-8 bytes,
    and lxml.html must read their beginning as it reads the text's."""
    beginning = html[:50].lower()
    encoded, repaired = repaired_bytes(html, beginning), repair_faulty_html(html, beginning)
    if encoded is not None:
        assert encoded == repaired.encode("utf-8")
        assert tostring(fromstring(encoded, parser=_parser())) == tostring(fromstring(repaired, parser=_parser()))
    else:
        assert "\ud800" in html or not repaired[: len(repaired) - len(repaired.lstrip())].isascii()


def test_the_repaired_bytes_parse_to_the_tree_the_text_parses_to_on_every_gate_page() -> None:
    """parse_page parses the page's bytes where load_html parses its text first."""
    parsed = 0
    for page in PAGES:
        html = page.html()
        beginning = html[:50].lower()
        encoded = repaired_bytes(html, beginning)
        assert encoded == repair_faulty_html(html, beginning).encode("utf-8"), page.key
        ours, theirs = parse_page(html), load_html(html)
        assert (ours is None) == (theirs is None), page.key
        if ours is not None and theirs is not None:
            parsed += 1
            assert tostring(ours) == tostring(theirs), page.key
    assert parsed > 200


def test_the_paragraph_maker_mirrors_justexts() -> None:
    """paragraph_maker repeats ParagraphMaker on lxml.sax's events: a new release that changes them shows here."""
    sax = (Path(lxml.sax.__file__).parent / "sax.py").read_text(encoding="utf-8")
    producer = sax[sax.index("class ElementTreeProducer") : sax.index("def saxify(")]
    source = "".join(
        inspect.getsource(code)
        for code in (
            justext.core.ParagraphMaker,
            justext.core.PathInfo,
            justext.paragraph.Paragraph.__init__,
            justext.paragraph.Paragraph.text.fget,
            justext.paragraph.Paragraph.__len__,
        )
    )
    assert hashlib.sha256((source + producer).encode()).hexdigest()[:16] == "739448f8c719dbd3"


def _paragraphs(paragraphs: list) -> list[tuple]:
    return [(p.dom_path, p.xpath, p.text_nodes, p.chars_count_in_links, p.tags_count, p.text) for p in paragraphs]


def test_make_paragraphs_is_paragraph_makers_on_every_gate_page() -> None:
    """On each page's tree as loaded and as justext_rescue cleans it."""
    compared = 0
    for _, tree in gate_trees():
        for root in (tree, basic_cleaning(copy(tree))):
            assert _paragraphs(make_paragraphs(root)) == _paragraphs(justext.core.ParagraphMaker.make_paragraphs(root))
            compared += 1
    assert compared > 400


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>a <a href='x'>b c</a> d</p>e<br><br>f<br>g<div>h<!-- c -->i</div>  </body></html>",
        "<html><body><ul><li>a</li><li><b>b</b> <i>c</i></li></ul><br><br><br><p> </p><p>\xa0</p></body></html>",
        "<html><body><svg:rect>x</svg:rect><h2>t</h2><table><tr><td>a</td></tr></table></body></html>",
        "<div>" * (MAX_DEPTH + 5) + "deep" + "</div>" * (MAX_DEPTH + 5),
    ],
)
def test_make_paragraphs_is_paragraph_makers(html: str) -> None:
    root = document_fromstring(html)
    assert _paragraphs(make_paragraphs(root)) == _paragraphs(justext.core.ParagraphMaker.make_paragraphs(root))


def test_basic_cleaning_mirrors_trafilaturas() -> None:
    """basic_cleaning.py matches BASIC_CLEAN_XPATH in Python: a new release that changes either shows here."""
    source = inspect.getsource(external.basic_cleaning) + BASIC_CLEAN_XPATH.path
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "aa15d724b1fdb81c"


def test_the_cleaning_walk_is_the_xpath_on_every_gate_page() -> None:
    """On each page's tree as loaded and as trafilatura's cleaning leaves it (the recall retry's copy)."""
    selected = 0
    for page, tree in gate_trees():
        for root in (tree, tree_cleaning(copy(tree), Extractor(output_format="python", comments=False))):
            found = cleaned(root)
            assert found == BASIC_CLEAN_XPATH(root), page.key
            selected += len(found)
    assert selected > 1000


@pytest.mark.parametrize(
    "element",
    [
        '<div class="footer-x">', '<div id="page-footer" class="x">', '<div class="x" id="page-footer">',
        '<section class="footer">', '<div class="">', '<div id="COOKIE-banner">', '<p class="x cookiebot">',
        '<span id="onetrust-x">', '<div class="consent_manager">', '<svg class="x">', '<template id="t">',
        '<div class="notice--cookie">', '<div id="cookie-law" class="footer">',
    ],
)  # fmt: skip
def test_the_cleaning_walk_is_the_xpath(element: str) -> None:
    tag = element[1:].split()[0].rstrip(">")
    html = f"<html><body><aside><p>a</p></aside>{element}<p>text</p><footer>f</footer></{tag}><p>b</p></body></html>"
    tree = document_fromstring(html)
    assert cleaned(tree) == BASIC_CLEAN_XPATH(tree)


@pytest.mark.parametrize("url", ["https://baophutho.vn/a-1.htm", "", "http://[bad", "http://x.vn/\udcff"])
def test_main_texts_options_are_the_extractor_it_would_make(url: str) -> None:
    """main_text copies one Extractor a process rather than making one a page: every field the same."""
    options, made = main_text_options(url), Extractor(output_format="python", comments=False, url=url)
    assert {name: getattr(options, name) for name in Extractor.__slots__} == {
        name: getattr(made, name) for name in Extractor.__slots__
    }
    assert main_text_options(url) is not options
