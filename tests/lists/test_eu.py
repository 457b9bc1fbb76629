"""EU Financial Sanctions Files, XML 1.1: the real excerpt, written fixtures, `lists update`."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.errors import ListFormatError
from sekisho.lists import registry
from sekisho.lists.eu import load, stated_date
from sekisho.lists.fetch import update
from sekisho.lists.model import EntityType, Jurisdiction, ListVersion, NameKind
from tests.conftest import shared

V = ListVersion("eu-fsf", Jurisdiction.EU, "t", "2020-04-15", "", ())
NS = "http://eu.europa.ec/fpi/fsd/export"


def _xml(*entities: str, date: str = "2024-06-03T10:00:00.000+02:00") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<export xmlns="{NS}" generationDate="{date}">\n'
            + "\n".join(entities) + "\n</export>\n")


def _entity(logical_id: str = "1001", subject: str = "enterprise", names: tuple[tuple[str, str, str], ...] = (
        ("Joint Stock Company Example", "", "true"),), extra: str = "") -> str:
    aliases = "".join(f'<nameAlias wholeName={quoteattr(w)} firstName="" lastName="" nameLanguage="{lang}" '
                      f'strong="{strong}" logicalId="9"/>' for w, lang, strong in names)
    return (f'<sanctionEntity logicalId="{logical_id}" euReferenceNumber="EU.1.{logical_id}" unitedNationId="">'
            f'<regulation programme="RUS" publicationDate="2022-02-23"/><subjectType code="{subject}"/>'
            f"{aliases}{extra}</sanctionEntity>")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "eu.xml"
    path.write_text(text, "utf-8")
    return path


def test_the_real_excerpt() -> None:
    path = shared("lists", "eu", "eu_fsf_xml11_excerpt_20200415.xml")
    loaded = load([path], V)
    assert len(loaded.entities) == 7 and stated_date([path]) == "2020-04-15"
    saddam = next(e for e in loaded.entities if e.id == "eu-fsf:13")
    # the list gives "Abu Ali" first; the name given with a surname is the primary one
    assert saddam.primary_name == "Saddam Hussein Al-Tikriti"
    assert {n.value for n in saddam.names} == {"Saddam Hussein Al-Tikriti", "Abu Ali", "Abou Ali"}
    assert saddam.type is EntityType.PERSON and saddam.countries == ["IQ"]
    assert saddam.birth_dates == ["1937-04-28"] and saddam.programs == ["IRQ"] and saddam.listed_on == "2003-07-08"
    assert ("EU reference number", "EU.27.28") in [(i.type, i.value) for i in saddam.identifiers]
    duri = next(e for e in loaded.entities if e.id == "eu-fsf:33")
    assert len(duri.names) == len({n.value for n in duri.names}) == 5  # the file repeats names; kept once


def test_a_written_file_with_every_field(tmp_path: Path) -> None:
    extra = ('<citizenship countryIso2Code="RU"/><birthdate birthdate="" year="1970"/>'
             '<address street="Leninsky 1" city="Moscow" zipCode="119991" countryIso2Code="RU" '
             'countryDescription="RUSSIA"/><identification number="1027700070518" '
             'identificationTypeDescription="Registration number" countryIso2Code="RU"/><remark>Linked to X</remark>')
    names = (("Joint Stock Company Example", "EN", "true"), ("АО Пример", "RU", "true"), ("Exmpl", "", "false"))
    (e,) = load([_write(tmp_path, _xml(_entity(names=names, extra=extra)))], V).entities
    assert e.id == "eu-fsf:1001" and e.type is EntityType.ORGANIZATION and e.jurisdiction is Jurisdiction.EU
    assert [(n.value, n.kind) for n in e.names] == [("Joint Stock Company Example", NameKind.PRIMARY),
                                                    ("АО Пример", NameKind.ORIGINAL_SCRIPT), ("Exmpl", NameKind.WEAK)]
    assert e.addresses == ["Leninsky 1, Moscow, 119991, RUSSIA"] and e.countries == ["RU"]
    assert ("Registration number", "1027700070518", "RU") in [(i.type, i.value, i.country) for i in e.identifiers]
    assert e.birth_dates == ["1970"] and e.remarks == "Linked to X" and e.programs == ["RUS"]


@pytest.mark.parametrize(("text", "row", "field", "message"), [
    (_xml(_entity(logical_id="")), 3, "logicalId", "without a logicalId"),
    (_xml(_entity(subject="ship")), 3, "subjectType", "subjectType 'ship'"),
    (_xml(_entity(names=())), 3, "nameAlias", "has no name"),
    (_xml(_entity(), _entity()), 4, "logicalId", "duplicate logicalId 1001"),
    (_xml(), 1, None, "no <sanctionEntity>"),
    (f'<export xmlns="{NS}">' + _entity(), None, None, "malformed XML"),
    ('<sdnList xmlns="x"/>', 1, None, "root element is <sdnList>"),
])
def test_bad_files_name_their_row_and_field(tmp_path: Path, text: str, row: int | None, field: str | None,
                                            message: str) -> None:
    with pytest.raises(ListFormatError, match=message) as info:
        load([_write(tmp_path, text)], V)
    assert info.value.row == row if row is not None else info.value.row is not None
    assert info.value.field == field


def test_a_file_cut_short_is_refused_whole(tmp_path: Path) -> None:
    text = _xml(*(_entity(logical_id=str(i)) for i in range(1, 50)))
    with pytest.raises(ListFormatError, match="malformed XML"):
        load([_write(tmp_path, text[: len(text) // 2])], V)


_name = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs"), exclude_characters="\x85\xa0"),
                min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**9), _name, st.lists(_name, max_size=3)), min_size=1, max_size=6,
                unique_by=lambda t: t[0]))
def test_parse_round_trip(tmp_path_factory: pytest.TempPathFactory,
                          rows: list[tuple[int, str, list[str]]]) -> None:
    """Whatever names are written are read back, each entity under its own logicalId."""
    text = _xml(*(_entity(str(i), names=tuple((n, "", "true") for n in [name, *aliases]))
                  for i, name, aliases in rows))
    loaded = load([_write(tmp_path_factory.mktemp("eu"), text)], V)
    assert [e.id for e in loaded.entities] == [f"eu-fsf:{i}" for i, _, _ in rows]
    for entity, (_, name, aliases) in zip(loaded.entities, rows, strict=True):
        assert {n.value for n in entity.names} == {name, *aliases}


@pytest.mark.network
def test_update_fetches_the_eu_list_which_is_then_screened(www: Path, server: str, home: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert "eu-fsf" not in registry.all_ids()  # not bundled: nothing to screen before a download
    (www / "eu.xml").write_bytes(shared("lists", "eu", "eu_fsf_xml11_excerpt_20200415.xml").read_bytes())
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"eu-fsf={server}eu.xml")
    result = update("eu-fsf")
    assert result["status"] == "updated" and result["date"] == "2020-04-15" and result["entities"] == 7
    assert result["date_source"] == "stated in the file"
    assert "eu-fsf" in registry.all_ids() and len(registry.load_list("eu-fsf").entities) == 7


def test_a_list_not_bundled_has_no_versions_until_fetched(home: Path) -> None:
    from sekisho.errors import NotFound
    from sekisho.lists.versions import find, history

    assert history("eu-fsf") == []  # no phantom "bundled" version of an empty file
    with pytest.raises(NotFound, match="no version here yet; `sekisho lists update eu-fsf` fetches one"):
        find("eu-fsf", "current")
