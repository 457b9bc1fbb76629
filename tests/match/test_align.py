"""Token similarity, credit and alignment: the rules, case by case, and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.match.align import (
    DOUBLED_SIM,
    INITIALS_CREDIT,
    NICKNAME_SIM,
    TOKEN_CUTOFF,
    VOWEL_SIM,
    align,
    credit,
    pair_tolerance,
    token_similarity,
)
from sekisho.names.normalize import ABJAD, EXACT, SYLLABIC

CASES = [
    # (a, b, how they may differ, lowest, highest)
    ("putin", "putin", EXACT, 1.0, 1.0),
    ("hassan", "hasan", EXACT, DOUBLED_SIM, DOUBLED_SIM),  # doubled letters: closer than a typo
    ("osama", "usama", EXACT, VOWEL_SIM, VOWEL_SIM),  # one vowel for another, five letters or more
    ("bill", "william", EXACT, NICKNAME_SIM, NICKNAME_SIM),  # a nickname
    ("j", "john", EXACT, TOKEN_CUTOFF, TOKEN_CUTOFF),  # an initial stands for a name
    ("mhmd", "mohamed", ABJAD, 0.9, 1.0),  # Arabic leaves the vowels out
    ("puuchin", "putin", SYLLABIC, 0.9, 1.0),  # katakana puts them in
    ("bush", "habbash", EXACT, 0.0, 0.5),  # Latin to Latin: the skeleton is never used
    ("bush", "habbash", SYLLABIC, 0.0, 0.5),  # nor across scripts when the onsets differ
]


@pytest.mark.parametrize(("a", "b", "tolerant", "low", "high"), CASES, ids=[f"{c[0]}~{c[1]}" for c in CASES])
def test_token_similarity(a: str, b: str, tolerant: int, low: float, high: float) -> None:
    assert low <= token_similarity(a, b, tolerant) <= high


_token = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=12)


@settings(max_examples=500, deadline=None)
@given(_token, _token, st.sampled_from([EXACT, ABJAD, SYLLABIC]))
def test_similarity_is_a_similarity(a: str, b: str, tolerant: int) -> None:
    sim = token_similarity(a, b, tolerant)
    assert 0.0 <= sim <= 1.0
    assert (sim == 1.0) == (a == b) or tolerant != EXACT  # only the same spelling is the same name
    assert token_similarity(b, a, tolerant) == pytest.approx(sim)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (EXACT, EXACT, EXACT), (EXACT, ABJAD, ABJAD), (SYLLABIC, EXACT, SYLLABIC),
    (ABJAD, SYLLABIC, EXACT),  # two readings compare by spelling
])
def test_pair_tolerance(a: int, b: int, expected: int) -> None:
    assert pair_tolerance(a, b) == expected


def test_credit() -> None:
    assert credit(1.0, 5) == 1.0
    assert credit(0.5, 1, shortest=1) == INITIALS_CREDIT
    # one typo in seven letters costs little, a second in a shorter word much more
    assert credit(6 / 7, 7) == pytest.approx(1 - 0.75 / 7)
    assert credit(4 / 6, 6) < 0.6


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(2, 30))
def test_credit_grows_with_similarity(a: float, b: float, length: int) -> None:
    low, high = sorted((a, b))
    assert 0.0 <= credit(low, length) <= credit(high, length) <= 1.0


def test_align_pairs_tokens_in_any_order() -> None:
    pairs = align(("vladimir", "putin"), (EXACT, EXACT), ("putin", "vladimir", "vladimirovich"), (EXACT,) * 3)
    assert {(p.q, p.c) for p in pairs} == {((0,), (1,)), ((1,), (0,))}
    assert all(p.sim == 1.0 and p.credit == 1.0 for p in pairs)


def test_align_leaves_unlike_tokens_unpaired() -> None:
    pairs = align(("george", "bush"), (EXACT, EXACT), ("george", "habbash"), (EXACT, EXACT))
    assert [(p.q, p.c, p.sim) for p in pairs] == [((0,), (0,), 1.0)]
