"""Re-record bai/cp1258-300002.html: the UTF-8 source `_cp1258_source.html` written in windows-1258.

windows-1258 has the Vietnamese letters (ê, ơ, ư, ă, â, đ) but writes the five tones as combining marks
after them, so each character is split into its letter and its tone before encoding.

    python tests/sites/bad/_make_cp1258.py
"""

import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += letter.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(out)


if __name__ == "__main__":
    source = (HERE / "_cp1258_source.html").read_text(encoding="utf-8")
    (HERE / "bai" / "cp1258-300002.html").write_bytes(to_cp1258(source))
