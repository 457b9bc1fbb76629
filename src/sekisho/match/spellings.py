"""One query token compared with the list tokens it reached, in one compiled loop.

A reached list token is checked with the scorer's own token similarity (align.token_similarity)
before its postings are read. In Python that was a dozen array calls per query token around
rapidfuzz, and for readings (katakana, Chinese, Arabic) a comparison of every skeleton besides:
the calls, not the comparisons, made a new reading cost a fifth of a millisecond. rapidfuzz
cannot be called from a compiled loop, so the loop counts optimal string alignment edits itself;
tests/match/test_spellings.py checks every value against token_similarity and rapidfuzz.

The vocabulary is stored as bytes (Spellings): list tokens are ASCII letters and digits
(names.normalize), their consonants and skeletons (names.phonetic) too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sekisho.match.align import (
    ABJAD_DISCOUNT,
    JOINED_EDITS,
    JOINED_READING_FLOOR,
    SHORT_SKELETON_SPELLING,
    SKELETON_FLOOR,
    TOKEN_CUTOFF,
)
from sekisho.match.kernels import compiled
from sekisho.names.normalize import ABJAD, EXACT, STRICT, SYLLABIC
from sekisho.names.phonetic import devowel, leading_u, onsets, skeleton

# bit per tolerance a list token appears with (Index.vocab_mask)
TOLERANCE_BIT = {EXACT: 1, ABJAD: 2, SYLLABIC: 4, STRICT: 8}
_EXACT_BIT, _ABJAD_BIT, _SYLLABIC_BIT = TOLERANCE_BIT[EXACT], TOLERANCE_BIT[ABJAD], TOLERANCE_BIT[SYLLABIC]
_P = ord("p")  # the class of sound a leading katakana ウ may also stand for (phonetic.onsets)


# Spellings.record columns of a token: where its letters start in Spellings.letters, how many
# letters its spelling, consonants and skeleton have there (one after the other), the code of its
# onset (_onset; -1 for none), and its FLAGS
AT, SPELT, CONSONANT_LEN, SKELETON_LEN, ONSET, FLAGS = range(6)
# FLAGS bits: "p" + skeleton is a second skeleton (phonetic.leading_u), "p" is a second onset, the
# token is one of some name (not only two written together); the tolerances it appears with above them
SECOND, ONSET_P, REAL = 1, 2, 4
_MASK_SHIFT = 3


@dataclass(frozen=True, slots=True)
class Spellings:
    """Many tokens with what token_similarity reads of them: spelling, consonants (phonetic.devowel)
    and skeleton (phonetic.skeleton) end to end in one byte array, and one row of small numbers per
    token (the record columns above). A comparison reads a token's row and then its letters, one
    place each: the tokens a query token reaches lie anywhere in the vocabulary, and reading nine
    columns apart cost a cache miss each."""

    letters: np.ndarray
    record: np.ndarray  # (tokens, 6) int32

    @classmethod
    def of(cls, tokens: Sequence[str], masks: Sequence[int] | None = None, real: Sequence[bool] | None = None
           ) -> Spellings:
        """`masks`: each token's TOLERANCE_BITs (EXACT only when not given); `real`: whether it is a
        token of some name (all are when not given)."""
        record = np.zeros((len(tokens), 6), dtype=np.int32)
        parts: list[str] = []
        at = 0
        for i, token in enumerate(tokens):
            consonants, sk = devowel(token), skeleton(token)
            onset, onset_p = _onset(token)
            mask = masks[i] if masks is not None else TOLERANCE_BIT[EXACT]
            flags = (SECOND * leading_u(token) | ONSET_P * onset_p | REAL * (real is None or real[i])
                     | mask << _MASK_SHIFT)
            record[i] = at, len(token), len(consonants), len(sk), onset, flags
            parts += (token, consonants, sk)
            at += len(token) + len(consonants) + len(sk)
        return cls(np.frombuffer("".join(parts).encode("ascii"), dtype=np.uint8).copy(), record)

    def similar(self, token: str, tolerant: int, joined: bool, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, similarities) of the tokens among `ids` that `token` of this tolerance aligns with,
        as Index.similar_tokens defines it: see similar_spellings."""
        onset, onset_p = _onset(token)
        return similar_spellings(_ascii(token), _ascii(devowel(token)), _ascii(skeleton(token)), leading_u(token),
                                 onset, onset_p, tolerant, joined, ids, self.letters, self.record)


