"""Every setting in one table: read from SEKISHO_* variables, checked, documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekisho import settings
from sekisho.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table() -> None:
    section = (ROOT / "README.md").read_text("utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    for s in settings.SETTINGS:
        assert f"`{s.name}`" in section, f"{s.name} missing from the README's Settings table"
        assert s.help and s.name.startswith("SEKISHO_")


def test_environment_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEKISHO_THRESHOLD", raising=False)
    assert settings.get_float("SEKISHO_THRESHOLD") == float(settings.default("SEKISHO_THRESHOLD"))
    monkeypatch.setenv("SEKISHO_THRESHOLD", "0.9")
    assert settings.get_float("SEKISHO_THRESHOLD") == 0.9


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_THRESHOLD", "high")
    with pytest.raises(InvalidInput, match="SEKISHO_THRESHOLD='high' is not a number"):
        settings.get_float("SEKISHO_THRESHOLD")
    monkeypatch.setenv("SEKISHO_WORKERS", "2.5")
    with pytest.raises(InvalidInput, match=r"SEKISHO_WORKERS='2\.5' is not a whole number"):
        settings.get_int("SEKISHO_WORKERS")
    with pytest.raises(KeyError):
        settings.get("SEKISHO_NO_SUCH_SETTING")


def test_list_url_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_LIST_URLS", " un-sc=http://127.0.0.1/un.xml , eu-fsf=http://x/eu.xml")
    assert settings.list_url_overrides() == {"un-sc": "http://127.0.0.1/un.xml", "eu-fsf": "http://x/eu.xml"}
    monkeypatch.setenv("SEKISHO_LIST_URLS", "un-sc")
    with pytest.raises(InvalidInput, match="expected 'list-id=url', got 'un-sc'"):
        settings.list_url_overrides()


def test_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path))
    assert settings.home() == tmp_path
