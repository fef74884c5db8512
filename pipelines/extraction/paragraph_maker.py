"""make_paragraphs(root) -> justext's paragraphs of a tree, as justext.core.ParagraphMaker makes them, without SAX.

ParagraphMaker walks the tree through lxml.sax, which builds a SAX attribute map for every element, and
each new paragraph formats the whole path from the root twice (its `dom_path` and `xpath`); each test of a
paragraph's truth joins and normalizes its text again. Here the same events reach the same steps in the same
order (an element's start, its text, its children, its end, its tail; comments give their tail), with each
element's path extended from its parent's, and each paragraph's text made once when it is first read (it
no longer changes once the walk has passed it). A tree the walk does not expect (an entity, a processing
instruction beside the root, nesting deeper than MAX_DEPTH) goes to ParagraphMaker itself.
tests/test_extract_main_text.py pins justext's source and compares the paragraphs on every gate page.
"""

from __future__ import annotations

from functools import cached_property

from justext.core import PARAGRAPH_TAGS, ParagraphMaker
from justext.paragraph import Paragraph
from justext.utils import is_blank, normalize_whitespace
from lxml.etree import Comment, ProcessingInstruction, _Element

MAX_DEPTH = 200  # lxml.sax recurses once a level: deeper trees get whatever it does with them


class _Unexpected(Exception):
    """A node this walk does not mirror: ParagraphMaker runs instead."""


class TextOnce(Paragraph):
    """justext's Paragraph, its text made on the first read: justext reads it a dozen times a paragraph."""

    @cached_property
    def text(self) -> str:  # type: ignore[override]
        return normalize_whitespace("".join(self.text_nodes).strip())


class _Path:
    """What Paragraph reads of justext's PathInfo: the tags from the root, and the xpath with their orders."""

    __slots__ = ("dom", "xpath")

    def __init__(self, dom: str, xpath: str) -> None:
        self.dom, self.xpath = dom, xpath


def make_paragraphs(root: _Element) -> list[Paragraph]:
    """`ParagraphMaker.make_paragraphs(root)`.

    >>> from lxml.html import fromstring
    >>> [(p.text, p.xpath) for p in make_paragraphs(fromstring("<div><p>a <a>b</a></p>c<br><br>d</div>"))]
    [('a b', '/div[1]/p[1]'), ('c', '/div[1]'), ('d', '/div[1]/br[2]')]
    """
    beside = (root.getprevious(), root.getnext())
    if any(sibling is not None and sibling.tag is ProcessingInstruction for sibling in beside):
        return ParagraphMaker.make_paragraphs(root)
    maker = _Maker()
    try:
        maker.walk(root, [(_Path("", "/"), {})])
    except _Unexpected:
        return ParagraphMaker.make_paragraphs(root)
    maker.new_paragraph(maker.top)  # endDocument
    return maker.paragraphs


class _Maker:
    """ParagraphMaker's state and steps (justext 3.0), one method per SAX event it handles."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.top = _Path("", "/")
        self.paragraph: Paragraph = TextOnce(self.top)
        self.link = False
        self.br = False

    def new_paragraph(self, path: _Path) -> None:
        # `if self.paragraph and self.paragraph.contains_text()`: a Paragraph is true when its text is not
        # empty, which its stripped text nodes tell without normalizing them
        if self.paragraph.text_nodes and "".join(self.paragraph.text_nodes).strip():
            self.paragraphs.append(self.paragraph)
        self.paragraph = TextOnce(path)

    def characters(self, content: str) -> None:
        if is_blank(content):
            return
        text = self.paragraph.append_text(content)
        if self.link:
            self.paragraph.chars_count_in_links += len(text)
        self.br = False

    def walk(self, element: _Element, stack: list[tuple[_Path, dict[str, int]]]) -> None:
        tag = element.tag
        if tag is Comment or tag is ProcessingInstruction:
            if element.tail:
                self.characters(element.tail)
            return
        if not isinstance(tag, str) or len(stack) > MAX_DEPTH:
            raise _Unexpected(tag)
        name = tag.rpartition("}")[2]  # lxml.sax's local name
        parent, children = stack[-1]
        order = children[name] = children.get(name, 0) + 1
        step = f"{name}[{order}]"
        path = _Path(parent.dom + "." + name, parent.xpath + "/" + step) if len(stack) > 1 else _Path(name, "/" + step)
        # startElementNS
        if name in PARAGRAPH_TAGS or (name == "br" and self.br):
            if name == "br":
                self.paragraph.tags_count -= 1
            self.new_paragraph(path)
        else:
            self.br = name == "br"
            if self.br:
                self.paragraph.append_text(" ")
            elif name == "a":
                self.link = True
            self.paragraph.tags_count += 1
        if element.text:
            self.characters(element.text)
        stack.append((path, {}))
        for child in element:
            self.walk(child, stack)
        stack.pop()
        # endElementNS
        if name in PARAGRAPH_TAGS:
            self.new_paragraph(parent)
        if name == "a":
            self.link = False
        if element.tail:
            self.characters(element.tail)
