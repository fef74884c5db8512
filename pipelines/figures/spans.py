"""Spans of an article's text: its sentences, and the stretches whose digits are never figures.

Digits inside URLs, e-mail addresses and phone numbers are not figures; `excluded_spans` finds those
stretches once per text. `Sentences` maps an offset to the sentence around it. Vietnamese pages often
lose the space after a full stop when paragraphs are joined ("đảng viên mới.Phương thức"), so a full
stop between a lower-case and an upper-case letter ends a sentence too ("TP.HCM" does not).

>>> s = Sentences("Giá tăng 5%.Lãi suất giữ ở TP.HCM. Hết")
>>> s.around(9), s.around(15)
('Giá tăng 5%.', 'Lãi suất giữ ở TP.HCM.')
"""

from __future__ import annotations

import re
from bisect import bisect_right

from pipelines.figures.context import UPPER

_SENTENCE_END = re.compile(rf"[.!?…]+[\"”’)\]]*(?:[^\S\n]+|(?=\n)|(?=[{UPPER}]))|\n+")

# Each pattern starts with something rare (a scheme, "@", a top-level domain, a phone prefix), so a scan
# over a long text stays fast; the address around "@" or a domain is then widened by hand.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+")
_DOMAIN_END = re.compile(r"\.(?:vn|com|net|org|gov|edu|info|io|int)\b(?:/[^\s<>\"”]*)?")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# Phone numbers: "0912 345 678", "(028) 3829 5555", "+84 912.345.678"; hotlines "1900 1234".
_PHONE = re.compile(
    r"(?:\+84|\(\+?84\)|\(0\d{1,3}\)|(?<![\w.,/])0\d{1,3})(?:[ .\-]?\d{2,4}){2,4}(?!\w|[.,]\d)"
)
_HOTLINE = re.compile(r"(?<![\w.,/])1[89]00[ .]?\d{3,4}(?!\w|[.,]\d)")
_PHONE_MIN_DIGITS = 9  # "0 12 34" is not a phone number
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) of URLs, e-mail addresses and phone numbers in `text`."""
    spans = [found.span() for found in _URL.finditer(text)]
    for found in _DOMAIN_END.finditer(text):  # "baophutho.vn/kinh-te-235.html"
        start = found.start()
        while start > 0 and text[start - 1] in _HOST_CHARS:
            start -= 1
        if start < found.start() and text[start - 1 : start] not in ("/", "@"):
            spans.append((start, found.end()))
    at = text.find("@")
    while at > 0:  # "toasoan2024@baophutho.vn"
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
            start -= 1
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if start < at and domain:
            spans.append((start, domain.end()))
        at = text.find("@", at + 1)
    spans.extend(
        found.span()
        for found in _PHONE.finditer(text)
        if sum(c.isdigit() for c in found.group()) >= _PHONE_MIN_DIGITS
    )
    spans.extend(found.span() for found in _HOTLINE.finditer(text))
    return sorted(spans)


class Sentences:
    """The sentences of one text, looked up by character offset."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0]
        for found in _SENTENCE_END.finditer(text):
            end = found.end()
            glued = end < len(text) and not text[end - 1].isspace() and text[end] != "\n"
            before = text[found.start() - 1 : found.start()]
            if glued and not (before.islower() or before.isdigit() or before in ("%", ")")):
                continue  # "TP.HCM", "BS.CK2": a dot inside a name
            self._starts.append(end)
        self._starts.append(len(text) + 1)

    def around(self, offset: int) -> str:
        i = bisect_right(self._starts, offset) - 1
        return self._text[self._starts[i] : self._starts[i + 1]].strip()
