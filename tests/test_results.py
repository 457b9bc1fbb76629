"""Batch results are written all or nothing, with every column and value of every row."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from sekisho.errors import InvalidInput
from sekisho.parties import BadRow
from sekisho.results import ResultWriter, result_record, skipped_path

HIT = {"list": "us-ofac-sdn", "entity_id": "us-ofac-sdn:1", "name": "X", "matched_name": "X", "score": 0.9,
       "explanation": {}}


def _write(path: Path, records: list[tuple[dict[str, object], list[dict[str, object]]]]) -> None:
    with ResultWriter(path) as writer:
        for i, (inputs, hits) in enumerate(records):
            writer.write(result_record(i, inputs, hits))


MIXED = [({"name": "Acme", "id": 17}, []), ({"name": "Beta", "id": "B-2", "cc": "JP"}, [HIT]),
         ({"name": "Gamma\x01", "id": 3.5, "extra": {"a": 1}}, [])]


def test_csv_keeps_every_column_any_row_has(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    _write(path, MIXED)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:5] == ["row", "input_name", "input_id", "input_cc", "input_extra"]
    assert [r["input_cc"] for r in rows] == ["", "JP", ""] and rows[2]["input_extra"] == '{"a": 1}'
    assert rows[1]["top_entity_id"] == "us-ofac-sdn:1" and json.loads(rows[1]["hits"]) == [HIT]


def test_parquet_takes_mixed_value_types(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    _write(path, MIXED)
    table = pq.read_table(path)
    assert table.column("input_id").to_pylist() == ["17", "B-2", "3.5"]
    assert table.column("input_extra").to_pylist() == [None, None, '{"a": 1}']
    assert table.column("hit_count").to_pylist() == [0, 1, 0] and table.column("row").to_pylist() == [0, 1, 2]


def test_xlsx_takes_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    _write(path, MIXED)
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("row", "input_name", "input_id") and rows[3][1] == "Gamma\ufffd" and len(rows) == 4


def test_empty_results_are_still_a_valid_file(tmp_path: Path) -> None:
    for ext in (".csv", ".parquet", ".xlsx", ".jsonl"):
        _write(tmp_path / f"r{ext}", [])
    assert pq.read_table(tmp_path / "r.parquet").num_rows == 0
    assert (tmp_path / "r.csv").read_text().startswith("row,hit_count")


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet", ".xlsx"])
def test_failed_run_leaves_the_old_file_untouched(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"r{ext}"
    path.write_bytes(b"earlier results")
    skipped_path(path).write_text("row,line,field,reason\n")
    with pytest.raises(RuntimeError), ResultWriter(path) as writer:
        writer.write(result_record(0, {"name": "Acme"}, []))
        writer.skip(BadRow(1, (3, 3), "3 fields where the header has 2"))
        raise RuntimeError("the run failed")
    assert path.read_bytes() == b"earlier results"
    assert skipped_path(path).read_text() == "row,line,field,reason\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, skipped_path(path).name])


def test_skipped_rows_in_row_order_and_stale_file_removed(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultWriter(path) as writer:
        writer.skip(BadRow(7, (9, 9), "empty name", "name"))
        writer.skip(BadRow(2, (3, 5), "malformed CSV"))
    with skipped_path(path).open(encoding="utf-8", newline="") as fh:
        assert [r["row"] + ":" + r["line"] for r in csv.DictReader(fh)] == ["2:3-5", "7:9"]
    with ResultWriter(path):
        pass  # a run that skips nothing: an earlier run's skipped rows must not look like this one's
    assert not skipped_path(path).exists()


def test_output_that_is_the_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "parties.csv"
    src.write_text("name\nAcme\n")
    (tmp_path / "link.csv").symlink_to(src)
    for out in (src, tmp_path / "." / "parties.csv", tmp_path / "link.csv"):
        with pytest.raises(InvalidInput, match="is the input file"):
            ResultWriter(out, inputs=[src])
    assert src.read_text() == "name\nAcme\n"


def test_partial_file_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    code = (f"import os\nfrom pathlib import Path\nfrom sekisho.results import ResultWriter\n"
            f"w = ResultWriter(Path({str(path)!r}))\nw.write({{'row': 0, 'input': {{}}, 'hits': []}})\n"
            f"w._fh.flush()\nos.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code], check=False)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].endswith(".partial") and not path.exists()
    _write(path, [({"name": "Acme"}, [])])
    assert [p.name for p in tmp_path.iterdir()] == ["r.jsonl"]
    assert os.path.getsize(path) > 0
