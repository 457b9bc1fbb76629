"""UK OFSI consolidated list: both layouts, on the real files of 2014-2025."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.errors import ListFormatError
from sekisho.lists.common import clean
from sekisho.lists.diff import diff_entities
from sekisho.lists.model import EntityType, ListVersion, NameKind
from sekisho.lists.uk import REQUIRED, last_updated, load_uk, uk_date
from tests.conftest import shared

V = ListVersion("uk-ofsi", "UK", "t", "2025-04-10", "", ())


@pytest.mark.parametrize(("name", "groups", "day"), [
    ("ofsi_conlist_20140402.csv", 2297, "2014-04-02"), ("ofsi_conlist_20180413.csv", 2106, "2018-04-13"),
    ("ofsi_conlist_20200427.csv", 2114, "2020-04-27"), ("ofsi_conlist_20250410.xlsx", 4686, "2025-04-10")])
def test_every_real_file_loads(name: str, groups: int, day: str) -> None:
    path = shared("lists", "uk", name)
    entities = load_uk("uk-ofsi", V, path)
    assert len(entities) == groups and len({e.id for e in entities}) == groups
    assert last_updated([path]) == day
    assert all(e.names and e.id.split(":")[1].isdigit() for e in entities)


def test_xlsx_fields() -> None:
    entities = {e.id: e for e in load_uk("uk-ofsi", V, shared("lists", "uk", "ofsi_conlist_20250410.xlsx"))}
    person = entities["uk-ofsi:15890"]
    assert person.type is EntityType.PERSON and person.primary_name == "ZADACHIN, Andrey Andreevich"
    assert ("ЗАДАЧИН Андрей Андреевич", NameKind.ORIGINAL_SCRIPT, "Cyrl") in [
        (n.value, n.kind, n.script) for n in person.names]
    assert person.birth_dates == ["1990-08-22"] and person.programs == ["Russia"] and person.countries == ["RU"]
    assert person.listed_on == "2023-04-21" and "RUS1831" in (person.remarks or "")
    kinds = {n.kind for e in entities.values() for n in e.names}
    assert {NameKind.PRIMARY, NameKind.ALIAS, NameKind.WEAK, NameKind.ORIGINAL_SCRIPT, NameKind.FORMER} <= kinds
    assert sum(e.type is EntityType.VESSEL for e in entities.values()) > 0
    assert any(i.type == "Passport" for e in entities.values() for i in e.identifiers)


def test_legacy_csv_fields() -> None:
    entities = load_uk("uk-ofsi", V, shared("lists", "uk", "ofsi_conlist_20200427.csv"))
    farooq = next(e for e in entities if e.id == "uk-ofsi:13349")
    assert farooq.primary_name.startswith("AL-QAHTANI, ") and {"SA", "QA"} <= set(farooq.countries)
    assert farooq.birth_dates == ["1980", "1981"]
    assert [i.value for i in farooq.identifiers] == ["592667"]


def test_2020_to_2025_diff_keeps_group_ids() -> None:
    old = load_uk("uk-ofsi", V, shared("lists", "uk", "ofsi_conlist_20200427.csv"))
    new = load_uk("uk-ofsi", V, shared("lists", "uk", "ofsi_conlist_20250410.xlsx"))
    change = diff_entities(old, new)
    assert len(new) == len(old) + len(change.added) - len(change.removed)
    assert not {change.names[i] for i in change.added} & {change.names[i] for i in change.removed}
    kept = {e.id for e in old} & {e.id for e in new}
    assert len(kept) > 1700  # most targets of 2020 are still listed, under the same Group ID


def test_uk_dates() -> None:
    assert [uk_date(t) for t in ("22/08/1990", "00/00/1980", "00/05/1980", "31/12/2001", "x", None)] == [
        "1990-08-22", "1980", "1980-05", "2001-12-31", None, None]


def test_broken_files_are_refused(tmp_path: Path) -> None:
    data = shared("lists", "uk", "ofsi_conlist_20200427.csv").read_bytes()
    path = tmp_path / "uk.csv"
    path.write_bytes(data[: len(data) // 2].rsplit(b",", 3)[0])  # cut inside a row
    with pytest.raises(ListFormatError, match="expected 29 fields"):
        load_uk("t", V, path)
    path.write_bytes(data.split(b"\n", 1)[1])  # no "Last Updated" row
    with pytest.raises(ListFormatError, match="Last Updated"):
        load_uk("t", V, path)
    bad = tmp_path / "uk.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(ListFormatError, match="not a readable XLSX"):
        load_uk("t", V, bad)


_cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=15).map(str.strip)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_cell.filter(lambda c: bool(clean(c))), _cell, st.sampled_from(["Individual", "Entity"])),
                min_size=1, max_size=10))
def test_generated_csv_round_trips(tmp_path_factory: pytest.TempPathFactory,
                                   rows: list[tuple[str, str, str]]) -> None:
    import csv
    import io

    header = list(REQUIRED)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Last Updated", "01/02/2024"])
    writer.writerow(header)
    for group, (last, first, kind) in enumerate(rows, start=1):
        rec = dict.fromkeys(header, "")
        rec.update({"Name 6": last, "Name 1": first, "Group Type": kind, "Alias Type": "Primary name",
                    "Group ID": str(group)})
        writer.writerow([rec[h] for h in header])
    path = tmp_path_factory.mktemp("uk") / "uk.csv"
    path.write_text(buf.getvalue(), "utf-8")
    loaded = load_uk("uk-ofsi", V, path)
    assert [e.id for e in loaded] == [f"uk-ofsi:{i}" for i in range(1, len(rows) + 1)]
    for entity, (raw_last, raw_first, kind) in zip(loaded, rows, strict=True):
        last, first = clean(raw_last), clean(raw_first)  # as every loader reads a cell
        expected = f"{last}, {first}" if kind == "Individual" and first else " ".join(p for p in (first, last) if p)
        assert entity.primary_name == expected
