"""Vietnamese number notation: how a written number becomes a value.

Vietnamese groups thousands with "." and marks decimals with ",": "4.125,6" is 4125.6 and "1.038" is
1038, never 1.038. English notation turns up in quotes and wire copy ("1.5", "1,500", "4,125.6"), so
a token is read the Vietnamese way unless it cannot be Vietnamese or the text around it is English.
Values are `Decimal` so that scaling by a magnitude ("4.125,6 tỷ" -> 4.1256e12) stays exact.

>>> parse_number("4.125,6"), parse_number("1.038"), parse_number("87,5")
(Decimal('4125.6'), Decimal('1038'), Decimal('87.5'))
>>> parse_number("1.5"), parse_number("1,500", english=True), parse_number("1.2.3") is None
(Decimal('1.5'), Decimal('1500'), True)
"""

from __future__ import annotations

import re
from decimal import Decimal

_VI_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.038 · 75.000.000 · 4.125,6
_VI_PLAIN = re.compile(r"\d+(?:,\d+)?")  # 2015 · 87,5 · 0,611
_EN_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,500 · 4,125.6 (English only)
_EN_DECIMAL = re.compile(r"\d+\.\d+")  # 1.5 · 3.14 (a Vietnamese "1.5" cannot mean anything else)
_TWO_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3},\d{3}\.\d+")

# Number words that count something ("ba tháng", "hai lần"). "một" is left out on purpose: it is the
# indefinite article far more often than the number one ("một số", "một người"); "năm" too ("năm 2020").
WORD_NUMBERS: dict[str, int] = {
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}

ROMAN_QUARTERS: dict[str, int] = {"I": 1, "II": 2, "III": 3, "IV": 4}

# A Vietnamese sentence has a letter with a diacritic within a few words; an English one has none.
_VI_LETTER = re.compile(r"[À-ỹĐđ]")
_ASCII_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def parse_number(token: str, *, english: bool = False) -> Decimal | None:
    """The value of a digit token such as "4.125,6", or None when it is not a number (a version "1.2.3").

    `english=True` reads an ambiguous token the English way ("1,500" -> 1500, "1.038" -> 1.038).
    """
    if english:
        if _EN_GROUPED.fullmatch(token):
            return Decimal(token.replace(",", ""))
        if _EN_DECIMAL.fullmatch(token) or token.isdigit():
            return Decimal(token)
    if _VI_GROUPED.fullmatch(token) or _VI_PLAIN.fullmatch(token):
        return Decimal(token.replace(".", "").replace(",", "."))
    if _TWO_COMMA_GROUPS.fullmatch(token):  # "1,234,567" / "4,125.6": English even in Vietnamese text
        return Decimal(token.replace(",", ""))
    if _EN_DECIMAL.fullmatch(token):  # "1.5", "2.25": not Vietnamese grouping, so an English decimal
        return Decimal(token)
    return None


def looks_english(window: str) -> bool:
    """True when `window` (the text around a number) reads as English: ASCII words, no Vietnamese letter.

    >>> looks_english('said "output rose 1,500 tons in the year"'), looks_english("tăng 1.500 tấn")
    (True, False)
    """
    return not _VI_LETTER.search(window) and len(_ASCII_WORD.findall(window)) >= 3


def number_at(text: str, start: int, end: int) -> Decimal | None:
    """The value of the digit token text[start:end], read the English way only inside English text.

    The text that decides is the quotation holding the token when there is one (an English quote in a
    Vietnamese article), else a few words either side.

    >>> number_at('Ông nói: "Output rose to 1,500 tons this year," rồi cảm ơn.', 25, 30)
    Decimal('1500')
    """
    token = text[start:end]
    english = ("." in token or "," in token) and looks_english(_quote_around(text, start, end))
    return parse_number(token, english=english)


_WINDOW = 60
_OPENING_QUOTES = ('"', "“", "'")
_CLOSING_QUOTES = ('"', "”", "'")


def _quote_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(q, max(0, start - 4 * _WINDOW), start) for q in _OPENING_QUOTES)
    right = [i for i in (text.find(q, end, end + 4 * _WINDOW) for q in _CLOSING_QUOTES) if i >= 0]
    if left >= 0 and right:
        return text[left + 1 : min(right)]
    return text[max(0, start - _WINDOW) : end + _WINDOW]
