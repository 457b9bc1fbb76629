"""Writing batch results: JSONL, CSV, XLSX or Parquet, chosen by extension, all or nothing.

Results are written to a hidden file beside the target and renamed into place by `commit()` when
the run has completed; a run that fails or is stopped (`abort()`, or an exception out of the
`with` block) leaves whatever was at the target before untouched. Rows are spooled as JSON lines
until then, so that a CSV, XLSX or Parquet file gets every input column that any row had, in the
order they first appear, and every value, whatever its type.

Beside the results, RESULTS.skipped.csv lists every input row that was not screened, with its row,
its line(s) in the input file and the reason; it is removed when a run skips nothing, so that a
stale one from an earlier run is never read as this run's. RESULTS.provenance.json says what the
run screened against and how (Screener.provenance), with each input file's sha256 and the counts;
it is put in place with the results, so it always describes the results beside it.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sekisho.errors import InvalidInput
from sekisho.fileops import files_sha256, remove, remove_stale, same_file, temp_name
from sekisho.parties import BadRow, file_format, line_text

PARTIAL, SPOOL = "partial", "spool"
FIXED = ("hit_count", "top_score", "top_list", "top_entity_id", "top_name", "hits")


def skipped_path(results: Path) -> Path:
    return results.with_name(results.name + ".skipped.csv")


def provenance_path(results: Path) -> Path:
    return results.with_name(results.name + ".provenance.json")


def result_record(row: int, inputs: dict[str, Any], hits: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"row": row, "input": inputs, "hits": list(hits)}


class ResultWriter:
    def __init__(self, path: Path, inputs: Sequence[Path] = (), provenance: dict[str, Any] | None = None) -> None:
        self.format = file_format(path)
        self.inputs, self.provenance = list(inputs), provenance
        for source in inputs:
            if same_file(path, source) or path.resolve() == source.resolve():
                raise InvalidInput(f"--out {path} is the input file: choose another results file")
            if same_file(skipped_path(path), source):
                raise InvalidInput(f"--out {path}: its skipped-rows file would overwrite the input {source}")
        if path.is_dir():
            raise InvalidInput(f"--out {path} is a folder: give a file name (.jsonl, .csv, .xlsx or .parquet)")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.rows = self.skipped = 0
        for target, kind in ((path, PARTIAL), (path, SPOOL), (skipped_path(path), PARTIAL),
                             (provenance_path(path), PARTIAL)):
            remove_stale(target, kind)
        self._provenance_partial = temp_name(provenance_path(path), PARTIAL)
        self._partial = temp_name(path, PARTIAL)
        self._spool = temp_name(path, SPOOL if self.format != ".jsonl" else PARTIAL)
        self._fh: IO[str] | None = self._spool.open("w", encoding="utf-8", newline="")
        self._skipped_partial = temp_name(skipped_path(path), PARTIAL)
        self._skipped: Any = None  # csv writer, opened at the first skipped row
        self._skipped_fh: IO[str] | None = None
        self._columns: dict[str, None] = {}  # input columns in the order rows first give them

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    def write(self, record: dict[str, Any]) -> None:
        assert self._fh is not None, "writer already closed"
        self._columns.update(dict.fromkeys(record["input"]))
        self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.rows += 1

    def skip(self, bad: BadRow) -> None:
        if self._skipped is None:
            self._skipped_fh = self._skipped_partial.open("w", encoding="utf-8", newline="")
            self._skipped = csv.writer(self._skipped_fh)
            self._skipped.writerow(("row", "line", "field", "reason"))
        self._skipped.writerow((bad.index, line_text(bad.lines), bad.field or "", bad.reason))
        self.skipped += 1

    def commit(self) -> None:
        """Finish the file and put it (and the skipped-rows file) in place."""
        self._close_handles()
        if self.format != ".jsonl":
            try:
                _CONVERT[self.format](self._spool, self._partial, list(self._columns))
            finally:
                remove(self._spool)
        if self.provenance is not None:
            facts = {**self.provenance, "results": self.path.name, "rows_screened": self.rows,
                     "rows_skipped": self.skipped,
                     "inputs": [{"file": str(p), "sha256": files_sha256([p])} for p in self.inputs]}
            self._provenance_partial.write_text(json.dumps(facts, indent=2, ensure_ascii=False), "utf-8")
        os.replace(self._partial, self.path)
        if self.provenance is not None:
            os.replace(self._provenance_partial, provenance_path(self.path))
        if self._skipped is not None:
            _sort_by_row(self._skipped_partial)
            os.replace(self._skipped_partial, skipped_path(self.path))
        else:
            remove(skipped_path(self.path))

    def abort(self) -> None:
        """Remove what this run wrote; the target and its skipped-rows file stay as they were."""
        self._close_handles()
        for path in (self._spool, self._partial, self._skipped_partial, self._provenance_partial):
            remove(path)

    def _close_handles(self) -> None:
        for fh in (self._fh, self._skipped_fh):
            if fh is not None:
                fh.close()
        self._fh = self._skipped_fh = None


def _sort_by_row(path: Path) -> None:
    """Rows skipped while reading and rows skipped by screening arrive apart: put them in row order."""
    with path.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    rows.sort(key=lambda r: int(r[0]))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _records(spool: Path) -> Iterator[dict[str, Any]]:
    with spool.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _scalar(value: Any) -> Any:
    """An input value for a cell: nested values (a JSONL object's lists and objects) as JSON."""
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict | list) else value


