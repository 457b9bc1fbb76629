import copy
import random
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sekisho.match.filing import JOINED_ENDS_MIN, joined_ends
from sekisho.match.index import Index
from sekisho.names.normalize import ABJAD, EXACT, SYLLABIC


def _similar(index: Any, token: str, tolerant: int) -> dict[int, float]:
    ids, sims = index.similar_tokens(token, tolerant)
    return dict(zip(ids.tolist(), sims.tolist(), strict=True))


def test_precomputed_neighbours_equal_the_lookup(screener: Any) -> None:
    """The neighbours stored at build are exactly what the key lookup finds for a Latin query token."""
    index = screener.index
    bare = copy.copy(index)
    bare.near_start = np.zeros(1, np.int64)  # no table: every token goes through the keys
    real = [t for t, on in zip(index.vocab_tokens, index.vocab_real_list, strict=True) if on]
    sample = [*random.Random(3).sample(real, 400), "putin", "bank", "mohammed", "al"]
    assert len(index.near_flat) > len(real)  # every list token is at least its own neighbour
    for token in sample:
        assert _similar(index, token, EXACT) == _similar(bare, token, EXACT), token


def test_two_letters_more_at_one_end_are_reached(screener: Any) -> None:
    """Two edits in a token of seven letters or more leave it 0.71 alike or more: the 4-letter
    prefix and suffix keys find such a token from a query token of five letters on."""
    index = screener.index
    assert index.vocab["alhassan"] in _similar(index, "hassan", EXACT)  # 'Bashir Sabawi Ibrahim Al-Hassan'
    assert index.vocab["hassan"] in _similar(index, "alhassan", EXACT)


def test_readings_reach_latin_spellings_one_consonant_apart(screener: Any) -> None:
    """A katakana reading that drops a final consonant, an Arabic one without vowels."""
    index = screener.index
    found = _similar(index, "berunaaru", SYLLABIC)  # ベルナール
    assert index.vocab["bernard"] in found
    found = _similar(index, "li", ABJAD)  # علي
    assert index.vocab["al"] in found


def test_cross_script_hits_beyond_one_consonant(screener: Any) -> None:
    hits = {h.entity_id for h in screener.screen("ベルナール・マエシェ・ビヤムング")}
    assert "un-sc:CDi.038" in hits  # BERNARD MAHESHE BYAMUNGU
    hits = {h.entity_id for h in screener.screen("フロベール・ンジャブ・ンガブ")}
    assert "un-sc:CDi.021" in hits  # Floribert Ngabu Ndjabu


def test_initials_reach_the_names_they_stand_for(screener: Any) -> None:
    """A list name written with an initial is found from the full name, and the other way round."""
    index = screener.index
    assert index.vocab["m"] in _similar(index, "mining", EXACT)
    assert index.vocab["nuclear"] in _similar(index, "n", EXACT)
    hits = {h.matched_name for h in screener.screen("CGN Power")}
    assert "China General Nuclear Power Corporation" in hits


_LETTERS = st.text("abcdefghijklmnopqrstuvwxyz", min_size=JOINED_ENDS_MIN - 1, max_size=70)


@given(_LETTERS, st.integers(0, 70), st.sampled_from(["swap", "drop", "add", "change"]), st.sampled_from("aeiouxyz"))
def test_the_ends_filter_keeps_every_token_one_edit_away(listed: str, at: int, edit: str, letter: str) -> None:
    """A pair written together is looked up only when its first or last letters meet a list
    token of a length one from its own: one edit anywhere never fails that test."""
    i = at % len(listed)
    query = {"swap": listed[:i] + listed[i + 1 : i + 2] + listed[i : i + 1] + listed[i + 2 :],
             "drop": listed[:i] + listed[i + 1 :], "add": listed[:i] + letter + listed[i:],
             "change": listed[:i] + letter + listed[i + 1 :]}[edit]
    index = Index(joined_ends=joined_ends([listed]))
    assert index.may_be_one_edit_away(query)


def test_the_ends_filter_drops_pairs_far_from_every_token(screener: Any) -> None:
    """Most pairs of Latin words written together are no list token's spelling: no key lookup."""
    index = screener.index
    assert not index.may_be_one_edit_away("toyotamotor")
    assert not index.may_be_one_edit_away("steelworks")
    assert index.may_be_one_edit_away("alqaida")  # al-Qaida
    assert index.vocab["alqaida"] in dict(zip(*(a.tolist() for a in index.similar_tokens("alqaeda", EXACT, True)),
                                              strict=True))
