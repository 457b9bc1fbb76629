"""Which lists exist, where their files are, and how to load them.

A list is read from the data folder when `sekisho lists update` has fetched it there, otherwise from
the snapshot bundled with the package, so a fresh offline install always has every list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sekisho import settings
from sekisho.errors import NotFound
from sekisho.lists.common import files_sha256
from sekisho.lists.csl import load_csl_csv, load_csl_json
from sekisho.lists.custom import load_custom
from sekisho.lists.ddtc import load_ddtc
from sekisho.lists.dpl import load_dpl
from sekisho.lists.isn import load_isn
from sekisho.lists.meti import load_meti
from sekisho.lists.model import Entity, ListVersion, LoadedList
from sekisho.lists.mof import load_mof
from sekisho.lists.ofac import load_ofac, missing_end_mark
from sekisho.lists.ofac_advanced import issue_date, load_ofac_advanced
from sekisho.lists.ofac_enhanced import data_as_of, load_ofac_enhanced
from sekisho.lists.ofac_xml import load_ofac_xml, publish_date, xml_root
from sekisho.lists.uk import last_updated, load_uk
from sekisho.lists.un import generated_date, load_un

Loader = Callable[[str, ListVersion, Sequence[Path], list[str]], list[Entity]]


@dataclass(frozen=True)
class SourceFile:
    bundled: str | None  # path under sekisho/lists/data, None when the snapshot lacks this file
    url: str | None  # official download address, None where no machine-readable file is published
    filename: str  # name the file is saved under after a download


@dataclass(frozen=True)
class ListSpec:
    id: str
    jurisdiction: str
    title: str
    date: str  # date of the bundled snapshot
    files: tuple[SourceFile, ...]
    loader: Loader
    note: str = ""
    # the publication date the files state (None where the format states none: the server's
    # Last-Modified is taken then), and a check that a download is whole, beyond parsing
    stated_date: Callable[[Sequence[Path]], str | None] | None = None
    cut_short: Callable[[Sequence[Path]], str | None] | None = None
    # what `lists update` fetches, where the official format today differs from the bundled files'
    download: tuple[SourceFile, ...] = ()


def _csl(list_id: str, version: ListVersion, paths: Sequence[Path], warnings: list[str]) -> list[Entity]:
    path = paths[0]
    if path.suffix.lower() == ".json":
        return load_csl_json(list_id, version, path)
    return load_csl_csv(list_id, version, path)


def _ofac(list_id: str, version: ListVersion, paths: Sequence[Path], warnings: list[str]) -> list[Entity]:
    """The legacy CSV set (primary, alt, add), or one file in the classic XML schema."""
    existing = [p if p.exists() else None for p in paths]
    prim = existing[0]
    if prim is None:
        raise NotFound(f"{list_id}: primary file {paths[0]} is missing")
    if prim.suffix.lower() in (".xml", ".zip"):
        schema = "sanctionsData" if prim.suffix.lower() == ".zip" else xml_root(prim)
        loader = {"Sanctions": load_ofac_advanced, "sanctionsData": load_ofac_enhanced}.get(schema or "",
                                                                                             load_ofac_xml)
        return loader(list_id, version, prim)
    alt = existing[1] if len(existing) > 1 else None
    add = existing[2] if len(existing) > 2 else None
    return load_ofac(list_id, version, prim, alt=alt, add=add, source_url=version.source_url)


def _one(fn: Callable[[str, ListVersion, Path], list[Entity]]) -> Loader:
    def load(list_id: str, version: ListVersion, paths: Sequence[Path], warnings: list[str]) -> list[Entity]:
        return fn(list_id, version, paths[0])

    return load


def _ofac_date(paths: Sequence[Path]) -> str | None:
    if paths[0].suffix.lower() == ".zip":
        return data_as_of(paths[0])
    if paths[0].suffix.lower() != ".xml":
        return None
    schema = xml_root(paths[0])
    dated = {"Sanctions": issue_date, "sanctionsData": data_as_of}.get(schema or "", publish_date)
    return dated(paths[0])


def _mof(list_id: str, version: ListVersion, paths: Sequence[Path], warnings: list[str]) -> list[Entity]:
    return load_mof(list_id, version, paths[0], warnings)


_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

SPECS: dict[str, ListSpec] = {s.id: s for s in (
    ListSpec("us-csl", "US", "Consolidated Screening List (trade.gov)", "2025-06-01",
             (SourceFile("us/csl_subset_2025.csv",
                         "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                         "consolidated.csv"),), _csl,
             "Bundled snapshot is a 13-row subset; run `sekisho lists update` for the full list."),
    ListSpec("us-ofac-sdn", "US", "OFAC Specially Designated Nationals (SDN)", "2024-05-03",
             (SourceFile("us/ofac_sdn_20240503.csv", _OFAC + "SDN.CSV", "sdn.csv"),
              SourceFile(None, _OFAC + "ALT.CSV", "alt.csv"),
              SourceFile(None, _OFAC + "ADD.CSV", "add.csv")), _ofac,
             "Bundled snapshot has no alt/add files: aliases and identifiers come from Remarks.",
             stated_date=_ofac_date, cut_short=missing_end_mark,
             download=(SourceFile(None, _OFAC + "SDN_ENHANCED.ZIP", "sdn_enhanced.zip"),)),
    ListSpec("us-ofac-cons", "US", "OFAC Consolidated (non-SDN) lists", "2025-01-01",
             (SourceFile("us/ofac_cons_2025/cons_prim.csv", _OFAC + "CONS_PRIM.CSV", "cons_prim.csv"),
              SourceFile("us/ofac_cons_2025/cons_alt.csv", _OFAC + "CONS_ALT.CSV", "cons_alt.csv"),
              SourceFile("us/ofac_cons_2025/cons_add.csv", _OFAC + "CONS_ADD.CSV", "cons_add.csv")), _ofac,
             stated_date=_ofac_date, cut_short=missing_end_mark,
             download=(SourceFile(None, _OFAC + "CONS_ENHANCED.ZIP", "cons_enhanced.zip"),)),
    ListSpec("us-bis-dpl", "US", "BIS Denied Persons List", "2019-07-01",
             (SourceFile("us/bis_dpl_2019.txt", "https://www.bis.doc.gov/dpl/dpl.txt", "dpl.txt"),),
             _one(load_dpl)),
    ListSpec("us-ddtc-debarred", "US", "State Dept. (DDTC) ITAR statutorily debarred parties", "2019-11-06",
             (SourceFile("us/itar_debarred_20191106.csv", None, "debarred.csv"),), _one(load_ddtc),
             "DDTC publishes no machine-readable file; current parties are in us-csl (source DTC)."),
    ListSpec("us-isn", "US", "State Dept. ISN nonproliferation sanctions", "2016-12-01",
             (SourceFile("us/isn_nonproliferation_2016.csv", None, "isn.csv"),), _one(load_isn),
             "ISN publishes no machine-readable file; current parties are in us-csl (source ISN)."),
    ListSpec("jp-meti-eul", "JP", "METI End User List (外国ユーザーリスト)", "2025-09-29",
             (SourceFile("jp/meti_end_user_list_20250929.xlsx", None, "end_user_list.xlsx"),), _one(load_meti),
             "METI publishes each revision at a new address: set SEKISHO_LIST_URLS=jp-meti-eul=<xlsx url>."),
    ListSpec("jp-mof-freeze", "JP", "MOF asset-freeze list (経済制裁措置及び対象者リスト)", "2026-03-05",
             (SourceFile("jp/mof_asset_freeze_20260305.xlsx", None, "asset_freeze.xlsx"),), _mof,
             "MOF publishes each revision at a new address: set SEKISHO_LIST_URLS=jp-mof-freeze=<xlsx url>."),
    ListSpec("uk-ofsi", "UK", "UK HM Treasury (OFSI) Consolidated List of financial sanctions targets",
             "2025-04-10",
             (SourceFile("uk/ofsi_conlist_20250410.xlsx",
                         "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
                         "conlist.csv"),), _one(load_uk),
             "Contains public sector information licensed under the Open Government Licence v3.0.",
             stated_date=last_updated),
    ListSpec("un-sc", "UN", "UN Security Council Consolidated List", "2026-02-27",
             (SourceFile("un/un_consolidated_20260227.xml",
                         "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml"),),
             _one(load_un), stated_date=lambda paths: generated_date(paths[0])),
)}

CUSTOM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,40}$")


def bundled_dir() -> Path:
    return Path(str(resources.files("sekisho.lists").joinpath("data")))


def downloaded_dir(list_id: str) -> Path:
    return settings.home() / "lists" / list_id


def custom_dir() -> Path:
    return settings.home() / "custom"


def custom_ids() -> list[str]:
    folder = custom_dir()
    if settings.get("SEKISHO_BUNDLED_ONLY") == "1" or not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.csv"))


def all_ids() -> list[str]:
    return [*SPECS, *custom_ids()]


def _manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / "manifest.json"
    if settings.get("SEKISHO_BUNDLED_ONLY") == "1" or not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return data if isinstance(data, dict) else None


def versions_dir(list_id: str) -> Path:
    """Every downloaded version of a list, a folder each (`<date>_<sha256 prefix>`), kept."""
    return downloaded_dir(list_id) / "versions"


def current_version_dir(list_id: str) -> Path | None:
    """The downloaded version in use: the one the `current` file names (replaced atomically by an
    update, so a reader sees the old version or the new one, never a mix)."""
    pointer = downloaded_dir(list_id) / "current"
    if settings.get("SEKISHO_BUNDLED_ONLY") == "1":
        return None
    if not pointer.is_file():
        # a copy downloaded before versions were kept: its files and manifest in the list's folder
        legacy = downloaded_dir(list_id)
        return legacy if (legacy / "manifest.json").is_file() else None
    folder = versions_dir(list_id) / pointer.read_text("utf-8").strip()
    return folder if (folder / "manifest.json").is_file() else None


def resolve(list_id: str) -> tuple[list[Path], str, str | None]:
    """(files, snapshot date, source url) for a list, preferring a downloaded copy over the bundled one."""
    if list_id in SPECS:
        spec = SPECS[list_id]
        folder = current_version_dir(list_id)
        manifest = _manifest(folder) if folder is not None else None
        if folder is not None and manifest is not None:
            return (version_files(spec, folder, manifest), manifest["date"], manifest.get("url"))
        paths = [bundled_dir() / f.bundled if f.bundled else Path("/nonexistent") / f.filename
                 for f in spec.files]
        return paths, spec.date, spec.files[0].url
    if list_id in custom_ids():
        path = custom_dir() / f"{list_id}.csv"
        meta = _manifest(custom_dir() / list_id) or {}
        return [path], meta.get("date", date.fromtimestamp(path.stat().st_mtime).isoformat()), None
    raise NotFound(f"unknown list {list_id!r}; known lists: {', '.join(all_ids())}")


def version_files(spec: ListSpec, folder: Path, manifest: dict[str, Any]) -> list[Path]:
    """The files of a downloaded version: those its manifest names (the format fetched), else the
    list's own file names."""
    names = manifest.get("files")
    return [folder / n for n in names] if isinstance(names, list) else [folder / f.filename for f in spec.files]


