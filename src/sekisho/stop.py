"""Stopping a run on SIGTERM or Ctrl-C, at a point where stopping is safe.

An exception raised straight from a signal handler lands wherever the main thread is, including
Python code that compiled code calls back (numba loading a kernel), which then fails in ways of
its own. Work of that kind runs inside `deferred()`: a signal there is noted and raised as
Interrupted at the next `check()` the work makes between steps, or when the block ends. Elsewhere,
and on a second signal, it is raised at once.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from sekisho.errors import Interrupted

_signal: int | None = None
_deferring = 0


def _interrupted(signum: int) -> Interrupted:
    return Interrupted(f"stopped by {signal.Signals(signum).name}", 128 + signum)


def _handler(signum: int, _frame: FrameType | None) -> None:
    global _signal
    again = _signal is not None
    _signal = signum
    if not _deferring or again:
        raise _interrupted(signum)


def install() -> None:
    """Handle SIGTERM and SIGINT (for the command line; a library caller keeps its own handlers)."""
    global _signal
    _signal = None
    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)


def check() -> None:
    """Raise Interrupted if a signal came while deferred."""
    if _signal is not None and _deferring:
        raise _interrupted(_signal)


@contextmanager
def deferred() -> Iterator[None]:
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if _signal is not None:
        raise _interrupted(_signal)
