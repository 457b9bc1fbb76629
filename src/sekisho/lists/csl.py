"""trade.gov Consolidated Screening List: CSV (28 columns, or 29 with `_id`) and the JSON API form."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sekisho.errors import ListFormatError
from sekisho.lists.common import (
    clean,
    csv_records,
    first_date,
    listing_key,
    parse_dates,
    read_text,
    stable_id,
    unique_ids,
)
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

COLUMNS = (
    "source", "entity_number", "type", "programs", "name", "title", "addresses", "federal_register_notice",
    "start_date", "end_date", "standard_order", "license_requirement", "license_policy", "call_sign",
    "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks",
    "source_list_url", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
)
_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION, "vessel": EntityType.VESSEL,
          "aircraft": EntityType.AIRCRAFT}


# the rows of these agencies' lists carry OFAC's own entry numbers
_OFAC_SOURCES = {"SDN", "SSI", "PLC", "CMIC", "CAP", "NS-MBS", "FSE", "NS-ISA", "561"}
# what the Entity List (and MEU) state of each listing: kept on the entity, shown with a hit
TERMS = ("license_requirement", "license_policy", "federal_register_notice", "standard_order")


def source_code(source: str) -> str:
    """'Entity List (EL) - Bureau of Industry and Security' -> 'EL';
    'Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department' -> 'NS-MBS'."""
    m = re.search(r"\(([A-Z0-9]{2,6}(?:-[A-Z0-9]{2,6})?)(?: List)?\)", source)
    return m[1] if m else source.split(" - ")[0].strip()


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def _ids(value: str) -> list[Identifier]:
    out = []
    for part in _split(value):
        bits = [b.strip() for b in part.split(",")]
        if len(bits) >= 3 and re.fullmatch(r"[A-Z]{2}", bits[0]) and any(c.isdigit() for c in bits[1]):
            out.append(Identifier(bits[2] or "ID", bits[1], bits[0]))
        elif len(bits) == 2 and re.fullmatch(r"[A-Z0-9][A-Z0-9 ./-]{2,40}", bits[0]) and any(
                c.isdigit() for c in bits[0]):
            out.append(Identifier(bits[1] or "ID", bits[0]))
    return out


def _entity(list_id: str, version: ListVersion, record: Mapping[str, Any], where: tuple[str, int]) -> Entity:
    def text(key: str) -> str:
        value = record.get(key)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value if v)
        return clean(value)

    # ISN rows append "; and any successor, sub-unit, or subsidiary thereof": a scope note, not a name
    name = re.sub(r";?\s*and any successors?,.*$", "", text("name"), flags=re.I).strip()
    if not name:
        raise ListFormatError(where[0], "empty name", row=where[1], field="name")
    source = text("source")
    if not source:
        raise ListFormatError(where[0], "empty source", row=where[1], field="source")
    code = source_code(source)
    number = text("entity_number")
    countries = sorted({a.rsplit(",", 1)[-1].strip() for a in _split(text("addresses"))})
    # a row without a number is known by its name (and, for the few names a list repeats, the
    # countries of its addresses), so that a changed address is a change, not a new entry
    entity_id = f"{list_id}:{code}:{number}" if number else stable_id(f"{list_id}:{code}", name, *countries)
    listing = f"ofac:{number}" if number and code in _OFAC_SOURCES else listing_key(code, name)
    alt_names = record.get("alt_names")
    alts = [str(a) for a in alt_names] if isinstance(alt_names, list) else _split(text("alt_names"))
    raw_type = text("type").lower()
    etype = _TYPES.get(raw_type)
    if etype is None:
        # DPL, UVL, EL, ISN and DTC rows carry no type: persons there are written "Last, First" rarely,
        # so leave it unknown rather than guess
        etype = EntityType.UNKNOWN
    entity = Entity(
        id=entity_id,
        list_id=list_id,
        jurisdiction=Jurisdiction.US,
        type=etype,
        names=[Name(name, NameKind.PRIMARY, dominant_script(name))]
        + [Name(a, NameKind.ALIAS, dominant_script(a)) for a in alts if a and a != name],
        programs=_split(text("programs")),
        birth_dates=[d for v in _split(text("dates_of_birth")) for d in parse_dates(v)],
        listed_on=first_date(text("start_date")),
        remarks=text("remarks") or None,
        source=source,
        source_url=text("source_information_url") or text("source_list_url") or None,
        official=code,
        listing=listing,
        terms={column: text(column) for column in TERMS if text(column)},
        raw=dict(record),
        version=version,
    )
    addresses = record.get("addresses")
    if isinstance(addresses, list):
        for a in addresses:
            if isinstance(a, Mapping):
                parts = [clean(a.get(k)) for k in ("address", "city", "state", "postal_code", "country")]
                entity.addresses.append(", ".join(p for p in parts if p))
                entity.add_country(clean(a.get("country")))
    else:
        for a in _split(text("addresses")):
            entity.addresses.append(a)
            entity.add_country(a.rsplit(",", 1)[-1])
    for key in ("nationalities", "citizenships"):
        for c in _split(text(key)):
            entity.add_country(c)
    ids = record.get("ids")
    if isinstance(ids, list):
        for i in ids:
            if isinstance(i, Mapping) and clean(i.get("number")):
                entity.identifiers.append(Identifier(clean(i.get("type")) or "ID", clean(i.get("number")),
                                                     country_code(clean(i.get("country")))))
    else:
        entity.identifiers.extend(_ids(text("ids")))
    return entity


def load_csl_csv(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    """The CSV trade.gov publishes, or the same gzipped (the bundled snapshot)."""
    if path.suffix.lower() == ".gz":
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ListFormatError(str(path), f"not a whole gzipped UTF-8 CSV: {exc}") from None
    else:
        text = read_text(path)
    entities = [_entity(list_id, version, record, (str(path), line))
                for line, record in csv_records(path, text, COLUMNS)]
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(_distinct_ids(list_id, entities))


def _distinct_ids(list_id: str, entities: list[Entity]) -> list[Entity]:
    """Entries without a number that share a name and countries (the Entity List's Huawei
    affiliates, one per address) are told apart by their addresses, not by their order."""
    counts = Counter(e.id for e in entities)
    for e in entities:
        if counts[e.id] > 1 and not e.raw.get("entity_number"):
            e.id = stable_id(f"{list_id}:{e.official}", e.primary_name, *e.addresses)
    return entities


def load_csl_json(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    """The CSL API's JSON: {"results": [...]} (or a bare list of result objects)."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ListFormatError(str(path), f"invalid JSON: {exc.msg}", row=exc.lineno) from None
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise ListFormatError(str(path), "expected a 'results' array", field="results")
    entities = []
    for i, record in enumerate(results):
        if not isinstance(record, dict):
            raise ListFormatError(str(path), "result is not an object", row=i, field="results")
        entities.append(_entity(list_id, version, record, (str(path), i)))
    if not entities:
        raise ListFormatError(str(path), "no records", field="results")
    return unique_ids(entities)


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the CSV (plain or gzipped) or the API's JSON."""
    path = files[0]
    if path.suffix.lower() == ".json":
        return LoadedList(version, load_csl_json(version.list_id, version, path))
    return LoadedList(version, load_csl_csv(version.list_id, version, path))
