import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sekisho.match.align import Spellings, token_similarities, token_similarity
from sekisho.names.normalize import ABJAD, EXACT, SYLLABIC


def _columns(token: str, tolerant: int, others: list[str]) -> list[float]:
    spelt = process.cdist([token], others, scorer=OSA.normalized_similarity, dtype=np.float64)[0]
    return token_similarities(token, tolerant, spelt, Spellings.of(others), np.arange(len(others))).tolist()


# letters weighted to the ones the phonetic rules read: digraphs, a leading u, vowels
_letters = st.text(alphabet="aeiouybvwfpdtjzsxcqgklrmnh'", min_size=1, max_size=10)


@settings(max_examples=300, deadline=None)
@given(_letters, st.lists(_letters, min_size=1, max_size=12))
def test_columns_equal_the_pairwise_similarity(token: str, others: list[str]) -> None:
    for tolerant in (ABJAD, SYLLABIC):
        assert _columns(token, tolerant, others) == [token_similarity(token, o, tolerant) for o in others]


def test_columns_equal_the_pairwise_similarity_on_list_tokens(screener: Any) -> None:
    """Readings of real names (katakana, Chinese, Arabic) against real list tokens."""
    vocab = [t for t, real in zip(screener.index.vocab_tokens, screener.index.vocab_real_list, strict=True) if real]
    others = [*random.Random(5).sample(vocab, 3000), "vladimir", "putin", "bernard", "mohammed", "ali", "wei"]
    aligned = 0
    for token in ("urajiimiru", "puuchin", "berunaaru", "zhangwei", "mhmd", "li", "u", "shuini", "hajji"):
        for tolerant in (ABJAD, SYLLABIC):
            expected = [token_similarity(token, o, tolerant) for o in others]
            assert _columns(token, tolerant, others) == expected, token
            aligned += sum(s >= 0.7 for s in expected[-6:])
    assert aligned >= 6  # the sample holds real cross-script pairs, not only misses


def test_only_readings_compare_by_columns() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        _columns("bush", EXACT, ["habbash"])  # a Latin pair has no consonant rule to apply