def _ascii(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("ascii"), np.uint8)


@lru_cache(maxsize=1 << 16)
def _onset(token: str) -> tuple[int, bool]:
    """phonetic.onsets as the code point of its class other than "p" (or "p"; -1 for none), and
    whether "p" is a second class (a leading katakana ウ, phonetic.leading_u)."""
    classes = onsets(token)
    main = min(classes - {"p"}) if len(classes) == 2 else next(iter(classes), "")
    return (ord(main) if main else -1), len(classes) == 2


@compiled
def _onsets_meet(a: int, a_p: bool, b: int, b_p: bool) -> bool:
    """Whether two tokens' onsets (as _onset gives them) share a class of sound."""
    return (a >= 0 and a == b) or (a_p and (b_p or b == _P)) or (b_p and a == _P)


_WORD = 64  # a pattern of up to this many letters is counted with one machine word per letter (_osa_bits)
_ONE = np.uint64(1)


@compiled
def _pattern(a: np.ndarray) -> np.ndarray:
    """For each byte, the bit mask of the positions in `a` where it occurs (for _osa_bits)."""
    table = np.zeros(256, dtype=np.uint64)
    for i in range(min(len(a), _WORD)):
        table[a[i]] |= _ONE << np.uint64(i)
    return table


@compiled
def _osa_bits(table: np.ndarray, m: int, b: np.ndarray) -> int:
    """OSA edits between a pattern of m letters (1 <= m <= 64, given by its _pattern) and `b`:
    Hyyrö's bit-parallel count (2003), a column of the edit matrix per machine word."""
    vp, vn, d0, pm_old = ~np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0)
    top = _ONE << np.uint64(m - 1)
    dist = m
    for ch in b:
        pm = table[ch]
        swap = (((~d0) & pm) << _ONE) & pm_old
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn | swap
        hp = vn | ~(d0 | vp)
        hn = d0 & vp
        if hp & top:
            dist += 1
        if hn & top:
            dist -= 1
        hp = (hp << _ONE) | _ONE
        vp = (hn << _ONE) | ~(d0 | hp)
        vn = hp & d0
        pm_old = pm
    return dist


@compiled
def osa_distance(a: np.ndarray, b: np.ndarray, rows: np.ndarray) -> int:
    """Optimal string alignment distance (a swapped pair of neighbours is one edit), as
    rapidfuzz.distance.OSA counts it, by the full edit matrix; `rows` is work space of at least
    3 x (len(b) + 1). For patterns longer than a machine word (_osa_bits counts the rest)."""
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return max(n, m)
    before, prev, cur = rows[: m + 1], rows[m + 1 : 2 * m + 2], rows[2 * m + 2 : 3 * m + 3]
    for j in range(m + 1):
        prev[j] = j
    for i in range(1, n + 1):
        cur[0] = i
        for j in range(1, m + 1):
            best = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            cur[j] = best
        before, prev, cur = prev, cur, before
    return int(prev[m])


@compiled
def _edits(a: np.ndarray, table: np.ndarray, b: np.ndarray, rows: np.ndarray) -> int:
    """OSA edits between `a` (with its _pattern) and `b`; `rows` as osa_distance needs."""
    if len(a) == 0 or len(b) == 0:
        return max(len(a), len(b))
    return _osa_bits(table, len(a), b) if len(a) <= _WORD else osa_distance(a, b, rows)


@compiled
def _similarity(a: np.ndarray, table: np.ndarray, b: np.ndarray, rows: np.ndarray) -> float:
    """rapidfuzz's OSA.normalized_similarity: 1 - edits / the longer length."""
    longer = max(len(a), len(b))
    return 1.0 - _edits(a, table, b, rows) / longer if longer else 1.0