def _flat(record: dict[str, Any], columns: Sequence[str]) -> list[Any]:
    """One results row: the row number, every input column, the top hit and all hits as JSON."""
    hits = record["hits"]
    top = hits[0] if hits else {}
    inputs = record["input"]
    return [record["row"], *(_scalar(inputs.get(c)) for c in columns), len(hits), top.get("score"), top.get("list"),
            top.get("entity_id"), top.get("name"), json.dumps(hits, ensure_ascii=False, default=str)]


def _header(columns: Sequence[str]) -> list[str]:
    return ["row", *(f"input_{c}" for c in columns), *FIXED]


def _to_csv(spool: Path, dest: Path, columns: Sequence[str]) -> None:
    with dest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_header(columns))
        for record in _records(spool):
            writer.writerow(["" if v is None else v for v in _flat(record, columns)])


def _to_xlsx(spool: Path, dest: Path, columns: Sequence[str]) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float):
            return value
        # control characters are not allowed in a workbook: without this one such cell loses the run
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value if isinstance(value, str) else str(value))

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("results")
    ws.append(_header(columns))
    for record in _records(spool):
        ws.append([cell(v) for v in _flat(record, columns)])
    wb.save(dest)


def _to_parquet(spool: Path, dest: Path, columns: Sequence[str]) -> None:
    """Input columns as text (a column's values may be of any mix of types), the rest typed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = _header(columns)
    types = [pa.int64(), *(pa.string() for _ in columns), pa.int64(), pa.float64(), pa.string(), pa.string(),
             pa.string(), pa.string()]
    schema = pa.schema(list(zip(header, types, strict=True)))
    n_inputs = len(columns)

    def text(value: Any) -> str | None:
        return value if value is None or isinstance(value, str) else str(value)

    with pq.ParquetWriter(dest, schema) as writer:
        batch: list[list[Any]] = []

        def flush() -> None:
            cols = list(zip(*batch, strict=True)) if batch else [() for _ in header]
            writer.write_table(pa.table([pa.array(c, type=t) for c, t in zip(cols, types, strict=True)],
                                        schema=schema))
            batch.clear()

        for record in _records(spool):
            flat = _flat(record, columns)
            flat[1 : 1 + n_inputs] = [text(v) for v in flat[1 : 1 + n_inputs]]
            batch.append(flat)
            if len(batch) >= 10_000:
                flush()
        if batch:
            flush()


_CONVERT = {".csv": _to_csv, ".xlsx": _to_xlsx, ".parquet": _to_parquet}
