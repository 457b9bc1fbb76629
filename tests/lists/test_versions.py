"""List versions kept, found by reference, and diffed on real pairs of official files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sekisho.cli.app import app
from sekisho.errors import NotFound
from sekisho.lists import versions
from sekisho.lists.diff import diff_entities
from sekisho.lists.fetch import update
from tests.conftest import shared
from tests.lists.conftest import dated

runner = CliRunner()


def _diff(list_id: str, old: str, new: str) -> tuple[int, int, dict[str, list[dict[str, object]]]]:
    a = versions.load_given_files(list_id, [shared("lists", "us", old)])
    b = versions.load_given_files(list_id, [shared("lists", "us", new)])
    return len(a.entities), len(b.entities), diff_entities(a.entities, b.entities).to_dict()


def _check_stable(n_old: int, n_new: int, change: dict[str, list[dict[str, object]]]) -> None:
    """The counts add up, and no entry is both removed and added (an id that changed between versions)."""
    assert n_new == n_old + len(change["added"]) - len(change["removed"])
    assert not {c["name"] for c in change["added"]} & {c["name"] for c in change["removed"]}


def test_sdn_2022_2023_2024() -> None:
    old, new, change = _diff("us-ofac-sdn", "ofac_sdn_20220217.csv", "ofac_sdn_20230608.csv")
    _check_stable(old, new, change)
    assert (old, new, len(change["added"]), len(change["removed"]), len(change["changed"])) == \
        (9056, 12619, 3751, 188, 671)
    aum = next(c for c in change["changed"] if c["id"] == "us-ofac-sdn:4691")  # FTO designation revoked in 2022
    assert aum["name"] == "AUM SHINRIKYO" and aum["fields"] == {"programs": {"old": ["FTO", "SDGT"],
                                                                             "new": ["SDGT"]}}
    assert any(c["name"] == "BM BANK JSC" for c in change["added"])
    old, new, change = _diff("us-ofac-sdn", "ofac_sdn_20230608.csv", "ofac_sdn_20240503.csv")
    _check_stable(old, new, change)
    assert (len(change["added"]), len(change["removed"]), len(change["changed"])) == (2677, 331, 85)
    _old, _new, change = _diff("us-ofac-sdn", "ofac_sdn_20240502.csv", "ofac_sdn_20240503.csv")
    assert (len(change["added"]), len(change["removed"]), len(change["changed"])) == (0, 8, 0)


def test_dpl_renewals_and_address_edits_are_changes() -> None:
    """The DPL publishes no ids: a renewed order (new effective date) keeps its id, and an entry whose
    only address was edited is paired with its new form by name."""
    old, new, change = _diff("us-bis-dpl", "bis_dpl_2019.txt", "bis_dpl_2022-09.txt")
    _check_stable(old, new, change)
    renewed = [c for c in change["changed"] if c["name"] == "PEJMAN MAHMOOD KOSARAYANIFARD"]
    assert [set(c["fields"]) for c in renewed] == [{"listed_on", "remarks"}]  # the order and its FR notice
    moved = [c for c in change["changed"] if "id" in c["fields"]]
    assert {c["name"] for c in moved} == {"JOSE JESUS CAMPOS-FLORES", "MUHAMMAD ISAM MUHAMMAD ANWAR NUR SHAMMOUT"}


def test_history_find_and_diff_of_kept_versions(server: str, www: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path / "home"))
    assert [v.name for v in versions.history("us-bis-dpl")] == ["bundled"]
    with pytest.raises(NotFound, match="is the oldest one kept"):
        versions.find("us-bis-dpl", "previous")
    (www / "dpl.txt").write_bytes(shared("lists", "us", "bis_dpl_2022-09.txt").read_bytes())
    dated(www / "dpl.txt", "2022-09-15")
    monkeypatch.setenv("SEKISHO_LIST_URLS", f"us-bis-dpl={server}dpl.txt")
    update("us-bis-dpl")
    kept = versions.history("us-bis-dpl")
    assert [(v.name[:10], v.current) for v in kept] == [("bundled", False), ("2022-09-15", True)]
    assert versions.find("us-bis-dpl", "2022-09-15") == versions.find("us-bis-dpl", "current") == kept[1]
    assert versions.find("us-bis-dpl", "previous") == versions.find("us-bis-dpl", "bundled") == kept[0]

    result = runner.invoke(app, ["lists", "history", "us-bis-dpl", "--json"])
    assert [v["version"][:10] for v in json.loads(result.stdout)] == ["bundled", "2022-09-15"]
    result = runner.invoke(app, ["lists", "diff", "us-bis-dpl", "--json"])  # previous -> current
    data = json.loads(result.stdout)
    assert (data["old_entities"], data["new_entities"]) == (546, 581)
    assert data["old"].startswith("bundled (2019-07-01)") and data["new"].endswith("(2022-09-15)")
    _check_stable(546, 581, data)
    result = runner.invoke(app, ["lists", "diff", "us-bis-dpl", "bundled", "2022-09-15", "--limit", "2"])
    assert result.exit_code == 0
    assert "546 -> 581 entities; 168 added, 133 removed, 56 changed" in result.stdout
    assert "… 166 more" in result.stdout
    result = runner.invoke(app, ["lists", "diff", "us-bis-dpl", "1999-01-01"])
    assert "no version '1999-01-01'" in str(result.exception)


def test_diff_of_two_file_sets_on_the_command_line() -> None:
    us = shared("lists", "us")
    result = runner.invoke(app, ["lists", "diff", "us-ofac-sdn", "--old", str(us / "ofac_sdn_20240502.csv"),
                                 "--new", str(us / "ofac_sdn_20240503.csv"), "--json"])
    data = json.loads(result.stdout)
    assert len(data["removed"]) == 8 and not data["added"] and not data["changed"]
