"""Ministry of Finance asset-freeze list (経済制裁措置及び対象者リスト) xlsx: one sheet per program.

Headers differ per sheet, so columns are found by their Japanese labels. Rows whose notice date says
削除 (deleted) are delisted and are not loaded; rows without a notice number are free-text
continuations of the row above and are kept in its raw record.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from rapidfuzz.distance import Levenshtein

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean, first_date, parse_dates, unique_ids
from sekisho.lists.countries import is_country_name
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

_ENUM = re.compile(r"[(（]\s*[a-zA-Z]{1,2}\s*[)）]")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_ORIGINAL = re.compile(r"[(（]\s*original script\s*[:：]\s*([^)）]*)[)）]", re.I)
_VARIANT = re.compile(r"(\w+)\((\w+)\)")
_LATIN_SPLIT = re.compile(r",\s+(?!(?:ltd|inc|llc|co|limited|s\.a|jsc|pjsc|ojsc|cjsc|l\.l\.c)\b)", re.I)
_NOISE = ("旅券", "番号", "生まれ", "年", "告示", "http", "国籍", "出生", "passport", "issued", "expired")
_BIO = re.compile(r"^(?:born|dob|nationality)\b|\d{4}", re.I)  # "born 5 Feb. 1969 in Tripoli"
_KIN = re.compile(r"\s+(?:son|daughter|wife|husband) of\s.*$|の(?:息子|娘|妻|夫).*$", re.I)  # "X son of Y" names X
_TAG = re.compile(r"【[^】]*】|^\s*original script\s*[:：]", re.I)
# Annotations written in parentheses next to names ("(以前掲載の氏名)", "(combat name)"), not names
_LABEL = re.compile(r".*以前.*|旧称|別称|別名\s*\d*|通称|戦闘員名|不明|combat name|(?:formerly|previously) listed as"
                    r"|unknown|pvt|private", re.I)


def is_label(value: str) -> bool:
    return _LABEL.fullmatch(value.strip(" .:：")) is not None


def _names_in(cell: str, kind: NameKind) -> list[Name]:
    """All names in an alias cell: enumerated '(a)…(b)…', '；'/'、'/newline separated, with Latin
    renderings in parentheses after katakana ones."""
    text = unicodedata.normalize("NFKC", cell)
    text = re.sub(r"\b(?:a\.k\.a|f\.k\.a)\.?\s*:?", " ", text, flags=re.I)
    text = re.sub(r"別称、|別称:|別名:", " ", text)
    out: list[Name] = []
    for piece in re.split(r"\n|;|；|、", _ENUM.sub("\n", text)):
        inner = [m.strip() for m in _PAREN.findall(piece)]
        outer = _PAREN.sub(" ", piece)
        for candidate in [outer, *inner]:
            for part in _LATIN_SPLIT.split(candidate) if dominant_script(candidate) == "Latn" else [candidate]:
                value = _KIN.sub("", _TAG.sub("", part))
                value = re.sub(r"\s+", " ", value.split("(")[0]).strip(" ,.)(")  # an unclosed "(" starts a remark
                if (len(value) < 2 or any(n in value.casefold() for n in _NOISE) or _BIO.search(value)
                        or is_label(value) or is_country_name(value) or not any(c.isalpha() for c in value)):
                    continue
                out.append(Name(value, kind, dominant_script(value)))
    return out


def english_names(cell: str) -> list[Name]:
    """The 英語表記 cell: original script in '(original script：…)', and spelling variants such as
    'Sergey(Sergei) AKSYONOV(AKSENOV)' -> 'Sergey AKSYONOV' and 'Sergei AKSENOV'."""
    text = unicodedata.normalize("NFKC", cell)
    names: list[Name] = []
    for m in _ORIGINAL.finditer(text):
        if is_label(m[1]):
            continue
        names.append(Name(m[1].strip(), NameKind.ORIGINAL_SCRIPT, dominant_script(m[1])))
    text = _ORIGINAL.sub(" ", text)
    variant = text
    acronyms: list[str] = []
    for m in _VARIANT.finditer(text):
        if Levenshtein.normalized_similarity(m[1].lower(), m[2].lower()) >= 0.5:
            variant = variant.replace(m[0], m[2], 1)
        else:
            acronyms.append(m[2])
    primary = re.sub(r"\s+", " ", _PAREN.sub(" ", text)).strip()
    if not primary:
        return names
    names.insert(0, Name(primary, NameKind.PRIMARY, dominant_script(primary)))
    variant = re.sub(r"\s+", " ", _PAREN.sub(" ", variant)).strip()
    if variant != primary:
        names.append(Name(variant, NameKind.ALIAS, dominant_script(variant)))
    for inner in _PAREN.findall(text):
        inner = inner.strip()
        if inner and inner not in acronyms and not is_label(inner) and not _VARIANT.search(f"x({inner})"):
            names.append(Name(inner, NameKind.ALIAS, dominant_script(inner)))
    names.extend(Name(a, NameKind.WEAK, "Latn") for a in acronyms)
    return names


def _column_roles(header: list[str]) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for i, label in enumerate(header):
        role = None
        if "告示日付" in label:
            role = "date"
        elif "告示番号" in label:
            role = "number"
        elif "日本語表記" in label:
            role = "ja"
        elif "英語表記" in label:
            role = "en"
        elif "確定に十分でない" in label:
            role = "weak"
        elif "旧称" in label or "以前" in label or "過去" in label:
            role = "former"
        elif "別名" in label or "別称" in label:
            role = "alias"
        elif "生年月日" in label:
            role = "dob"
        elif "国籍" in label:
            role = "nationality"
        elif "住所" in label or "所在地" in label:
            role = "address"
        elif "旅券" in label:
            role = "passport"
        if role:
            roles.setdefault(role, []).append(i)
    return roles


def load_mof(list_id: str, version: ListVersion, path: Path, skipped: list[str] | None = None) -> list[Entity]:
    """Load every program sheet. A numbered row with no name at all (the official file has a few)
    is reported in `skipped` and skipped rather than failing the whole list."""
    try:
        with warnings.catch_warnings():  # official workbooks carry broken print areas; harmless
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ListFormatError(str(path), f"not a readable xlsx workbook ({exc})") from None
    entities: list[Entity] = []
    program_sheets = [s for s in wb.sheetnames if re.match(r"\d+\.", s)]
    if not program_sheets:
        raise ListFormatError(str(path), "no program sheets ('1.…', '2.…') found")
    for sheet_name in program_sheets:
        entities.extend(_load_sheet(list_id, version, path, sheet_name, wb[sheet_name],
                                    skipped if skipped is not None else []))
    wb.close()
    if not entities:
        raise ListFormatError(str(path), "no records")
    return entities


def _load_sheet(list_id: str, version: ListVersion, path: Path, sheet_name: str, ws: Any,
                skipped: list[str]) -> list[Entity]:
    sheet_no = sheet_name.split(".", 1)[0]
    program = sheet_name.split(".", 1)[1].strip()
    where = f"{path} [{sheet_name}]"
    roles: dict[str, list[int]] | None = None
    header: list[str] = []
    out: list[Entity] = []
    for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = list(row)
        if roles is None:
            labels = [clean(c) for c in cells]
            if any("日本語表記" in lab for lab in labels) and any("英語表記" in lab for lab in labels):
                header, roles = labels, _column_roles(labels)
                if "number" not in roles or "en" not in roles:
                    raise ListFormatError(where, "header lacks 告示番号 or 英語表記", row=line)
            continue

        def cell(role: str, _cells: list[Any] = cells, _roles: dict[str, list[int]] = roles) -> list[Any]:
            return [_cells[i] for i in _roles.get(role, []) if i < len(_cells) and clean(_cells[i])]

        number = clean((cell("number") or [""])[0])
        date_cell = clean((cell("date") or [""])[0])
        if "削除" in date_cell:
            continue  # delisted
        en_cells, ja_cells = cell("en"), cell("ja")
        if not number:
            if out and any(clean(c) for c in cells):
                out[-1].raw.setdefault("continuation", []).append([clean(c) for c in cells if clean(c)])
            continue
        if not en_cells and not ja_cells:
            if any(clean(c) for c in cells[2:]):
                raise ListFormatError(where, f"notice {number} has details but neither 日本語表記 nor 英語表記",
                                      row=line, field="英語表記")
            skipped.append(f"{where}, row {line}: notice {number} has no name; skipped")
            continue
        names: list[Name] = []
        for c in en_cells:
            names.extend(english_names(clean(c)))
        for c in ja_cells:
            for value in re.split(r"\n", unicodedata.normalize("NFKC", clean(c))):
                value = value.strip()
                if value:
                    kind = NameKind.PRIMARY if not names else NameKind.ORIGINAL_SCRIPT
                    names.append(Name(value, kind, dominant_script(value)))
        for role, kind in (("alias", NameKind.ALIAS), ("former", NameKind.FORMER), ("weak", NameKind.WEAK)):
            for c in cell(role):
                names.extend(_names_in(clean(c), kind))
        names = _dedupe_names(names)
        dob_cells = cell("dob")
        dobs = [d for c in dob_cells for d in parse_dates(c)]
        if "個人" in sheet_name:
            etype = EntityType.PERSON
        elif "団体" in sheet_name or "銀行" in sheet_name:
            etype = EntityType.ORGANIZATION
        else:
            etype = EntityType.PERSON if dob_cells else EntityType.UNKNOWN
        identifiers = [Identifier("Passport", p) for c in cell("passport")
                       for p in re.findall(r"[A-Z]?[\d/A-Z]*\d{5,}", unicodedata.normalize("NFKC", clean(c)))]
        key_number = re.match(r"[*＊]?(\d+)", number)
        entity = Entity(
            id=f"{list_id}:{sheet_no}-{key_number[1] if key_number else number}",
            list_id=list_id,
            jurisdiction=Jurisdiction.JP,
            type=etype,
            names=names,
            addresses=[clean(c) for c in cell("address")],
            identifiers=identifiers,
            programs=[program],
            birth_dates=dobs,
            listed_on=first_date(date_cell.split("\n")[0]),
            source=program,
            source_url=version.source_url,
            raw={"sheet": sheet_name, "row": line,
                 **{header[i] or f"col{i}": clean(v) for i, v in enumerate(cells) if i < len(header) and clean(v)}},
            version=version,
        )
        for c in cell("nationality"):
            for part in re.split(r"[、,\n]|\([a-z]\)", clean(c)):
                entity.add_country(part.strip("() （）"))
        out.append(entity)
    return unique_ids(out)


def _dedupe_names(names: list[Name]) -> list[Name]:
    seen: set[str] = set()
    out = []
    for n in names:
        key = unicodedata.normalize("NFKC", n.value).casefold()
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): every programme sheet of the workbook."""
    skipped: list[str] = []
    return LoadedList(version, load_mof(version.list_id, version, files[0], skipped), skipped)
