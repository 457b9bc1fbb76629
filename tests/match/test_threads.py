"""One index, many threads: each thread searches with its own session and gets the serial results."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sekisho.screen import Party, screen_partition

ROOT = Path(__file__).resolve().parents[2]


def _parties(index: Any, n: int) -> list[Party]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from screening import make_parties
    finally:
        sys.path.pop(0)
    return list(dict.fromkeys(Party(name) for name, _ in make_parties(index, n, 11)))


def _plain(results: list[Any]) -> list[Any]:
    return [[h.to_dict() for h in r] if isinstance(r, list) else r for r in results]


def test_eight_threads_at_once_give_the_serial_results(screener: Any) -> None:
    index, options = screener.index, screener.options()
    parties = _parties(index, 4000)
    serial = _plain(screen_partition(index, parties, options))
    assert sum(1 for r in serial if r) > 100  # enough hits to compare
    start = threading.Barrier(8)

    def run(k: int) -> tuple[list[Any], int]:
        # each thread in its own order, so that the threads' memos fill differently
        order = parties[k * len(parties) // 8:] + parties[: k * len(parties) // 8]
        start.wait()
        got = screen_partition(index, order, options)
        shift = len(parties) - k * len(parties) // 8
        return _plain(got[shift:] + got[:shift]), id(index.session())

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(run, range(8)))
    assert len({session for _, session in outcomes}) == 8  # a search session per thread
    for got, _ in outcomes:
        assert got == serial
