from typing import Any

import pytest

from sekisho.batch import _Planner, _Results, screen_many
from sekisho.screen import Party, screen_partition


def test_planner_sends_each_distinct_party_once() -> None:
    a, b, c, bad = Party("a"), Party("b"), Party("c"), Party("  ")
    rows = list(enumerate([a, b, a, bad, a, b, bad, a, c]))
    chunks = list(_Planner(chunk_size=2, memo_size=100).chunks(rows))
    assert [ch.novel for ch in chunks] == [[a, b], [bad, c]]  # bad rows included
    numbered = {p: i for i, p in enumerate([a, b, bad, c])}
    assert [r for ch in chunks for r in ch.rows] == [(row, numbered[p]) for row, p in rows]
    assert [ch.first for ch in chunks] == [0, 2]
    assert [ch.fresh for ch in chunks] == [True, False]


def test_planner_starts_afresh_when_the_memory_is_full() -> None:
    a, b, c = Party("a"), Party("b"), Party("c")
    rows = list(enumerate([a, b, a, c, a]))
    chunks = list(_Planner(chunk_size=1, memo_size=2).chunks(rows))
    # after every two distinct parties the memory is cleared, so "a" is screened again each time
    assert [ch.novel for ch in chunks] == [[a], [b], [a], [c], [a]]
    assert [ch.fresh for ch in chunks] == [True, False, True, False, True]
    results = _Results()
    screened = {"a": "A", "b": "B", "c": "C"}
    out = [r for ch in chunks for r in results.rows(ch, [screened[p.name] for p in ch.novel])]
    assert out == [(0, "A"), (1, "B"), (2, "A"), (3, "C"), (4, "A")]


@pytest.mark.parametrize("workers", [1, 2])
def test_screen_many_matches_screen_partition_in_order(screener: Any, workers: int) -> None:
    names = ["Vladimir Putin", "", "Toyota Motor Corporation", "Air Koryo", "Vladimir Putin", "Air Koryo"]
    parties = [Party(n) for n in names] * 3
    options = screener.options(explain=False)
    expected = screen_partition(screener.index, parties, options)
    got = list(screen_many(screener.index, enumerate(parties), options, workers, chunk_size=2))
    assert [row for row, _ in got] == list(range(len(parties)))
    assert [result for _, result in got] == expected
    assert any(isinstance(r, list) and r for r in expected) and any(isinstance(r, str) for r in expected)
