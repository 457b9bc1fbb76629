"""One hit per listing where two loaded files carry the same official list.

The bundled Consolidated Screening List (CSL) repeats the SDN list, the Denied Persons List and
others that sekisho also reads from the agency's own file, of another date. For each official list
(by code: SDN, DPL …) carried whole by more than one loaded file, the newest file's copy is used:
- an entry of an older file with the same listing key (OFAC's entry number; otherwise the list code
  and the name) is set aside, and the entry kept says so (`Entity.also_in`);
- an entry of an older file that the newest no longer has is set aside too: it was taken off
  the list in between.
Files of the same date: the agency's own file is preferred to the CSL's copy. Entries whose
official list is unknown (OFAC's consolidated file does not say which of its lists an entry is
on) are set aside only by their listing key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sekisho.lists.model import Entity, LoadedList


@dataclass(frozen=True)
class Carrier:
    codes: frozenset[str]  # official lists the file carries whole
    preferred: bool  # the agency's own file, preferred at equal dates


def resolve(loaded: Sequence[LoadedList], carriers: Mapping[str, Carrier]) -> list[LoadedList]:
    """The lists with the entries of older copies set aside (in place, and returned in their order)."""
    def rank(lst: LoadedList) -> tuple[str, bool]:
        carrier = carriers.get(lst.version.list_id)
        return lst.version.date[:10], bool(carrier and carrier.preferred)

    newest_first = sorted(loaded, key=rank, reverse=True)
    # per official list code: the newest file carrying it, and that file's entries by listing key
    holder: dict[str, str] = {}
    kept: dict[tuple[str, str], Entity] = {}  # (code, listing) -> the entry kept
    for lst in newest_first:
        list_id = lst.version.list_id
        codes = carriers[list_id].codes if list_id in carriers else frozenset()
        newer = {c: holder[c] for c in codes if c in holder}
        if newer:
            lst.entities = [e for e in lst.entities if not _set_aside(lst, e, codes, newer, kept)]
        for code in codes:
            holder.setdefault(code, list_id)
            if holder[code] == list_id:
                for entity in lst.entities:
                    if entity.listing and entity.official in (code, None):
                        kept.setdefault((code, entity.listing), entity)
    return list(loaded)


def _set_aside(lst: LoadedList, entity: Entity, codes: frozenset[str], newer: Mapping[str, str],
               kept: Mapping[tuple[str, str], Entity]) -> bool:
    if entity.official is not None:
        shared = [entity.official] if entity.official in newer else []
    else:
        shared = [c for c in codes if c in newer]
    for code in shared:
        same = kept.get((code, entity.listing)) if entity.listing else None
        if same is not None:
            # the older file may say which list an entry is on where the newer does not (OFAC's
            # consolidated file, of the CSL's rows)
            same.official = same.official or entity.official
            same.also_in.append((lst.version.list_id, lst.version.date, entity.id))
            lst.set_aside.append(f"{entity.id}: the same listing as {same.id} ({newer[code]}, newer)")
            return True
        if entity.official is not None:
            lst.set_aside.append(f"{entity.id}: no longer on {code} in {newer[code]}, a newer copy of that list")
            return True
    return False
