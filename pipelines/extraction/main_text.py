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
  SUSPECT_CHARS, or under half of what the page declares as its article body (JSON-LD `articleBody`), on a
  page whose text, less what readability removes before it looks (`readability_bound`), is over twice the
  body's: on the others readability's text cannot be long enough (a proof, not a measure).

A long, paragraph-shaped body that holds most of the declared text is what readability's comparison keeps
on every page of the gate's corpora; the recall escalation and baseline rescue run exactly as trafilatura's
(both rescues are left out for a page the caller already holds for no article: `rescue=False`).

The rest is trafilatura's work, less of it: the raw-tree prunes, the only steps that change the tree rather
than a copy, run on a copy of it (as in bare_extraction) only on a page where one of them removes something;
the tree is otherwise only read: main_text mutates nothing it is given. The main extractor is content.py's (the
same, its XPaths matched in Python, in the recall retry too); compare_extraction, _prepare_tree and the recall
retry are repeated here without the copy of the cleaned tree that only justext reads (made when justext runs),
justext_rescue with its stoplist held as a frozenset, and the escalation's html2txt on the copy it cleans for
justext. Their sources are pinned by hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy
from functools import cache
from importlib import import_module

from justext.core import classify_paragraphs, revise_paragraph_classification
from justext.utils import get_stoplist
from lxml.etree import Element, SubElement, XPath, _Element, tostring
from lxml.html import HtmlElement
from trafilatura import external, readability_lxml, settings, xpaths  # their logger, stoplists, regexes and XPaths
from trafilatura.baseline import _spaced_text, baseline, html2txt
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    _forum_thread_page,
)
from trafilatura.external import (
    JUSTEXT_OVERRIDE_RATIO,
    SANITIZED_XPATH,
    _prefer_readability,
    sanitize_tree,
    try_readability,
)
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.utils import trim

from pipelines.extraction.basic_cleaning import CLEANED_TAGS as basic_cleaning_tags
from pipelines.extraction.basic_cleaning import basic_cleaning
from pipelines.extraction.body import body_paragraphs
from pipelines.extraction.content import extract_content
from pipelines.extraction.paragraph_maker import make_paragraphs

# What html2txt's text can be at most, without copying the tree: the body's text with whitespace collapsed
# (in C), plus the two spaces html2txt puts around each block (each lengthens the collapsed text by one at
# most). str.split() collapses more kinds of whitespace than normalize-space(), and html2txt's cleaning only
# takes text out (its scripts and styles are subtracted in page_text_bound: removing text adds no word).
COLLAPSED_LENGTH = XPath("string-length(normalize-space(.))")
# the blocks html2txt spaces (the module by name: the package exports a function called baseline)
BLOCK_TAGS = tuple(sorted(import_module("trafilatura.baseline")._BLOCK_ELEMS))
# the elements libxml2's HTML parser reads as raw text (besides scripts and styles, which readability drops,
# and iframes, dropped or given "VIDEO" as text)
RAW_TEXT_TAGS = ("xmp", "noembed", "noframes", "plaintext")
VIDEO_TEXT = len(" VIDEO")
# what basic_cleaning (BASIC_CLEAN_XPATH) removes by tag alone
CLEANED_TAGS = tuple(sorted(basic_cleaning_tags))
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
    options = _options(url)
    forum = _forum_thread_page(tree)
    try:
        prunes = raw_prunes(tree, RAW_PRUNES if forum else RAW_PRUNES + COMMENT_PRUNES)
        if prunes:
            tree = prune_unwanted_nodes(copy(tree), prunes)
        body, text = _sequence(tree, options, url, declared_body, rescue)
    except (TypeError, ValueError):  # what bare_extraction turns into "no document"
        return []
    return body_paragraphs(body) if text else []


def _options(url: str) -> Extractor:
    """`Extractor(output_format="python", comments=False, url=url)`, copied from one made once a process: each
    Extractor() reads trafilatura's configuration and today's date (~70 µs), the date for metadata extraction,
    which main_text never runs; nothing here changes an Extractor's fields but `focus`, on a copy."""
    options = copy(_balanced())
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8") if url else None
    return options


@cache
def _balanced() -> Extractor:
    return Extractor(output_format="python", comments=False)


