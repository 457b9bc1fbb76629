"""What changed between two versions of a list: entities added, removed and changed, field by field.

Entities are matched by id, which every loader keeps stable across versions, so that an entry
whose name or address was edited is one change, not a removal and an addition.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sekisho.lists.model import Entity

# facts of the version, not of the entry: equal entries of two versions differ in them
_VERSION_FIELDS = ("list_date", "source_url")


def entity_fields(entity: Entity) -> dict[str, Any]:
    """An entity's facts, with lists in a fixed order: a list that only reorders an entry's aliases
    or identifiers has not changed it."""
    data = entity.to_dict()
    for key in _VERSION_FIELDS:
        data.pop(key, None)
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return data


@dataclass
class ListDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> field -> (old, new)
    names: dict[str, str] = field(default_factory=dict)  # every id above -> its primary name (the newer one)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [{"id": i, "name": self.names[i]} for i in self.added],
            "removed": [{"id": i, "name": self.names[i]} for i in self.removed],
            "changed": [{"id": i, "name": self.names[i],
                         "fields": {k: {"old": old, "new": new} for k, (old, new) in fields.items()}}
                        for i, fields in self.changed.items()],
        }


def diff_entities(old: Iterable[Entity], new: Iterable[Entity]) -> ListDiff:
    """Entities matched by id. Lists that publish no ids get one derived from what identifies an
    entry (name, address …), which an edit of that address changes: an entity left without a match
    on each side, with the same primary name as exactly one such entity on the other side, is that
    entity changed (its `id` among the changed fields), not one removed and one added."""
    before = {e.id: entity_fields(e) for e in old}
    after = {e.id: entity_fields(e) for e in new}
    added = [i for i in after if i not in before]
    removed = [i for i in before if i not in after]
    renamed = _same_name(removed, added, before, after)
    out = ListDiff(added=[i for i in added if i not in renamed.values()],
                   removed=[i for i in removed if i not in renamed])
    pairs = [(i, i) for i in after if i in before] + [(o, n) for o, n in renamed.items()]
    for old_id, new_id in pairs:
        prev, fields = before[old_id], after[new_id]
        if prev != fields:
            out.changed[new_id] = {k: (prev.get(k), v) for k, v in fields.items() if prev.get(k) != v}
    out.names = {i: str((after.get(i) or before[i])["name"]) for i in (*out.added, *out.removed, *out.changed)}
    return out


def _same_name(removed: list[str], added: list[str], before: dict[str, dict[str, Any]],
               after: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Old id -> new id for unmatched entities whose primary name is unique among each side's unmatched."""
    def by_name(ids: list[str], fields: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in ids:
            out.setdefault(str(fields[i]["name"]).casefold(), []).append(i)
        return out

    gone, new = by_name(removed, before), by_name(added, after)
    return {ids[0]: new[name][0] for name, ids in gone.items() if len(ids) == 1 and len(new.get(name, ())) == 1}
