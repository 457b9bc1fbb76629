"""The Dask engine on a real local cluster: the same results as the local engine, in input order."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from sekisho.batch import screen_batch
from sekisho.errors import InvalidInput
from sekisho.screen import Party, Skipped

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster() -> Any:
    """Two worker processes, one thread each, as `--engine dask` starts without --scheduler."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


def _benchmark_parties(index: Any, n: int) -> list[tuple[int, Party]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from screening import make_parties
    finally:
        sys.path.pop(0)
    return [(i, Party(name)) for i, (name, _) in enumerate(make_parties(index, n, 7))]


def test_dask_gives_the_local_engines_results_on_the_benchmark_parties(screener: Any, cluster: Any) -> None:
    parties = _benchmark_parties(screener.index, 20_000)
    options = screener.options()
    local = list(screen_batch(screener.index, parties, options, engine="local", workers=2))
    seen: list[int] = []
    dask = list(screen_batch(screener.index, parties, options, engine="dask", scheduler=cluster.scheduler_address,
                             on_progress=seen.append))
    assert [row for row, _ in dask] == list(range(20_000))  # input order
    assert sum(seen) == 20_000
    assert sum(1 for _, r in dask if r) > 1_000  # the batch has hits to compare
    for (row_a, a), (row_b, b) in zip(local, dask, strict=True):
        assert row_a == row_b
        assert ([h.to_dict() for h in a] if isinstance(a, list) else a) == \
            ([h.to_dict() for h in b] if isinstance(b, list) else b)
    # the cluster outlives the run: nothing of it is left running there
    client = distributed.Client(cluster.scheduler_address)
    try:
        assert not client.who_has() and len(client.scheduler_info()["workers"]) == 2
    finally:
        client.close()


def test_bad_input_rows_come_back_as_errors_in_place(screener: Any, cluster: Any) -> None:
    parties = [(0, Party("Air Koryo")), (1, Party("   ")), (2, Party("Air Koryo")), (3, Party("!!!"))]
    results = dict(screen_batch(screener.index, parties, screener.options(), engine="dask",
                                scheduler=cluster.scheduler_address))
    assert isinstance(results[0], list) and results[0] and results[0][0].name.upper() == "AIR KORYO"
    assert results[1] == Skipped("empty name")
    assert isinstance(results[3], Skipped) and "letters or digits" in results[3].reason
    assert [h.to_dict() for h in results[2]] == [h.to_dict() for h in results[0]]


def test_an_unknown_engine_or_a_scheduler_without_dask_is_refused(screener: Any) -> None:
    with pytest.raises(InvalidInput, match="unknown engine 'spark'"):
        screen_batch(screener.index, [], screener.options(), engine="spark")
    with pytest.raises(InvalidInput, match="--scheduler is for --engine dask"):
        screen_batch(screener.index, [], screener.options(), scheduler="tcp://127.0.0.1:1")


def test_an_unreachable_scheduler_is_a_clear_error(screener: Any) -> None:
    from sekisho.errors import SekishoError

    with pytest.raises(SekishoError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        list(screen_batch(screener.index, [(0, Party("x"))], screener.options(), engine="dask",
                          scheduler="tcp://127.0.0.1:9"))
