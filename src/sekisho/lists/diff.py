"""What changed between two versions of a list: entities added, removed and changed, field by field.

Entities are matched by id, which every loader keeps stable across versions, so that an entry
whose name or address was edited is one change, not a removal and an addition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sekisho.lists.model import Entity

# facts of the version, not of the entry: equal entries of two versions differ in them
_VERSION_FIELDS = ("list_date", "source_url")


def entity_fields(entity: Entity) -> dict[str, Any]:
    data = entity.to_dict()
    for key in _VERSION_FIELDS:
        data.pop(key, None)
    return data


@dataclass
class ListDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> field -> (old, new)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"


def diff_entities(old: Iterable[Entity], new: Iterable[Entity]) -> ListDiff:
    before = {e.id: entity_fields(e) for e in old}
    after = {e.id: entity_fields(e) for e in new}
    out = ListDiff(added=[i for i in after if i not in before], removed=[i for i in before if i not in after])
    for ident, fields in after.items():
        prev = before.get(ident)
        if prev is not None and prev != fields:
            out.changed[ident] = {k: (prev.get(k), v) for k, v in fields.items() if prev.get(k) != v}
    return out
