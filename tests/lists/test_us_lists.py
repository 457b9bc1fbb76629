from __future__ import annotations

from pathlib import Path

import pytest

from sekisho.errors import ListFormatError
from sekisho.lists import registry
from sekisho.lists.csl import load_csl_csv, load_csl_json
from sekisho.lists.ddtc import load_ddtc
from sekisho.lists.dpl import load_dpl
from sekisho.lists.isn import load_isn
from sekisho.lists.model import EntityType, ListVersion, NameKind
from sekisho.lists.ofac import load_ofac
from tests.conftest import shared

V = ListVersion("t", "US", "test", "2024-01-01", "", ())


def test_sdn_2024_alone_reads_remarks() -> None:
    lst = registry.load_list("us-ofac-sdn")
    assert len(lst.entities) == 14965
    by_id = {e.id: e for e in lst.entities}
    aero = by_id["us-ofac-sdn:36"]
    assert aero.primary_name == "AEROCARIBBEAN AIRLINES"
    assert aero.programs == ["CUBA"]
    bnc = by_id["us-ofac-sdn:306"]
    assert [(n.value, n.kind) for n in bnc.names[1:]] == [("BNC", NameKind.WEAK)]
    zawahiri = by_id["us-ofac-sdn:2676"]
    assert zawahiri.type is EntityType.PERSON
    assert "1951-06-19" in zawahiri.birth_dates
    assert "EG" in zawahiri.countries
    assert any(i.type == "Passport" and i.value == "1084010" for i in zawahiri.identifiers)
    assert lst.version.date == "2024-05-03"


def test_sdn_2019_set_with_aliases_and_addresses() -> None:
    folder = shared("lists", "us", "ofac_2019")
    entities = load_ofac("old", V, folder / "sdn.csv", folder / "alt.csv", folder / "add.csv")
    assert len(entities) == 7379
    bnc = next(e for e in entities if e.id == "old:306")
    assert "NATIONAL BANK OF CUBA" in [n.value for n in bnc.names]
    assert {"CH", "ES", "JP"} <= set(bnc.countries)
    assert sum(len(e.names) - 1 for e in entities) >= 9682  # every alt.csv row kept


def test_ofac_consolidated() -> None:
    lst = registry.load_list("us-ofac-cons")
    assert len(lst.entities) == 442
    haniya = next(e for e in lst.entities if e.id == "us-ofac-cons:9639")
    assert "HANIYYA, Ismaeel" in [n.value for n in haniya.names]
    assert haniya.birth_dates == ["1962"]


def test_csl_both_layouts() -> None:
    old = load_csl_csv("us-csl", V, shared("lists", "us", "csl_subset_2019.csv"))
    new = load_csl_csv("us-csl", V, shared("lists", "us", "csl_subset_2025.csv"))
    assert len(old) == 115 and len(new) == 13
    assert len({e.id for e in old}) == 115
    sources = {e.source for e in old}
    assert any("Entity List" in (s or "") for s in sources)
    plc = next(e for e in new if "ABU JHEISHEH" in e.primary_name)
    assert "Mohammed ABU JEHEISHA" in [n.value for n in plc.names]
    assert plc.type is EntityType.PERSON and plc.birth_dates == ["1955"]
    isn = next(e for e in new if e.primary_name.startswith("Sinobright"))
    assert isn.primary_name == "Sinobright Import and Export Company"


def test_csl_json_api_form(tmp_path: Path) -> None:
    path = tmp_path / "csl.json"
    path.write_text("""{"total": 1, "results": [{"id": "x1", "source": "Entity List (EL) - Bureau of
    Industry and Security", "entity_number": null, "type": null, "name": "Example Microelectronics Co., Ltd.",
    "alt_names": ["Example Micro"], "addresses": [{"address": "1 Road", "city": "Shenzhen", "state": null,
    "postal_code": null, "country": "CN"}], "ids": [{"type": "Registration Number", "number": "91440300X",
    "country": "CN"}], "programs": ["EAR"], "start_date": "2023-05-01",
    "dates_of_birth": null}]}""".replace("\n    ", " "))
    (e,) = load_csl_json("us-csl", V, path)
    assert e.primary_name == "Example Microelectronics Co., Ltd."
    assert [n.value for n in e.names] == ["Example Microelectronics Co., Ltd.", "Example Micro"]
    assert e.countries == ["CN"] and e.identifiers[0].value == "91440300X"
    assert e.listed_on == "2023-05-01"


def test_dpl_ddtc_isn() -> None:
    dpl = load_dpl("d", V, shared("lists", "us", "bis_dpl_2019.txt"))
    assert len(dpl) == 546  # 545 parties + one duplicated row kept with a suffixed id
    pearl = next(e for e in dpl if "PEARL" in e.primary_name)
    assert "NEI-CHIEN CHU" in [n.value for n in pearl.names]
    ddtc = load_ddtc("x", V, shared("lists", "us", "itar_debarred_20191106.csv"))
    assert len(ddtc) == 707
    chang = next(e for e in ddtc if e.primary_name == "Chang, Huan Ling")
    assert "Alice Chang" in [n.value for n in chang.names]
    assert chang.type is EntityType.PERSON and chang.birth_dates == ["1970-12"]
    isn = load_isn("i", V, shared("lists", "us", "isn_nonproliferation_2016.csv"))
    assert len(isn) == 213 and isn[0].countries == ["RU"]


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_ofac_fails_with_row(tmp_path: Path, cut: float) -> None:
    data = shared("lists", "us", "ofac_sdn_20240503.csv").read_bytes()
    # cut in the middle of a record: the last row is short
    data = data[: int(len(data) * cut)]
    data = data[: data.rfind(b",") + 1]
    path = tmp_path / "sdn.csv"
    path.write_bytes(data)
    with pytest.raises(ListFormatError) as err:
        load_ofac("t", V, path)
    assert "sdn.csv" in str(err.value) and "row" in str(err.value)


def test_bad_ofac_number_names_field(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
                    'x7,"BAD",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n')
    with pytest.raises(ListFormatError) as err:
        load_ofac("t", V, path)
    assert err.value.row == 2 and err.value.field == "ent_num"


def test_csl_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "csl.csv"
    path.write_text("source,name\nX,Y\n")
    with pytest.raises(ListFormatError) as err:
        load_csl_csv("t", V, path)
    assert err.value.row == 1 and "missing column" in str(err.value)
