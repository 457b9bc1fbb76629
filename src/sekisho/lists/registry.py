"""Which lists exist, where their files are, and how to load them.

A list is read from the data folder when `sekisho lists update` has fetched it there, otherwise from
the snapshot bundled with the package, so a fresh offline install always has every list.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, cast

from sekisho import settings
from sekisho.errors import NotFound
from sekisho.fileops import files_sha256
from sekisho.lists.model import Jurisdiction, ListVersion, LoadedList
from sekisho.lists.overlap import Carrier


class Source(Protocol):
    """What a list-source module provides (one module per official format, see
    docs/adding-a-list-source.md): `load` always; `stated_date` where the format states its
    publication date; `cut_short` where the format marks its own end."""

    def load(self, files: Sequence[Path], version: ListVersion) -> LoadedList: ...


@dataclass(frozen=True)
class SourceFile:
    bundled: str | None  # path under sekisho/lists/data, None when the snapshot lacks this file
    url: str | None  # official download address, None where no machine-readable file is published
    filename: str  # name the file is saved under after a download


@dataclass(frozen=True)
class ListSpec:
    id: str
    jurisdiction: Jurisdiction
    title: str
    date: str  # date of the bundled snapshot
    files: tuple[SourceFile, ...]
    source: str  # the module under sekisho.lists that reads the files (a Source), imported when first used
    note: str = ""
    # what `lists update` fetches, where the official format today differs from the bundled files'
    download: tuple[SourceFile, ...] = ()
    # the official lists (by code) this one carries whole: where two files carry the same one, the
    # newer file's copy is used (lists.overlap)
    carries: frozenset[str] = frozenset()
    # read from another list's files: the part of them that carries `carries` (the CSL's lists)
    part_of: str | None = None

    def module(self) -> Source:
        return _module(self.source)

    def stated_date(self, files: Sequence[Path]) -> str | None:
        """The publication date the files state, None where the format states none."""
        fn = getattr(self.module(), "stated_date", None)
        return cast("str | None", fn(files)) if fn else None

    def cut_short(self, files: Sequence[Path]) -> str | None:
        """What shows a download is not whole, beyond parsing, where the format marks its end."""
        fn = getattr(self.module(), "cut_short", None)
        return cast("str | None", fn(files)) if fn else None


_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_CSL = (SourceFile("us/csl_consolidated_2022-05.csv.gz",
                   "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                   "consolidated.csv"),)
_CSL_DATE = "2022-05-01"
_OFAC_NON_SDN = frozenset({"SSI", "PLC", "CAP", "CMIC", "NS-MBS", "FSE"})
US, JP, UN, UK, EU = Jurisdiction.US, Jurisdiction.JP, Jurisdiction.UN, Jurisdiction.UK, Jurisdiction.EU


def _csl_part(list_id: str, code: str, title: str) -> ListSpec:
    return ListSpec(list_id, US, title, _CSL_DATE, (), "csl", carries=frozenset({code}), part_of="us-csl",
                    note=f"The {code} rows of the Consolidated Screening List (us-csl).")


SPECS: dict[str, ListSpec] = {s.id: s for s in (
    ListSpec("us-csl", US, "Consolidated Screening List (trade.gov)", _CSL_DATE, _CSL, "csl",
             "Screened as the lists it consolidates (us-bis-el, us-bis-meu …); the bundled snapshot is "
             "of May 2022: run `sekisho lists update us-csl` for the current one."),
    _csl_part("us-bis-el", "EL", "BIS Entity List (Supplement No. 4 to EAR Part 744)"),
    _csl_part("us-bis-meu", "MEU", "BIS Military End-User List (Supplement No. 7 to EAR Part 744)"),
    _csl_part("us-bis-uvl", "UVL", "BIS Unverified List (Supplement No. 6 to EAR Part 744)"),
    _csl_part("us-csl-dpl", "DPL", "BIS Denied Persons List, as in the CSL"),
    _csl_part("us-csl-dtc", "DTC", "State Dept. (DDTC) ITAR debarred parties, as in the CSL"),
    _csl_part("us-csl-isn", "ISN", "State Dept. ISN nonproliferation sanctions, as in the CSL"),
    _csl_part("us-csl-sdn", "SDN", "OFAC SDN list, as in the CSL"),
    _csl_part("us-ofac-ssi", "SSI", "OFAC Sectoral Sanctions Identifications List"),
    _csl_part("us-ofac-cmic", "CMIC", "OFAC Non-SDN Chinese Military-Industrial Complex Companies List"),
    _csl_part("us-ofac-ns-mbs", "NS-MBS", "OFAC Non-SDN Menu-Based Sanctions List"),
    _csl_part("us-ofac-plc", "PLC", "OFAC Non-SDN Palestinian Legislative Council List"),
    _csl_part("us-ofac-capta", "CAP", "OFAC List of Foreign Financial Institutions Subject to CAPTA"),
    _csl_part("us-ofac-fse", "FSE", "OFAC Foreign Sanctions Evaders List"),
    ListSpec("us-ofac-sdn", US, "OFAC Specially Designated Nationals (SDN)", "2024-05-03",
             (SourceFile("us/ofac_sdn_20240503.csv", _OFAC + "SDN.CSV", "sdn.csv"),
              SourceFile(None, _OFAC + "ALT.CSV", "alt.csv"),
              SourceFile(None, _OFAC + "ADD.CSV", "add.csv")), "ofac_formats",
             "Bundled snapshot has no alt/add files: aliases and identifiers come from Remarks.",
             download=(SourceFile(None, _OFAC + "SDN_ENHANCED.ZIP", "sdn_enhanced.zip"),),
             carries=frozenset({"SDN"})),
    ListSpec("us-ofac-cons", US, "OFAC Consolidated (non-SDN) lists", "2025-01-01",
             (SourceFile("us/ofac_cons_2025/cons_prim.csv", _OFAC + "CONS_PRIM.CSV", "cons_prim.csv"),
              SourceFile("us/ofac_cons_2025/cons_alt.csv", _OFAC + "CONS_ALT.CSV", "cons_alt.csv"),
              SourceFile("us/ofac_cons_2025/cons_add.csv", _OFAC + "CONS_ADD.CSV", "cons_add.csv")),
             "ofac_formats", download=(SourceFile(None, _OFAC + "CONS_ENHANCED.ZIP", "cons_enhanced.zip"),),
             carries=_OFAC_NON_SDN),
    ListSpec("us-bis-dpl", US, "BIS Denied Persons List", "2019-07-01",
             (SourceFile("us/bis_dpl_2019.txt", "https://www.bis.doc.gov/dpl/dpl.txt", "dpl.txt"),), "dpl",
             carries=frozenset({"DPL"})),
    ListSpec("us-ddtc-debarred", US, "State Dept. (DDTC) ITAR statutorily debarred parties", "2019-11-06",
             (SourceFile("us/itar_debarred_20191106.csv", None, "debarred.csv"),), "ddtc",
             "DDTC publishes no machine-readable file; current parties are in us-csl-dtc.",
             carries=frozenset({"DTC"})),
    ListSpec("us-isn", US, "State Dept. ISN nonproliferation sanctions", "2016-12-01",
             (SourceFile("us/isn_nonproliferation_2016.csv", None, "isn.csv"),), "isn",
             "ISN publishes no machine-readable file; current parties are in us-csl-isn.",
             carries=frozenset({"ISN"})),
    ListSpec("jp-meti-eul", JP, "METI End User List (外国ユーザーリスト)", "2025-09-29",
             (SourceFile("jp/meti_end_user_list_20250929.xlsx", None, "end_user_list.xlsx"),), "meti",
             "METI publishes each revision at a new address: set SEKISHO_LIST_URLS=jp-meti-eul=<xlsx url>."),
    ListSpec("jp-mof-freeze", JP, "MOF asset-freeze list (経済制裁措置及び対象者リスト)", "2026-03-05",
             (SourceFile("jp/mof_asset_freeze_20260305.xlsx", None, "asset_freeze.xlsx"),), "mof",
             "MOF publishes each revision at a new address: set SEKISHO_LIST_URLS=jp-mof-freeze=<xlsx url>."),
    ListSpec("uk-ofsi", UK, "UK HM Treasury (OFSI) Consolidated List of financial sanctions targets",
             "2025-04-10",
             (SourceFile("uk/ofsi_conlist_20250410.xlsx",
                         "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
                         "conlist.csv"),), "uk",
             "Contains public sector information licensed under the Open Government Licence v3.0."),
    ListSpec("eu-fsf", EU, "EU Consolidated Financial Sanctions List (FSF)", "",
             (SourceFile(None, "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
                         "content?token=dG9rZW4tMjAxNw", "eu_fsf.xml"),), "eu",
             "Not bundled (the full list is not in this package): `sekisho lists update eu-fsf` fetches it. "
             "© European Union, reuse authorised."),
    ListSpec("un-sc", UN, "UN Security Council Consolidated List", "2026-02-27",
             (SourceFile("un/un_consolidated_20260227.xml",
                         "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml"),),
             "un"),
)}

CUSTOM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,40}$")


def bundled_dir() -> Path:
    return Path(str(resources.files("sekisho.lists").joinpath("data")))


def owner(list_id: str) -> str:
    """The list whose files this one is read from: itself, or the list it is part of."""
    spec = SPECS.get(list_id)
    return spec.part_of if spec is not None and spec.part_of else list_id


def file_spec(list_id: str) -> ListSpec:
    """The spec that names the files, download and versions of a list (its owner's)."""
    return SPECS[owner(list_id)]


def parts(list_id: str) -> list[str]:
    """The lists read from this one's files (the CSL's), in registry order."""
    return [s.id for s in SPECS.values() if s.part_of == list_id]


def expand(list_ids: Sequence[str]) -> list[str]:
    """Lists as screened: a list read as its parts stands for them."""
    return list(dict.fromkeys(p for i in list_ids for p in (parts(i) or [i])))


def downloaded_dir(list_id: str) -> Path:
    return settings.home() / "lists" / owner(list_id)


def custom_dir() -> Path:
    return settings.home() / "custom"


def custom_ids() -> list[str]:
    folder = custom_dir()
    if settings.get("SEKISHO_BUNDLED_ONLY") == "1" or not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.csv"))


def available(list_id: str) -> bool:
    """Whether a list has files here: bundled, or downloaded (a list not bundled, the EU's, is
    screened once `lists update` has fetched it)."""
    return any(f.bundled for f in file_spec(list_id).files) or current_version_dir(list_id) is not None


def all_ids() -> list[str]:
    """The lists screened by default: every official list that has files here (a consolidated one
    as its parts) and every custom list."""
    return [*[i for i in expand(list(SPECS)) if available(i)], *custom_ids()]


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


def bundled_files(list_id: str) -> list[Path]:
    """The bundled snapshot's files in the spec's order (a file the snapshot lacks: a path that
    does not exist, which loaders skip)."""
    return [bundled_dir() / f.bundled if f.bundled else Path("/nonexistent") / f.filename
            for f in file_spec(list_id).files]


def resolve(list_id: str) -> tuple[list[Path], str, str | None]:
    """(files, snapshot date, source url) for a list, preferring a downloaded copy over the bundled one."""
    if list_id in SPECS:
        spec = file_spec(list_id)
        folder = current_version_dir(list_id)
        manifest = _manifest(folder) if folder is not None else None
        if folder is not None and manifest is not None:
            return (version_files(spec, folder, manifest), manifest["date"], manifest.get("url"))
        return bundled_files(list_id), spec.date, spec.files[0].url
    if list_id in custom_ids():
        path = custom_dir() / f"{list_id}.csv"
        meta = _manifest(custom_dir() / list_id) or {}
        return [path], meta.get("date", date.fromtimestamp(path.stat().st_mtime).isoformat()), None
    raise NotFound(f"unknown list {list_id!r}; known lists: {', '.join([*SPECS, *custom_ids()])}")


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
    loaded = load_list(owner(list_id))
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
    spec = SPECS.get(list_id)
    version = ListVersion(list_id=list_id, jurisdiction=spec.jurisdiction if spec else Jurisdiction.CUSTOM,
                          title=spec.title if spec else f"Custom list {list_id}", date=snapshot_date,
                          sha256=files_sha256(existing), files=tuple(str(p) for p in existing), source_url=url)
    if spec is None:
        return _module("custom").load(paths, version)
    if spec.part_of:
        whole = _whole(spec.part_of, tuple(paths), snapshot_date, url, version.sha256)
        return LoadedList(version, [
            replace(e, id=_part_id(e.id, spec.part_of, e.official, list_id), list_id=list_id, version=version,
                    also_in=[])
            for e in whole.entities if e.official in spec.carries])
    loaded = spec.module().load(paths, version)
    if len(spec.carries) == 1:  # a file of one official list: each entry is on that list
        (code,) = spec.carries
        for entity in loaded.entities:
            entity.official = entity.official or code
    return loaded


def _part_id(entity_id: str, whole: str, code: str | None, part: str) -> str:
    """'us-csl:EL:…' read as the Entity List: 'us-bis-el:…'."""
    prefix = f"{whole}:{code}"
    return part + entity_id[len(prefix):] if entity_id.startswith(prefix + ":") else part + entity_id[len(whole):]


@lru_cache(maxsize=1)
def _whole(list_id: str, paths: tuple[Path, ...], snapshot_date: str, url: str | None, sha256: str) -> LoadedList:
    """A file several lists are parts of, read once for all of them (keyed by its content)."""
    return load_files(list_id, paths, snapshot_date, url)


def carriers() -> dict[str, Carrier]:
    """What each official list's files carry whole, for lists.overlap."""
    return {s.id: Carrier(s.carries, s.part_of is None) for s in SPECS.values() if s.carries}


def _module(name: str) -> Source:
    return cast(Source, importlib.import_module(f"sekisho.lists.{name}"))


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
