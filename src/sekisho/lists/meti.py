"""METI End User List (外国ユーザーリスト) xlsx, sheet ユーザーリスト."""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean, stable_id, unique_ids
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, ListVersion, Name, NameKind
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
    labels = [clean(h) for h in header]
    for i, expected in enumerate(HEADERS):
        if i >= len(labels) or expected not in labels[i]:
            raise ListFormatError(str(path), f"unexpected header {labels[:6]}", row=1,
                                  field=expected)
    entities: list[Entity] = []
    for line, row in enumerate(rows, start=2):
        cells = [*row, *([None] * 6)][:6]
        if not any(clean(c) for c in cells[1:]):
            continue
        company = clean(cells[2])
        if not company:
            raise ListFormatError(str(path), "empty company name", row=line, field=labels[2])
        country_cell = clean(cells[1])
        if not country_cell:
            raise ListFormatError(str(path), "empty country", row=line, field=labels[1])
        country_lines = [c.strip() for c in country_cell.split("\n") if c.strip()]
        code = next((c for c in (country_code(x) for x in reversed(country_lines)) if c), None)
        primary, extra = split_company(company.replace("\n", " "))
        aliases = [a.strip().lstrip("・").strip() for a in clean(cells[3]).split("\n")]
        names = [Name(primary, NameKind.PRIMARY, dominant_script(primary)), *extra]
        for alias in aliases:
            if alias:
                alias_primary, alias_extra = split_company(alias)
                names.append(Name(alias_primary, NameKind.ALIAS, dominant_script(alias_primary)))
                names.extend(alias_extra)
        raw: dict[str, Any] = {labels[i] or f"col{i}": clean(cells[i]) for i in range(1, 6)}
        raw["row"] = line
        entities.append(Entity(
            id=stable_id(list_id, code or country_lines[-1], primary),
            list_id=list_id,
            jurisdiction="JP",
            type=EntityType.ORGANIZATION,
            names=names,
            countries=[code] if code else [],
            programs=concern_codes(cells[4], cells[5]),
            source_url=version.source_url,
            raw=raw,
            version=version,
        ))
    wb.close()
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(entities)
