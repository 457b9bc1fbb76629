"""A consonant skeleton for comparing names that crossed a script boundary.

Katakana inserts vowels and merges l/r and b/v ("ウラジーミル・プーチン" -> "urajiimiru puuchin"),
Arabic and Hebrew leave vowels out ("محمد" -> "mhmd"), Korean romanisations disagree on voicing.
The skeleton drops vowels and folds those consonant classes, so "puuchin" and "putin" agree.
It is used only for tokens that came from such scripts: applied to Latin-to-Latin pairs it would
make "Bush" and "Habbash" equal.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGRAPHS = (
    ("tch", "t"), ("tsu", "t"), ("ts", "t"), ("ch", "t"), ("sh", "s"), ("zh", "d"), ("kh", "k"), ("gh", "k"),
    ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"), ("ng", "n"), ("dj", "d"), ("dz", "d"),
)
_CLASSES = str.maketrans({
    "b": "p", "v": "p", "w": "p", "f": "p",
    "d": "t", "j": "t", "z": "s", "x": "s", "c": "k", "q": "k", "g": "k",
    "l": "r",
    "a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "h": None, "'": None,
})


@lru_cache(maxsize=200_000)
def devowel(token: str) -> str:
    """Consonants only, as Arabic and Hebrew write a name: "mohamed" -> "mhmd", "ali" -> "l"."""
    return re.sub(r"[aeiouy']", "", token) or token


@lru_cache(maxsize=200_000)
def skeletons(token: str) -> tuple[str, ...]:
    """Skeleton, plus one for a leading katakana ウ standing for V or W (ウラジーミル = Vladimir)."""
    sk = skeleton(token)
    if token.startswith("u") and len(token) > 2:
        return (sk, "p" + sk)
    return (sk,)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_CLASSES)
    return re.sub(r"(.)\1+", r"\1", s)
