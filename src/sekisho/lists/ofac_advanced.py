"""OFAC lists in the advanced schema (sdn_advanced.xsd: `Sanctions`, the SDN_ADVANCED and
CONS_ADVANCED files).

Facts are normalised there into reference tables (alias, party, document, feature types; countries;
locations; programmes as sanctions measures) that each party refers to by number. This loader
resolves them into the same entities the classic schema gives for the same date: same ids (the
profile id is the classic uid), names, programmes, countries, addresses, birth dates and
identifiers, which a test checks on the 2020-03-17 pair.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from lxml import etree

from sekisho.errors import ListFormatError
from sekisho.lists.common import parse_xml
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, Name, NameKind
from sekisho.lists.ofac_xml import NOT_AN_IDENTIFIER, person_name
from sekisho.names.scripts import dominant_script

NS = "{http://www.un.org/sanctions/1.0}"
_PARTY_TYPES = {"Individual": EntityType.PERSON, "Entity": EntityType.ORGANIZATION}
_SUBTYPES = {"Vessel": EntityType.VESSEL, "Aircraft": EntityType.AIRCRAFT}
_ALIAS = {"A.K.A.": NameKind.ALIAS, "F.K.A.": NameKind.FORMER, "N.K.A.": NameKind.ALIAS}
_LOC_PARTS = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE")
_PROGRAM = "Program"  # the SanctionsType whose measures name the programmes


def _values(root: etree._Element, table: str) -> dict[str, etree._Element]:
    found = root.find(f"{NS}ReferenceValueSets/{NS}{table}")
    return {el.get("ID", ""): el for el in found} if found is not None else {}


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


class _Tables:
    """The reference tables a party's numbers point into, and the locations and documents."""

    def __init__(self, path: Path, root: etree._Element) -> None:
        self.path = path
        self.alias_types = {k: _text(v) for k, v in _values(root, "AliasTypeValues").items()}
        self.countries = {k: _text(v) for k, v in _values(root, "CountryValues").items()}
        self.features = {k: _text(v) for k, v in _values(root, "FeatureTypeValues").items()}
        self.doc_types = {k: _text(v) for k, v in _values(root, "IDRegDocTypeValues").items()}
        self.loc_parts = {k: _text(v) for k, v in _values(root, "LocPartTypeValues").items()}
        self.name_parts = {k: _text(v) for k, v in _values(root, "NamePartTypeValues").items()}
        self.references = {k: _text(v) for k, v in _values(root, "DetailReferenceValues").items()}
        self.sanctions_types = {k: _text(v) for k, v in _values(root, "SanctionsTypeValues").items()}
        party_types = {k: _text(v) for k, v in _values(root, "PartyTypeValues").items()}
        self.subtypes = {k: (party_types.get(v.get("PartyTypeID", ""), ""), _text(v))
                         for k, v in _values(root, "PartySubTypeValues").items()}
        self.locations = {el.get("ID", ""): el for el in root.iterfind(f"{NS}Locations/{NS}Location")}
        self.documents: dict[str, list[etree._Element]] = defaultdict(list)
        for doc in root.iterfind(f"{NS}IDRegDocuments/{NS}IDRegDocument"):
            self.documents[doc.get("IdentityID", "")].append(doc)

    def location(self, ident: str) -> tuple[str, str | None]:
        """(address text, country name) of a location, its parts in the classic schema's order."""
        loc = self.locations.get(ident)
        if loc is None:
            return "", None
        parts: dict[str, str] = {}
        for part in loc.iterfind(f"{NS}LocationPart"):
            value = _text(part.find(f"{NS}LocationPartValue/{NS}Value"))
            if value:
                parts[self.loc_parts.get(part.get("LocPartTypeID", ""), "")] = value
        country_el = loc.find(f"{NS}LocationCountry")
        country = self.countries.get(country_el.get("CountryID", "")) if country_el is not None else None
        # the classic schema writes a region with no country in the country field, "Region: Gaza"
        last = country or (f"Region: {parts['REGION']}" if "REGION" in parts else None)
        text = ", ".join(v for v in (*(parts.get(k) for k in _LOC_PARTS), last) if v)
        return text, country or parts.get("Unknown")  # a citizenship's location is its country's name


