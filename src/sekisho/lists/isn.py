"""State Department ISN nonproliferation sanctions CSV."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sekisho.errors import ListFormatError
from sekisho.lists.common import (
    clean,
    csv_records,
    first_date,
    listing_key,
    read_text,
    split_embedded_aliases,
    stable_id,
    unique_ids,
)
from sekisho.lists.model import Entity, EntityType, Jurisdiction, ListVersion, LoadedList, Name, NameKind
from sekisho.names.scripts import dominant_script

COLUMNS = ("Source List", "Programs", "Name", "Alternative Names", "Country", "Effective Date")


def load_isn(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    entities: list[Entity] = []
    for line, rec in csv_records(path, read_text(path, ("utf-8-sig", "cp1252")), COLUMNS):
        raw_name = clean(rec["Name"])
        if not raw_name:
            raise ListFormatError(str(path), "empty name", row=line, field="Name")
        name, aliases = split_embedded_aliases(raw_name)
        aliases += [a.strip() for a in re.split(r"[;\n]", clean(rec["Alternative Names"])) if a.strip()]
        entity = Entity(
            id=stable_id(list_id, name, clean(rec["Programs"]), clean(rec["Effective Date"])),
            list_id=list_id,
            jurisdiction=Jurisdiction.US,
            official="ISN",
            listing=listing_key("ISN", name),
            type=EntityType.UNKNOWN,
            names=[Name(name, NameKind.PRIMARY, dominant_script(name))]
            + [Name(a, NameKind.ALIAS, dominant_script(a)) for a in aliases if a != name],
            programs=[p.strip() for p in clean(rec["Programs"]).split(";") if p.strip()],
            listed_on=first_date(clean(rec["Effective Date"])),
            remarks=clean(rec.get("Remarks/Notes")) or None,
            source_url=clean(rec.get("Web Link")) or version.source_url,
            raw=rec,
            version=version,
        )
        entity.add_country(clean(rec["Country"]))
        entities.append(entity)
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(entities)


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the ISN sanctions in files[0]."""
    return LoadedList(version, load_isn(version.list_id, version, files[0]))
