"""Batch screening, on an engine: this process and forked workers (`local`, the default; serial
with one worker), or a Dask cluster (`cluster`, the `dask` extra). Every engine plans a batch the
same way (`plan`: each distinct party once) and returns rows in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sekisho.batch.local import screen_many
from sekisho.batch.plan import Result
from sekisho.errors import InvalidInput
from sekisho.match.index import Index
from sekisho.screen import Options, Party

ENGINES = ("local", "dask")

__all__ = ["ENGINES", "Result", "screen_batch", "screen_many"]


def screen_batch(index: Index, parties: Iterable[tuple[int, Party]], options: Options, *, engine: str = "local",
                 workers: int = 0, scheduler: str | None = None,
                 on_progress: Callable[[int], Any] | None = None) -> Iterator[tuple[int, Result]]:
    """(row, hits or error) for each (row, party), in input order, on the engine named."""
    if engine == "local":
        if scheduler:
            raise InvalidInput("--scheduler is for --engine dask")
        return screen_many(index, parties, options, workers, on_progress=on_progress)
    if engine == "dask":
        from sekisho.batch.cluster import screen_many_dask

        return screen_many_dask(index, parties, options, scheduler, workers, on_progress=on_progress)
    raise InvalidInput(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
