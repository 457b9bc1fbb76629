"""BIS Denied Persons List, tab-separated with quoted fields."""

from __future__ import annotations

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

COLUMNS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
           "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation")


def load_dpl(list_id: str, version: ListVersion, path: Path) -> list[Entity]:
    entities: list[Entity] = []
    for line, rec in csv_records(path, read_text(path, ("utf-8-sig", "cp1252")), COLUMNS, delimiter="\t"):
        raw_name = clean(rec["Name"])
        if not raw_name:
            raise ListFormatError(str(path), "empty name", row=line, field="Name")
        name, aliases = split_embedded_aliases(raw_name)
        address = ", ".join(p for p in (clean(rec[k]) for k in COLUMNS[1:6]) if p)
        entity = Entity(
            # not the effective date: a renewed order (a TDO every 180 days) is the same listing, changed
            id=stable_id(list_id, name, clean(rec["Street_Address"]), clean(rec["City"]), clean(rec["Country"])),
            list_id=list_id,
            jurisdiction=Jurisdiction.US,
            official="DPL",
            listing=listing_key("DPL", name),
            type=EntityType.UNKNOWN,
            names=[Name(name, NameKind.PRIMARY, dominant_script(name))]
            + [Name(a, NameKind.ALIAS, dominant_script(a)) for a in aliases],
            addresses=[address] if address else [],
            programs=["Denied Persons List"],
            listed_on=first_date(clean(rec["Effective_Date"])),
            remarks=" ".join(p for p in (clean(rec["Action"]), clean(rec["FR_Citation"])) if p) or None,
            source_url=version.source_url,
            raw=rec,
            version=version,
        )
        entity.add_country(clean(rec["Country"]))
        entities.append(entity)
    if not entities:
        raise ListFormatError(str(path), "no records", row=2)
    return unique_ids(entities)


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The list-source entry point (lists.registry): the Denied Persons List in files[0]."""
    return LoadedList(version, load_dpl(version.list_id, version, files[0]))
