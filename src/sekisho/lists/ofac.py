"""OFAC legacy CSV sets: SDN (sdn/add/alt) and consolidated non-SDN (cons_prim/cons_alt/cons_add).

The 2024 SDN file is also used alone, without add/alt: then weak aliases, birth dates, places of
birth, nationalities and identifiers are read out of the Remarks field, where OFAC repeats them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sekisho.lists.common import clean, csv_rows, parse_dates, read_text
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, Name, NameKind
from sekisho.names.scripts import dominant_script

PRIM_WIDTH = 12  # ent_num, name, type, program, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks
ALT_WIDTH = 5  # ent_num, alt_num, alt_type, alt_name, alt_remarks
ADD_WIDTH = 6  # ent_num, add_num, address, city/state/postal, country, add_remarks

_TYPES = {"individual": EntityType.PERSON, "vessel": EntityType.VESSEL, "aircraft": EntityType.AIRCRAFT}
_ALIAS_KIND = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}
_QUOTED = re.compile(r"\b([afn])\.k\.a\.,?\s*'([^']+)'")
_ID_TYPE = re.compile(
    r"(\bNo\b\.?|\bNumber\b|#|\bID\b|\bPassport\b|\bIMO\b|\bMMSI\b|\bBIC\b|\bCode\b|\bLicense\b|"
    r"C\.U\.R\.P|R\.F\.C|\bRFC\b|D\.N\.I|C\.U\.I|Digital Currency Address|\bCard\b|\bIdentification\b|"
    r"\bCedula\b|\bCredencial\b|\bFiscal\b)", re.I)
_NOT_ID = re.compile(r"^(DOB|POB|Organization Established Date|Executive Order|Aircraft Model|Aircraft "
                     r"Manufacture Date|Vessel Year of Build|Phone Number|CAATSA Section|Gender|Website|"
                     r"Email)", re.I)
_ID = re.compile(r"^(?P<type>[^\d]+?)\s+(?P<value>[^\s()]*\d[^\s()]*(?:\s+[^\s()]*\d[^\s()]*)*)"
                 r"(?:\s*\((?P<country>[^)]*)\))?")


def _split_remarks(remarks: str) -> list[str]:
    """Split on ';' outside parentheses and quotes."""
    parts: list[str] = []
    cur: list[str] = []
    depth, quote = 0, False
    for ch in remarks:
        if ch == "'" and depth == 0:
            quote = not quote
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == ";" and depth == 0 and not quote:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p.rstrip(".").strip() for p in parts if p.strip()]


def parse_remarks(entity: Entity, remarks: str) -> None:
    """Pull names, dates, places, nationalities and identifiers out of an OFAC Remarks field."""
    for m in _QUOTED.finditer(remarks):
        # OFAC quotes only its low-quality ("weak") a.k.a.s and f.k.a.s in Remarks
        kind = NameKind.ALIAS if m[1] == "n" else NameKind.WEAK
        value = m[2].strip()
        if value:
            entity.names.append(Name(value, kind, dominant_script(value)))
    for part in _split_remarks(remarks):
        low = part.lower()
        body = re.sub(r"^alt\.\s+", "", part)
        lbody = body.lower()
        if lbody.startswith("dob"):
            entity.birth_dates.extend(d for d in parse_dates(body[3:]) if d not in entity.birth_dates)
        elif lbody.startswith("pob"):
            entity.add_country(body[3:].split(",")[-1])
        elif lbody.startswith(("nationality", "citizen")):
            entity.add_country(body.split(" ", 1)[-1])
        elif "k.a." in low:
            continue
        elif not _NOT_ID.match(body) and _ID_TYPE.search(body.split(" (")[0]):
            ident = _ID.match(body)
            if ident and len(ident["type"]) <= 60 and ":" not in ident["type"]:
                entity.identifiers.append(Identifier(
                    ident["type"].strip().rstrip(":"), ident["value"].strip(), country_code(ident["country"])))


def load_ofac(
    list_id: str,
    version: ListVersion,
    prim: Path,
    alt: Path | None = None,
    add: Path | None = None,
    source_url: str | None = None,
) -> list[Entity]:
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if alt is not None:
        for _, row in csv_rows(alt, read_text(alt, ("utf-8-sig", "cp1252")), width=ALT_WIDTH):
            aliases[row[0].strip()].append((clean(row[2]).lower(), clean(row[3])))
    addresses: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if add is not None:
        for _, row in csv_rows(add, read_text(add, ("utf-8-sig", "cp1252")), width=ADD_WIDTH):
            address = ", ".join(p for p in (clean(row[2]), clean(row[3]), clean(row[4])) if p)
            addresses[row[0].strip()].append((address, clean(row[4])))

    entities: list[Entity] = []
    seen: set[str] = set()
    for line, row in csv_rows(prim, read_text(prim, ("utf-8-sig", "cp1252")), width=PRIM_WIDTH):
        num = row[0].strip()
        name = clean(row[1])
        if not num.isdigit():
            raise _bad(prim, line, "ent_num", f"expected a number, found {num!r}")
        if not name:
            raise _bad(prim, line, "SDN_Name", "empty name")
        if num in seen:
            raise _bad(prim, line, "ent_num", f"duplicate entity number {num}")
        seen.add(num)
        sdn_type = clean(row[2]).lower()
        remarks = clean(row[11])
        entity = Entity(
            id=f"{list_id}:{num}",
            listing=f"ofac:{num}",
            list_id=list_id,
            jurisdiction=Jurisdiction.US,
            type=_TYPES.get(sdn_type, EntityType.ORGANIZATION),
            names=[Name(name, NameKind.PRIMARY, dominant_script(name))],
            programs=[p.strip() for p in re.split(r"\]\s*\[|;", clean(row[3]).strip("[]")) if p.strip()],
            remarks=remarks or None,
            source_url=source_url,
            raw={"ent_num": num, "name": name, "type": clean(row[2]), "program": clean(row[3]),
                 "title": clean(row[4]), "call_sign": clean(row[5]), "vessel_type": clean(row[6]),
                 "vessel_flag": clean(row[9]), "vessel_owner": clean(row[10]), "remarks": remarks},
            version=version,
        )
        for alt_type, alt_name in aliases.get(num, []):
            if alt_name:
                kind = _ALIAS_KIND.get(alt_type.replace(".", ""), NameKind.ALIAS)
                entity.names.append(Name(alt_name, kind, dominant_script(alt_name)))
        for address, country in addresses.get(num, []):
            if address:
                entity.addresses.append(address)
            entity.add_country(country)
        if remarks:
            parse_remarks(entity, remarks)
        entity.add_country(clean(row[9]))
        entities.append(entity)
    if not entities:
        raise _bad(prim, 1, None, "no records")
    return entities


def _bad(path: Path, row: int, field: str | None, message: str) -> Exception:
    from sekisho.errors import ListFormatError

    return ListFormatError(str(path), message, row=row, field=field)


END_MARK = b"\x1a"


def missing_end_mark(paths: Sequence[Path]) -> str | None:
    """OFAC ends each file of a legacy CSV set with an end-of-file byte (0x1A), after the last
    record: a download cut at a line boundary parses as a shorter list, but lacks it."""
    for path in paths:
        if path.exists() and path.suffix.lower() == ".csv":
            with path.open("rb") as fh:
                fh.seek(max(path.stat().st_size - 8, 0))
                if END_MARK not in fh.read():
                    return f"{path.name} does not end with OFAC's end-of-file mark (0x1A): it looks cut short"
    return None
