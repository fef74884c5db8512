"""page_text(): the text of an HTML body as extraction should see it, and what was wrong with the body.

Pure (no Scrapy): the live crawl and recovery from WARC files decode a page the same way.

- The encoding comes from a BOM, the Content-Type charset, a <meta> charset, then detection (w3lib, as
  Scrapy does). A label that is wrong the common way (latin-1 / windows-125x declared, UTF-8 served) is
  caught: a body with multi-byte characters that is valid UTF-8 is UTF-8.
- Text is NFC-normalised: windows-1258 writes Vietnamese tones as combining marks, most pages precompose
  them, and search must find both.
- An empty body and a binary one (NUL bytes, served as text/html) are reported, not decoded.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from w3lib.encoding import html_to_unicode, resolve_encoding

BINARY_SNIFF = 4096
UTF_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.IGNORECASE)


@dataclass(frozen=True)
class PageText:
    text: str
    encoding: str
    problem: str | None = None  # "empty", "binary", or "charset_mislabelled"
    detail: str = ""  # a phrase for the log line


def page_text(body: bytes, content_type: str | None) -> PageText:
    """Decode `body`; `problem` says when it is empty, binary, or labelled with the wrong charset.

    >>> page_text("<p>Đảng</p>".encode(), "text/html; charset=iso-8859-1").text
    '<p>Đảng</p>'
    """
    unread = unreadable(body)
    if unread is not None:
        return unread
    encoding, text = html_to_unicode(content_type, body)
    problem, detail = None, ""
    if resolve_encoding(encoding) not in ("utf-8", "utf-8-sig", None) and _is_utf8_text(body):
        label = CHARSET_RE.search(content_type or "") or CHARSET_RE.search(body[:BINARY_SNIFF].decode("latin-1"))
        problem = "charset_mislabelled"
        detail = f"declared {label.group(1) if label else encoding} but the body is UTF-8"
        encoding, text = "utf-8", body.decode("utf-8")
    return PageText(unicodedata.normalize("NFC", text), encoding, problem, detail)


def unreadable(body: bytes) -> PageText | None:
    """What page_text() gives a body with nothing to read (empty, or binary), without decoding it; else None.

    The spider asks only this: decoding a page to learn it is readable costs the crawling process as much as a
    third of parsing it.
    """
    if not body.strip():
        return PageText("", "", "empty", "empty body")
    if b"\x00" in body[:BINARY_SNIFF] and not body.startswith(UTF_BOMS):
        return PageText("", "", "binary", "binary content (NUL bytes)")
    return None


def _is_utf8_text(body: bytes) -> bool:
    if body.isascii():
        return False  # every ASCII-compatible label reads it the same; nothing is wrong
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
