import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from sekisho.batch import local as batch
from sekisho.batch import screen_many
from sekisho.batch.plan import Planner, Results
from sekisho.errors import SekishoError
from sekisho.screen import Party, Skipped, screen_partition


def test_planner_sends_each_distinct_party_once() -> None:
    a, b, c, bad = Party("a"), Party("b"), Party("c"), Party("  ")
    rows = list(enumerate([a, b, a, bad, a, b, bad, a, c]))
    chunks = list(Planner(chunk_size=2, memo_size=100).chunks(rows))
    assert [ch.novel for ch in chunks] == [[a, b], [bad, c]]  # bad rows included
    numbered = {p: i for i, p in enumerate([a, b, bad, c])}
    assert [r for ch in chunks for r in ch.rows] == [(row, numbered[p]) for row, p in rows]
    assert [ch.first for ch in chunks] == [0, 2]
    assert [ch.fresh for ch in chunks] == [True, False]


def test_planner_starts_afresh_when_the_memory_is_full() -> None:
    a, b, c = Party("a"), Party("b"), Party("c")
    rows = list(enumerate([a, b, a, c, a]))
    chunks = list(Planner(chunk_size=1, memo_size=2).chunks(rows))
    # after every two distinct parties the memory is cleared, so "a" is screened again each time
    assert [ch.novel for ch in chunks] == [[a], [b], [a], [c], [a]]
    assert [ch.fresh for ch in chunks] == [True, False, True, False, True]
    results = Results()
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
    assert any(isinstance(r, list) and r for r in expected) and any(isinstance(r, Skipped) for r in expected)


def _names(n: int) -> list[tuple[int, Party]]:
    return list(enumerate(Party(f"Trading Company {i}") for i in range(n)))


def _in_workers(parent: int, action: Callable[[], None]) -> Callable[..., list[Any]]:
    """screen_partition that first does `action` when run in a worker, not in this process."""

    def screen(index: Any, parties: Sequence[Party], options: Any) -> list[Any]:
        if os.getpid() != parent:
            action()
        return screen_partition(index, parties, options)

    return screen


