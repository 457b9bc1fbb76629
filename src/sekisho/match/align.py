"""Token alignment between two name forms: which query token matched which list token, how well.

Token similarity is 1 - edits / longer length, with edits counted by optimal string alignment
(a swapped pair of letters is one edit), from rapidfuzz. For tokens that
crossed a script boundary the phonetic skeleton is also compared (see names.phonetic). Pairs below
TOKEN_CUTOFF do not align at all: a half-similar token is not half a match.
Tokens written together on one side and apart on the other ("AlQaeda" / "Al Qaeda") align as a pair
when spelt alike but for one edit. Spelling variants of one name (doubled letters, one vowel, an
English nickname) count fixed similarities (variant_similarity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sekisho.names.normalize import ABJAD, EXACT, SYLLABIC
from sekisho.names.phonetic import collapse_runs, devowel, onsets, skeletons
from sekisho.names.reference import nickname_relatives

TOKEN_CUTOFF = 0.70
ABJAD_DISCOUNT = 0.95  # consonants alike is never quite as good as the same spelling
# Syllabic readings must still share some letters: "toyota" and "hajji" (ハッジ) share a skeleton and
# nothing else; and they must start with the same class of sound (see phonetic.onsets). The skeleton
# similarity is scaled by 0.85 + 0.15 x spelling similarity.
SKELETON_FLOOR = 0.40
# skeletons of fewer than three consonants count only for readings spelt at least this alike
SHORT_SKELETON_SPELLING = 0.6
JOINED_EDITS = 1  # "AlQaida" / "Al Qaeda"; a looser match of a joined pair is a different name
# A syllabic reading against two list words written together must also be spelt alike: "arukaida"
# (アルカイダ) ~ "al qaida" is 0.625, while "jianding" (健鼎) ~ "joanna zhong" is 0.45 though their
# skeletons agree.
JOINED_READING_FLOOR = 0.62
# A nickname and its given name ("Ben" / "Benjamin", "Bill" / "William"), both spelt in Latin letters,
# count as this similarity: as good as one typo in a long name, never as good as the same name.
NICKNAME_SIM = 0.90
# Two spellings that differ only in doubled letters ("Hassan" / "Hasan", "Joonng" / "Jong", "Minning" /
# "Mining"), the commonest variance between transliterations: closer than a typo, short of the same name.
DOUBLED_SIM = 0.95


@lru_cache(maxsize=1 << 16)
def undouble(token: str) -> str:
    return collapse_runs(token)


# One vowel for another in a word of five letters or more ("Osama" / "Usama", "Laden" / "Ladin"):
# transliterations of Arabic, Persian or Russian names differ most in their vowels.
VOWEL_SIM = 0.85
VOWEL_MIN_LEN = 5
_VOWELS = frozenset("aeiou")


def _one_vowel_apart(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < VOWEL_MIN_LEN:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _VOWELS and diff[0][1] in _VOWELS


def variant_similarity(a: str, b: str) -> float:
    """The similarity two Latin spellings have as variants of one name (0 when they are not).
    Called for every unaligned pair of every candidate, so the cheap tests go first."""
    if a == b:
        return 0.0
    same_length = len(a) == len(b)
    if not same_length and a[0] == b[0] and undouble(a) == undouble(b):
        return DOUBLED_SIM
    if b in nickname_relatives().get(a, ()):
        return NICKNAME_SIM
    if same_length and _one_vowel_apart(a, b):
        return VOWEL_SIM
    return 0.0


def pair_tolerance(a: int, b: int) -> int:
    """How two tokens may differ: by their consonants only when one is a Latin spelling and the other
    a reading of a script that leaves vowels out (ABJAD) or puts them in (SYLLABIC). Two readings
    ("taiduanxingie", a Chinese reading, and "changuan shinion", a katakana one) compare by spelling."""
    if a == EXACT:
        return b if b in (ABJAD, SYLLABIC) else EXACT
    if b == EXACT:
        return a if a in (ABJAD, SYLLABIC) else EXACT
    return EXACT


@lru_cache(maxsize=1 << 16)  # a batch compares the same pairs again and again (two calls in three)
def token_similarity(a: str, b: str, tolerant: int) -> float:
    if a == b:
        return 1.0
    sim = OSA.normalized_similarity(a, b)
    if tolerant == ABJAD:
        sim = max(sim, OSA.normalized_similarity(devowel(a), devowel(b)) * ABJAD_DISCOUNT)
    elif tolerant == SYLLABIC and sim >= SKELETON_FLOOR and onsets(a) & onsets(b):
        best = 0.0
        for ka in skeletons(a):
            for kb in skeletons(b):
                # two consonants say little ("cheng" ~ "jang"): short skeletons need similar spellings
                # too; with one consonant the vowels are all there is, so a reading may add only one
                # ("eun" ~ "un", not 岱宇 "daiiu" ~ "dai")
                short_ok = min(len(ka), len(kb)) >= 2 or abs(len(a) - len(b)) <= 1
                if (len(ka) >= 3 and len(kb) >= 3) or (sim >= SHORT_SKELETON_SPELLING and short_ok):
                    best = max(best, OSA.normalized_similarity(ka, kb))
        sim = max(sim, best * (0.85 + 0.15 * sim))
    elif (len(a) == 1 or len(b) == 1) and tolerant == EXACT:
        # an initial ("J") stands for a name starting with it; a reading of kana, Han or Hangul is
        # never abbreviated to one ("M" is no evidence for ムハンマド)
        short, long_ = (a, b) if len(a) == 1 else (b, a)
        if len(long_) > 1 and long_[0] == short:
            sim = max(sim, TOKEN_CUTOFF)
    elif tolerant == EXACT:
        sim = max(sim, variant_similarity(a, b))
    return sim


CREDIT_SLOPE = 0.75
INITIALS_CREDIT = 0.70  # "JC" for "Jean-Claude": an acronym alone ("GEA" ~ "Gree Electric Appliances") is no hit


def credit(sim: float, length: int, shortest: int = 2) -> float:
    """How much an aligned token counts, from its similarity and the longer token's length.

    With d = length x (1 - sim) edits, credit = 1 - 0.75 x d^2 / length: one typo costs little and
    less in a long token ("Scholze" 0.89, "Luakshenko" 0.93), a second costs much more ("Schulze"
    ~ "Scholz" 0.57), as a second difference is rarely a typo. An initial standing for a name
    ("N." for "Nursultan", `shortest` 1) counts INITIALS_CREDIT.
    """
    if sim >= 1.0:
        return 1.0
    if shortest == 1:
        return INITIALS_CREDIT
    return max(0.0, 1.0 - CREDIT_SLOPE * length * (1.0 - sim) ** 2)


@dataclass(frozen=True, slots=True)
class Pair:
    q: tuple[int, ...]  # query token positions (two when joined, several for initials)
    c: tuple[int, ...]  # candidate token positions
    sim: float
    credit: float
    acronym: bool = False  # one token's letters spell the initials of the other side's tokens


def _similar_pairs(q: tuple[str, ...], qtol: tuple[int, ...], c: tuple[str, ...], ctol: tuple[int, ...]
                   ) -> list[tuple[float, int, int]]:
    """(similarity, i, j) for every token pair at or above TOKEN_CUTOFF."""
    lenient = (ABJAD, SYLLABIC)
    spelling_only = not ((EXACT in qtol and any(t in lenient for t in ctol))
                         or (EXACT in ctol and any(t in lenient for t in qtol)))
    if spelling_only and min(map(len, q)) > 1 and min(map(len, c)) > 1:
        # plain Latin tokens: the whole matrix in one call (same values as token_similarity)
        matrix = process.cdist(q, c, scorer=OSA.normalized_similarity, score_cutoff=TOKEN_CUTOFF,
                               dtype=np.float64).tolist()
        found = []
        for i, a in enumerate(q):
            relatives = nickname_relatives().get(a, ())
            for j, b in enumerate(c):
                sim = matrix[i][j]
                # variants share the first letter (doubled letters), the length (one vowel) or are nicknames
                if sim < DOUBLED_SIM and (a[0] == b[0] or len(a) == len(b) or b in relatives):
                    sim = max(sim, variant_similarity(a, b))
                if sim:
                    found.append((sim, i, j))
        return found
    out = []
    for i, a in enumerate(q):
        for j, b in enumerate(c):
            s = token_similarity(a, b, pair_tolerance(qtol[i], ctol[j]))
            if s >= TOKEN_CUTOFF:
                out.append((s, i, j))
    return out


def align(q: tuple[str, ...], qtol: tuple[int, ...], c: tuple[str, ...], ctol: tuple[int, ...]) -> list[Pair]:
    scored = _similar_pairs(q, qtol, c, ctol)
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[Pair] = []
    for s, i, j in scored:
        if i not in used_q and j not in used_c:
            used_q.add(i)
            used_c.add(j)
            pairs.append(Pair((i,), (j,), s, credit(s, max(len(q[i]), len(c[j])), min(len(q[i]), len(c[j])))))
    if len(used_q) < len(q) or len(used_c) < len(c):
        pairs.extend(_joined(q, qtol, c, ctol, used_q, used_c, swap=False))
        pairs.extend(_joined(c, ctol, q, qtol, used_c, used_q, swap=True))
        pairs.extend(_initials(q, c, used_q, used_c, swap=False))
        pairs.extend(_initials(c, q, used_c, used_q, swap=True))
    return pairs


def _joined(a: tuple[str, ...], atol: tuple[int, ...], b: tuple[str, ...], btol: tuple[int, ...],
            used_a: set[int], used_b: set[int], swap: bool) -> list[Pair]:
    """Align a lone token of `a` with two adjacent unaligned tokens of `b` written together: Latin
    spellings alike but for at most JOINED_EDITS edits ("alqaida" ~ "al qaeda"), tokens that
    crossed a script as any token pair."""
    out = []
    for i, tok in enumerate(a):
        if i in used_a or len(tok) < 4:
            continue
        for j in range(len(b) - 1):
            if j in used_b or j + 1 in used_b:
                continue
            joined = b[j] + b[j + 1]
            tol = pair_tolerance(atol[i], max(btol[j], btol[j + 1]))
            if tol == SYLLABIC and OSA.normalized_similarity(tok, joined) < JOINED_READING_FLOOR:
                continue  # two list words against one reading: consonants alone say too little
            if tol:  # crossed a script: compared as any token is ("bd llh" ~ "abdullah")
                s = token_similarity(tok, joined, tol)
            elif OSA.distance(tok, joined, score_cutoff=JOINED_EDITS) <= JOINED_EDITS:
                s = OSA.normalized_similarity(tok, joined)
            else:
                continue
            if s >= TOKEN_CUTOFF:
                used_a.add(i)
                used_b.update((j, j + 1))
                cr = credit(s, max(len(tok), len(joined)))
                out.append(Pair((j, j + 1), (i,), s, cr) if swap else Pair((i,), (j, j + 1), s, cr))
                break
    return out


def initials_of(tokens: Sequence[str]) -> str | None:
    """The acronym neighbouring tokens spell: their first letters (None when all are single letters,
    as letters for letters is a spelling, not initials; or when a first character is no letter)."""
    if all(len(t) == 1 for t in tokens):
        return None
    letters = "".join(t[0] for t in tokens)
    return letters if letters.isalpha() else None


def _initials(a: tuple[str, ...], b: tuple[str, ...], used_a: set[int], used_b: set[int], swap: bool
              ) -> list[Pair]:
    """Align a lone 2-4 letter token of `a` with as many adjacent unaligned tokens of `b` whose
    initials it spells ("jc" ~ "jean claude", "pla" ~ "peoples liberation army")."""
    out = []
    for i, tok in enumerate(a):
        n = len(tok)
        if i in used_a or not 2 <= n <= 4 or not tok.isalpha():
            continue
        for j in range(len(b) - n + 1):
            span = range(j, j + n)
            if any(k in used_b for k in span) or initials_of(b[j : j + n]) != tok:
                continue
            used_a.add(i)
            used_b.update(span)
            pair = (tuple(span), (i,)) if swap else ((i,), tuple(span))
            out.append(Pair(pair[0], pair[1], INITIALS_CREDIT, INITIALS_CREDIT, acronym=True))
            break
    return out