def current_facts(list_id: str) -> dict[str, Any]:
    """Date, entity count and sha256 of the copy of an official list in use, and where it is."""
    folder = current_version_dir(list_id)
    manifest = _manifest(folder) if folder is not None else None
    if manifest is not None:
        return {"date": manifest["date"], "entities": int(manifest["entities"]), "sha256": manifest["sha256"],
                "where": "downloaded"}
    loaded = load_list(list_id)
    return {"date": loaded.version.date, "entities": len(loaded.entities), "sha256": loaded.version.sha256,
            "where": "bundled"}


def load_list(list_id: str) -> LoadedList:
    """The copy of a list in use (see resolve)."""
    paths, snapshot_date, url = resolve(list_id)
    return load_files(list_id, paths, snapshot_date, url)


def load_files(list_id: str, paths: Sequence[Path], snapshot_date: str, url: str | None = None) -> LoadedList:
    """A list read from the given files (in the order of its spec's files; absent ones are skipped)."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        raise NotFound(f"{list_id}: no files at {paths[0]}")
    jurisdiction = SPECS[list_id].jurisdiction if list_id in SPECS else "CUSTOM"
    title = SPECS[list_id].title if list_id in SPECS else f"Custom list {list_id}"
    version = ListVersion(list_id=list_id, jurisdiction=jurisdiction, title=title, date=snapshot_date,
                          sha256=files_sha256(existing), files=tuple(str(p) for p in existing), source_url=url)
    loader = SPECS[list_id].loader if list_id in SPECS else _one(load_custom)
    warnings: list[str] = []
    entities = loader(list_id, version, paths, warnings)
    return LoadedList(version, entities, warnings)


def fingerprint(list_ids: Sequence[str]) -> str:
    """A key that changes whenever any list file changes: names the cached index."""
    import hashlib

    digest = hashlib.sha256()
    for list_id in list_ids:
        paths, snapshot_date, _ = resolve(list_id)
        digest.update(list_id.encode())
        digest.update(snapshot_date.encode())
        for p in paths:
            if p.exists():
                st = p.stat()
                digest.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]
