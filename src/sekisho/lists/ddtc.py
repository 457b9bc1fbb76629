"""State Department (DDTC) ITAR statutorily debarred parties CSV (latin-1 with stray 0xA0 bytes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sekisho.errors import ListFormatError
from sekisho.lists.common import (
    clean,
    csv_records,
    first_date,
    listing_key,
    parse_dates,
    read_text,
    split_embedded_aliases,
    stable_id,
    unique_ids,
)
from sekisho.lists.model import Entity, EntityType, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

COLUMNS = ("Party Name", "Date Of Birth", "Federal Register Notice", "Notice Date")


def load_ddtc(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    entities: list[Entity] = []
    for line, rec in csv_records(path, read_text(path, ("utf-8-sig", "cp1252", "latin-1")), COLUMNS):
        raw_name = clean(rec["Party Name"])
        if not raw_name:
            raise ListFormatError(str(path), "empty name", row=line, field="Party Name")
        name, aliases = split_embedded_aliases(raw_name)
        dob = clean(rec["Date Of Birth"])
        entities.append(Entity(
            id=stable_id(list_id, name, dob),
            list_id=list_id,
            jurisdiction=Jurisdiction.US,
            official="DTC",
            listing=listing_key("DTC", name),
            # only individuals carry a date of birth on this list
            type=EntityType.PERSON if dob else EntityType.UNKNOWN,
            names=[Name(name, NameKind.PRIMARY, dominant_script(name))]
            + [Name(a, NameKind.ALIAS, dominant_script(a)) for a in aliases],
            birth_dates=parse_dates(dob),
            programs=["ITAR statutory debarment"],
            listed_on=first_date(clean(rec["Notice Date"])),
            remarks=clean(rec["Federal Register Notice"]) or None,
            source_url=version.source_url,
            raw=rec,
            version=version,
        ))
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(entities)


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the DDTC debarred parties in files[0]."""
    return LoadedList(version, load_ddtc(version.list_id, version, files[0]))