@compiled
def similar_spellings(query: np.ndarray, q_consonants: np.ndarray, q_skeleton: np.ndarray, q_second: bool,
                      q_onset: int, q_onset_p: bool, tolerant: int, joined: bool, ids: np.ndarray,
                      letters: np.ndarray, record: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The list tokens among `ids` that the query token aligns with, and the similarity of each.

    A joined query token (two written together) reaches only tokens of some name (REAL), as the
    scorer aligns one token with two, never two with two; a joined Latin one aligns within
    JOINED_EDITS. Otherwise a list
    token aligns at TOKEN_CUTOFF or more of align.token_similarity, taken with the most lenient
    tolerance the pair can have (a list token may appear with several, its mask in FLAGS): by
    spelling, and where one side is a reading by its consonants too. A reading's consonants count
    only where spelt somewhat alike (SKELETON_FLOOR), and against two words written together only
    where spelt alike (JOINED_READING_FLOOR). One-letter tokens are initials. Spelling variants
    are added by the caller (align.variant_similarity).
    """
    n, qn = len(ids), len(query)
    longest = qn
    for r in range(n):
        longest = max(longest, record[ids[r], SPELT])
    rows = np.empty(3 * (longest + 2), dtype=np.int64)
    q_table, consonant_table = _pattern(query), _pattern(q_consonants)
    # the query's skeletons, and "p" + skeleton for a second one (phonetic.skeletons)
    q_skeletons = np.empty(len(q_skeleton) + 1, dtype=np.uint8)
    q_skeletons[0] = _P
    q_skeletons[1:] = q_skeleton
    skeleton_tables = np.empty((2, 256), dtype=np.uint64)
    skeleton_tables[0], skeleton_tables[1] = _pattern(q_skeleton), _pattern(q_skeletons)
    spelt_p = np.empty(longest + 2, dtype=np.uint8)  # "p" + a list token's skeleton
    spelt_p[0] = _P
    out_ids = np.empty(n, dtype=np.int64)
    out_sims = np.empty(n)
    found = 0
    for r in range(n):
        t = ids[r]
        at, spelt, flags = record[t, AT], record[t, SPELT], record[t, FLAGS]
        real = (flags & REAL) != 0
        if joined and not real:
            continue  # two tokens written together on both sides: never aligned (kernels.rank_candidates)
        b = letters[at : at + spelt]
        mask = flags >> _MASK_SHIFT
        edits = _edits(query, q_table, b, rows)
        raw = 1.0 - edits / max(qn, len(b))
        if joined and tolerant == EXACT:
            if edits <= JOINED_EDITS:
                out_ids[found], out_sims[found] = t, raw
                found += 1
            continue
        if tolerant == EXACT:
            abjad, syllabic = (mask & _ABJAD_BIT) != 0, (mask & _SYLLABIC_BIT) != 0
        else:
            lenient = (mask & _EXACT_BIT) != 0
            abjad, syllabic = lenient and tolerant == ABJAD, lenient and tolerant == SYLLABIC
        sim = raw
        if (len(b) == 1 or qn == 1) and not abjad and not syllabic:
            # an initial ("j" ~ "john")
            short, long_ = (query, b) if qn == 1 else (b, query)
            if len(long_) > 1 and long_[0] == short[0]:
                sim = max(sim, TOKEN_CUTOFF)
        if abjad:
            consonants = letters[at + spelt : at + spelt + record[t, CONSONANT_LEN]]
            alike = _similarity(q_consonants, consonant_table, consonants, rows)
            sim = max(sim, alike * ABJAD_DISCOUNT)
        joined_pair = joined or not real
        syllabic &= raw >= SKELETON_FLOOR and (not joined_pair or raw >= JOINED_READING_FLOOR)
        if syllabic and _onsets_meet(q_onset, q_onset_p, record[t, ONSET], (flags & ONSET_P) != 0):
            sk_at = at + spelt + record[t, CONSONANT_LEN]
            sk = letters[sk_at : sk_at + record[t, SKELETON_LEN]]
            spelt_p[1 : len(sk) + 1] = sk
            best = 0.0
            for k in range(2 if q_second else 1):
                ka = q_skeletons if k else q_skeleton
                for with_p in range(2 if flags & SECOND else 1):
                    kb = spelt_p[: len(sk) + 1] if with_p else sk
                    # two consonants say little: short skeletons need similar spellings too (align.token_similarity)
                    short_ok = min(len(ka), len(kb)) >= 2 or abs(qn - len(b)) <= 1
                    if (len(ka) >= 3 and len(kb) >= 3) or (raw >= SHORT_SKELETON_SPELLING and short_ok):
                        best = max(best, _similarity(ka, skeleton_tables[k], kb, rows))
            sim = max(sim, best * (0.85 + 0.15 * raw))
        if sim >= TOKEN_CUTOFF:
            out_ids[found], out_sims[found] = t, sim
            found += 1
    return out_ids[:found], out_sims[:found]


def load() -> None:
    """Compile the comparison, or load it from numba's cache (see kernels.load)."""
    Spellings.of(["abc"]).similar("abd", SYLLABIC, False, np.zeros(1, np.int64))
