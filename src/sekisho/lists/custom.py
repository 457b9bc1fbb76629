"""A company's own block-list: a documented CSV.

Columns (header required; only id and name are mandatory):
  id, name, aliases (separated by ';'), type (person|organization|vessel|aircraft), country (ISO code or
  name; several separated by ';'), birth_date, identifiers ('type:value' separated by ';'), program, remarks
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean, csv_records, parse_dates
from sekisho.lists.countries import country_code
from sekisho.lists.model import Entity, EntityType, Identifier, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script
from sekisho.textfile import read_text

REQUIRED = ("id", "name")
OPTIONAL = ("aliases", "type", "country", "birth_date", "identifiers", "program", "remarks")


def load_custom(list_id: str, version: ListVersion, path: Path, encoding: str | None = None) -> list[Entity]:
    """The entities of a custom list file: UTF-8, or the encoding given or else detected (an
    Excel CSV from Japan is often cp932); undecodable bytes are an error naming their line."""
    text, _ = read_text(path, encoding)
    return parse_custom(list_id, version, path, text)


def parse_custom(list_id: str, version: ListVersion, path: Path, text: str) -> list[Entity]:
    entities: list[Entity] = []
    seen: set[str] = set()
    for line, rec in csv_records(path, text, REQUIRED):
        ident, name = clean(rec.get("id")), clean(rec.get("name"))
        if not ident:
            raise ListFormatError(str(path), "empty id", row=line, field="id")
        if ident in seen:
            raise ListFormatError(str(path), f"duplicate id {ident!r}", row=line, field="id")
        seen.add(ident)
        if not name:
            raise ListFormatError(str(path), "empty name", row=line, field="name")
        raw_type = clean(rec.get("type")).lower() or "unknown"
        try:
            etype = EntityType("organization" if raw_type in ("entity", "company", "organisation") else raw_type)
        except ValueError:
            raise ListFormatError(str(path), f"unknown type {raw_type!r}; use one of "
                                  f"{[t.value for t in EntityType]}", row=line, field="type") from None
        countries = []
        for c in clean(rec.get("country")).split(";"):
            if c.strip():
                code = country_code(c.strip())
                if code is None:
                    raise ListFormatError(str(path), f"unknown country {c.strip()!r}", row=line, field="country")
                countries.append(code)
        identifiers = []
        for part in clean(rec.get("identifiers")).split(";"):
            if part.strip():
                kind, sep, value = part.partition(":")
                if not sep or not value.strip():
                    raise ListFormatError(str(path), f"identifier {part!r} is not 'type:value'", row=line,
                                          field="identifiers")
                identifiers.append(Identifier(kind.strip(), value.strip()))
        aliases = [a.strip() for a in clean(rec.get("aliases")).split(";") if a.strip()]
        entities.append(Entity(
            id=f"{list_id}:{ident}",
            list_id=list_id,
            jurisdiction=Jurisdiction.CUSTOM,
            type=etype,
            names=[Name(name, NameKind.PRIMARY, dominant_script(name))]
            + [Name(a, NameKind.ALIAS, dominant_script(a)) for a in aliases],
            countries=countries,
            identifiers=identifiers,
            birth_dates=parse_dates(clean(rec.get("birth_date"))),
            programs=[clean(rec.get("program"))] if clean(rec.get("program")) else [],
            remarks=clean(rec.get("remarks")) or None,
            raw=rec,
            version=version,
        ))
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return entities


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): a custom list's CSV."""
    return LoadedList(version, load_custom(version.list_id, version, files[0]))
