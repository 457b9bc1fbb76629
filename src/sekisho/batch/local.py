"""The local engine: partitions of parties shared between this process and forked workers."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext
from typing import Any

from sekisho import stop
from sekisho.batch.plan import MEMO_SIZE, Chunk, Planner, Result, Results
from sekisho.errors import SekishoError
from sekisho.match.index import Index
from sekisho.screen import Options, Party, screen_partition, warm_up

# Chunks a worker holds at most: one it screens and two it takes up next, so that it still has work
# while this process screens a chunk of its own (a worker holding two was left waiting for chunks;
# see docs/performance.md).
QUEUED = 3


class _Failed:
    """A worker's unexpected error, sent back in place of a chunk's results."""

    def __init__(self, trace: str) -> None:
        self.trace = trace


_END = None  # sent to a worker: no more chunks


# The parent's ends of the workers' pipes. A forked worker closes its copies of them: were it to
# keep them, its own pipe would never read as closed when the parent dies, and it would wait forever.
_PARENT_ENDS: list[Connection] = []


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent process dies, even by kill -9 (Linux; elsewhere a worker ends when
    it next reads its pipe and finds it closed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for end in _PARENT_ENDS:
        end.close()
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _serve(conn: Connection, index: Index, options: Options, parent: int) -> None:
    """A worker's loop: screen each chunk it is sent until it is sent _END.

    A thread takes the chunks off the pipe as they come, so that sending a chunk to this worker
    never waits on it while it waits to send its results (the pipe's buffers are finite both
    ways, and a sender blocks when the other side's is full)."""
    _die_with_parent(parent)
    tasks: queue.SimpleQueue[tuple[int, list[Party]] | None] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):  # the parent is gone
                task = _END
            tasks.put(task)
            if task is _END:
                return

    threading.Thread(target=read, daemon=True).start()
    while (task := tasks.get()) is not _END:
        seq, novel = task
        try:
            conn.send((seq, screen_partition(index, novel, options)))
        except Exception:  # a bug, not a bad party (screen_partition reports those): the parent raises it
            conn.send((seq, _Failed(traceback.format_exc())))


class _Worker:
    """A forked screening process and its end of the pipe."""

    def __init__(self, ctx: ForkContext, index: Index, options: Options) -> None:
        self.conn, theirs = ctx.Pipe()
        _PARENT_ENDS.append(self.conn)
        self.process = ctx.Process(target=_serve, args=(theirs, index, options, os.getpid()), daemon=True)
        self.process.start()
        theirs.close()
        self.held: list[int] = []  # the chunks sent and not yet answered, in the order it screens them

    def send(self, seq: int, novel: list[Party]) -> None:
        try:
            self.conn.send((seq, novel))
        except OSError:
            raise self._gone() from None
        self.held.append(seq)

    def receive(self) -> tuple[int, list[Result]]:
        try:
            seq, results = self.conn.recv()
        except (EOFError, OSError):  # a reset connection when it died with a task unread
            raise self._gone() from None
        if isinstance(results, _Failed):
            raise SekishoError(f"a screening worker failed:\n{results.trace}")
        self.held.remove(seq)
        return seq, results

    def _gone(self) -> SekishoError:
        self.process.join(1)
        return SekishoError(f"a screening worker stopped (exit code {self.process.exitcode})")

    def stop(self) -> None:
        """Let an idle worker end; stop one that still holds chunks (the caller stopped early)."""
        with contextlib.suppress(OSError):  # it may be gone already
            self.conn.send(_END)
        if self.held:
            self.process.terminate()
        self.process.join()
        self.conn.close()
        _PARENT_ENDS.remove(self.conn)


def screen_many(
    index: Index,
    parties: Iterable[tuple[int, Party]],
    options: Options,
    workers: int = 0,
    chunk_size: int = 256,
    on_progress: Callable[[int], Any] | None = None,
) -> Iterator[tuple[int, Result]]:
    """(row, hits or error) for each (row, party), in input order, on `workers` processes.

    Each distinct party is screened once (see plan.Planner). This process screens too: it forks one
    worker fewer, sends each chunk to a worker that holds fewer than QUEUED, and screens the chunk
    itself when every worker holds that many; at the end it screens the workers' last chunks as
    well instead of waiting for them. Workers are forked so they share this process's
    index pages instead of unpickling a copy, and are fed over their own pipes from this thread:
    with a process pool, a second fork and the pool's feeder and collector threads took a share of
    the cores while this process idled (docs/performance.md).
    """
    with stop.deferred():  # a SIGTERM or Ctrl-C ends the run between chunks (see stop.py)
        yield from _screen_many(index, parties, options, workers or os.cpu_count() or 1, chunk_size, on_progress)


def _screen_many(
    index: Index,
    parties: Iterable[tuple[int, Party]],
    options: Options,
    n: int,
    chunk_size: int,
    on_progress: Callable[[int], Any] | None,
) -> Iterator[tuple[int, Result]]:
    planner, results = Planner(chunk_size, MEMO_SIZE), Results()
    if n <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk in planner.chunks(parties):
            stop.check()
            yield from results.rows(chunk, screen_partition(index, chunk.novel, options))
            if on_progress:
                on_progress(len(chunk.rows))
        return
    warm_up()
    gc.freeze()  # the index's objects stay out of the workers' collections, so their pages stay shared
    ctx = mp.get_context("fork")
    helpers: list[_Worker] = []
    try:
        helpers = [_Worker(ctx, index, options) for _ in range(n - 1)]
        chunks: dict[int, Chunk] = {}
        done: dict[int, list[Result]] = {}
        ready = 0  # the next chunk to report

        def collect(worker: _Worker) -> None:
            seq, screened = worker.receive()
            if seq in chunks:  # not a chunk this process has also screened and reported
                done.setdefault(seq, screened)

        def report() -> Iterator[tuple[int, Result]]:
            nonlocal ready
            for w in helpers:
                while w.held and w.conn.poll():
                    collect(w)
            while ready in done:
                chunk = chunks.pop(ready)
                yield from results.rows(chunk, done.pop(ready))
                if on_progress:
                    on_progress(len(chunk.rows))
                ready += 1

        for seq, chunk in enumerate(planner.chunks(parties)):
            stop.check()
            chunks[seq] = chunk
            worker = min(helpers, key=lambda w: len(w.held))
            if chunk.novel and len(worker.held) < QUEUED:
                worker.send(seq, chunk.novel)
            else:  # every worker busy, or nothing new to screen
                done[seq] = screen_partition(index, chunk.novel, options)
            yield from report()
        while chunks:  # the rest are with the workers
            stop.check()
            # rather than wait, screen here too the chunk a worker would come to last (not the one it
            # is on): whichever result comes first is taken, and a worker still busy is stopped
            spare = max((seq for w in helpers for seq in w.held[1:] if seq not in done), default=None)
            if spare is not None:
                done[spare] = screen_partition(index, chunks[spare].novel, options)
            else:
                for conn in wait([w.conn for w in helpers if w.held]):
                    collect(next(w for w in helpers if w.conn is conn))
            yield from report()
    finally:  # also when the caller stops reading early
        for w in helpers:
            w.stop()
        gc.unfreeze()
