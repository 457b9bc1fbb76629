"""`lists update` against official files served on 127.0.0.1: checks, dates, time-outs, stops."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sekisho.errors import FetchError, Refused
from sekisho.lists import registry
from sekisho.lists.fetch import update
from tests.conftest import shared
from tests.lists.conftest import dated as _dated

pytestmark = pytest.mark.network


def _sdn_set(www: Path, folder: str, day: str | None = None) -> None:
    for name in ("sdn", "alt", "add"):
        dest = www / f"{name.upper()}.CSV"
        dest.write_bytes(shared("lists", "us", folder, f"{name}.csv").read_bytes())
        if day:
            _dated(dest, day)


def _staging_left(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if "staging" in p.name]


def test_newer_version_replaces_bundled_and_is_dated_by_the_server(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (www / "dpl.txt").write_bytes(shared("lists", "us", "bis_dpl_2022-09.txt").read_bytes())
    _dated(www / "dpl.txt", "2022-09-15")
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-bis-dpl={server}dpl.txt")
    result = update("us-bis-dpl")
    assert result["status"] == "updated" and result["entities"] == 581
    assert result["date"] == "2022-09-15" and result["date_source"] == "server's Last-Modified"
    assert result["previous"]["where"] == "bundled" and result["previous"]["entities"] == 546
    assert registry.load_list("us-bis-dpl").version.date == "2022-09-15"
    again = update("us-bis-dpl")
    assert again["status"] == "unchanged" and again["date"] == "2022-09-15"


def test_list_cut_at_a_line_boundary_is_refused(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Half of a real SDN file, cut at a newline (with its alt and add files), parses: the missing
    end mark and the loss of most entities give it away, and the bundled 14,965 keep serving."""
    _sdn_set(www, "ofac_2021")
    data = (www / "SDN.CSV").read_bytes()
    half = data[: data.index(b"\n", len(data) // 2) + 1]
    (www / "SDN.CSV").write_bytes(half)
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-ofac-sdn={server}")
    with pytest.raises(Refused, match=r"sdn.csv does not end with OFAC's end-of-file mark"):
        update("us-ofac-sdn")
    (www / "SDN.CSV").write_bytes(half + b"\x1a")  # even with the mark, so small a list is implausible
    with pytest.raises(Refused, match=r"5,017 entities, 66.5% fewer than the current copy "
                                      r"\(bundled, 2024-05-03, 14,965 entities\)"):
        update("us-ofac-sdn")
    assert registry.current_facts("us-ofac-sdn")["entities"] == 14965
    assert not _staging_left(home)

    dpl = shared("lists", "us", "bis_dpl_2019.txt").read_bytes()
    (www / "dpl.txt").write_bytes(dpl[: dpl.index(b"\n", len(dpl) // 2) + 1])
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-bis-dpl={server}dpl.txt")
    with pytest.raises(Refused, match=r"fewer than the current copy .*546 entities"):
        update("us-bis-dpl")
    accepted = update("us-bis-dpl", allow_shrink=True)
    assert accepted["status"] == "updated" and accepted["entities"] < 300


def test_older_version_never_silently_replaces_a_newer_one(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _sdn_set(www, "ofac_2021", day="2021-07-01")
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-ofac-sdn={server}")
    with pytest.raises(Refused, match=r"dated 2021-07-01 \(server's Last-Modified\), older than .*2024-05-03"):
        update("us-ofac-sdn")
    assert registry.load_list("us-ofac-sdn").version.date == "2024-05-03"
    taken = update("us-ofac-sdn", allow_older=True, allow_shrink=True)
    assert taken["status"] == "updated" and taken["entities"] == 8976
    loaded = registry.load_list("us-ofac-sdn")
    assert loaded.version.date == "2021-07-01"
    assert any(n.value == "NATIONAL BANK OF CUBA" for e in loaded.entities if e.id == "us-ofac-sdn:306"
               for n in e.names)  # alt.csv was fetched too

    # a date the file states itself wins over the server's
    xml = shared("lists", "un", "un_consolidated_20260227.xml").read_bytes()
    (www / "un.xml").write_bytes(xml.replace(b'dateGenerated="2026-02-27', b'dateGenerated="2025-01-06', 1))
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}un.xml")
    with pytest.raises(Refused, match=r"dated 2025-01-06 \(stated in the file\)"):
        update("un-sc")


def test_every_version_is_kept_and_one_is_current(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-bis-dpl={server}dpl.txt")
    lines = shared("lists", "us", "bis_dpl_2022-09.txt").read_bytes().splitlines(keepends=True)
    # the real list, then the same with one person delisted
    for content, day in ((lines, "2022-09-15"), (lines[:5] + lines[6:], "2022-10-01")):
        (www / "dpl.txt").write_bytes(b"".join(content))
        _dated(www / "dpl.txt", day)
        assert update("us-bis-dpl")["status"] == "updated"
    kept = sorted(p.name[:10] for p in registry.versions_dir("us-bis-dpl").iterdir())
    assert kept == ["2022-09-15", "2022-10-01"]
    assert registry.current_facts("us-bis-dpl") == {
        "date": "2022-10-01", "entities": 580, "where": "downloaded",
        "sha256": registry.load_list("us-bis-dpl").version.sha256}


def test_download_is_bounded_in_time_and_size(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that trickles a byte every 0.2 s is cut off at SEKISHO_HTTP_TIMEOUT in all."""
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}trickle")
    monkeypatch.setenv("SEKISHO_HTTP_TIMEOUT", "1.5")
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"not complete within 1.5 s"):
        update("un-sc")
    assert time.monotonic() - start < 4
    assert not _staging_left(home) and registry.current_facts("un-sc")["where"] == "bundled"

    (www / "big.xml").write_bytes(shared("lists", "un", "un_consolidated_20260227.xml").read_bytes())
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}big.xml")
    monkeypatch.setenv("SEKISHO_MAX_DOWNLOAD_MB", "1")
    with pytest.raises(FetchError, match=r"more than SEKISHO_MAX_DOWNLOAD_MB"):
        update("un-sc")


def test_broken_or_missing_file_keeps_the_current_copy(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (www / "broken.xml").write_bytes(b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIV")
    (www / "gz.xml").write_bytes(gzip.compress(b"<x/>"))
    before = registry.current_facts("un-sc")
    for name, message in (("broken.xml", "does not parse"), ("missing.xml", "HTTP 404"),
                          ("gz.xml", "does not parse")):
        monkeypatch.setenv("SEKISHO_LIST_URLS", f"un-sc={server}{name}")
        with pytest.raises(FetchError, match=message):
            update("un-sc")
    assert registry.current_facts("un-sc") == before and not _staging_left(home)


def test_offline_fails_clearly(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HTTP_TIMEOUT", "2")
    # a port nothing listens on: connection refused, as when offline
    monkeypatch.setenv("SEKISHO_LIST_URLS", "un-sc=http://127.0.0.1:9/consolidated.xml")
    with pytest.raises(FetchError, match=r"offline"):
        update("un-sc")
    assert not _staging_left(home) and registry.current_facts("un-sc")["where"] == "bundled"


def _update_process(server: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SEKISHO_HOME": str(home), "SEKISHO_LIST_URLS": f"un-sc={server}trickle"}
    proc = subprocess.Popen([sys.executable, "-m", "sekisho", "lists", "update", "un-sc"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not _staging_left(home):  # the download has begun
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc


def test_stopped_update_cleans_up(server: str, home: Path) -> None:
    """SIGTERM: one clear line, exit 143, no staging folder. kill -9 cannot clean up: the next
    update removes what the killed one left."""
    proc = _update_process(server, home)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "stopped by SIGTERM: un-sc not updated; the current copy is kept" in err
    assert not _staging_left(home)

    proc = _update_process(server, home)
    proc.kill()
    proc.wait(timeout=30)
    assert _staging_left(home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEKISHO_HOME", str(home))
        mp.setenv("SEKISHO_LIST_URLS", "un-sc=http://127.0.0.1:9/x.xml")
        with pytest.raises(FetchError):
            update("un-sc")
    assert not _staging_left(home)


def test_update_fetches_the_enhanced_format_and_keeps_its_files(
        www: Path, server: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OFAC publishes the enhanced XML (zip) today: `lists update` fetches that, dated by the file."""
    from sekisho.lists.fetch import _urls
    from sekisho.lists.versions import find, load

    assert _urls("us-ofac-cons") == [("https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"
                                      "exports/CONS_ENHANCED.ZIP", "cons_enhanced.zip")]
    (www / "CONS_ENHANCED.ZIP").write_bytes(shared("lists", "us", "ofac_cons_enhanced_20250110.zip").read_bytes())
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-ofac-cons={server}CONS_ENHANCED.ZIP")
    result = update("us-ofac-cons")
    assert result["status"] == "updated" and result["entities"] == 443
    assert (result["date"], result["date_source"]) == ("2025-01-10", "stated in the file")
    loaded = registry.load_list("us-ofac-cons")
    assert len(loaded.entities) == 443 and loaded.version.files[0].endswith("cons_enhanced.zip")
    assert len(load("us-ofac-cons", find("us-ofac-cons", "previous")).entities) == 442  # the bundled CSV set