def test_this_process_screens_while_the_workers_are_busy(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    here: list[Party] = []

    def screen(index: Any, parties: Sequence[Party], options: Any) -> list[Any]:
        if os.getpid() == parent:
            here.extend(parties)
        else:
            time.sleep(0.05)  # a slow worker: its two chunks are still queued when the next comes
        return screen_partition(index, parties, options)

    parent = os.getpid()
    monkeypatch.setattr(batch, "screen_partition", screen)
    rows = _names(12)
    options = screener.options(explain=False)
    got = list(screen_many(screener.index, rows, options, workers=2, chunk_size=2))
    assert got == list(enumerate(screen_partition(screener.index, [p for _, p in rows], options)))
    assert 0 < len(here) < len(rows)  # both sides screened
    assert not mp.active_children()


def test_at_the_end_this_process_screens_the_chunks_a_worker_has_not_begun(
        screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    here: list[Party] = []

    def screen(index: Any, parties: Sequence[Party], options: Any) -> list[Any]:
        if os.getpid() == parent:
            here.extend(parties)
        else:
            time.sleep(0.3)  # the worker is still on its first chunk when this process runs out of input
        return screen_partition(index, parties, options)

    parent = os.getpid()
    monkeypatch.setattr(batch, "screen_partition", screen)
    rows = _names(12)  # six chunks of two: three to the worker, three screened here
    options = screener.options(explain=False)
    got = list(screen_many(screener.index, rows, options, workers=2, chunk_size=2))
    assert got == list(enumerate(screen_partition(screener.index, [p for _, p in rows], options)))
    # then its third and second chunks again, not the first, which it had begun
    assert here == [p for _, p in rows[6:]] + [p for _, p in rows[4:6]] + [p for _, p in rows[2:4]]
    assert not mp.active_children()  # the worker, still on a chunk screened here too, was stopped


def test_large_chunks_and_results_both_ways_do_not_stall(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks and results each larger than a pipe's buffer: a worker still takes chunks while it
    waits to send results, so neither side waits on the other for ever."""
    long = "x" * 300_000

    def screen(index: Any, parties: Sequence[Party], options: Any) -> list[Any]:
        return [long] * len(parties)  # as large as results get, without screening 300 kB names

    monkeypatch.setattr(batch, "screen_partition", screen)
    rows = list(enumerate(Party(f"{long} {i}") for i in range(12)))
    got: list[Any] = []
    runner = threading.Thread(target=lambda: got.extend(screen_many(screener.index, rows, screener.options(),
                                                                    workers=2, chunk_size=1)), daemon=True)
    runner.start()
    runner.join(60)
    assert not runner.is_alive(), "screening stalled"
    assert got == [(i, long) for i in range(12)]
    assert not mp.active_children()


def test_an_error_in_a_worker_is_raised_here(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise RuntimeError("kernel bug")

    monkeypatch.setattr(batch, "screen_partition", _in_workers(os.getpid(), fail))
    with pytest.raises(SekishoError, match=r"worker failed(?s:.*)RuntimeError: kernel bug"):
        list(screen_many(screener.index, _names(8), screener.options(), workers=2, chunk_size=2))
    assert not mp.active_children()


def test_a_worker_that_dies_is_reported(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "screen_partition", _in_workers(os.getpid(), lambda: os._exit(3)))
    with pytest.raises(SekishoError, match="worker stopped"):
        list(screen_many(screener.index, _names(8), screener.options(), workers=2, chunk_size=2))
    assert not mp.active_children()


def test_a_caller_that_stops_reading_early_leaves_no_worker(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "screen_partition", _in_workers(os.getpid(), lambda: time.sleep(0.05)))
    results = screen_many(screener.index, _names(40), screener.options(), workers=2, chunk_size=2)
    assert next(results)[0] == 0
    results.close()
    assert not mp.active_children()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
        except FileNotFoundError:  # a thread that ended since the listing
            continue
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead child waits for its new parent to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _screening_process(tmp_path: Path, delay: float = 1.0) -> tuple[subprocess.Popen[str], list[int], Path]:
    """`sekisho screen --file` on 2 processes over 150,000 distinct made-up names, `delay` seconds
    after its worker started (early on, the kernels are still being loaded)."""
    rng = random.Random(5)
    syllables = ["ka", "to", "mi", "ra", "zen", "lo", "vich", "shan", "gor", "el", "tek", "nor", "bu", "qu"]
    src = tmp_path / "parties.jsonl"
    with src.open("w") as fh:
        for _ in range(150_000):
            name = " ".join("".join(rng.choice(syllables) for _ in range(3)).title() for _ in range(2))
            fh.write(json.dumps({"name": name}) + "\n")
    dest = tmp_path / "out.jsonl"
    dest.write_text("earlier results\n")
    proc = subprocess.Popen([sys.executable, "-m", "sekisho", "screen", "--file", str(src), "--out", str(dest),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (workers := _children(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    time.sleep(delay)
    assert proc.poll() is None, "the run ended before it could be stopped"
    return proc, workers, dest


def _gone(pids: list[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while any(_running(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("sig", "delay"), [(signal.SIGTERM, 0.0), (signal.SIGTERM, 0.3), (signal.SIGTERM, 1.5),
                                            (signal.SIGINT, 1.0)])
def test_a_stopped_batch_ends_cleanly(screener: Any, tmp_path: Path, sig: int, delay: float) -> None:
    proc, workers, dest = _screening_process(tmp_path, delay)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert f"no results written; {dest} is as it was" in err.splitlines()[-1]
    assert dest.read_text() == "earlier results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "parties.jsonl"]
    assert _gone(workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_parent(screener: Any, tmp_path: Path) -> None:
    proc, workers, dest = _screening_process(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(workers, within=5.0)
    assert dest.read_text() == "earlier results\n"  # the unfinished results keep their .partial name
    assert [p.name.endswith(".partial") for p in tmp_path.iterdir() if p.name.startswith(".")] == [True]
