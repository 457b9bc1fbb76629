"""OFAC's classic XML schema (sdnList), on the real consolidated files of 2018-2024."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.errors import ListFormatError
from sekisho.lists.diff import diff_entities
from sekisho.lists.model import EntityType, ListVersion, NameKind
from sekisho.lists.ofac_advanced import issue_date, load_ofac_advanced
from sekisho.lists.ofac_enhanced import data_as_of, load_ofac_enhanced
from sekisho.lists.ofac_xml import load_ofac_xml, publish_date
from sekisho.lists.versions import load_given_files
from tests.conftest import shared

V = ListVersion("us-ofac-cons", "US", "t", "2022-02-24", "", ())


@pytest.mark.parametrize(("day", "count"), [("20180406", 639), ("20200317", 375), ("20220222", 444),
                                            ("20220224", 462), ("20240223", 444), ("20240506", 443)])
def test_every_real_file_loads_whole(day: str, count: int) -> None:
    path = shared("lists", "us", f"ofac_consolidated_{day}.xml")
    entities = load_ofac_xml("us-ofac-cons", V, path)
    assert len(entities) == count  # equal to the file's Record_Count, which the loader checks
    assert publish_date(path) == f"{day[:4]}-{day[4:6]}-{day[6:]}"


def test_entry_fields() -> None:
    entities = {e.id: e for e in load_ofac_xml("us-ofac-cons", V, shared("lists", "us",
                                                                         "ofac_consolidated_20200317.xml"))}
    haniya = entities["us-ofac-cons:9639"]
    assert haniya.type is EntityType.PERSON and haniya.primary_name == "HANIYA, Ismail Abdul Salah"
    assert ("HANIYYA, Ismaeel", NameKind.ALIAS) in [(n.value, n.kind) for n in haniya.names]
    assert haniya.programs == ["NS-PLC"] and haniya.birth_dates == ["1962"]
    with_ids = [e for e in entities.values() if e.identifiers]
    assert with_ids and all(any(c.isdigit() for c in i.value) for e in with_ids for i in e.identifiers)
    assert any(n.kind is NameKind.WEAK for e in entities.values() for n in e.names)


def test_ids_are_the_csv_entity_numbers() -> None:
    us = shared("lists", "us")
    xml = load_given_files("us-ofac-cons", [us / "ofac_consolidated_20240506.xml"]).entities
    csv = load_given_files("us-ofac-cons", [us / "ofac_cons_2025" / f"cons_{p}.csv" for p in ("prim", "alt", "add")])
    change = diff_entities(xml, csv.entities)
    assert (len(change.added), len(change.removed)) == (1, 2)  # 2024-05 -> 2025: the rest kept their ids


def test_february_2022_russia_designations() -> None:
    us = shared("lists", "us")
    before = load_given_files("us-ofac-cons", [us / "ofac_consolidated_20220222.xml"]).entities
    after = load_given_files("us-ofac-cons", [us / "ofac_consolidated_20220224.xml"]).entities
    change = diff_entities(before, after)
    assert (len(before), len(after), len(change.added), len(change.removed)) == (444, 462, 18, 0)
    assert "PUBLIC JOINT STOCK COMPANY ROSTELECOM" in {change.names[i] for i in change.added}
    vtb = next(f for i, f in change.changed.items() if change.names[i] == "VTB BANK PUBLIC JOINT STOCK COMPANY")
    assert vtb["name"] == ("VTB BANK OAO", "VTB BANK PUBLIC JOINT STOCK COMPANY")
    assert vtb["programs"] == (["UKRAINE-EO13662"], ["RUSSIA-EO14024", "UKRAINE-EO13662"])


def test_cut_or_miscounted_files_are_refused(tmp_path: Path) -> None:
    data = shared("lists", "us", "ofac_consolidated_20220224.xml").read_text("utf-8")
    path = tmp_path / "cons.xml"
    path.write_text(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="malformed XML"):
        load_ofac_xml("t", V, path)
    first = re.search(r"<sdnEntry>.*?</sdnEntry>\s*", data, re.S)
    assert first
    path.write_text(data.replace(first[0], "", 1))  # one entry less, still well-formed
    with pytest.raises(ListFormatError) as err:
        load_ofac_xml("t", V, path)
    assert err.value.field == "Record_Count" and "461 entries" in str(err.value)
    path.write_text("<CONSOLIDATED_LIST/>")
    with pytest.raises(ListFormatError, match="expected OFAC's <sdnList>"):
        load_ofac_xml("t", V, path)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s.strip())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_text, st.lists(_text, max_size=3), st.booleans()), min_size=1, max_size=8))
def test_generated_files_round_trip(tmp_path_factory: pytest.TempPathFactory,
                                    entries: list[tuple[str, list[str], bool]]) -> None:
    body = []
    for uid, (name, akas, weak) in enumerate(entries, start=1):
        aka = "".join(f"<aka><uid>{9000 + i}</uid><type>a.k.a.</type><category>{'weak' if weak else 'strong'}"
                      f"</category><lastName>{escape(a)}</lastName></aka>" for i, a in enumerate(akas))
        body.append(f"<sdnEntry><uid>{uid}</uid><lastName>{escape(name)}</lastName><sdnType>Entity</sdnType>"
                    f"<programList><program>SDGT</program></programList><akaList>{aka}</akaList></sdnEntry>")
    path = tmp_path_factory.mktemp("xml") / "sdn.xml"
    path.write_text(f'<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd"><publshInformation>'
                    f"<Publish_Date>01/02/2024</Publish_Date><Record_Count>{len(entries)}</Record_Count>"
                    f"</publshInformation>{''.join(body)}</sdnList>", "utf-8")
    loaded = load_ofac_xml("x", V, path)
    assert [[n.value for n in e.names] for e in loaded] == [[name, *akas] for name, akas, _ in entries]
    assert all((n.kind is NameKind.WEAK) == weak for e, (_, _, weak) in zip(loaded, entries, strict=True)
               for n in e.names[1:])


def test_advanced_schema_equals_the_classic_file_of_the_same_date() -> None:
    """cons 2020-03-17 in both schemas: every entity equal, field by field."""
    us = shared("lists", "us")
    advanced = load_given_files("us-ofac-cons", [us / "ofac_cons_advanced_20200317.xml"]).entities
    classic = load_given_files("us-ofac-cons", [us / "ofac_consolidated_20200317.xml"]).entities
    assert len(advanced) == len(classic) == 375
    assert diff_entities(classic, advanced).unchanged
    haniya = next(e for e in advanced if e.id == "us-ofac-cons:9639")
    assert haniya.primary_name == "HANIYA, Ismail Abdul Salah" and haniya.birth_dates == ["1962"]
    assert issue_date(us / "ofac_cons_advanced_20200317.xml") == "2020-03-17"


def test_advanced_schema_refuses_broken_files(tmp_path: Path) -> None:
    data = shared("lists", "us", "ofac_cons_advanced_20200317.xml").read_bytes()
    path = tmp_path / "adv.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ListFormatError, match="malformed XML"):
        load_ofac_advanced("t", V, path)
    path.write_bytes(b'<Sanctions xmlns="http://www.un.org/sanctions/1.0"><DistinctParties/></Sanctions>')
    with pytest.raises(ListFormatError, match="no DistinctParty records"):
        load_ofac_advanced("t", V, path)


def test_enhanced_schema_in_its_zip() -> None:
    path = shared("lists", "us", "ofac_cons_enhanced_20250110.zip")
    entities = {e.id: e for e in load_ofac_enhanced("us-ofac-cons", V, path)}
    assert len(entities) == 443 and data_as_of(path) == "2025-01-10"
    haniya = entities["us-ofac-cons:9639"]
    assert haniya.primary_name == "HANIYA, Ismail Abdul Salah" and haniya.birth_dates == ["1962"]
    assert haniya.programs == ["NS-PLC"] and "HANIYYA, Ismaeel" in [n.value for n in haniya.names]
    veb = entities["us-ofac-cons:17015"]  # the enhanced form also gives names in their own script
    assert ("ВЭБ.РФ", NameKind.ORIGINAL_SCRIPT, "Cyrl") in [(n.value, n.kind, n.script) for n in veb.names]
    # against the classic file of eight months before: the same ids, a few real changes
    classic = load_given_files("us-ofac-cons", [shared("lists", "us", "ofac_consolidated_20240506.xml")])
    change = diff_entities(classic.entities, list(entities.values()))
    assert (len(change.added), len(change.removed)) == (1, 1) and len(change.changed) < 50


@pytest.mark.parametrize("program", ["irgc_20240828", "yemen_20240524"])
def test_enhanced_programme_exports(program: str) -> None:
    path = shared("lists", "us", f"ofac_enhanced_program_{program}.xml")
    entities = load_given_files("us-ofac-sdn", [path]).entities
    assert len(entities) == {"irgc_20240828": 293, "yemen_20240524": 10}[program]
    assert all(e.names and e.id.split(":")[1].isdigit() for e in entities)


def test_enhanced_schema_refuses_broken_files(tmp_path: Path) -> None:
    path = tmp_path / "cons.zip"
    path.write_bytes(shared("lists", "us", "ofac_cons_enhanced_20250110.zip").read_bytes()[:5000])
    with pytest.raises(ListFormatError, match="not a readable zip"):
        load_ofac_enhanced("t", V, path)
    xml = tmp_path / "cons.xml"
    import zipfile

    with zipfile.ZipFile(shared("lists", "us", "ofac_cons_enhanced_20250110.zip")) as archive:
        data = archive.read("CONS_ENHANCED.XML")
    xml.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="malformed XML"):
        load_ofac_enhanced("t", V, xml)
