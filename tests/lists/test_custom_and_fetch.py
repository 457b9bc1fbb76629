from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sekisho.errors import FetchError, ListFormatError
from sekisho.lists import registry
from sekisho.lists.custom import load_custom
from sekisho.lists.fetch import update
from sekisho.lists.model import EntityType, ListVersion
from tests.conftest import shared

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


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """Official files served on 127.0.0.1, as an update would fetch them."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "consolidated.xml").write_bytes(shared("lists", "un", "un_consolidated_20260227.xml").read_bytes())
    (root / "broken.xml").write_bytes(b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIV")
    for name in ("SDN.CSV", "ALT.CSV", "ADD.CSV"):
        src = shared("lists", "us", "ofac_2019", name.lower())
        (root / name).write_bytes(src.read_bytes())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(root), **k)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_update_from_local_server(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}consolidated.xml,us-ofac-sdn={server}")
    result = update("un-sc")
    assert result["entities"] == 1003
    assert registry.load_list("un-sc").version.source_url == f"{server}consolidated.xml"
    sdn = update("us-ofac-sdn")
    assert sdn["entities"] == 7379
    loaded = registry.load_list("us-ofac-sdn")
    bnc = next(e for e in loaded.entities if e.id == "us-ofac-sdn:306")
    assert "NATIONAL BANK OF CUBA" in [n.value for n in bnc.names]  # alt.csv was fetched too


def test_update_keeps_current_copy_on_bad_file(server: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}consolidated.xml")
    update("un-sc")
    before = registry.load_list("un-sc").version.sha256
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}broken.xml")
    with pytest.raises(FetchError, match="does not parse"):
        update("un-sc")
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}missing.xml")
    with pytest.raises(FetchError, match="HTTP 404"):
        update("un-sc")
    assert registry.load_list("un-sc").version.sha256 == before


def test_update_offline_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SEKISHO_HTTP_TIMEOUT", "2")
    # a port nothing listens on: connection refused, as when offline
    monkeypatch.setenv("SEKISHO_LIST_URLS", "un-sc=http://127.0.0.1:9/consolidated.xml")
    with pytest.raises(FetchError, match="offline"):
        update("un-sc")
    assert not registry.downloaded_dir("un-sc").exists()
