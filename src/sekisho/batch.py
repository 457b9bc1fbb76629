"""Batch screening: partitions of parties mapped over worker processes sharing one index."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sekisho.match.index import Index
from sekisho.screen import Hit, Options, Party, screen_partition, warm_up

Result = list[Hit] | str
MEMO_SIZE = 200_000  # distinct parties whose results a batch remembers

_INDEX: Index | None = None
_OPTIONS: Options | None = None


def _init(index: Index | None, options: Options) -> None:
    global _INDEX, _OPTIONS
    if index is not None:
        _INDEX = index
    _OPTIONS = options


def _work(chunk: list[Party]) -> list[Result]:
    assert _INDEX is not None and _OPTIONS is not None
    return screen_partition(_INDEX, chunk, _OPTIONS)


@dataclass
class _Chunk:
    rows: list[tuple[int, int]]  # (row, the number the planner gave its party)
    novel: list[Party]  # parties not sent before, numbered from `first` on: the only ones screened
    first: int
    fresh: bool  # the results of earlier chunks are no longer referred to


class _Planner:
    """Splits the input into chunks and sends each distinct party to be screened once.

    Order and payment files repeat the same counterparty endlessly; screening each repeat once in
    the whole run (not once per worker) is most of a batch's speed. Results are remembered for at
    most `memo_size` distinct parties: then the memory starts afresh and a repeat is screened again.
    Each distinct party gets a number, so that a row's party is hashed once in the whole run.
    """

    def __init__(self, chunk_size: int, memo_size: int) -> None:
        self.chunk_size, self.memo_size = chunk_size, memo_size
        self.sent: dict[Party, int] = {}
        self.numbered = 0

    def chunks(self, items: Iterable[tuple[int, Party]]) -> Iterator[_Chunk]:
        rows: list[tuple[int, int]] = []
        novel: list[Party] = []
        first, fresh = self.numbered, True
        for row, party in items:
            number = self.sent.setdefault(party, self.numbered)
            if number == self.numbered:
                self.numbered += 1
                novel.append(party)
            rows.append((row, number))
            # rows are bounded too: a file of one party repeated still reports progress
            if len(novel) >= self.chunk_size or len(rows) >= 16 * self.chunk_size:
                yield _Chunk(rows, novel, first, fresh)
                rows, novel, first, fresh = [], [], self.numbered, False
                if len(self.sent) >= self.memo_size:
                    self.sent.clear()
                    fresh = True
        if rows:
            yield _Chunk(rows, novel, first, fresh)


class _Results:
    """The consumer's side of _Planner: every row's result, from its chunk's or an earlier one's."""

    def __init__(self) -> None:
        self.known: dict[int, Result] = {}

    def rows(self, chunk: _Chunk, results: list[Result]) -> Iterator[tuple[int, Result]]:
        if chunk.fresh:
            self.known.clear()
        self.known.update(zip(range(chunk.first, chunk.first + len(chunk.novel)), results, strict=True))
        for row, number in chunk.rows:
            found = self.known[number]
            yield row, list(found) if isinstance(found, list) else found


def screen_many(
    index: Index,
    parties: Iterable[tuple[int, Party]],
    options: Options,
    workers: int = 0,
    chunk_size: int = 256,
    on_progress: Callable[[int], Any] | None = None,
) -> Iterator[tuple[int, Result]]:
    """(row, hits or error) for each (row, party), in input order, using `workers` processes.

    Each distinct party is screened once (see _Planner). Workers are forked so they share the
    parent's index pages instead of unpickling a copy.
    """
    n = workers or os.cpu_count() or 1
    planner, results = _Planner(chunk_size, MEMO_SIZE), _Results()
    if n <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk in planner.chunks(parties):
            yield from results.rows(chunk, screen_partition(index, chunk.novel, options))
            if on_progress:
                on_progress(len(chunk.rows))
        return
    global _INDEX
    _INDEX = index  # inherited by the forked workers
    warm_up()
    gc.freeze()  # the index's objects stay out of the workers' collections, so their pages stay shared
    ctx = mp.get_context("fork")
    pending: list[_Chunk] = []

    def feed() -> Iterator[list[Party]]:  # runs in the pool's task thread, ahead of the results
        for chunk in planner.chunks(parties):
            pending.append(chunk)
            yield chunk.novel

    try:
        with ctx.Pool(n, initializer=_init, initargs=(None, options)) as pool:
            for screened in pool.imap(_work, feed()):
                chunk = pending.pop(0)
                yield from results.rows(chunk, screened)
                if on_progress:
                    on_progress(len(chunk.rows))
    finally:  # also when the caller stops reading early
        gc.unfreeze()
