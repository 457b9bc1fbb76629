"""Script-specific readings: Japanese via pykakasi (Hepburn), Chinese via pypinyin, everything else
(Korean, Cyrillic, Greek, Arabic, Hebrew, Thai …) via anyascii."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from anyascii import anyascii
from pypinyin import lazy_pinyin


@cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=50_000)
def japanese_words(text: str) -> tuple[str, ...]:
    """Hepburn romaji, one item per word pykakasi finds."""
    out = []
    for item in _kakasi().convert(text):
        word = str(item["hepburn"]).strip().lower()
        if word:
            out.append(word)
    return tuple(out)


@lru_cache(maxsize=50_000)
def chinese_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin, one item per character."""
    return tuple(s.lower() for s in lazy_pinyin(text) if s.strip())


@lru_cache(maxsize=50_000)
def hangul_syllables(text: str) -> tuple[str, ...]:
    """Revised Romanisation, one item per syllable block."""
    return tuple(anyascii(ch).lower() for ch in text if ch.strip())


def to_ascii(text: str) -> str:
    return anyascii(text)


def warm_up() -> None:
    """Load the readers' dictionaries now (pykakasi takes most of a second), e.g. before forking
    workers so that they share one copy instead of each loading its own."""
    japanese_words("関所")
    chinese_syllables("关")
    anyascii("ж")
