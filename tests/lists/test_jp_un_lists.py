from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sekisho.errors import ListFormatError
from sekisho.lists import registry
from sekisho.lists.meti import concern_codes, load_meti
from sekisho.lists.model import EntityType, ListVersion, NameKind
from sekisho.lists.un import load_un
from tests.conftest import shared

V = ListVersion("t", "JP", "test", "2025-01-01", "", ())


def test_meti_end_user_list() -> None:
    lst = registry.load_list("jp-meti-eul")
    assert len(lst.entities) == 835
    koryo = next(e for e in lst.entities if e.primary_name == "Air Koryo")
    assert ("高麗航空", NameKind.ORIGINAL_SCRIPT) in [(n.value, n.kind) for n in koryo.names]
    assert koryo.countries == ["KP"]
    qaida = lst.entities[0]
    assert qaida.countries == ["AF"] and qaida.programs == ["B", "C", "M", "N", "CW"]
    assert "Usama Bin Laden Network" in [n.value for n in qaida.names]
    unistrong = next(e for e in lst.entities if e.primary_name.startswith("Beijing UniStrong"))
    assert "北京合衆思壯科技股份有限公司" in [n.value for n in unistrong.names]
    assert all(set(e.programs) <= {"B", "C", "M", "N", "CW"} and e.programs for e in lst.entities)


@pytest.mark.parametrize(("wmd", "cw", "codes"), [
    ("生物、化学、ミサイル、核\nB,C,M,N", "通常兵器\nCW", ["B", "C", "M", "N", "CW"]),
    ("M、N", None, ["M", "N"]),
    ("核\nＮ", None, ["N"]),
])
def test_meti_concern_codes(wmd: str, cw: str | None, codes: list[str]) -> None:
    assert concern_codes(wmd, cw) == codes


def test_mof_asset_freeze() -> None:
    lst = registry.load_list("jp-mof-freeze")
    ids = {e.id for e in lst.entities}
    sheets = {e.raw["sheet"] for e in lst.entities}
    assert len(sheets) >= 38  # every program sheet with entries (a few programs were lifted)
    assert 2700 <= len(lst.entities) <= 3000
    # rows marked 削除 are delisted: Taliban notice 1 was deleted on 2011.11.18
    assert "jp-mof-freeze:2-1" not in ids and "jp-mof-freeze:2-2" in ids
    putin = next(e for e in lst.entities if e.primary_name == "Vladimir Putin")
    assert "ウラジーミル・プーチン" in [n.value for n in putin.names]
    assert putin.birth_dates == ["1952-10-07"] and putin.type is EntityType.PERSON
    aksyonov = next(e for e in lst.entities if "AKSYONOV" in e.primary_name)
    assert "Sergei AKSENOV" in [n.value for n in aksyonov.names]
    # an Excel serial date cell becomes a date
    assad = next(e for e in lst.entities if e.primary_name == "Al-Assad Bashar")
    assert assad.birth_dates == ["1965-09-11"]
    assert lst.warnings and "notice 274" in lst.warnings[0]


def test_mof_alias_cells_yield_names_only() -> None:
    """Annotations, biography and places written among the aliases are not names."""
    lst = registry.load_list("jp-mof-freeze")
    values = {n.value for e in lst.entities for n in e.names}
    for junk in ("旧称", "別称", "別名1", "不明", "戦闘員名", "formerly listed as", "previously listed as",
                 "Pakistan", "パキスタン", "Libyan Arab Jamahiriya", "【ロシア語】"):
        assert junk not in values
    assert not [v for v in values if v.startswith(("born ", "expired ", "original script"))]
    lakhal = next(e for e in lst.entities if e.primary_name == "MOHAMED LAKHAL")
    assert {"Lased Ben Heni", "Mohamed Aouani", "Abu Obeida"} <= {n.value for n in lakhal.names}
    haqqani = next(e for e in lst.entities if e.primary_name == "ABDUL JALIL HAQQANI WALI MOHAMMAD")
    assert "Akhter Mohmad" in {n.value for n in haqqani.names}  # "… son of Noor Mohmad" is not part of it
    banat = next(e for e in lst.entities if e.primary_name.startswith("MAGHOMED MAGHOMEDZAKIROVICH"))
    assert "Абу Банат" in {n.value for n in banat.names}


def test_un_list() -> None:
    lst = registry.load_list("un-sc")
    people = [e for e in lst.entities if e.type is EntityType.PERSON]
    orgs = [e for e in lst.entities if e.type is EntityType.ORGANIZATION]
    assert (len(people), len(orgs)) == (730, 273)
    originals = [e for e in lst.entities if any(n.kind is NameKind.ORIGINAL_SCRIPT for n in e.names)]
    assert len(originals) == 378
    badege = next(e for e in people if e.id == "un-sc:CDi.001")
    assert badege.primary_name == "ERIC BADEGE" and badege.birth_dates == ["1971"]
    assert lst.version.date == "2026-02-27"


def test_truncated_un_xml(tmp_path: Path) -> None:
    data = shared("lists", "un", "un_consolidated_20260227.xml").read_bytes()
    path = tmp_path / "un.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError) as err:
        load_un("t", V, path)
    assert err.value.row is not None and "malformed XML" in str(err.value)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    src = shared("lists", "jp", "meti_end_user_list_20250929.xlsx")
    path = tmp_path / "eul.xlsx"
    path.write_bytes(src.read_bytes()[:20000])
    with pytest.raises(ListFormatError) as err:
        load_meti("t", V, path)
    assert "eul.xlsx" in str(err.value)


def test_meti_wrong_sheet_header(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ユーザーリスト"
    ws.append(["No.", "Country", "Name"])
    ws.append([1, "Iran", "X"])
    path = tmp_path / "eul.xlsx"
    wb.save(path)
    with pytest.raises(ListFormatError) as err:
        load_meti("t", V, path)
    assert err.value.row == 1


def test_downloaded_copy_wins_over_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path))
    folder = registry.versions_dir("un-sc") / "2026-11-01_x"
    folder.mkdir(parents=True)
    shutil.copy(shared("lists", "un", "un_consolidated_20260227.xml"), folder / "consolidated.xml")
    (folder / "manifest.json").write_text('{"date": "2026-11-01", "url": "http://127.0.0.1/x"}')
    (registry.downloaded_dir("un-sc") / "current").write_text("2026-11-01_x")
    assert registry.load_list("un-sc").version.date == "2026-11-01"
    monkeypatch.setenv("SEKISHO_BUNDLED_ONLY", "1")
    assert registry.load_list("un-sc").version.date == "2026-02-27"


def test_copy_downloaded_before_versions_were_kept_still_wins(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path))
    folder = registry.downloaded_dir("un-sc")
    folder.mkdir(parents=True)
    shutil.copy(shared("lists", "un", "un_consolidated_20260227.xml"), folder / "consolidated.xml")
    (folder / "manifest.json").write_text('{"date": "2026-10-01", "url": "http://127.0.0.1/x", '
                                          '"sha256": "x", "entities": 1003}')
    assert registry.load_list("un-sc").version.date == "2026-10-01"
    assert registry.current_facts("un-sc")["where"] == "downloaded"
