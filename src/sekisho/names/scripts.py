"""Which writing system a string is in, by Unicode block, for tagging names and picking a transliterator."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

# (first code point, last code point, ISO 15924 code); only scripts the lists actually use
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hang"),
    (0x3130, 0x318F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"),
    (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"),
    (0x20000, 0x2FA1F, "Hani"),
)


@lru_cache(maxsize=1 << 14)  # a name's characters are looked up one by one, and repeat
def char_script(ch: str) -> str | None:
    cp = ord(ch)
    if ch == "ー" or ch == "・":  # long-vowel mark and middle dot belong with kana
        return "Kana"
    for lo, hi, code in _RANGES:
        if lo <= cp <= hi:
            if code == "Latn" and not ch.isalpha():
                return None
            return code
    return None


def dominant_script(text: str) -> str:
    """The script most letters of `text` are written in; 'Jpan' when kana appear with or without kanji."""
    counts: Counter[str] = Counter()
    for ch in unicodedata.normalize("NFKC", text):
        script = char_script(ch)
        if script:
            counts[script] += 1
    if not counts:
        return "Zyyy"
    if counts["Hira"] or counts["Kana"]:
        return "Jpan"
    return counts.most_common(1)[0][0]


def is_latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)
