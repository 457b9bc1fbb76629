"""The compiled candidate ranking: its bounds must cap the scorer, its cut must keep the best."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sekisho.match.align import credit
from sekisho.match.index import MAX_BONUS, ROUNDED_UP, QueryForms
from sekisho.match.kernels import _essential, credits, load_aside
from sekisho.match.memo import ReachMemo
from sekisho.match.scorer import COUNTRY_BONUS, DOB_BONUS, score_form
from sekisho.screen import Party, make_query

QUERIES = [
    ("Vladimir Vladimirovich Putin", None),
    ("ウラジーミル・プーチン", None),
    ("AlQaida", None),
    ("Barack Obama", "person"),
    ("Korea Mining Development Trading Corporation", None),
    ("高麗航空", None),
    ("Mohammed bin Salman Al Saud", None),
    ("Banco Nacional de Cuba", "organization"),
    ("Deutsche Bank Schweiz", None),
    ("台積電 Taiwan Semiconductor", None),
    ("JC Juncker", "person"),  # initials of a list name's words
    ("Peoples Liberation Army", None),  # words whose initials a list word spells
    ("J Kim", "person"),
    ("John Kim", "person"),
]


def _bounds(screener: Any, name: str, type_: str | None, threshold: float, limit: int,
            country: str | None = None, birth_date: str | None = None) -> tuple[Any, np.ndarray, np.ndarray]:
    query = make_query(Party(name, country, type_, birth_date))
    index = screener.index
    fids, bounds = index.bounds(query.forms, threshold, limit, query.weights(index), query.organization,
                                query.bonus_ceiling)
    return query, fids, bounds


def test_bounds_cap_the_name_scores(screener: Any) -> None:
    """Every reached form's name score is at most the square root of its bound: the pruning loses
    no hit. At threshold 0 every reached form is returned, up to hundreds per query."""
    index = screener.index
    checked = 0
    for name, type_ in QUERIES:
        query, fids, bounds = _bounds(screener, name, type_, 0.0, 10**6)
        assert len(fids) > 0, name
        assert np.all(np.diff(bounds) <= 0), name  # best first
        weights = query.weights(index)
        for fid, bound in zip(fids[:400].tolist(), bounds[:400].tolist(), strict=True):
            name_score = score_form(index, query, fid, weights).features[0].value
            assert name_score <= math.sqrt(bound) + 1e-9, (name, index.form_name[fid], name_score, bound)
            checked += 1
    assert checked > 1000


def test_the_limit_keeps_the_best_entities(screener: Any) -> None:
    index = screener.index
    for name, type_ in QUERIES[:5]:
        _, everything, _ = _bounds(screener, name, type_, 0.3, 10**6)
        _, kept, _ = _bounds(screener, name, type_, 0.3, 3)
        entities = list(dict.fromkeys(index.form_entity[f] for f in everything.tolist()))
        if len(entities) > 3:
            assert {index.form_entity[f] for f in kept.tolist()} == set(entities[:3]), name
            assert kept.tolist() == everything[: len(kept)].tolist(), name


def test_a_batch_ranks_each_query_as_alone(screener: Any) -> None:
    """Index.bounds_many gives each query what Index.bounds gives it alone, whatever its neighbours."""
    index = screener.index
    queries = [make_query(Party(name, type=type_)) for name, type_ in QUERIES]
    batch = [QueryForms(q.forms, q.weights(index), q.organization, q.bonus_ceiling) for q in queries]
    together = index.bounds_many(batch, 0.5, 5)
    assert len(together) == len(queries)
    for item, (fids, bounds) in zip(batch, together, strict=True):
        alone = index.bounds(item.forms, 0.5, 5, item.weights, item.organization, item.bonus)
        assert fids.tolist() == alone[0].tolist() and bounds.tolist() == alone[1].tolist()
    assert sum(len(fids) for fids, _ in together) > 20
    reversed_ = index.bounds_many(batch[::-1], 0.5, 5)[::-1]
    assert [f.tolist() for f, _ in reversed_] == [f.tolist() for f, _ in together]
    assert index.bounds_many([], 0.5, 5) == []


def test_the_work_arrays_are_left_zeroed(screener: Any) -> None:
    """The scratch arrays are shared by every call in a thread: a call must not leak into the next."""
    for name, type_ in QUERIES:
        _bounds(screener, name, type_, 0.5, 5)
    scratch = screener.index.session().scratch
    assert scratch is not None
    assert not scratch.gain.any() and not scratch.bound.any()
    assert not scratch.flags.any() and not scratch.entity.any() and not scratch.listed.any()
    assert not scratch.seen.any()


def test_several_words_do_not_bound_several_others(screener: Any) -> None:
    """The scorer aligns one token with one or with several, never several with several: so must
    the bound. 兆勁科技 ("zhaojin technologi") reached "Jahan Tech" through "zhaojintechnologi" ~
    "jahantechnologi" with a bound of 0.98, and scores 0.22."""
    index = screener.index
    query, fids, _ = _bounds(screener, "兆勁科技股份有限公司", None, 0.8, 10**6)
    jahan = [f for f in range(len(index.form_name)) if index.form_name[f] == "Jahan Tech"]
    assert jahan and score_form(index, query, jahan[0], query.weights(index)).score < 0.5
    assert not set(jahan) & set(fids.tolist())


@pytest.mark.parametrize(("country", "birth_date"), [(None, None), ("RU", None), ("RU", "1952-10-07")])
def test_pruning_keeps_every_form_that_can_score(screener: Any, country: str | None, birth_date: str | None) -> None:
    """At the default threshold, every reached form whose name score can make a hit (with the
    bonus the query's country and birth date can earn) is a candidate: the bound and the
    skipping of weak-only forms lose nothing."""
    index = screener.index
    threshold = screener.options().threshold
    found = 0
    for name, type_ in QUERIES:
        query, reached, _ = _bounds(screener, name, type_, 0.0, 10**6, country, birth_date)
        _, kept, _ = _bounds(screener, name, type_, threshold, 10**6, country, birth_date)
        weights = query.weights(index)
        lowest = threshold - query.bonus_ceiling - ROUNDED_UP  # what rounds up to a hit
        can_score = {f for f in reached.tolist() if score_form(index, query, f, weights).features[0].value >= lowest}
        assert can_score <= set(kept.tolist()), (name, [index.form_name[f] for f in can_score - set(kept.tolist())])
        found += len(can_score)
    assert found >= 20  # the queries do reach names that score


def test_a_query_without_country_or_birth_date_passes_only_forms_that_can_reach_the_threshold(screener: Any
                                                                                             ) -> None:
    """No country and no birth date, no bonus: a form whose bound is under the threshold itself is
    never scored (with them, test_pruning_keeps_every_form_that_can_score)."""
    assert pytest.approx(COUNTRY_BONUS + DOB_BONUS) == MAX_BONUS
    threshold = screener.options().threshold
    for name, type_ in QUERIES:
        _, _, bare = _bounds(screener, name, type_, threshold, 10**6)
        assert np.all(np.sqrt(bare) >= threshold - 1e-4), name


def test_credits_are_the_scorers() -> None:
    """The compiled credits of a reach are align.credit's, for initials, typos and exact tokens."""
    sims = np.array([1.0, 0.95, 0.9, 0.8, 0.75, 0.7, 0.7, 0.5, 0.0])
    for length in (1, 2, 5, 9, 14):
        for lengths in (np.full(len(sims), 1), np.arange(1, len(sims) + 1), np.full(len(sims), 12)):
            expected = [credit(s, max(length, n), min(length, n)) for s, n in zip(sims, lengths.tolist(), strict=True)]
            assert credits(sims, lengths, length).tolist() == expected


def test_the_lightest_tokens_that_cannot_reach_alone_are_not_essential() -> None:
    weights = np.array([0.3, 5.0, 0.4, 6.0, 0.4])
    # 0.3 + 0.4 + 0.4 = 1.1 stays under 1.2: those three alone cannot make it
    assert _essential(weights, 1.2).tolist() == [False, True, False, True, False]
    # under 1.0, only two of them: the first 0.4 (by position) goes in
    assert _essential(weights, 1.0).tolist() == [False, True, False, True, True]
    assert _essential(weights, 0.1).all()


def test_kernels_load_in_a_second_interpreter() -> None:
    """What screen.load_index starts beside an index build: it must find sekisho and finish cleanly."""
    process = load_aside()
    assert process is not None
    assert process.wait(timeout=600) == 0


def test_the_reach_memo_gives_the_same_bounds_as_it_grows_and_starts_afresh(screener: Any,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A query's slots point into the memo's arrays: growing them, or starting afresh between two
    queries, must not change what any query finds."""
    index = screener.index
    monkeypatch.setattr(index.session(), "reach", ReachMemo())
    first = {name: _bounds(screener, name, type_, 0.5, 50)[1:] for name, type_ in QUERIES}
    remembered = len(index._reach.spans)
    monkeypatch.setattr(ReachMemo, "LIMIT", 3)
    monkeypatch.setattr(ReachMemo, "START", 2)
    monkeypatch.setattr(index.session(), "reach", ReachMemo())
    for name, type_ in [*QUERIES, *QUERIES]:
        fids, bounds = _bounds(screener, name, type_, 0.5, 50)[1:]
        assert fids.tolist() == first[name][0].tolist(), name
        assert np.allclose(bounds, first[name][1]), name
    assert len(index._reach.tokens) > 2  # grew
    assert len(index._reach.spans) < remembered  # started afresh
