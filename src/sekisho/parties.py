"""Reading party files and writing results: CSV, XLSX, Parquet or JSONL, chosen by extension."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sekisho.errors import InvalidInput, ListFormatError

FORMATS = (".csv", ".xlsx", ".parquet", ".jsonl")


@dataclass(frozen=True)
class Columns:
    name: str = "name"
    country: str | None = None
    type: str | None = None
    birth_date: str | None = None
    identifier: str | None = None


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(FORMATS)}")
    return suffix


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Input rows as dicts, in file order (row 0 is the first data row)."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    fmt = _format(path)
    if fmt == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            try:
                yield from reader
            except csv.Error as exc:
                raise ListFormatError(str(path), f"malformed CSV: {exc}", row=reader.line_num) from None
            except UnicodeDecodeError as exc:
                raise ListFormatError(str(path), f"not UTF-8: {exc.reason}") from None
    elif fmt == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ListFormatError(str(path), f"invalid JSON: {exc.msg}", row=line_no) from None
                if not isinstance(obj, dict):
                    raise ListFormatError(str(path), "each line must be a JSON object", row=line_no)
                yield obj
    elif fmt == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h) if h is not None else f"col{i}" for i, h in enumerate(next(rows, ()) or ())]
        for row in rows:
            if any(v is not None for v in row):
                yield {h: ("" if v is None else v) for h, v in zip(header, row, strict=False)}
        wb.close()
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        for batch in table.to_batches(max_chunksize=10_000):
            yield from batch.to_pylist()


def result_record(row: int, inputs: dict[str, Any], hits: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"row": row, "input": inputs, "hits": list(hits)}


class ResultWriter:
    """Streams JSONL and CSV; collects rows for XLSX and Parquet, which are written at close."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fmt = _format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rows: list[dict[str, Any]] = []
        self._fh = path.open("w", encoding="utf-8", newline="") if self.fmt in (".jsonl", ".csv") else None
        self._csv: csv.DictWriter[str] | None = None

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == ".jsonl":
            assert self._fh is not None
            self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            return
        flat = {"row": record["row"], **{f"input_{k}": v for k, v in record["input"].items()}}
        hits = record["hits"]
        flat["hit_count"] = len(hits)
        flat["top_score"] = hits[0]["score"] if hits else None
        flat["top_list"] = hits[0]["list"] if hits else None
        flat["top_entity_id"] = hits[0]["entity_id"] if hits else None
        flat["top_name"] = hits[0]["name"] if hits else None
        flat["hits"] = json.dumps(hits, ensure_ascii=False, default=str)
        if self.fmt == ".csv":
            assert self._fh is not None
            if self._csv is None:
                self._csv = csv.DictWriter(self._fh, fieldnames=list(flat), extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerow(flat)
        else:
            self._rows.append(flat)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        elif self.fmt == ".xlsx":
            import openpyxl

            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("results")
            header = list(self._rows[0]) if self._rows else ["row", "hit_count", "hits"]
            ws.append(header)
            for r in self._rows:
                ws.append([_cell(r.get(h)) for h in header])
            wb.save(self.path)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            cols = list(self._rows[0]) if self._rows else ["row", "hit_count", "hits"]
            table = pa.table({c: [_cell(r.get(c)) for r in self._rows] for c in cols})
            pq.write_table(table, self.path)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
