from __future__ import annotations

from pathlib import Path

import pytest

from sekisho.errors import ListFormatError
from sekisho.lists.custom import load_custom
from sekisho.lists.model import EntityType, ListVersion

V = ListVersion("acme", "CUSTOM", "acme", "2026-01-01", "", ())


def test_custom_list(tmp_path: Path) -> None:
    path = tmp_path / "block.csv"
    path.write_text("id,name,aliases,type,country,identifiers\n"
                    "A1,Example Photonics Co. Ltd.,Example Photonics;EP Co,organization,CN;HK,USCC:9144X\n"
                    "A2,Jane Roe,,person,US,\n", encoding="utf-8")
    a1, a2 = load_custom("acme", V, path)
    assert a1.id == "acme:A1" and a1.countries == ["CN", "HK"]
    assert [n.value for n in a1.names] == ["Example Photonics Co. Ltd.", "Example Photonics", "EP Co"]
    assert a1.identifiers[0].type == "USCC" and a2.type is EntityType.PERSON


@pytest.mark.parametrize(("row", "field"), [
    ("A1,,,,,", "name"), ("A1,X,,robot,,", "type"), ("A1,X,,,Atlantis,", "country"), (",X,,,,", "id")])
def test_custom_list_errors(tmp_path: Path, row: str, field: str) -> None:
    path = tmp_path / "block.csv"
    path.write_text("id,name,aliases,type,country,identifiers\nA0,Fine,,,,\n" + row + "\n")
    with pytest.raises(ListFormatError) as err:
        load_custom("acme", V, path)
    assert err.value.row == 3 and err.value.field == field


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "euc_jp"])
def test_custom_list_in_japanese_encodings(tmp_path: Path, encoding: str) -> None:
    """Excel in Japan saves CSV as cp932: read in the wrong encoding, 三菱電機 would never match."""
    path = tmp_path / "block.csv"
    path.write_bytes("id,name,aliases\nA1,三菱電機株式会社,三菱電機\nA2,東芝デバイス株式会社,\n".encode(encoding))
    a1, a2 = load_custom("acme", V, path)
    assert a1.names[0].value == "三菱電機株式会社" and a2.names[0].value == "東芝デバイス株式会社"


def test_custom_list_declared_encoding_and_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "block.csv"
    path.write_bytes("id,name\nA1,Société Générale\n".encode("cp1252"))
    assert load_custom("acme", V, path, encoding="cp1252")[0].names[0].value == "Société Générale"
    with pytest.raises(ListFormatError) as err:  # bytes that are not UTF-8, when told it is UTF-8
        load_custom("acme", V, path, encoding="utf-8")
    assert err.value.row == 2 and "b'\\xe9" in str(err.value) and "--encoding" in str(err.value)
