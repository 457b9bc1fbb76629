"""The versions of a list sekisho has: the bundled snapshot and every downloaded one, and loading
any of them by a reference a user can type (`bundled`, `current`, a date, a version folder name)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sekisho.errors import InvalidInput, NotFound
from sekisho.fileops import files_sha256
from sekisho.lists import registry
from sekisho.lists.model import LoadedList


@dataclass(frozen=True)
class Version:
    name: str  # "bundled" or the version folder's name, <date>_<sha256 prefix>
    date: str
    date_source: str
    sha256: str
    entities: int | None  # known without loading for downloaded versions
    paths: tuple[Path, ...]
    url: str | None
    current: bool

    def to_dict(self) -> dict[str, object]:
        return {"version": self.name, "date": self.date, "date_source": self.date_source, "sha256": self.sha256,
                "entities": self.entities, "current": self.current, "url": self.url,
                "files": [str(p) for p in self.paths]}


def _spec(list_id: str) -> registry.ListSpec:
    """The spec naming the list's files (the CSL's, for a list read from it)."""
    if list_id not in registry.SPECS:
        raise NotFound(f"{list_id}: versions are kept for official lists; known: {', '.join(registry.SPECS)}")
    return registry.file_spec(list_id)


def history(list_id: str) -> list[Version]:
    """Every version, oldest first."""
    spec = _spec(list_id)
    current = registry.current_version_dir(list_id)
    bundled = tuple(registry.bundled_dir() / f.bundled for f in spec.files if f.bundled)
    # a list not bundled (the EU's) has versions only once `lists update` has fetched one
    out = [Version("bundled", spec.date, "bundled snapshot", files_sha256(bundled), None, bundled,
                   spec.files[0].url, current is None)] if bundled else []
    folder = registry.versions_dir(list_id)
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        manifest = entry / "manifest.json"
        if entry.name.startswith(".") or not manifest.is_file():
            continue
        facts = json.loads(manifest.read_text("utf-8"))
        paths = tuple(p for p in registry.version_files(spec, entry, facts) if p.exists())
        out.append(Version(entry.name, facts["date"], facts.get("date_source", ""), facts["sha256"],
                           int(facts["entities"]), paths, facts.get("url"), current == entry))
    return sorted(out, key=lambda v: (v.date[:10], v.name != "bundled"))


def find(list_id: str, ref: str) -> Version:
    """The version a reference names: 'bundled', 'current', 'previous' (the one before current), a
    version folder name or its unique prefix, or a date (the latest version of that date)."""
    versions = history(list_id)
    if not any(v.current for v in versions):
        raise NotFound(f"{list_id}: no version here yet; `sekisho lists update {list_id}` fetches one")
    if ref == "current":
        return next(v for v in versions if v.current)
    if ref == "previous":
        at = next(i for i, v in enumerate(versions) if v.current)
        if at == 0:
            raise NotFound(f"{list_id}: the current version ({versions[0].name}) is the oldest one kept")
        return versions[at - 1]
    matches = [v for v in versions if v.name == ref] or [v for v in versions if v.name.startswith(ref)] \
        or [v for v in versions if v.date[:10] == ref]
    if not matches:
        known = ", ".join(f"{v.name} ({v.date})" for v in versions)
        raise NotFound(f"{list_id}: no version {ref!r}; kept: {known}")
    if len({v.name for v in matches}) > 1 and ref not in {v.date[:10] for v in matches}:
        raise InvalidInput(f"{list_id}: {ref!r} names several versions: {', '.join(v.name for v in matches)}")
    return matches[-1]


def load(list_id: str, version: Version) -> LoadedList:
    spec = _spec(list_id)
    if version.name == "bundled":
        paths = registry.bundled_files(list_id)
    else:
        folder = registry.versions_dir(list_id) / version.name
        paths = registry.version_files(spec, folder, json.loads((folder / "manifest.json").read_text("utf-8")))
    return registry.load_files(list_id, paths, version.date, version.url)


def load_given_files(list_id: str, files: list[Path]) -> LoadedList:
    """A list read from files a user names, in its spec's order (for `lists diff --old/--new`)."""
    spec = _spec(list_id)
    if not files or len(files) > len(spec.files):
        raise InvalidInput(f"{list_id} takes 1 to {len(spec.files)} files: "
                           f"{', '.join(f.filename for f in spec.files)}")
    for path in files:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
    return registry.load_files(list_id, files, "", None)
