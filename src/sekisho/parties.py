"""Reading party files: CSV, XLSX, Parquet or JSONL, chosen by extension.

Every data row comes out, in file order, either as a Row or as a BadRow saying why it cannot be
read (with the lines it spans), so that no row of the input is ever dropped without a trace: a
CSV row with a field too many, a quote left open that swallows the lines after it, a JSONL line
that is not JSON. A file that cannot be read at all (missing, a folder, not the format its name
says, undecodable bytes) raises one error naming it before any output is made.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sekisho.errors import InvalidInput, ListFormatError
from sekisho.textfile import decode_error, detect_encoding

FORMATS = (".csv", ".xlsx", ".parquet", ".jsonl")


@dataclass(frozen=True)
class Columns:
    name: str = "name"
    country: str | None = None
    type: str | None = None
    birth_date: str | None = None
    identifier: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    index: int  # 0-based data row: the `row` of its result
    lines: tuple[int, int] | None  # first and last line (sheet row) of the file it was read from
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadRow:
    index: int
    lines: tuple[int, int] | None
    reason: str
    field: str | None = None


def line_text(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    return str(lines[0]) if lines[0] == lines[1] else f"{lines[0]}-{lines[1]}"


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"{path}: unsupported file type {suffix!r}; use one of {', '.join(FORMATS)}")
    return suffix


class PartyFile:
    """An input file, checked when opened (it exists, is a file, has a known format and encoding),
    so that a run that cannot read it fails before it creates or touches any output."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        if not path.exists():
            raise InvalidInput(f"{path}: no such file")
        if path.is_dir():
            raise InvalidInput(f"{path}: is a folder, not a file")
        self.format = file_format(path)
        self.encoding: str | None = None
        self.encoding_how = ""
        if self.format in (".csv", ".jsonl"):
            self.encoding, self.encoding_how = detect_encoding(path, encoding)
        elif self.format == ".xlsx":
            self._workbook = _open_xlsx(path)
        else:
            self._parquet = _open_parquet(path)

    def rows(self) -> Iterator[Row | BadRow]:
        if self.format == ".csv":
            return self._csv()
        if self.format == ".jsonl":
            return self._jsonl()
        if self.format == ".xlsx":
            return self._xlsx()
        return self._parquet_rows()

    def _text(self) -> Any:
        assert self.encoding is not None
        return self.path.open(encoding=self.encoding, newline="")

    def _csv(self) -> Iterator[Row | BadRow]:
        with self._text() as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = _csv_header(self.path, reader)
                last = reader.line_num
                index = 0
                while True:
                    try:
                        record = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        lines = (last + 1, max(reader.line_num, last + 1))
                        last = reader.line_num
                        yield BadRow(index, lines, f"malformed CSV ({exc}): a quote left open or a stray quote; "
                                     f"line(s) {line_text(lines)} not read")
                        index += 1
                        continue
                    lines, last = (last + 1, reader.line_num), reader.line_num
                    if not any(f.strip() for f in record):
                        continue
                    if len(record) != len(header):
                        yield BadRow(index, lines, f"{len(record)} fields where the header has {len(header)}")
                    else:
                        yield Row(index, lines, dict(zip(header, record, strict=True)))
                    index += 1
            except UnicodeDecodeError:
                raise decode_error(self.path, self.encoding or "") from None

    def _jsonl(self) -> Iterator[Row | BadRow]:
        with self._text() as fh:
            index, line_no = 0, 0
            try:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    lines = (line_no, line_no)
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield BadRow(index, lines, f"invalid JSON: {exc.msg} at column {exc.colno}")
                    else:
                        if isinstance(obj, dict):
                            yield Row(index, lines, obj)
                        else:
                            yield BadRow(index, lines, f"a JSON {type(obj).__name__}, not an object")
                    index += 1
            except UnicodeDecodeError:
                raise decode_error(self.path, self.encoding or "") from None

    def _xlsx(self) -> Iterator[Row | BadRow]:
        wb = self._workbook
        try:
            sheet = wb.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            first = list(next(rows, None) or ())
            while first and (first[-1] is None or not str(first[-1]).strip()):
                first.pop()  # empty cells after the last column name
            header = _unique_header(self.path, first)
            index = 0
            for sheet_row, values in enumerate(rows, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                lines = (sheet_row, sheet_row)
                extra = [v for v in values[len(header):] if v is not None and str(v).strip()]
                if extra:
                    yield BadRow(index, lines, f"a value in column {len(header) + 1} or later, beyond the "
                                 f"header's {len(header)} columns")
                else:
                    yield Row(index, lines, {h: ("" if v is None else v)
                                             for h, v in zip(header, values, strict=False)})
                index += 1
        finally:
            wb.close()

    def _parquet_rows(self) -> Iterator[Row | BadRow]:
        index = 0
        try:
            for batch in self._parquet.iter_batches(batch_size=10_000):
                for values in batch.to_pylist():
                    yield Row(index, None, values)
                    index += 1
        except OSError as exc:  # pyarrow's errors are OSError or ValueError subclasses
            raise ListFormatError(str(self.path), f"cannot read past data row {index}: {exc}") from None
        except ValueError as exc:
            raise ListFormatError(str(self.path), f"cannot read past data row {index}: {exc}") from None


def _csv_header(path: Path, reader: Any) -> list[str]:
    try:
        first = next(reader)
    except StopIteration:
        raise ListFormatError(str(path), "file is empty (no header row)", row=1) from None
    except csv.Error as exc:
        raise ListFormatError(str(path), f"malformed header: {exc}", row=1) from None
    return _unique_header(path, first)


def _unique_header(path: Path, cells: list[Any]) -> list[str]:
    header: list[str] = []
    for i, cell in enumerate(cells):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column{i + 1}"
        if name in header:
            raise ListFormatError(str(path), "column name appears twice in the header", row=1, field=name)
        header.append(name)
    return header


def _open_xlsx(path: Path) -> Any:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ListFormatError(str(path), f"not a readable XLSX workbook ({exc or type(exc).__name__})") from None


def _open_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError
        raise ListFormatError(str(path), f"not a readable Parquet file ({exc})") from None


def cell_text(value: Any) -> str | None:
    """A party field as text: None for an empty cell."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None
