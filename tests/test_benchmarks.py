import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import ROOT, shared


def test_screening_benchmark_reports_every_figure(screener: Any) -> None:
    """A small run of the throughput benchmark (the index is already cached by the fixture)."""
    shared("populations", "forbes_global_2000_2025.csv")  # the benchmark draws its parties from there
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "screening.py"), "--parties", "40",
                          "--recall-sample", "4", "--repeat", "2", "--breakdown", "--json"],
                         capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["parties"] == 40 and result["cores"] >= 1
    runs = result["parties_per_s_runs"]
    assert len(runs) == 2 and min(runs) <= result["parties_per_s"] <= max(runs)
    assert result["parties_per_s_with_startup"] < result["parties_per_s"]
    # half the recall sample is distorted list names, which exhaustive scoring finds: the indexed
    # search must find every one of those pairs too
    assert result["recall_pairs"] > 0 and result["index_recall"] == 1.0
    groups = result["breakdown_us"]
    assert groups["all"]["parties"] == groups["latin"]["parties"] + groups["other"]["parties"]
    assert groups["all"]["parties"] == result["unique_parties"]
    assert all(groups["all"][stage] > 0 for stage in ("normalise", "retrieve"))