def _sequence(
    tree: HtmlElement, options: Extractor, url: str, declared_body: int, rescue: bool
) -> tuple[_Element, str]:
    """trafilatura.core.trafilatura_sequence with comments off after its raw-tree prunes, the comparison
    gated by `_suspect`. `tree` is only read."""
    # _prepare_tree without its backup of the cleaned tree: only justext in the comparison reads it, there
    # it is cleaned again (the same steps on the same tree)
    cleaned = convert_tags(tree_cleaning(copy(tree), options), options, url)
    body, text = extract_content(cleaned, options)
    if rescue and _suspect(body, text, options, declared_body, tree):
        body, text = compare_extraction(lambda: tree_cleaning(copy(tree), options), copy(tree), body, text, options)

    if len(text) < options.min_extracted_size:  # baseline rescue, accepted only if it adds text
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text

    # recall escalation: a short text covering little of the page is retried in recall mode
    if rescue and 0 < len(text) < ESCALATION_MAX_LENGTH and (cleaned := _covers_little(text, tree)) is not None:
        r_options = copy(options)
        r_options.focus = "recall"
        r_body, r_text = recall_retry(tree, r_options, url)
        j_body, j_text = _justext(cleaned, options)  # justext_rescue(copy(tree), options), the copy cleaned already
        if len(j_text) > len(r_text) and len(j_text) > ESCALATION_JUSTEXT_RATIO * len(text):
            body, text = j_body, j_text
        elif len(r_text) >= options.min_extracted_size and len(r_text) > ESCALATION_ACCEPT_RATIO * len(text):
            body, text = r_body, r_text
    return body, text


def recall_retry(tree: HtmlElement, r_options: Extractor, url: str) -> tuple[_Element, str]:
    """trafilatura.core._recall_retry: stages 1-2 again in recall mode, as _sequence runs them (content.py's
    extractor, the cleaned tree for justext made when justext runs: trafilatura copies it on every retry).
    `tree` is only read."""
    cleaned = convert_tags(tree_cleaning(copy(tree), r_options), r_options, url)
    body, text = extract_content(cleaned, r_options)
    return compare_extraction(lambda: tree_cleaning(copy(tree), r_options), copy(tree), body, text, r_options)


def compare_extraction(
    cleaned_tree: Callable[[], HtmlElement], raw_tree: HtmlElement, body: _Element, text: str, options: Extractor
) -> tuple[_Element, str]:
    """trafilatura.external.compare_extraction, the cleaned tree for justext made when justext runs."""
    len_text = len(text)
    if options.focus == "recall" and len_text > options.min_extracted_size * 10:
        return body, text
    if options.focus == "precision":
        raw_tree = prune_unwanted_nodes(raw_tree, xpaths.OVERALL_DISCARD_XPATH)
    temppost_algo = try_readability(raw_tree)
    algo_text = trim(tostring(temppost_algo, method="text", encoding="utf-8").decode("utf-8"))
    len_algo = len(algo_text)
    use_readability = _prefer_readability(body, temppost_algo, algo_text, len_text, len_algo, options)
    if use_readability:
        body, text, len_text = temppost_algo, algo_text, len_algo
    unclean = bool(body.xpath(SANITIZED_XPATH))
    if unclean or len_text < options.min_extracted_size:
        body2, text2 = justext_rescue(cleaned_tree(), options)
        len_text2 = len(text2)
        if unclean:
            accept = len_text <= JUSTEXT_OVERRIDE_RATIO * len_text2 and (
                len_text2 > len_text or not options.images or body.find(".//graphic") is None
            )
        else:
            accept = len_text < len_text2
        if text2 and accept:
            body, text, len_text = body2, text2, len_text2
            use_readability = False
    if use_readability:
        body, text = sanitize_tree(body, options)  # type: ignore[arg-type]
    return body, text


def justext_rescue(tree: HtmlElement, options: Extractor) -> tuple[_Element, str]:
    """trafilatura.external.justext_rescue (and the try_justext it calls), the stoplist of every language held
    as a frozenset: trafilatura's is a tuple of 150,000 words, which justext's lru_cache on define_stoplist
    hashes again on every call (about 4 ms, a quarter of justext's time on a news page); a frozenset keeps its
    hash, and define_stoplist makes the same set of it. `tree` is cleaned in place, as there."""
    return _justext(basic_cleaning(tree), options)


def _justext(tree: HtmlElement, options: Extractor) -> tuple[_Element, str]:
    """justext_rescue after its basic_cleaning of `tree`."""
    result_body = Element("body")
    if options.lang in settings.JUSTEXT_LANGUAGES:
        stoplist = get_stoplist(settings.JUSTEXT_LANGUAGES[options.lang])
    else:
        stoplist = justext_stoplist()
    try:
        paragraphs = make_paragraphs(tree)
        classify_paragraphs(paragraphs, stoplist, 50, 150, 0.1, 0.2, 0.25, True)
        revise_paragraph_classification(paragraphs, 150)
    except Exception as err:  # noqa: BLE001 (what try_justext does)
        external.LOGGER.error("justext %s %s", err, options.url)
    else:
        for paragraph in paragraphs:
            if not paragraph.is_boilerplate:
                SubElement(result_body, "p").text = paragraph.text
    return result_body, trim(" ".join(result_body.itertext()))


