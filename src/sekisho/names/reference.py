"""Reference tables for names, read once from the hand-edited YAML files in resources/."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


def _yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("sekisho.names").joinpath(f"resources/{name}").read_text("utf-8"))


@dataclass(frozen=True)
class LegalForms:
    latin: dict[tuple[str, ...], str]  # token sequence -> canonical code
    cjk: dict[str, str]  # original-script form -> canonical code
    start: frozenset[tuple[str, ...] | str]  # forms that may also be removed at the start
    max_len: int
    generic: frozenset[str]  # codes used interchangeably in English names (Co., Ltd., Inc. …)
    long_words: dict[str, str]  # one-word forms long enough to recognise with a typo ("Aktiengeselschaft")


@cache
def legal_forms() -> LegalForms:
    data = _yaml("legal_forms.yml")
    latin: dict[tuple[str, ...], str] = {}
    cjk: dict[str, str] = {}
    for code, groups in data["forms"].items():
        for form in groups.get("latin", []) + groups.get("cyrl", []):
            latin[tuple(unicodedata.normalize("NFKC", str(form)).casefold().split())] = code
        for form in groups.get("cjk", []):
            cjk[unicodedata.normalize("NFKC", str(form)).replace(" ", "")] = code
    # a cut-off last word ("JOINT STOCK COMPAN", "Co., Limit") still names the form
    for form, code in list(latin.items()):
        if len(form) >= 2:
            for k in range(4, len(form[-1])):
                latin.setdefault((*form[:-1], form[-1][:k]), code)
    start: set[tuple[str, ...] | str] = set()
    for form in data["start"]:
        text = unicodedata.normalize("NFKC", str(form))
        start.add(text.replace(" ", "") if not text.isascii() else tuple(text.casefold().split()))
        start.add(tuple(text.casefold().split()))
    long_words = {form[0]: code for form, code in latin.items() if len(form) == 1 and len(form[0]) >= 10}
    return LegalForms(latin, cjk, frozenset(start), max(len(k) for k in latin),
                      frozenset(str(g) for g in data["generic"]), long_words)


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, tuple[str, ...]]  # original-script word -> English tokens
    max_len: int
    synonyms: dict[str, str]
    honorifics: frozenset[str]
    ranks: frozenset[str]
    places: frozenset[str]  # place words in company names ("Deutsche Bank (Schweiz)"): they weigh little
    korean_surnames: dict[str, str]  # Hangul surname -> its usual spelling (박 -> park, 이 -> lee)


@cache
def glossary() -> Glossary:
    data = _yaml("glossary.yml")
    terms = {unicodedata.normalize("NFKC", str(k)): tuple(str(v).split()) for k, v in data["terms"].items()}
    return Glossary(terms, max(len(k) for k in terms), {str(k): str(v) for k, v in data["synonyms"].items()},
                    frozenset(str(h) for h in data["honorifics"]), frozenset(str(r) for r in data["ranks"]),
                    frozenset(str(p) for p in data["places"]),
                    {str(k): str(v) for k, v in data["korean_surnames"].items()})


NICKNAME_MIN_LEN = 3  # "Al" (Albert) and "Ed" would also be the Arabic article and an initial-like stub


@cache
def nickname_relatives() -> dict[str, frozenset[str]]:
    """English given names and their nicknames, both ways, as folded tokens: "ben" -> {"benjamin",
    "benedict"}, "william" -> {"bill", "will", …}. From the curated `nicknames` dataset."""
    from nicknames import NickNamer

    from sekisho.names.fold import fold

    related: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer().nickname_lookup.items():
        for nick in nicks:
            a, b = fold(canonical), fold(nick)
            if a != b and min(len(a), len(b)) >= NICKNAME_MIN_LEN and a.isalpha() and b.isalpha():
                related.setdefault(a, set()).add(b)
                related.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in related.items()}
