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

from pipelines.vi_context import LOWER, UPPER

_SENTENCE_END = re.compile(
    rf"[.!?…]+[\"”’)\]]*(?:[^\S\n]+|(?=\n))|(?<=[{LOWER}0-9%)])[.!?]+(?=[{UPPER}])|\n+"
)

_EXCLUDED = re.compile(
    r"(?:https?://|www\.)[^\s<>\"”]+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w/])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info|io|int)\b(?:/[^\s<>\"”]*)?"
    # Phone numbers: "0912 345 678", "(028) 3829 5555", "+84 912.345.678"; hotlines "1900 1234".
    r"|(?P<phone>(?<![\w.,/])(?:\+84|\(\+?84\)|\(0\d{1,3}\)|0\d{1,3})(?:[ .\-]?\d{2,4}){2,4}(?!\w|[.,]\d))"
    r"|(?<![\w.,/])1[89]00[ .]?\d{3,4}(?!\w|[.,]\d)"
)
_PHONE_MIN_DIGITS = 9  # "0 12 34" is not a phone number


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) of URLs, e-mail addresses and phone numbers in `text`."""
    return [
        found.span()
        for found in _EXCLUDED.finditer(text)
        if not found.group("phone") or sum(c.isdigit() for c in found.group()) >= _PHONE_MIN_DIGITS
    ]


class Sentences:
    """The sentences of one text, looked up by character offset."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0]
        for found in _SENTENCE_END.finditer(text):
            self._starts.append(found.end())
        self._starts.append(len(text) + 1)

    def around(self, offset: int) -> str:
        i = bisect_right(self._starts, offset) - 1
        return self._text[self._starts[i] : self._starts[i + 1]].strip()