@cache
def justext_stoplist() -> frozenset[str]:
    """trafilatura's stoplist of every justext language (built once, as there), as a frozenset."""
    return frozenset(external.JT_STOPLIST or external.jt_stoplist_init())


def raw_prunes(tree: HtmlElement, prunes: tuple[Prune, ...]) -> list[XPath]:
    """The XPaths of `prunes` that may select an element below `tree`, in their order: those of which an element
    has one of the tags and one of the words in its @id or @class, found in one walk over all their tags.
    Running them in turn is what prune_unwanted_nodes does with all:
    removing elements never lets a later one select more (its tag and word must be there already).

    >>> from lxml.html import document_fromstring
    >>> raw_prunes(document_fromstring("<div id='comments'>x</div>"), RAW_PRUNES + COMMENT_PRUNES) == [
    ...     COMMENT_PRUNES[0][0]]
    True
    """
    by_tag: dict[str, list[int]] = {}
    for index, (_, tags, _, _) in enumerate(prunes):
        for tag in tags:
            by_tag.setdefault(tag, []).append(index)
    found: set[int] = set()
    some_word = _some_word(prunes)
    for element in tree.iterdescendants(*by_tag):
        names, classes = element.get("id"), element.get("class")
        if not (names or classes) or some_word(f"{names or ''} {classes or ''}") is None:
            continue
        for index in by_tag[element.tag]:
            _, _, ids, words = prunes[index]
            if (names and any(w in names for w in ids)) or (classes and any(w in classes for w in words)):
                found.add(index)
        if len(found) == len(prunes):
            break
    return [prunes[index][0] for index in sorted(found)]


@cache
def _some_word(prunes: tuple[Prune, ...]) -> Callable[[str], re.Match[str] | None]:
    """A search for any word of any of `prunes` at once: an element holding none is no prune's (most are not)."""
    words = sorted({word for _, _, ids, classes in prunes for word in (*ids, *classes)})
    return re.compile("|".join(map(re.escape, words))).search


def page_text_bound(tree: HtmlElement) -> int:
    """A length html2txt(tree)'s text never exceeds, found without copying or walking the tree in Python.

    >>> from lxml.html import document_fromstring
    >>> page_text_bound(document_fromstring("<html><body><div>a</div>b<script>var x</script></body></html>"))
    5
    """
    body = tree.find(".//body")
    body = tree if body is None else body
    # a script's characters other than normalize-space()'s four whitespace ones go with it (counted in C)
    code = sum(_solid(element.text or "") for element in body.iter("script", "style"))
    blocks = sum(1 for _ in body.iter(*BLOCK_TAGS))  # lxml matches the tags; an XPath of self:: tests is 8x slower
    return int(COLLAPSED_LENGTH(body)) + 2 * blocks - code


