"""One query token compared with the list tokens it reached, in one compiled loop.

A reached list token is checked with the scorer's own token similarity (align.token_similarity)
before its postings are read. In Python that was a dozen array calls per query token around
rapidfuzz, and for readings (katakana, Chinese, Arabic) a comparison of every skeleton besides:
the calls, not the comparisons, made a new reading cost a fifth of a millisecond. rapidfuzz
cannot be called from a compiled loop, so the loop counts optimal string alignment edits itself;
tests/match/test_spellings.py checks every value against token_similarity and rapidfuzz.

The vocabulary is stored as columns of bytes: list tokens are ASCII letters and digits
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
from sekisho.match.kernels import compiled, flat_bytes
from sekisho.names.normalize import ABJAD, EXACT, STRICT, SYLLABIC
from sekisho.names.phonetic import devowel, leading_u, onsets, skeleton

# bit per tolerance a list token appears with (Index.vocab_mask)
TOLERANCE_BIT = {EXACT: 1, ABJAD: 2, SYLLABIC: 4, STRICT: 8}
_EXACT_BIT, _ABJAD_BIT, _SYLLABIC_BIT = TOLERANCE_BIT[EXACT], TOLERANCE_BIT[ABJAD], TOLERANCE_BIT[SYLLABIC]
_P = ord("p")  # the class of sound a leading katakana ウ may also stand for (phonetic.onsets)


@dataclass(frozen=True, slots=True)
class Spellings:
    """Many tokens as columns of what token_similarity reads of them (the index keeps its
    vocabulary so): spelling, consonants (phonetic.devowel), skeleton (phonetic.skeleton) and
    whether "p" + skeleton is a second one (phonetic.leading_u), and the class of sound each starts
    with (phonetic.onsets: a code point, -1 for none, and whether it may also start with "p")."""

    text: np.ndarray
    text_start: np.ndarray
    consonants: np.ndarray
    consonant_start: np.ndarray
    skeleton: np.ndarray
    skeleton_start: np.ndarray
    second: np.ndarray
    onset: np.ndarray
    onset_p: np.ndarray

    @classmethod
    def of(cls, tokens: Sequence[str]) -> Spellings:
        n = len(tokens)
        starts = [_onset(t) for t in tokens]
        return cls(*flat_bytes(tokens), *flat_bytes([devowel(t) for t in tokens]),
                   *flat_bytes([skeleton(t) for t in tokens]), np.fromiter(map(leading_u, tokens), np.bool_, n),
                   np.fromiter((c for c, _ in starts), np.int32, n), np.fromiter((p for _, p in starts), np.bool_, n))

    def similar(self, token: str, tolerant: int, joined: bool, ids: np.ndarray, mask: np.ndarray,
                real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, similarities) of the tokens among `ids` that `token` of this tolerance aligns with,
        as Index.similar_tokens defines it: see similar_spellings. `mask` has each vocabulary token's
        TOLERANCE_BITs, `real` whether it is a token of some name (not only two written together)."""
        onset, onset_p = _onset(token)
        return similar_spellings(
            _ascii(token), _ascii(devowel(token)), _ascii(skeleton(token)), leading_u(token), onset, onset_p,
            tolerant, joined, ids, self.text, self.text_start, self.consonants, self.consonant_start, self.skeleton,
            self.skeleton_start, self.second, self.onset, self.onset_p, mask, real)


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
                      text: np.ndarray, text_start: np.ndarray, consonants: np.ndarray, consonant_start: np.ndarray,
                      skeleton: np.ndarray, skeleton_start: np.ndarray, second: np.ndarray, onset: np.ndarray,
                      onset_p: np.ndarray, mask: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The list tokens among `ids` that the query token aligns with, and the similarity of each.

    A joined query token (two written together) reaches only tokens of some name (`real`), as the
    scorer aligns one token with two, never two with two; a joined Latin one aligns within
    JOINED_EDITS. Otherwise a list
    token aligns at TOKEN_CUTOFF or more of align.token_similarity, taken with the most lenient
    tolerance the pair can have (a list token may appear with several, `mask`): by spelling, and
    where one side is a reading by its consonants too. A reading's consonants count only where
    spelt somewhat alike (SKELETON_FLOOR), and against two words written together only where spelt
    alike (JOINED_READING_FLOOR). One-letter tokens are initials. Spelling variants are added by
    the caller (align.variant_similarity).
    """
    n, qn = len(ids), len(query)
    longest = qn
    for r in range(n):
        longest = max(longest, text_start[ids[r] + 1] - text_start[ids[r]])
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
        if joined and not real[t]:
            continue  # two tokens written together on both sides: never aligned (kernels.rank_candidates)
        b = text[text_start[t] : text_start[t + 1]]
        edits = _edits(query, q_table, b, rows)
        raw = 1.0 - edits / max(qn, len(b))
        if joined and tolerant == EXACT:
            if edits <= JOINED_EDITS:
                out_ids[found], out_sims[found] = t, raw
                found += 1
            continue
        if tolerant == EXACT:
            abjad, syllabic = (mask[t] & _ABJAD_BIT) != 0, (mask[t] & _SYLLABIC_BIT) != 0
        else:
            lenient = (mask[t] & _EXACT_BIT) != 0
            abjad, syllabic = lenient and tolerant == ABJAD, lenient and tolerant == SYLLABIC
        sim = raw
        if (len(b) == 1 or qn == 1) and not abjad and not syllabic:
            # an initial ("j" ~ "john")
            short, long_ = (query, b) if qn == 1 else (b, query)
            if len(long_) > 1 and long_[0] == short[0]:
                sim = max(sim, TOKEN_CUTOFF)
        if abjad:
            alike = _similarity(q_consonants, consonant_table, consonants[consonant_start[t] : consonant_start[t + 1]],
                                rows)
            sim = max(sim, alike * ABJAD_DISCOUNT)
        joined_pair = joined or not real[t]
        syllabic &= raw >= SKELETON_FLOOR and (not joined_pair or raw >= JOINED_READING_FLOOR)
        if syllabic and _onsets_meet(q_onset, q_onset_p, onset[t], onset_p[t]):
            sk = skeleton[skeleton_start[t] : skeleton_start[t + 1]]
            spelt_p[1 : len(sk) + 1] = sk
            best = 0.0
            for k in range(2 if q_second else 1):
                ka = q_skeletons if k else q_skeleton
                for with_p in range(2 if second[t] else 1):
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
    Spellings.of(["abc"]).similar("abd", SYLLABIC, False, np.zeros(1, np.int64), np.ones(1, np.int8),
                                  np.ones(1, np.bool_))
