"""EU Consolidated Financial Sanctions List (FSF), XML format 1.1.

<export generationDate> holds one <sanctionEntity logicalId euReferenceNumber unitedNationId> per
listing, with <subjectType code="person|enterprise">, <nameAlias wholeName firstName lastName
nameLanguage strong>, <citizenship>, <birthdate>, <address>, <identification>, <regulation
programme> and <remark>. The logicalId is the EU's own entity number: the id, stable across files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sekisho.errors import ListFormatError
from sekisho.lists.common import parse_xml, root_date
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

NS = "{http://eu.europa.ec/fpi/fsd/export}"
_TYPES = {"person": EntityType.PERSON, "enterprise": EntityType.ORGANIZATION, "vessel": EntityType.VESSEL,
          "aircraft": EntityType.AIRCRAFT}
# a name in one of these languages is written in the list's own (Latin) transcription
_LATIN_FIRST = ("", "EN")


def clean(value: str | None) -> str:
    """An attribute or text as written, trimmed. (Not common.clean: its placeholders, OFAC's '-0-'
    and the like, are not the EU's, and a name may be any word.)"""
    return (value or "").replace("\xa0", " ").strip()


def stated_date(files: Sequence[Path]) -> str | None:
    return root_date(files[0], "generationDate")


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the XML 1.1 file in files[0]."""
    path = files[0]
    root = parse_xml(path, f"{NS}export", "<export> of the EU FSF XML 1.1 format")
    entities: list[Entity] = []
    seen: set[str] = set()
    for el in root.iterfind(f"{NS}sanctionEntity"):
        entity = _entity(version, path, el)
        if entity.id in seen:
            raise ListFormatError(str(path), f"duplicate logicalId {entity.id.rsplit(':', 1)[-1]}",
                                  row=el.sourceline, field="logicalId")
        seen.add(entity.id)
        entities.append(entity)
    if not entities:
        raise ListFormatError(str(path), "no <sanctionEntity> elements", row=1)
    return LoadedList(version, entities)


def _entity(version: ListVersion, path: Path, el: Any) -> Entity:
    line = el.sourceline
    number = clean(el.get("logicalId"))
    if not number:
        raise ListFormatError(str(path), "sanctionEntity without a logicalId", row=line, field="logicalId")
    subject = el.find(f"{NS}subjectType")
    code = clean(subject.get("code")) if subject is not None else ""
    if code not in _TYPES:
        raise ListFormatError(str(path), f"entity {number}: subjectType {code!r} is not one of {sorted(_TYPES)}",
                              row=line, field="subjectType")
    etype = _TYPES[code]
    names = _names(el, etype)
    if not names:
        raise ListFormatError(str(path), f"entity {number} has no name", row=line, field="nameAlias")
    reference = clean(el.get("euReferenceNumber"))
    entity = Entity(
        id=f"{version.list_id}:{number}", list_id=version.list_id, jurisdiction=Jurisdiction.EU, type=etype,
        names=names, listing=f"eu:{number}",
        programs=sorted({clean(r.get("programme")) for r in el.iterfind(f"{NS}regulation")} - {""}),
        remarks=" ".join(clean(r.text) for r in el.iterfind(f"{NS}remark") if clean(r.text)) or None,
        source_url=version.source_url, version=version,
        raw={"logicalId": number, "euReferenceNumber": reference, "unitedNationId": clean(el.get("unitedNationId")),
             "designationDetails": clean(el.get("designationDetails"))},
    )
    listed = sorted(clean(r.get("publicationDate")) for r in el.iterfind(f"{NS}regulation") if r.get("publicationDate"))
    entity.listed_on = listed[0][:10] if listed else None
    for c in el.iterfind(f"{NS}citizenship"):
        entity.add_country(c.get("countryIso2Code"))
    for b in el.iterfind(f"{NS}birthdate"):
        day = clean(b.get("birthdate")) or clean(b.get("year"))
        if day and day not in entity.birth_dates:
            entity.birth_dates.append(day[:10])
    for a in el.iterfind(f"{NS}address"):
        parts = [clean(a.get(k)) for k in ("street", "poBox", "city", "zipCode", "region", "place",
                                           "countryDescription")]
        text = ", ".join(p for p in parts if p and p != "UNKNOWN")
        if text:
            entity.addresses.append(text)
        entity.add_country(a.get("countryIso2Code"))
    for i in el.iterfind(f"{NS}identification"):
        value = clean(i.get("number"))
        if value:
            kind = clean(i.get("identificationTypeDescription")) or clean(i.get("identificationTypeCode")) or "ID"
            entity.identifiers.append(Identifier(kind, value, clean(i.get("countryIso2Code")) or None))
    if reference:
        entity.identifiers.append(Identifier("EU reference number", reference))
    return entity


def _names(el: Any, etype: EntityType) -> list[Name]:
    """A Latin-transcribed name is the primary one; a name in another script is an original-script
    name; strong="false" marks a weak alias."""
    found: list[tuple[str, str, bool, bool]] = []
    for alias in el.iterfind(f"{NS}nameAlias"):
        whole = clean(alias.get("wholeName"))
        if not whole and etype is EntityType.PERSON:
            whole = " ".join(p for p in (clean(alias.get(k)) for k in ("firstName", "middleName", "lastName")) if p)
        if whole:
            found.append((whole, clean(alias.get("nameLanguage")).upper(), alias.get("strong") != "false",
                          bool(clean(alias.get("lastName")))))
    if not found:
        return []
    # the list's order says nothing: a person's primary name is one given with a surname
    latin = [f for f in found if f[1] in _LATIN_FIRST and f[2] and dominant_script(f[0]) == "Latn"]
    primary = next((f for f in latin if f[3] or etype is not EntityType.PERSON), latin[0] if latin else found[0])
    names = [Name(primary[0], NameKind.PRIMARY, dominant_script(primary[0]))]
    seen = {primary[0]}
    for value, _, strong, _ in found:
        if value in seen:
            continue
        seen.add(value)
        script = dominant_script(value)
        kind = NameKind.WEAK if not strong else NameKind.ALIAS if script == "Latn" else NameKind.ORIGINAL_SCRIPT
        names.append(Name(value, kind, script))
    return names
