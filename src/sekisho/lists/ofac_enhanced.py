"""OFAC lists in the enhanced XML schema (SDN_ENHANCED / CONS_ENHANCED, the format OFAC's Sanctions
List Service publishes today), plain or in its zip.

Each entity carries its names with their full form as OFAC formats it (in every script it gives),
programmes, addresses, features (birth dates, places, citizenship, identifiers such as SWIFT/BIC)
and identity documents. Entity ids are OFAC's, as in the classic and CSV forms.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO

from lxml import etree

from sekisho.errors import ListFormatError
from sekisho.lists.common import parse_xml
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, Name, NameKind
from sekisho.lists.ofac_advanced import period_dates
from sekisho.lists.ofac_xml import NOT_AN_IDENTIFIER
from sekisho.names.scripts import dominant_script

NS = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML}"
_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION, "vessel": EntityType.VESSEL,
          "aircraft": EntityType.AIRCRAFT}
_ALIAS = {"A.K.A.": NameKind.ALIAS, "F.K.A.": NameKind.FORMER, "N.K.A.": NameKind.ALIAS}
_ADDRESS = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE/PROVINCE", "POSTAL CODE")
_COUNTRY_FEATURES = ("Citizenship Country", "Nationality Country", "Nationality of Registration")


def _open(path: Path) -> IO[bytes]:
    """The XML, read out of the zip OFAC ships it in where it is one."""
    if path.suffix.lower() != ".zip":
        return path.open("rb")
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".xml")]
            if len(members) != 1:
                raise ListFormatError(str(path), f"expected one XML file in the zip, found {members}")
            return io.BytesIO(archive.read(members[0]))
    except zipfile.BadZipFile as exc:
        raise ListFormatError(str(path), f"not a readable zip ({exc})") from None


def _text(el: etree._Element | None, tag: str | None = None) -> str:
    if el is not None and tag is not None:
        el = el.find(f"{NS}{tag}")
    return (el.text or "").strip() if el is not None else ""


def data_as_of(path: Path) -> str | None:
    with _open(path) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=f"{NS}dataAsOf"):
            return _text(el)[:10] or None
    return None


def is_enhanced(path: Path) -> bool:
    try:
        with _open(path) as fh:
            for _, el in etree.iterparse(fh, events=("start",)):
                return bool(el.tag == f"{NS}sanctionsData")
    except (etree.XMLSyntaxError, ListFormatError):
        return False
    return False


def load_ofac_enhanced(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    with _open(path) as fh:
        root = parse_xml(path, f"{NS}sanctionsData", "OFAC's enhanced <sanctionsData>", fh)
    entities = [_entity(list_id, version, path, el) for el in root.iterfind(f"{NS}entities/{NS}entity")]
    if not entities:
        raise ListFormatError(str(path), "no entity records")
    by_id = {e.raw["uid"]: e for e in entities}
    for el in root.iterfind(f"{NS}entities/{NS}entity"):
        source = by_id[el.get("id", "")]
        for rel in el.iterfind(f"{NS}relationships/{NS}relationship/{NS}relatedEntity"):
            target = by_id.get(rel.get("entityId", ""))
            name = target.primary_name if target is not None else _text(rel)
            note = f"(Linked To: {name})"  # as the classic and CSV forms write it in the remarks
            source.remarks = f"{source.remarks}; {note}" if source.remarks else note
    return entities


def _entity(list_id: str, version: ListVersion, path: Path, el: etree._Element) -> Entity:
    uid = el.get("id", "")
    line = el.sourceline if isinstance(el.sourceline, int) else None
    if not uid.isdigit():
        raise ListFormatError(str(path), f"expected a number, found {uid!r}", row=line, field="id")
    etype = _TYPES.get(_text(el.find(f"{NS}generalInfo"), "entityType").lower(), EntityType.ORGANIZATION)
    names: list[Name] = []
    for name in el.iterfind(f"{NS}names/{NS}name"):
        kind: NameKind
        if _text(name, "isPrimary") == "true":
            kind = NameKind.PRIMARY
        elif _text(name, "isLowQuality") == "true":
            kind = NameKind.WEAK
        else:
            kind = _ALIAS.get(_text(name, "aliasType"), NameKind.ALIAS)
        for translation in name.iterfind(f"{NS}translations/{NS}translation"):
            full = _text(translation, "formattedFullName")
            if not full:
                continue
            script = dominant_script(full)
            # a name in another script than its primary translation's is the original-script form
            this = kind if _text(translation, "isPrimary") == "true" or script == "Latn" else \
                NameKind.ORIGINAL_SCRIPT
            names.append(Name(full, this, script))
    names.sort(key=lambda n: n.kind is not NameKind.PRIMARY)
    if not names:
        raise ListFormatError(str(path), f"entity {uid} has no name", row=line, field="names")
    entity = Entity(id=f"{list_id}:{uid}", listing=f"ofac:{uid}", list_id=list_id, jurisdiction=Jurisdiction.US,
                    type=etype, names=names,
                    programs=[t for p in el.iterfind(f"{NS}sanctionsPrograms/{NS}sanctionsProgram")
                              if (t := _text(p))],
                    remarks=_text(el.find(f"{NS}generalInfo"), "remarks") or _text(el, "remarks") or None,
                    source_url=version.source_url, version=version, raw={"uid": uid})
    for address in el.iterfind(f"{NS}addresses/{NS}address"):
        country = _text(address, "country")
        for translation in address.iterfind(f"{NS}translations/{NS}translation"):
            if _text(translation, "isPrimary") != "true":
                continue
            parts = {_text(p, "type"): _text(p, "value") for p in translation.iterfind(f"{NS}addressParts/"
                                                                                      f"{NS}addressPart")}
            last = country or (f"Region: {parts['REGION']}" if parts.get("REGION") else "")
            text = ", ".join(v for v in (*(parts.get(k) for k in _ADDRESS), last) if v)
            if text:
                entity.addresses.append(text)
        entity.add_country(country)
    for feature in el.iterfind(f"{NS}features/{NS}feature"):
        kind_text, value = _text(feature, "type"), _text(feature, "value")
        if kind_text == "Birthdate":
            when = feature.find(f"{NS}valueDate")
            dates = period_dates(_day(_text(when, "fromDateBegin")), _day(_text(when, "toDateEnd"))) \
                if when is not None else []
            entity.birth_dates.extend(d for d in dates if d not in entity.birth_dates)
        elif kind_text == "Place of Birth":
            if value:
                entity.add_country(value.split(",")[-1])
        elif kind_text in _COUNTRY_FEATURES:
            entity.add_country(value)
        elif kind_text == "Location":
            continue
        elif value and any(c.isdigit() for c in value) and not NOT_AN_IDENTIFIER.match(kind_text):
            entity.identifiers.append(Identifier(kind_text, value, None))
    for doc in el.iterfind(f"{NS}identityDocuments/{NS}identityDocument"):
        number = _text(doc, "documentNumber")
        if number and any(c.isdigit() for c in number):
            from sekisho.lists.countries import country_code

            entity.identifiers.append(Identifier(_text(doc, "type") or "ID", number,
                                                 country_code(_text(doc, "issuingCountry") or None)))
    return entity


def _day(text: str) -> tuple[int, int, int] | None:
    bits = text[:10].split("-")
    return (int(bits[0]), int(bits[1]), int(bits[2])) if len(bits) == 3 and all(b.isdigit() for b in bits) \
        else None
