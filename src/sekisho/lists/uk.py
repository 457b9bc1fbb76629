"""UK HM Treasury (OFSI) consolidated list of financial sanctions targets.

Two layouts: the legacy 29-column CSV (cp1252, 2014–2022) and the 36-column XLSX (sheet `Data`,
2022 on), which adds names in non-Latin script, passport and national-id numbers and an alias
quality. Both start with a "Last Updated" row (the list's date) above the header. A row is one
name of a target; the rows of one target share its Group ID, which is the entity id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean, csv_rows, read_text
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

REQUIRED = ("Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB", "Country of Birth",
            "Nationality", "Passport Details", "Address 1", "Post/Zip Code", "Country", "Other Information",
            "Group Type", "Alias Type", "Regime", "Listed On", "Group ID")
_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION, "ship": EntityType.VESSEL}
_ALIAS = {"primary name": NameKind.PRIMARY, "primary name variation": NameKind.ALIAS, "aka": NameKind.ALIAS,
          "fka": NameKind.FORMER}
_NUMBERED = re.compile(r"\(?\d{1,2}\)\s*")  # "1) Saudi Arabia 2) Qatar", "(1) 223611 (2) C00146605"
_PASSPORT = re.compile(r"(?:Passport|National\s+ID|ID)\s*(?:No|Number|no)?\.?\s*:?\s*([A-Z]{0,3}\d[\dA-Z-]{4,})")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def uk_date(text: object) -> str | None:
    """dd/mm/yyyy, where 00 stands for an unknown day or month, as ISO (partial where unknown)."""
    if text is None:
        return None
    if hasattr(text, "date"):
        return str(text.date().isoformat())
    m = _DMY.match(str(text).strip())
    if not m:
        return None
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    if not 1 <= month <= 12:
        return f"{year:04d}" if year else None
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= 31 else f"{year:04d}-{month:02d}"


def _rows_csv(path: Path) -> tuple[str | None, Iterator[tuple[int, dict[str, str]]]]:
    text = read_text(path, ("utf-8-sig", "cp1252"))
    lines = csv_rows(path, text)
    first = next(lines, None)
    if first is None or clean(first[1][0]) != "Last Updated":
        raise ListFormatError(str(path), "expected a first row 'Last Updated,DD/MM/YYYY'", row=1)
    stated = uk_date(first[1][1]) if len(first[1]) > 1 else None
    header_row = next(lines, None)
    if header_row is None:
        raise ListFormatError(str(path), "no header row", row=2)
    header = [h.strip() for h in header_row[1]]
    _check_header(path, header)

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for line, row in lines:
            if len(row) != len(header):
                raise ListFormatError(str(path), f"expected {len(header)} fields, found {len(row)} (truncated or "
                                      "malformed row)", row=line)
            yield line, dict(zip(header, row, strict=True))

    return stated, records()


def _rows_xlsx(path: Path) -> tuple[str | None, Iterator[tuple[int, dict[str, Any]]]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ListFormatError(str(path), f"not a readable XLSX workbook ({exc or type(exc).__name__})") from None
    ws = wb["Data"] if "Data" in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None) or ()
    if not first or clean(first[0]) != "Last Updated":
        raise ListFormatError(str(path), "expected a first row 'Last Updated', DD/MM/YYYY", row=1)
    stated = uk_date(first[1]) if len(first) > 1 else None
    header = [clean(h) for h in next(rows, None) or ()]
    _check_header(path, header)

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for line, row in enumerate(rows, start=3):
                if any(v is not None and clean(v) for v in row):
                    yield line, dict(zip(header, row, strict=False))
        finally:
            wb.close()

    return stated, records()


def _check_header(path: Path, header: Sequence[str]) -> None:
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ListFormatError(str(path), f"missing column(s) {missing}; found {list(header)}", row=2)


def _rows(path: Path) -> tuple[str | None, Iterator[tuple[int, dict[str, Any]]]]:
    return _rows_xlsx(path) if path.suffix.lower() == ".xlsx" else _rows_csv(path)


def last_updated(paths: Sequence[Path]) -> str | None:
    return _rows(paths[0])[0]


def _name(rec: dict[str, Any], etype: EntityType) -> str:
    last = clean(rec.get("Name 6"))
    given = " ".join(p for p in (clean(rec.get(f"Name {i}")) for i in range(1, 6)) if p)
    if etype is EntityType.PERSON and last and given:
        return f"{last}, {given}"
    return " ".join(p for p in (given, last) if p) if etype is not EntityType.PERSON else last or given


def _split(text: str) -> list[str]:
    return [p.strip(" .;,") for p in _NUMBERED.split(text) if p.strip(" .;,")]


def load_uk(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    _, records = _rows(path)
    entities: dict[str, Entity] = {}
    for line, rec in records:
        group = clean(rec.get("Group ID"))
        if not group.isdigit():
            raise ListFormatError(str(path), f"expected a number, found {group!r}", row=line, field="Group ID")
        raw_type = clean(rec.get("Group Type")).lower()
        etype = _TYPES.get(raw_type, EntityType.UNKNOWN)
        name = _name(rec, etype)
        if not name:
            raise ListFormatError(str(path), "row without a name", row=line, field="Name 6")
        entity = entities.get(group)
        if entity is None:
            entity = entities[group] = Entity(
                id=f"{list_id}:{group}", list_id=list_id, jurisdiction=Jurisdiction.UK, type=etype, names=[],
                programs=[], listed_on=uk_date(rec.get("Listed On")), remarks=clean(rec.get("Other Information"))
                or None, source_url=version.source_url, version=version, raw={"rows": []})
        entity.raw["rows"].append({k: clean(v) for k, v in rec.items() if clean(v)})
        kind = _ALIAS.get(clean(rec.get("Alias Type")).lower(), NameKind.ALIAS)
        if clean(rec.get("Alias Quality")).lower() == "low quality" and kind is not NameKind.PRIMARY:
            kind = NameKind.WEAK
        _add_name(entity, name, kind)
        script_name = clean(rec.get("Name Non-Latin Script"))
        if script_name:
            _add_name(entity, script_name, NameKind.ORIGINAL_SCRIPT)
        regime = clean(rec.get("Regime"))
        if regime and regime not in entity.programs:
            entity.programs.append(regime)
        born = uk_date(rec.get("DOB"))
        if born and born not in entity.birth_dates:
            entity.birth_dates.append(born)
        for key in ("Country of Birth", "Nationality"):
            for country in _split(clean(rec.get(key))):
                entity.add_country(country)
        address = ", ".join(p for p in (clean(rec.get(k)) for k in (
            "Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code",
            "Country")) if p)
        if address and address not in entity.addresses:
            entity.addresses.append(address)
        entity.add_country(clean(rec.get("Country")))
        _identifiers(entity, rec)
    if not entities:
        raise ListFormatError(str(path), "no records", row=3)
    for entity in entities.values():
        # the first row of a target need not be its primary name: put the primary one first
        entity.names.sort(key=lambda n: n.kind is not NameKind.PRIMARY)
    return list(entities.values())


def _add_name(entity: Entity, value: str, kind: NameKind) -> None:
    if all(n.value != value for n in entity.names):
        entity.names.append(Name(value, kind, dominant_script(value)))


def _identifiers(entity: Entity, rec: dict[str, Any]) -> None:
    found: list[tuple[str, str]] = []
    for key, kind in (("Passport Number", "Passport"), ("National Identification Number", "National ID"),
                      ("NI Number", "National ID")):
        found += [(kind, v) for v in _split(clean(rec.get(key))) if any(c.isdigit() for c in v)]
    if not found:  # the legacy layout writes the numbers inside free text
        found += [("Passport", m[1]) for m in _PASSPORT.finditer(clean(rec.get("Passport Details")))]
    for kind, value in found:
        if all(i.value != value for i in entity.identifiers):
            entity.identifiers.append(Identifier(kind, value.split()[0]))


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the OFSI list (CSV or XLSX) in files[0]."""
    return LoadedList(version, load_uk(version.list_id, version, files[0]))


stated_date = last_updated
