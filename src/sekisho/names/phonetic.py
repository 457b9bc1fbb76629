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


_VOWELS = str.maketrans("", "", "aeiouy'")
_RUN = re.compile(r"(.)\1+")  # a letter written several times in a row


def collapse_runs(text: str) -> str:
    """Each letter written several times in a row written once: "hassan" -> "hasan"."""
    return _RUN.sub(_first, text)  # a function, as a template ("\\1") is parsed again on every call


def _first(run: re.Match[str]) -> str:
    return run[1]


@lru_cache(maxsize=200_000)
def devowel(token: str) -> str:
    """Consonants only, as Arabic and Hebrew write a name: "mohamed" -> "mhmd", "ali" -> "l"."""
    return token.translate(_VOWELS) or token


@lru_cache(maxsize=200_000)
def skeletons(token: str) -> tuple[str, ...]:
    """Skeleton, plus one for a leading katakana ウ standing for V or W (ウラジーミル = Vladimir)."""
    sk = skeleton(token)
    return (sk, "p" + sk) if leading_u(token) else (sk,)


def leading_u(token: str) -> bool:
    """A leading 'u' that may be katakana ウ for V or W: such a token has a second skeleton."""
    return token.startswith("u") and len(token) > 2


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    s = token
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_CLASSES)
    return collapse_runs(s)


_ONSET = {**{c: "p" for c in "bvwfp"}, **{c: "t" for c in "dtj"}, **{c: "s" for c in "zsx"},
          **{c: "k" for c in "cqgk"}, **{c: "r" for c in "lr"}, **{c: "V" for c in "aeiouy"}}


_LEADING = {a: b for a, b in reversed(_DIGRAPHS)}  # the first in _DIGRAPHS order wins


@lru_cache(maxsize=200_000)
def onsets(token: str) -> frozenset[str]:
    """Class of the sound a name starts with; a leading 'u' (katakana ウ) may also stand for V or W.

    Two readings of one name start alike: "shuini" (水泥) and "husaini" share a skeleton, not an onset.
    """
    if not token:
        return frozenset()
    # a leading digraph sounds as its replacement (none of which is "u"); the three-letter ones first
    first = _LEADING.get(token[:3]) or _LEADING.get(token[:2]) or token[0]
    sound = _ONSET.get(first, first)
    return frozenset({sound, "p"}) if first == "u" else frozenset({sound})