def _solid(text: str) -> int:
    """The characters of `text` normalize-space() keeps whole: all but spaces, tabs, newlines and returns."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")


def cleaned_text_bound(tree: HtmlElement) -> int:
    """A tighter page_text_bound: less the text of elements html2txt's cleaning (basic_cleaning) removes for
    certain, each of collapsed length c shortening the text by c - 1 at least (see readability_bound).

    >>> from lxml.html import document_fromstring
    >>> cleaned_text_bound(document_fromstring("<p>a</p><aside>b c d</aside><div class='footer'>e f</div>"))
    5
    """
    body = tree.find(".//body")
    body = tree if body is None else body
    # tags BASIC_CLEAN_XPATH removes whatever their attributes; a div whose class and id (those it has) hold
    # "footer" (its contains(@class|@id, 'footer') reads the first of them)
    removed = list(body.iterdescendants(*CLEANED_TAGS))
    for div in body.iterdescendants("div"):
        names = [value for value in (div.get("class"), div.get("id")) if value is not None]
        if names and all("footer" in value for value in names):
            removed.append(div)
    marked = set(removed)
    bound = int(COLLAPSED_LENGTH(body)) + 2 * sum(1 for _ in body.iter(*BLOCK_TAGS))
    for element in removed:
        if not any(a in marked for a in element.iterancestors()):  # its blocks are not spaced either
            bound -= max(int(COLLAPSED_LENGTH(element)) - 1, 0) + 2 * sum(1 for _ in element.iter(*BLOCK_TAGS))
    return bound


def _covers_little(text: str, tree: HtmlElement) -> HtmlElement | None:
    """Where `len(text) < ESCALATION_PAGE_SHARE * len(html2txt(tree))`, a copy of the tree as justext_rescue
    cleans it (basic_cleaning), for justext; None elsewhere. html2txt (a copy of the tree, its cleaning and a
    walk that spaces every block) runs only when the page's text can be long enough for it to hold, and on a
    copy of that cleaned body: html2txt cleans the body alone, the same elements of it (BASIC_CLEAN_XPATH
    reads only an element's own tag and attributes) unless the body itself goes, where html2txt runs as is.
    The cleaning is most of the cost of either (a regular expression on every element's @class and @id)."""
    for bound in (page_text_bound, cleaned_text_bound):  # the cheaper first
        if len(text) >= ESCALATION_PAGE_SHARE * bound(tree):
            return None
    cleaned = copy(tree)
    body = cleaned.find(".//body")
    basic_cleaning(cleaned)
    if body is None:  # html2txt then takes the whole tree for the body
        page = _spaced_text(copy(cleaned))
    elif any(ancestor is cleaned for ancestor in body.iterancestors()):
        page = _spaced_text(copy(body))  # it spaces the blocks in place: justext reads them unspaced
    else:
        page = html2txt(tree)
    return cleaned if len(text) < ESCALATION_PAGE_SHARE * len(page) else None


def _suspect(body: _Element, text: str, options: Extractor, declared_body: int, tree: HtmlElement) -> bool:
    """Whether readability or justext might replace this body (see the module docstring)."""
    length = len(text)
    if length < options.min_extracted_size or body.xpath(SANITIZED_XPATH) or not body.xpath(".//p//text()"):
        return True
    if len(body.findall(".//table")) > len(body.findall(".//p")):
        return True
    # what is left is readability outgrowing the body twice: not where the page holds too little text for it
    if length >= SUSPECT_CHARS and 2 * length >= declared_body:
        return False
    return readability_bound(tree, 2 * length) > 2 * length


def readability_bound(tree: HtmlElement, floor: float = 0) -> float:
    """A length the text of `try_readability(copy(tree))` (as compare_extraction measures it) never exceeds,
    found without copying the tree: its whole text, less what readability removes first. Once it is at most
    `floor` the rest is not subtracted.

    Readability drops scripts, styles and "unlikely candidates" (by @class and @id), then keeps a subset of
    what is left, in order, and puts "VIDEO" into video iframes; taking characters out of a text never
    lengthens it once whitespace is collapsed, and taking out a piece of collapsed length c shortens it by
    c - 1 at least. Its summary is serialized and parsed again: an element the parser reads as raw text
    would come back longer, so a page holding one has no bound (infinity).

    >>> from lxml.html import document_fromstring
    >>> readability_bound(document_fromstring("<p>a b</p><div class='sidebar'>c d e</div><script>f</script>"))
    5
    """
    frames = 0
    for element in tree.iter("iframe", *RAW_TEXT_TAGS):
        if element.tag != "iframe":
            return float("inf")
        frames += 1
    bound = int(COLLAPSED_LENGTH(tree)) + VIDEO_TEXT * frames
    # scripts and styles first (the longest first): often enough without weighing every element
    taken: dict[_Element, int] = {}
    codes = [code for code in tree.iter("script", "style") if code.text]
    for code in sorted(codes, key=lambda code: len(code.text), reverse=True):
        taken[code] = max(int(COLLAPSED_LENGTH(code)) - 1, 0)
        bound -= taken[code]
        if bound <= floor:
            return bound
    unlikely = readability_lxml.REGEXES["unlikelyCandidatesRe"]
    maybe = readability_lxml.REGEXES["okMaybeItsACandidateRe"]
    verdicts: dict[str, bool] = {}
    dropped: set[_Element] = set()
    for element in tree.iterdescendants(Element):
        if element.tag != "fencedframe":  # dropped first, like scripts, but it may hold elements
            classes, names = element.get("class"), element.get("id")
            if not (classes or names):  # most elements: no string to weigh
                continue
            attrs = " ".join(filter(None, (classes, names)))
            if len(attrs) < 2 or element.tag in readability_lxml.FRAME_TAGS:
                continue
            if attrs not in verdicts:
                low = attrs.lower()
                verdicts[attrs] = bool(unlikely.search(low)) and not maybe.search(low)
            if not verdicts[attrs]:
                continue
        dropped.add(element)
        if any(a in dropped for a in element.iterancestors()):
            continue
        # the scripts inside go with it: what was taken for them is given back
        bound += sum(taken.get(code, 0) for code in element.iter("script", "style"))
        bound -= max(int(COLLAPSED_LENGTH(element)) - 1, 0)
        if bound <= floor:
            break
    return bound
