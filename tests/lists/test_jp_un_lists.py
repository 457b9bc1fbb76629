from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_meti_pdf_revision_reads_like_the_workbook() -> None:
    """The 2025-01-31 revision exists only as a PDF: every numbered row of its 29 pages is read,
    names wrapped over lines joined, aliases as in the workbook."""
    lst = registry.load_files("jp-meti-eul", [shared("lists", "jp", "meti_end_user_list_20250131.pdf")], "2025-01-31")
    assert len(lst.entities) == 748 and len({e.id for e in lst.entities}) == 748
    raduga = next(e for e in lst.entities if e.primary_name.startswith('"Raduga"'))
    assert raduga.primary_name == '"Raduga" State Engineering Design Bureau JSC named after A.Y. Bereznyak'
    assert "Joint Stock Company “State Machine-Building Design Bureau “Raduga”" in [n.value for n in raduga.names]
    assert raduga.countries == ["RU"] and raduga.programs == ["M"]
    koryo = next(e for e in lst.entities if e.primary_name == "Air Koryo")
    assert ("高麗航空", NameKind.ORIGINAL_SCRIPT) in [(n.value, n.kind) for n in koryo.names]


def test_meti_diff_pdf_to_workbook_keeps_ids() -> None:
    """2025-01-31 (PDF) -> 2025-09-29 (workbook): 748 + 94 - 7 = 835. An entry whose concern codes
    changed (the workbook adds the conventional-weapons column) is a change of the same id."""
    from sekisho.lists.diff import diff_entities

    old = registry.load_files("jp-meti-eul", [shared("lists", "jp", "meti_end_user_list_20250131.pdf")], "2025-01-31")
    new = registry.load_list("jp-meti-eul")
    diff = diff_entities(old.entities, new.entities)
    assert (len(diff.added), len(diff.removed)) == (94, 7)
    assert len(old.entities) + len(diff.added) - len(diff.removed) == len(new.entities) == 835
    qaida = next(e.id for e in new.entities if e.primary_name == "Al Qa'ida/Islamic Army")
    assert diff.changed[qaida]["programs"] == (["C"], ["B", "C", "CW", "M", "N"])
    assert "Beijing Starneto Technology Co., Ltd." in {diff.names[i] for i in diff.removed}
    assert len(diff.changed) < len(new.entities) // 3


@pytest.mark.parametrize("damage", ["garbage", "cut"])
def test_meti_pdf_damaged_is_refused_whole(tmp_path: Path, damage: str) -> None:
    data = shared("lists", "jp", "meti_end_user_list_20250131.pdf").read_bytes()
    path = tmp_path / "eul.pdf"
    path.write_bytes(b"%PDF-1.4 not really" * 10 if damage == "garbage" else data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="not a whole, readable PDF") as info:
        load_meti("t", V, path)
    assert info.value.file == str(path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="・\n"),
                                 min_size=1, max_size=15).map(str.strip).filter(bool), min_size=1, max_size=3),
                max_size=5))
def test_meti_pdf_aliases_rejoin_wrapped_lines(aliases: list[list[str]]) -> None:
    """However the PDF wraps an alias over lines, it is read back as the one alias it is; the
    workbook's lines stay each their own."""
    from sekisho.lists.meti import _aliases

    cell = "\n".join("・" + "\n".join(pieces) for pieces in aliases)
    assert _aliases(cell, wrapped=True) == [" ".join(pieces).lstrip("・").strip() for pieces in aliases]
    assert len(_aliases(cell, wrapped=False)) == sum(len(p) for p in aliases)
