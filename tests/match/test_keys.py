from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.match.keys import CONSONANT_EDIT_MIN, CONSONANTS, PLAIN, SPELLING, KeyTable


def _deletions(body: str) -> list[str]:
    return [body[:i] + body[i + 1 :] for i in range(len(body))]


def _spelt(how: int, prefix: str, body: str) -> list[str]:
    """The key strings a stem stands for, written out as the index files them."""
    if how == PLAIN:
        return [prefix + body]
    if how == SPELLING:
        return [prefix + body, *(prefix + d for d in _deletions(body))] if len(body) >= 3 else [prefix + body]
    keys = [f"{prefix}:{body}"]
    if len(body) + 1 >= CONSONANT_EDIT_MIN:
        keys.append(f"{prefix}d:{body}")
    if len(body) >= CONSONANT_EDIT_MIN:
        for d in _deletions(body):
            keys += [f"{prefix}:{d}", f"{prefix}d:{d}"]
    return keys


_word = st.text(alphabet="abkd:", min_size=0, max_size=6)
_stem = st.tuples(st.sampled_from([PLAIN, SPELLING, CONSONANTS]), st.sampled_from(["", "u:", "sk", "rv"]), _word)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_word, st.lists(st.integers(0, 29), min_size=1, max_size=4, unique=True), max_size=60),
       st.lists(_stem, max_size=5), st.integers(-1, 29))
def test_lookup_finds_what_the_spelt_out_keys_hold(filed: dict[str, list[int]], stems: list[tuple[int, str, str]],
                                                   exclude: int) -> None:
    pairs = [(k, t) for k, ids in filed.items() for t in ids]
    # each pair filed twice, as a build files a token again under a key it already has
    table = KeyTable.of([k for k, _ in pairs] * 2, [t for _, t in pairs] * 2)
    assert len(table.tokens) == len(pairs)  # a pair counts once
    seen = np.zeros(30, dtype=np.uint8)
    found = table.lookup(stems, seen, exclude).tolist()
    want = {t for how, prefix, body in stems for key in _spelt(how, prefix, body) for t in filed.get(key, ())}
    assert sorted(found) == sorted(want - {exclude})  # each once
    assert not seen.any()  # left zeroed for the next lookup


def test_lookup_of_real_keys(screener: Any) -> None:
    index = screener.index
    mohammed = index.vocab["mohammed"]
    found = index.key_table.lookup([(SPELLING, "", "mohamed")], index.scratch().seen).tolist()
    assert mohammed in found  # one letter more
    assert index.vocab["mohamed"] not in index.key_table.lookup([(SPELLING, "", "mohamed")], index.scratch().seen,
                                                                index.vocab["mohamed"]).tolist()
