"""The one entity model every list loader produces.

An Entity keeps the raw record and the ListVersion it came from, so "which list said what, and
when" can always be answered from a hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sekisho.lists.countries import country_code


class EntityType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class Jurisdiction(StrEnum):
    """Whose list it is: a closed set, so that a filter or a report by jurisdiction sees every list."""

    US = "US"
    JP = "JP"
    UN = "UN"
    UK = "UK"
    EU = "EU"
    CUSTOM = "CUSTOM"


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"
    WEAK = "weak"  # OFAC "weak a.k.a.", UN "low quality", MOF 確定に十分でない別名
    FORMER = "former"  # f.k.a. / 旧称
    ORIGINAL_SCRIPT = "original_script"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    script: str = "Latn"  # ISO 15924 of the dominant script, see names.scripts


@dataclass(frozen=True, slots=True)
class Identifier:
    type: str
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One snapshot of one list: where it came from and what exactly was read."""

    list_id: str
    jurisdiction: Jurisdiction
    title: str
    date: str  # ISO date of publication or snapshot
    sha256: str
    files: tuple[str, ...]
    source_url: str | None = None

    def __post_init__(self) -> None:
        # the closed set, also for a caller that passes the code as a string
        object.__setattr__(self, "jurisdiction", Jurisdiction(self.jurisdiction))


@dataclass(slots=True)
class Entity:
    id: str  # stable across list versions, prefixed by the list id
    list_id: str
    jurisdiction: Jurisdiction
    type: EntityType
    names: list[Name]
    countries: list[str] = field(default_factory=list)  # ISO 3166 alpha-2
    addresses: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)  # ISO, possibly partial: 1962 or 1962-05
    listed_on: str | None = None
    remarks: str | None = None
    source: str | None = None  # sub-list inside a consolidated list, e.g. CSL "Entity List (EL)"
    source_url: str | None = None
    # the official list the entry is on, by its code (SDN, EL, MEU …), where one file carries several
    # or several files carry one: how screening keeps one hit per listing (lists.overlap)
    official: str | None = None
    listing: str | None = None  # the same listing in another file has the same key (OFAC: its uid)
    # the terms of the listing, where the list states them: the Entity List's licence requirement,
    # licence review policy and Federal Register citation
    terms: dict[str, str] = field(default_factory=dict)
    # the same listing in older files, set aside for this one: (list id, list date, entity id)
    also_in: list[tuple[str, str, str]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    version: ListVersion | None = None

    def add_country(self, text: str | None) -> None:
        """Record the country a cell names (English, Japanese or ISO code), once; ignore unknown text."""
        code = country_code(text)
        if code and code not in self.countries:
            self.countries.append(code)

    @property
    def primary_name(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else ""

    def to_dict(self, raw: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "list": self.list_id,
            "jurisdiction": self.jurisdiction,
            "type": self.type.value,
            "name": self.primary_name,
            "names": [{"value": n.value, "kind": n.kind.value, "script": n.script} for n in self.names],
            "countries": self.countries,
            "addresses": self.addresses,
            "identifiers": [{"type": i.type, "value": i.value, "country": i.country} for i in self.identifiers],
            "programs": self.programs,
            "birth_dates": self.birth_dates,
            "listed_on": self.listed_on,
            "remarks": self.remarks,
            "source": self.source,
            "source_url": self.source_url,
            "official_list": self.official,
            "terms": self.terms,
            "also_in": [{"list": lst, "date": d, "id": i} for lst, d, i in self.also_in],
            "list_date": self.version.date if self.version else None,
        }
        if raw:
            out["raw"] = self.raw
        return out


@dataclass(slots=True)
class LoadedList:
    version: ListVersion
    entities: list[Entity]
    warnings: list[str] = field(default_factory=list)  # rows skipped in an official file, with reasons
    set_aside: list[str] = field(default_factory=list)  # entries left out for a newer file's (lists.overlap)

    @property
    def name_count(self) -> int:
        return sum(len(e.names) for e in self.entities)
