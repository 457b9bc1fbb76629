"""METI End User List (外国ユーザーリスト) xlsx, sheet ユーザーリスト."""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean, stable_id, unique_ids
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

_PAREN = re.compile(r"\s*[（(]([^()（）]*)[)）]\s*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
HEADERS = ("No.", "国名", "企業名", "別名", "懸念区分", "通常兵器")


def concern_codes(wmd: object, cw: object) -> list[str]:
    """'生物、化学、ミサイル、核\\nB,C,M,N', 'M、N', full-width 'Ｎ' -> ['B', 'C', 'M', 'N'] (+ 'CW')."""
    text = unicodedata.normalize("NFKC", clean(wmd)).upper()
    codes = sorted(set(re.findall(r"(?<![A-Z])([BCMN])(?![A-Z])", text)))
    if "CW" in unicodedata.normalize("NFKC", clean(cw)).upper():
        codes.append("CW")
    return codes


def split_company(cell: str) -> tuple[str, list[Name]]:
    """'Air Koryo (高麗航空)' -> ('Air Koryo', [高麗航空 as original script]).

    A Latin parenthetical such as '(UTN)' is an abbreviation: it stays out of the primary name and
    becomes a weak alias, so that a three-letter query does not score on it alone.
    """
    extra: list[Name] = []
    for m in _PAREN.finditer(cell):
        inner = m[1].strip()
        if not inner:
            continue
        if _CJK.search(inner):
            extra.append(Name(inner, NameKind.ORIGINAL_SCRIPT, dominant_script(inner)))
        else:
            extra.append(Name(inner, NameKind.WEAK, dominant_script(inner)))
    primary = re.sub(r"\s+", " ", _PAREN.sub(" ", cell)).strip()
    return primary or cell.strip(), extra


def load_meti(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    """The End User List workbook (sheet ユーザーリスト) or the same list as METI's PDF."""
    if path.suffix.lower() == ".pdf":
        return load_meti_pdf(list_id, version, path)
    try:
        with warnings.catch_warnings():  # official workbooks carry broken print areas; harmless
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ListFormatError(str(path), f"not a readable xlsx workbook ({exc})") from None
    sheet = wb["ユーザーリスト"] if "ユーザーリスト" in wb.sheetnames else wb.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ListFormatError(str(path), "sheet is empty", row=1)
    labels = _labels(path, header, HEADERS, 1)
    entities: list[Entity] = []
    for line, row in enumerate(rows, start=2):
        cells = [*row, *([None] * 6)][:6]
        if any(clean(c) for c in cells[1:]):
            entities.append(_entity(list_id, version, path, line, cells, labels))
    wb.close()
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(entities)


def load_meti_pdf(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    """The PDF METI publishes beside (or, for older revisions, instead of) the workbook: one ruled
    table per page under a repeated header, five columns (no conventional-weapons column before
    2025). Rows are numbered across pages; `row` in an error is that number's line in the table,
    counting each page's header."""
    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError:
        raise ListFormatError(str(path), "reading the PDF form of the list needs pdfplumber: "
                              "pip install 'sekisho[pdf]'") from None

    entities: list[Entity] = []
    labels: list[str] | None = None
    line = 0
    try:
        with pdfplumber.open(path) as pdf:
            for page_no, page in enumerate(pdf.pages, start=1):
                for table in page.extract_tables():
                    for row in table:
                        line += 1
                        cells = [clean(c) for c in row]
                        if cells and cells[0] == "No.":
                            labels = _labels(path, cells, HEADERS[:5], line, f"page {page_no}: ")
                            continue
                        if labels is None:
                            raise ListFormatError(str(path), f"page {page_no}: a table row before the header",
                                                  row=line)
                        if any(cells[1:]):
                            cells = [*cells, "", ""][:6]
                            entities.append(_entity(list_id, version, path, line, cells, [*labels, ""][:6]))
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError) as exc:
        # a cut download ends without the cross-reference table: the whole file is refused
        raise ListFormatError(str(path), f"not a whole, readable PDF ({exc})") from None
    if not entities:
        raise ListFormatError(str(path), "no table rows under the End User List header")
    return unique_ids(entities)


def _labels(path: Path, header: Sequence[object], expected: Sequence[str], line: int, where: str = "") -> list[str]:
    labels = [clean(h) for h in header]
    for i, want in enumerate(expected):
        if i >= len(labels) or want not in labels[i]:
            raise ListFormatError(str(path), f"{where}unexpected header {labels[:6]}", row=line, field=want)
    return labels


def _entity(list_id: str, version: ListVersion, path: Path, line: int, cells: Sequence[object],
            labels: Sequence[str]) -> Entity:
    company = clean(cells[2])
    if not company:
        raise ListFormatError(str(path), "empty company name", row=line, field=labels[2])
    country_cell = clean(cells[1])
    if not country_cell:
        raise ListFormatError(str(path), "empty country", row=line, field=labels[1])
    country_lines = [c.strip() for c in country_cell.split("\n") if c.strip()]
    code = next((c for c in (country_code(x) for x in reversed(country_lines)) if c), None)
    # a name the PDF wraps over two lines reads as one
    primary, extra = split_company(re.sub(r"\s*\n\s*", " ", company).lstrip("・").strip())
    names = [Name(primary, NameKind.PRIMARY, dominant_script(primary)), *extra]
    for alias in _aliases(clean(cells[3]), path.suffix.lower() == ".pdf"):
        alias_primary, alias_extra = split_company(alias)
        names.append(Name(alias_primary, NameKind.ALIAS, dominant_script(alias_primary)))
        names.extend(alias_extra)
    raw: dict[str, Any] = {labels[i] or f"col{i}": clean(cells[i]) for i in range(1, 6)}
    raw["row"] = line
    return Entity(
        id=stable_id(list_id, code or country_lines[-1], primary),
        list_id=list_id,
        jurisdiction=Jurisdiction.JP,
        type=EntityType.ORGANIZATION,
        names=names,
        countries=[code] if code else [],
        programs=concern_codes(cells[4], cells[5]),
        source_url=version.source_url,
        raw=raw,
        version=version,
    )


def _aliases(cell: str, wrapped: bool) -> list[str]:
    """One alias a line, most beginning with '・'. In the PDF a line that does not is the previous
    alias wrapped; the workbook has whole aliases without one."""
    out: list[str] = []
    for part in (p.strip() for p in cell.split("\n")):
        if not part:
            continue
        if not wrapped or part.startswith("・") or not out:
            out.append(part.lstrip("・").strip())
        else:
            out[-1] = f"{out[-1]} {part}"
    return [a for a in out if a]


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the End User List workbook in files[0]."""
    return LoadedList(version, load_meti(version.list_id, version, files[0]))
