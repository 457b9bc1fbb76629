"""Reading party files: every data row comes out, as a Row or as a BadRow with its reason."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.errors import InvalidInput, ListFormatError
from sekisho.parties import BadRow, PartyFile, Row


def read(path: Path, encoding: str | None = None) -> list[Row | BadRow]:
    return list(PartyFile(path, encoding).rows())


def test_unterminated_quote_is_reported_with_the_lines_it_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('name,country\nAcme,JP\n"Beta Ltd,CN\nGamma,US\nDelta "X" Co,KR\nZeta,FR\n"Open,IT\nLast,DE\n')
    rows = read(path)
    assert [(r.index, r.lines) for r in rows] == [(0, (2, 2)), (1, (3, 5)), (2, (6, 6)), (3, (7, 8))]
    assert isinstance(rows[1], BadRow) and "line(s) 3-5 not read" in rows[1].reason
    assert isinstance(rows[3], BadRow) and "7-8" in rows[3].reason  # open at the end of the file
    assert [r.values["name"] for r in rows if isinstance(r, Row)] == ["Acme", "Zeta"]


def test_wrong_number_of_fields(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,country\nAcme,JP\nBeta,CN,extra\nGamma\n\nDelta,US\n")
    rows = read(path)
    assert [type(r).__name__ for r in rows] == ["Row", "BadRow", "BadRow", "Row"]
    assert rows[1].reason == "3 fields where the header has 2" and rows[1].lines == (3, 3)
    assert rows[2].reason == "1 fields where the header has 2"
    assert rows[3].index == 3 and rows[3].lines == (6, 6)  # the blank line is no row


def test_multiline_quoted_field_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('name,address\nAcme,"1 Main St\nTokyo"\n')
    (row,) = read(path)
    assert isinstance(row, Row) and row.values["address"] == "1 Main St\nTokyo" and row.lines == (2, 3)


def test_broken_jsonl_line_is_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "Acme"}\n{"name": "Beta"\n\n[1, 2]\n{"name": "Gamma", "cc": "JP"}\n')
    rows = read(path)
    assert [type(r).__name__ for r in rows] == ["Row", "BadRow", "BadRow", "Row"]
    assert rows[1].lines == (2, 2) and rows[1].reason.startswith("invalid JSON")
    assert rows[2].reason == "a JSON list, not an object" and rows[3].values == {"name": "Gamma", "cc": "JP"}


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "gb18030", "cp949"])
def test_party_file_encoding_is_detected(tmp_path: Path, encoding: str) -> None:
    names = {"cp932": ["三菱電機株式会社", "東芝"], "euc_jp": ["三菱電機株式会社", "日立製作所"],
             "gb18030": ["华为技术有限公司", "中芯国际集成电路制造有限公司"],
             "cp949": ["삼성전자", "현대자동차"]}[encoding]
    path = tmp_path / "p.csv"
    path.write_bytes(("name\n" + "\n".join(names) + "\n").encode(encoding))
    source = PartyFile(path)
    assert source.encoding_how == "detected"
    assert [r.values["name"] for r in source.rows() if isinstance(r, Row)] == names


def test_declared_encoding_that_does_not_fit_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes("name\nAcme\n三菱電機\n".encode("cp932"))
    with pytest.raises(ListFormatError, match=r"p.csv, row 3: bytes b'\\x8eO.*are not utf-8"):
        read(path, "utf-8")
    with pytest.raises(InvalidInput, match=r"unknown encoding 'klingon'"):
        PartyFile(path, "klingon")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fake.xlsx", b"name\nAcme\n", "fake.xlsx: not a readable XLSX workbook"),
    ("cut.parquet", b"PAR1\x00\x00", "cut.parquet: not a readable Parquet file"),
    ("p.txt", b"name\n", "unsupported file type '.txt'"),
])
def test_unreadable_files_give_one_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((ListFormatError, InvalidInput), match=message):
        read(path)


def test_folder_missing_file_and_duplicate_header(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"is a folder, not a file"):
        PartyFile(tmp_path / "")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InvalidInput, match=r"d.csv: is a folder"):
        PartyFile(tmp_path / "d.csv")
    with pytest.raises(InvalidInput, match=r"no such file"):
        PartyFile(tmp_path / "none.csv")
    path = tmp_path / "dup.csv"
    path.write_text("name,name\nA,B\n")
    with pytest.raises(ListFormatError) as err:
        read(path)
    assert err.value.row == 1 and err.value.field == "name"


def test_truncated_parquet_from_a_real_file(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"name": [f"Company {i}" for i in range(1000)]}), path)
    assert len(read(path)) == 1000
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ListFormatError, match=r"p.parquet: not a readable Parquet file"):
        read(path)


def test_xlsx_value_beyond_the_header(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["name", "country", None], ["Acme", "JP", None], ["Beta", "CN", "stray"], [None, None, None],
                ["Gamma", None, None]):
        ws.append(row)
    path = tmp_path / "p.xlsx"
    wb.save(path)
    rows = read(path)
    assert [type(r).__name__ for r in rows] == ["Row", "BadRow", "Row"]
    assert rows[1].lines == (3, 3) and "column 3" in rows[1].reason
    assert rows[2].values == {"name": "Gamma", "country": ""} and rows[2].lines == (5, 5)


cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=20))
def test_csv_written_by_the_csv_module_reads_back_whole(tmp_path_factory: pytest.TempPathFactory,
                                                        rows: list[tuple[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["name", "country"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "p.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    got = [r for r in read(path)]
    assert all(isinstance(r, Row) for r in got)
    expected = [r for r in rows if any(f.strip() for f in r)]  # a row of blanks is a blank line
    assert [(r.values["name"], r.values["country"]) for r in got if isinstance(r, Row)] == \
        [(a.replace("\r\n", "\n").replace("\r", "\n"), b.replace("\r\n", "\n").replace("\r", "\n"))
         for a, b in expected] or [json.dumps(r.values) for r in got]
