"""OFAC's lists in each of the formats OFAC has published them: the legacy CSV set (primary, alt,
add), the classic XML (sdnList), the advanced XML (Sanctions) and the enhanced XML (sanctionsData,
plain or zipped). One list-source entry point for the SDN and the consolidated (non-SDN) lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sekisho.errors import NotFound
from sekisho.lists.model import ListVersion, LoadedList
from sekisho.lists.ofac import load_ofac, missing_end_mark
from sekisho.lists.ofac_advanced import issue_date, load_ofac_advanced
from sekisho.lists.ofac_enhanced import data_as_of, load_ofac_enhanced
from sekisho.lists.ofac_xml import load_ofac_xml, publish_date, xml_root

_LOADERS = {"Sanctions": load_ofac_advanced, "sanctionsData": load_ofac_enhanced}
_DATES = {"Sanctions": issue_date, "sanctionsData": data_as_of}


def _schema(path: Path) -> str:
    return "sanctionsData" if path.suffix.lower() == ".zip" else xml_root(path) or ""


def load(files: Sequence[Path], version: ListVersion) -> LoadedList:
    """The CSV set, in the order primary, alt, add (alt and add may be absent), or one XML or zip."""
    prim = files[0]
    if not prim.exists():
        raise NotFound(f"{version.list_id}: primary file {prim} is missing")
    if prim.suffix.lower() in (".xml", ".zip"):
        return LoadedList(version, _LOADERS.get(_schema(prim), load_ofac_xml)(version.list_id, version, prim))
    alt, add = (_present(files, i) for i in (1, 2))
    return LoadedList(version, load_ofac(version.list_id, version, prim, alt=alt, add=add,
                                         source_url=version.source_url))


def _present(files: Sequence[Path], i: int) -> Path | None:
    return files[i] if len(files) > i and files[i].exists() else None


def stated_date(files: Sequence[Path]) -> str | None:
    """The publication date an XML states; the legacy CSV states none."""
    prim = files[0]
    if prim.suffix.lower() not in (".xml", ".zip"):
        return None
    return _DATES.get(_schema(prim), publish_date)(prim)


def cut_short(files: Sequence[Path]) -> str | None:
    return missing_end_mark(files)
