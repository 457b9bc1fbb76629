"""Official restricted-party lists: one loader per source, one entity model."""

from sekisho.lists.model import Entity, EntityType, Identifier, ListVersion, LoadedList, Name, NameKind

__all__ = ["Entity", "EntityType", "Identifier", "ListVersion", "LoadedList", "Name", "NameKind"]
