"""OFAC lists in the classic XML schema (SDN.XML, CONS_PRIM's XML form: `sdnList`, either namespace).

The same records as the legacy CSV set, with the aliases, addresses, identifiers, birth dates and
nationalities as elements instead of Remarks text; entity ids are OFAC's uids, which are the CSV's
entity numbers, so an entity keeps its id across the two forms. The file states its publication
date and record count: a file whose entries do not add up to its count is refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lxml import etree

from sekisho.errors import ListFormatError
from sekisho.lists.common import parse_dates, parse_xml
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, Name, NameKind
from sekisho.names.scripts import dominant_script

_TYPES = {"individual": EntityType.PERSON, "vessel": EntityType.VESSEL, "aircraft": EntityType.AIRCRAFT,
          "entity": EntityType.ORGANIZATION}
_ALIAS = {"a.k.a.": NameKind.ALIAS, "f.k.a.": NameKind.FORMER, "n.k.a.": NameKind.ALIAS}
# idList also carries facts that are not identifiers: never match a party on them
NOT_AN_IDENTIFIER = re.compile(r"^(Additional Sanctions Information|Secondary sanctions risk|Transactions Prohibited|"
                     r"Gender|Website|Email|Phone|Organization Established|Organization Type|Nationality of "
                     r"Registration|Executive Order|CAATSA|Aircraft|Vessel Year|Target Type|Effective Date|"
                     r"Listing Date|Former|Digital Currency Address)", re.I)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _children(el: etree._Element) -> dict[str, str]:
    return {_local(c): (c.text or "").strip() for c in el if isinstance(c.tag, str) and len(c) == 0}


def _all(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el.iter() if isinstance(c.tag, str) and _local(c) == name]


def person_name(parts: dict[str, str]) -> str:
    last, first = parts.get("lastName", ""), parts.get("firstName", "")
    return f"{last}, {first}" if last and first else last or first


def xml_root(path: Path) -> str | None:
    """The local name of a file's root element (which OFAC schema it is), None if it is not XML."""
    try:
        for _, el in etree.iterparse(str(path), events=("start",)):
            return _local(el)
    except etree.XMLSyntaxError:
        return None
    return None


def publish_date(path: Path) -> str | None:
    """The Publish_Date the file states (MM/DD/YYYY), as an ISO date."""
    for _, el in etree.iterparse(str(path), events=("end",)):
        if isinstance(el.tag, str) and _local(el) == "Publish_Date" and el.text:
            try:
                return datetime.strptime(el.text.strip(), "%m/%d/%Y").date().isoformat()
            except ValueError:
                return None
        if isinstance(el.tag, str) and _local(el) == "sdnEntry":
            return None
    return None


def load_ofac_xml(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    root = parse_xml(path, "sdnList", "OFAC's <sdnList>")
    entities: list[Entity] = []
    seen: set[str] = set()
    declared: int | None = None
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if _local(el) == "publshInformation":
            count = _children(el).get("Record_Count", "")
            declared = int(count) if count.isdigit() else None
        elif _local(el) == "sdnEntry":
            entity = _entity(list_id, version, path, el)
            if entity.id in seen:
                raise ListFormatError(str(path), f"duplicate uid {entity.id.split(':')[-1]}",
                                      row=el.sourceline if isinstance(el.sourceline, int) else None, field="uid")
            seen.add(entity.id)
            entities.append(entity)
    if not entities:
        raise ListFormatError(str(path), "no sdnEntry records")
    if declared is not None and declared != len(entities):
        raise ListFormatError(str(path), f"{len(entities)} entries where the file's Record_Count says {declared}",
                              field="Record_Count")
    return entities


def _entity(list_id: str, version: ListVersion, path: Path, el: etree._Element) -> Entity:
    line = el.sourceline if isinstance(el.sourceline, int) else None
    fields = _children(el)
    uid = fields.get("uid", "")
    if not uid.isdigit():
        raise ListFormatError(str(path), f"expected a number, found {uid!r}", row=line, field="uid")
    etype = _TYPES.get(fields.get("sdnType", "").lower(), EntityType.ORGANIZATION)
    name = person_name(fields) if etype is EntityType.PERSON else fields.get("lastName", "")
    if not name:
        raise ListFormatError(str(path), f"entry {uid} has no name", row=line, field="lastName")
    entity = Entity(
        id=f"{list_id}:{uid}", listing=f"ofac:{uid}", list_id=list_id, jurisdiction=Jurisdiction.US, type=etype,
        names=[Name(name, NameKind.PRIMARY, dominant_script(name))],
        programs=[p.text.strip() for p in _all(el, "program") if p.text and p.text.strip()],
        remarks=fields.get("remarks") or None, source_url=version.source_url, version=version,
        raw={"uid": uid, **fields},
    )
    for aka in _all(el, "aka"):
        parts = _children(aka)
        alias = person_name(parts) if etype is EntityType.PERSON else parts.get("lastName", "")
        if alias:
            kind = NameKind.WEAK if parts.get("category") == "weak" else _ALIAS.get(parts.get("type", ""),
                                                                                      NameKind.ALIAS)
            entity.names.append(Name(alias, kind, dominant_script(alias)))
    for address in _all(el, "address"):
        parts = _children(address)
        text = ", ".join(v for k in ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode",
                                     "country") if (v := parts.get(k)))
        if text:
            entity.addresses.append(text)
        entity.add_country(parts.get("country"))
    for tag in ("nationality", "citizenship"):
        for item in _all(el, tag):
            entity.add_country(_children(item).get("country"))
    for item in _all(el, "dateOfBirthItem"):
        entity.birth_dates.extend(d for d in parse_dates(_children(item).get("dateOfBirth"))
                                  if d not in entity.birth_dates)
    for item in _all(el, "placeOfBirthItem"):
        place = _children(item).get("placeOfBirth", "")
        if place:
            entity.add_country(place.split(",")[-1])
    for ident in _all(el, "id"):
        parts = _children(ident)
        id_type, number = parts.get("idType", ""), parts.get("idNumber", "")
        if number and any(c.isdigit() for c in number) and not NOT_AN_IDENTIFIER.match(id_type):
            entity.identifiers.append(Identifier(id_type or "ID", number, country_code(parts.get("idCountry"))))
    vessel = next(iter(_all(el, "vesselInfo")), None)
    if vessel is not None:
        entity.raw.update(_children(vessel))
        entity.add_country(_children(vessel).get("vesselFlag"))
    return entity
