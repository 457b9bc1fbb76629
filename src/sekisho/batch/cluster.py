"""The Dask engine: partitions of parties screened on a Dask distributed cluster.

The index is sent to every worker once (`Client.scatter(..., broadcast=True)`), and each task
names it, so no task carries it. Chunks are planned as for the local engine (each distinct party
once in the whole run) and at most a few per worker are in flight, so that neither side holds the
whole input; results come back in input order. Without a scheduler address a LocalCluster of
worker processes is started for the run and closed after it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sekisho import stop
from sekisho.batch.plan import MEMO_SIZE, Chunk, Planner, Result, Results
from sekisho.errors import InvalidInput, SekishoError
from sekisho.match.index import Index
from sekisho.screen import Options, Party, screen_partition

IN_FLIGHT = 3  # chunks per worker submitted and not yet collected


def _client(scheduler: str | None, workers: int) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InvalidInput("the dask engine needs Dask distributed: pip install 'sekisho[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="30s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise SekishoError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    # one thread per worker process: screening is CPU-bound Python and compiled code
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)  # type: ignore[no-untyped-call]


def screen_many_dask(
    index: Index,
    parties: Iterable[tuple[int, Party]],
    options: Options,
    scheduler: str | None = None,
    workers: int = 0,
    chunk_size: int = 256,
    on_progress: Callable[[int], Any] | None = None,
) -> Iterator[tuple[int, Result]]:
    """(row, hits or error) for each (row, party), in input order, screened on a Dask cluster: the
    one at `scheduler` (tcp://HOST:PORT), or a local one of `workers` processes (0: one per core)."""
    client = _client(scheduler, workers or os.cpu_count() or 1)
    try:
        with stop.deferred():
            yield from _run(client, index, parties, options, chunk_size, on_progress)
    finally:
        cluster = None if scheduler else client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def _run(client: Any, index: Index, parties: Iterable[tuple[int, Party]], options: Options, chunk_size: int,
         on_progress: Callable[[int], Any] | None) -> Iterator[tuple[int, Result]]:
    shared = client.scatter(index, broadcast=True, hash=False)
    limit = IN_FLIGHT * max(len(client.scheduler_info()["workers"]), 1)
    planner, results = Planner(chunk_size, MEMO_SIZE), Results()
    pending: deque[tuple[Chunk, Any]] = deque()

    def report(chunk: Chunk, future: Any) -> Iterator[tuple[int, Result]]:
        screened: list[Result] = future.result() if future is not None else []
        yield from results.rows(chunk, screened)
        if on_progress:
            on_progress(len(chunk.rows))

    try:
        for chunk in planner.chunks(parties):
            stop.check()
            future = client.submit(screen_partition, shared, chunk.novel, options, pure=False) \
                if chunk.novel else None
            pending.append((chunk, future))
            while len(pending) >= limit:
                yield from report(*pending.popleft())
        while pending:
            stop.check()
            yield from report(*pending.popleft())
    finally:  # also when the caller stops early: nothing left running on the cluster
        client.cancel([f for _, f in pending if f is not None])
