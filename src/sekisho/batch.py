"""Batch screening: partitions of parties mapped over worker processes sharing one index."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sekisho.match.index import Index
from sekisho.names.transliterate import warm_up
from sekisho.screen import Hit, Options, Party, screen_partition

_INDEX: Index | None = None
_OPTIONS: Options | None = None
_MEMO: dict[Party, list[Hit] | str] = {}  # per worker process; the options are fixed for its life


def _init(index: Index | None, options: Options) -> None:
    global _INDEX, _OPTIONS
    if index is not None:
        _INDEX = index
    _OPTIONS = options
    _MEMO.clear()


def _work(chunk: list[Party]) -> list[list[Hit] | str]:
    assert _INDEX is not None and _OPTIONS is not None
    return screen_partition(_INDEX, chunk, _OPTIONS, _MEMO)


def _chunks(items: Iterable[tuple[int, Party]], size: int) -> Iterator[list[tuple[int, Party]]]:
    chunk: list[tuple[int, Party]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_many(
    index: Index,
    parties: Iterable[tuple[int, Party]],
    options: Options,
    workers: int = 0,
    chunk_size: int = 256,
    on_progress: Callable[[int], Any] | None = None,
) -> Iterator[tuple[int, list[Hit] | str]]:
    """(row, hits or error) for each (row, party), in input order, using `workers` processes.

    Workers are forked so they share the parent's index pages instead of unpickling a copy.
    """
    n = workers or os.cpu_count() or 1
    if n <= 1 or "fork" not in mp.get_all_start_methods():
        memo: dict[Party, list[Hit] | str] = {}
        for chunk in _chunks(parties, chunk_size):
            results = screen_partition(index, [p for _, p in chunk], options, memo)
            yield from zip((r for r, _ in chunk), results, strict=True)
            if on_progress:
                on_progress(len(chunk))
        return
    global _INDEX
    _INDEX = index  # inherited by the forked workers
    warm_up()
    gc.freeze()  # the index's objects stay out of the workers' collections, so their pages stay shared
    ctx = mp.get_context("fork")
    pending: list[list[tuple[int, Party]]] = []

    def feed() -> Iterator[list[Party]]:
        for chunk in _chunks(parties, chunk_size):
            pending.append(chunk)
            yield [p for _, p in chunk]

    try:
        with ctx.Pool(n, initializer=_init, initargs=(None, options)) as pool:
            for results in pool.imap(_work, feed()):
                chunk = pending.pop(0)
                yield from zip((r for r, _ in chunk), results, strict=True)
                if on_progress:
                    on_progress(len(chunk))
    finally:  # also when the caller stops reading early
        gc.unfreeze()