def load_ofac_advanced(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    root = parse_xml(path, f"{NS}Sanctions", "OFAC's advanced <Sanctions>")
    tables = _Tables(path, root)
    programs: dict[str, list[str]] = defaultdict(list)
    for entry in root.iterfind(f"{NS}SanctionsEntries/{NS}SanctionsEntry"):
        for measure in entry.iterfind(f"{NS}SanctionsMeasure"):
            name = _text(measure.find(f"{NS}Comment"))
            profile = entry.get("ProfileID", "")
            if tables.sanctions_types.get(measure.get("SanctionsTypeID", "")) == _PROGRAM and name and \
                    name not in programs[profile]:
                programs[profile].append(name)
    entities = [_entity(list_id, version, tables, party, programs)
                for party in root.iterfind(f"{NS}DistinctParties/{NS}DistinctParty")]
    if not entities:
        raise ListFormatError(str(path), "no DistinctParty records")
    _linked(root, {e.raw["uid"]: e for e in entities})
    return entities


def _linked(root: etree._Element, by_uid: dict[str, Entity]) -> None:
    """The classic schema's "(Linked To: NAME)" remarks, from the profile relationships."""
    for rel in root.iterfind(f"{NS}ProfileRelationships/{NS}ProfileRelationship"):
        source, target = by_uid.get(rel.get("From-ProfileID", "")), by_uid.get(rel.get("To-ProfileID", ""))
        if source is None or target is None:
            continue
        note = f"(Linked To: {target.primary_name})"
        source.remarks = f"{source.remarks}; {note}" if source.remarks else note


def issue_date(path: Path) -> str | None:
    for _, el in etree.iterparse(str(path), events=("end",), tag=f"{NS}DateOfIssue"):
        y, m, d = (_text(el.find(f"{NS}{k}")) for k in ("Year", "Month", "Day"))
        return f"{int(y):04d}-{int(m):02d}-{int(d):02d}" if y.isdigit() and m.isdigit() and d.isdigit() else None
    return None


def _line(el: etree._Element) -> int | None:
    return el.sourceline if isinstance(el.sourceline, int) else None


def _entity(list_id: str, version: ListVersion, t: _Tables, party: etree._Element,
            programs: dict[str, list[str]]) -> Entity:
    profile = party.find(f"{NS}Profile")
    if profile is None:
        raise ListFormatError(str(t.path), "DistinctParty without a Profile", row=_line(party), field="Profile")
    uid = profile.get("ID", "")
    party_type, subtype = t.subtypes.get(profile.get("PartySubTypeID", ""), ("", ""))
    etype = _SUBTYPES.get(subtype) or _PARTY_TYPES.get(party_type, EntityType.ORGANIZATION)
    names: list[Name] = []
    identity_ids: list[str] = []
    for identity in profile.iterfind(f"{NS}Identity"):
        identity_ids.append(identity.get("ID", ""))
        groups = {g.get("ID", ""): t.name_parts.get(g.get("NamePartTypeID", ""), "")
                  for g in identity.iter(f"{NS}NamePartGroup")}
        for alias in identity.iterfind(f"{NS}Alias"):
            for documented in alias.iterfind(f"{NS}DocumentedName"):
                value = _name(etype, groups, documented)
                if not value:
                    continue
                kind: NameKind
                if alias.get("Primary") == "true":
                    kind = NameKind.PRIMARY
                elif alias.get("LowQuality") == "true":
                    kind = NameKind.WEAK
                else:
                    kind = _ALIAS.get(t.alias_types.get(alias.get("AliasTypeID", ""), ""), NameKind.ALIAS)
                names.append(Name(value, kind, dominant_script(value)))
    names.sort(key=lambda n: n.kind is not NameKind.PRIMARY)  # stable: the primary name first
    if not names:
        raise ListFormatError(str(t.path), f"party {uid} has no name", row=_line(party), field="DocumentedName")
    comment = _text(party.find(f"{NS}Comment"))
    entity = Entity(id=f"{list_id}:{uid}", listing=f"ofac:{uid}", list_id=list_id, jurisdiction=Jurisdiction.US,
                    type=etype, names=names,
                    programs=programs.get(uid, []), remarks=comment or None, source_url=version.source_url,
                    version=version, raw={"uid": uid})
    for feature in profile.iterfind(f"{NS}Feature"):
        _feature(entity, t, t.features.get(feature.get("FeatureTypeID", ""), ""), feature)
    for identity_id in identity_ids:
        for doc in t.documents.get(identity_id, []):
            number = _text(doc.find(f"{NS}IDRegistrationNo"))
            doc_type = t.doc_types.get(doc.get("IDRegDocTypeID", ""), "ID")
            country = t.countries.get(doc.get("IssuedBy-CountryID", ""))
            if number and any(c.isdigit() for c in number):
                entity.identifiers.append(Identifier(doc_type, number, _code(country)))
    return entity


def _name(etype: EntityType, groups: dict[str, str], documented: etree._Element) -> str:
    parts: dict[str, list[str]] = defaultdict(list)
    for value in documented.iter(f"{NS}NamePartValue"):
        if value.text and value.text.strip():
            parts[groups.get(value.get("NamePartGroupID", ""), "")].append(value.text.strip())
    # the classic schema upper-cases last names and entity names; the advanced keeps their case
    if etype is EntityType.PERSON:
        last = " ".join(parts.pop("Last Name", [])).upper()
        rest = " ".join(v for k in ("First Name", "Middle Name", *parts) for v in parts.pop(k, []))
        return person_name({"lastName": last, "firstName": rest})
    return " ".join(v for values in parts.values() for v in values).upper()


def _code(country: str | None) -> str | None:
    from sekisho.lists.countries import country_code

    return country_code(country) if country else None


def _feature(entity: Entity, t: _Tables, kind: str, feature: etree._Element) -> None:
    version = feature.find(f"{NS}FeatureVersion")
    if version is None:
        return
    detail = version.find(f"{NS}VersionDetail")
    text = _text(detail)
    if detail is not None and not text and detail.get("DetailReferenceID"):
        text = t.references.get(detail.get("DetailReferenceID", ""), "")
    place = version.find(f"{NS}VersionLocation")
    if kind == "Birthdate":
        entity.birth_dates.extend(d for d in _period(version) if d not in entity.birth_dates)
    elif kind == "Place of Birth":
        if text:
            entity.add_country(text.split(",")[-1])
    elif place is not None:
        address, country = t.location(place.get("LocationID", ""))
        if kind == "Location" and address:
            entity.addresses.append(address)
        entity.add_country(country)
    elif text and any(c.isdigit() for c in text) and not NOT_AN_IDENTIFIER.match(kind):
        entity.identifiers.append(Identifier(kind, text, None))


def _period(version: etree._Element) -> list[str]:
    """A birth date period as the classic schema writes it: a day, a month, a year or years."""
    period = version.find(f"{NS}DatePeriod")
    if period is None:
        return []

    def day(path: str) -> tuple[int, int, int] | None:
        el = period.find(_qualified(path))
        if el is None:
            return None
        values: list[Any] = [_text(el.find(f"{NS}{k}")) for k in ("Year", "Month", "Day")]
        return (int(values[0]), int(values[1]), int(values[2])) if all(v.isdigit() for v in values) else None

    return period_dates(day("Start/From"), day("End/To"))


def period_dates(start: tuple[int, int, int] | None, end: tuple[int, int, int] | None) -> list[str]:
    """A date period (first possible day, last possible day) as the classic schema writes it."""
    if start is None or end is None:
        return []
    if start == end:
        return [f"{start[0]:04d}-{start[1]:02d}-{start[2]:02d}"]
    if start[0] == end[0] and start[1] == end[1]:
        return [f"{start[0]:04d}-{start[1]:02d}"]
    if (start[1], start[2], end[1], end[2]) == (1, 1, 12, 31):
        return [str(y) for y in range(start[0], end[0] + 1)] if end[0] - start[0] <= 1 else \
            [str(start[0]), str(end[0])]
    return [f"{start[0]:04d}"]


def _qualified(path: str) -> str:
    return "/".join(f"{NS}{p}" for p in path.split("/"))
