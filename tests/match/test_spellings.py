import random
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from sekisho.match.align import JOINED_READING_FLOOR, SKELETON_FLOOR, TOKEN_CUTOFF, token_similarity
from sekisho.match.spellings import TOLERANCE_BIT, Spellings, _edits, _onset, _onsets_meet, _pattern, osa_distance
from sekisho.names.normalize import ABJAD, EXACT, SYLLABIC
from sekisho.names.phonetic import onsets

# letters weighted to the ones the phonetic rules read: digraphs, a leading u, vowels
_letters = st.text(alphabet="aeiouybvwfpdtjzsxcqgklrmnh'", min_size=1, max_size=10)


def _expected(token: str, tolerant: int, joined: bool, other: str, mask: int, real: bool) -> float | None:
    """What the compiled loop must give, said with the scorer's own token_similarity."""
    raw = OSA.normalized_similarity(token, other)
    if joined and not real:
        return None  # two written together against two written together: never aligned
    if joined and tolerant == EXACT:
        return raw if OSA.distance(token, other) <= 1 else None
    if tolerant == EXACT:
        abjad, syllabic = bool(mask & TOLERANCE_BIT[ABJAD]), bool(mask & TOLERANCE_BIT[SYLLABIC])
    else:
        lenient = bool(mask & TOLERANCE_BIT[EXACT])
        abjad, syllabic = lenient and tolerant == ABJAD, lenient and tolerant == SYLLABIC
    sim = raw
    if (len(token) == 1 or len(other) == 1) and not abjad and not syllabic:
        sim = token_similarity(token, other, EXACT)
    if abjad:
        sim = max(sim, token_similarity(token, other, ABJAD))
    if syllabic and raw >= SKELETON_FLOOR and ((real and not joined) or raw >= JOINED_READING_FLOOR):
        sim = max(sim, token_similarity(token, other, SYLLABIC))
    return sim if sim >= TOKEN_CUTOFF else None


def _check(token: str, tolerant: int, joined: bool, others: list[str], masks: list[int], reals: list[bool]) -> int:
    got_ids, got_sims = Spellings.of(others, masks, reals).similar(token, tolerant, joined, np.arange(len(others)))
    want = {i: s for i, o in enumerate(others)
            if (s := _expected(token, tolerant, joined, o, masks[i], reals[i])) is not None}
    assert dict(zip(got_ids.tolist(), got_sims.tolist(), strict=True)) == want, (token, tolerant, joined)
    return len(want)


_short = st.text(alphabet="abcx'", max_size=9)
_long = st.text(alphabet="abcx'", min_size=60, max_size=80)  # past one machine word (spellings._WORD)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_short, _long), st.one_of(_short, _long))
def test_osa_edits_are_rapidfuzzs(a: str, b: str) -> None:
    x, y = np.frombuffer(a.encode(), np.uint8), np.frombuffer(b.encode(), np.uint8)
    rows = np.empty(3 * (len(b) + 1), dtype=np.int64)
    assert osa_distance(x, y, rows) == OSA.distance(a, b)
    assert _edits(x, _pattern(x), y, rows) == OSA.distance(a, b)


@settings(max_examples=300, deadline=None)
@given(_letters, st.lists(st.tuples(_letters, st.integers(1, 15), st.booleans()), min_size=1, max_size=12),
       st.sampled_from([EXACT, ABJAD, SYLLABIC]), st.booleans())
def test_compiled_similarities_equal_token_similarity(token: str, others: list[tuple[str, int, bool]],
                                                      tolerant: int, joined: bool) -> None:
    words, masks, reals = (list(col) for col in zip(*others, strict=True))
    _check(token, tolerant, joined, words, masks, reals)


def test_compiled_similarities_on_real_list_tokens(screener: Any) -> None:
    """Readings of real names (katakana, Chinese, Arabic) and Latin words against real list tokens
    with their real tolerances."""
    index = screener.index
    sample = random.Random(5).sample(range(len(index.vocab_tokens)), 3000)
    sample += [index.vocab[w] for w in ("vladimir", "putin", "bernard", "mohammed", "ali", "wei") if w in index.vocab]
    others = [index.vocab_tokens[t] for t in sample]
    masks = [index.vocab_mask[t] for t in sample]
    reals = [index.vocab_real_list[t] for t in sample]
    aligned = 0
    for token in ("urajiimiru", "puuchin", "berunaaru", "zhangwei", "mhmd", "li", "u", "shuini", "hajji", "bernerd"):
        for tolerant in (EXACT, ABJAD, SYLLABIC):
            for joined in (False, True):
                aligned += _check(token, tolerant, joined, others, masks, reals)
    assert aligned >= 20  # the sample holds real pairs that align, not only misses


@settings(max_examples=300, deadline=None)
@given(_letters, _letters)
def test_onset_codes_meet_as_onsets_do(a: str, b: str) -> None:
    assert _onsets_meet(*_onset(a), *_onset(b)) == bool(onsets(a) & onsets(b))
