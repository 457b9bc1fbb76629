"""UN Security Council consolidated list XML (INDIVIDUALS and ENTITIES)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from sekisho.errors import ListFormatError
from sekisho.lists.common import parse_dates, root_date
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script


def _text(el: etree._Element, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def load_un(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(str(path), f"malformed XML: {exc.msg}", row=exc.lineno) from None
    root = tree.getroot()
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(str(path), f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>", row=1)
    entities: list[Entity] = []
    for kind, etype in (("INDIVIDUAL", EntityType.PERSON), ("ENTITY", EntityType.ORGANIZATION)):
        for el in root.iter(kind):
            entities.append(_entity(list_id, version, path, el, kind, etype))
    if not entities:
        raise ListFormatError(str(path), "no INDIVIDUAL or ENTITY records")
    return entities


def _entity(list_id: str, version: ListVersion, path: Path, el: etree._Element, kind: str,
            etype: EntityType) -> Entity:
    ref = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    parts = [_text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    primary = " ".join(p for p in parts if p)
    if not ref:
        raise ListFormatError(str(path), f"{kind} without REFERENCE_NUMBER", row=_line(el),
                              field="REFERENCE_NUMBER")
    if not primary:
        raise ListFormatError(str(path), f"{kind} {ref} has no name", row=_line(el), field="FIRST_NAME")
    names = [Name(primary, NameKind.PRIMARY, dominant_script(primary))]
    original = _text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(Name(original, NameKind.ORIGINAL_SCRIPT, dominant_script(original)))
    for alias in el.iter(f"{kind}_ALIAS"):
        value = _text(alias, "ALIAS_NAME")
        if value:
            weak = _text(alias, "QUALITY").lower() in ("low", "weak")
            names.append(Name(value, NameKind.WEAK if weak else NameKind.ALIAS, dominant_script(value)))
    addresses = []
    for a in el.iter(f"{kind}_ADDRESS"):
        line = ", ".join(p for p in (_text(a, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE",
                                                           "COUNTRY")) if p)
        if line:
            addresses.append(line)
    dobs: list[str] = []
    for d in el.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
            dobs.extend(x for x in parse_dates(_text(d, tag)) if x not in dobs)
    identifiers = []
    for doc in el.iter("INDIVIDUAL_DOCUMENT"):
        number = _text(doc, "NUMBER")
        if number:
            identifiers.append(Identifier(_text(doc, "TYPE_OF_DOCUMENT") or "Document", number,
                                          country_code(_text(doc, "ISSUING_COUNTRY")
                                                       or _text(doc, "COUNTRY_OF_ISSUE"))))
    raw = {child.tag: (child.text or "").strip() for child in el if child.text and child.text.strip()}
    entity = Entity(
        id=f"{list_id}:{ref}",
        list_id=list_id,
        jurisdiction=Jurisdiction.UN,
        type=etype,
        names=names,
        addresses=addresses,
        identifiers=identifiers,
        programs=[_text(el, "UN_LIST_TYPE")] if _text(el, "UN_LIST_TYPE") else [],
        birth_dates=dobs,
        listed_on=_text(el, "LISTED_ON") or None,
        remarks=_text(el, "COMMENTS1") or None,
        source_url=version.source_url,
        raw=raw,
        version=version,
    )
    for v in el.iterfind("NATIONALITY/VALUE"):
        entity.add_country(v.text)
    for a in el.iter(f"{kind}_ADDRESS"):
        entity.add_country(_text(a, "COUNTRY"))
    return entity


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the UN consolidated XML in files[0]."""
    return LoadedList(version, load_un(version.list_id, version, files[0]))


def stated_date(files: Sequence[Path]) -> str | None:
    return root_date(files[0], "dateGenerated")
