from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sekisho.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_screen_json() -> None:
    code, out = run("screen", "Air Koryo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "Air Koryo"
    hit = data["hits"][0]
    assert set(hit) == {"list", "entity_id", "name", "matched_name", "score", "explanation"}
    assert 0 <= hit["score"] <= 1


def test_screen_options() -> None:
    code, out = run("screen", "Air Koryo", "--json", "--lists", "us-ofac-sdn", "--threshold", "0.95",
                    "--type", "organization", "--country", "KP")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert hits and all(h["list"] == "us-ofac-sdn" and h["score"] >= 0.95 for h in hits)


def test_screen_table_and_no_hits() -> None:
    code, out = run("screen", "Toyota Motor Corporation")
    assert code == 0 and "No hits" in out


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet", ".xlsx"])
def test_screen_file(tmp_path: Path, ext: str) -> None:
    src = tmp_path / "parties.csv"
    src.write_text("company,cc\nAir Koryo,KP\n,JP\nToyota Motor Corporation,JP\n", encoding="utf-8")
    dest = tmp_path / f"out{ext}"
    result = runner.invoke(app, ["screen", "--file", str(src), "--out", str(dest), "--name-column", "company",
                                 "--country-column", "cc", "--workers", "1"])
    assert result.exit_code == 2, result.output  # one row skipped
    skipped = (tmp_path / f"out{ext}.skipped.csv").read_text()
    assert skipped.splitlines()[1].startswith("1,") and "empty name" in skipped
    if ext == ".jsonl":
        rows = [json.loads(line) for line in dest.read_text().splitlines()]
        assert [r["row"] for r in rows] == [0, 2]
        assert rows[0]["input"] == {"company": "Air Koryo", "cc": "KP"} and rows[0]["hits"]
        assert rows[1]["hits"] == []
    elif ext == ".parquet":
        assert pq.read_table(dest).column("row").to_pylist() == [0, 2]


def test_screen_file_parallel(tmp_path: Path) -> None:
    src = tmp_path / "parties.jsonl"
    src.write_text("".join(json.dumps({"name": n}) + "\n" for n in ["Air Koryo", "Sony Group"] * 300))
    dest = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["screen", "--file", str(src), "--out", str(dest), "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in dest.read_text().splitlines()]
    assert [r["row"] for r in rows] == list(range(600))
    assert all(bool(r["hits"]) == (r["input"]["name"] == "Air Koryo") for r in rows)


def test_missing_name_column(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("company\nX\n")
    result = runner.invoke(app, ["screen", "--file", str(src), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0


def test_compare_json() -> None:
    code, out = run("compare", "George Bush", "George Habbash", "--json")
    data = json.loads(out)
    assert code == 0 and data["score"] < 0.8 and data["explanation"]["tokens"]


def test_lists_json() -> None:
    code, out = run("lists", "--json")
    assert code == 0
    lists = {x["id"]: x for x in json.loads(out)}
    assert set(lists) == {"us-csl", "us-ofac-sdn", "us-ofac-cons", "us-bis-dpl", "us-ddtc-debarred", "us-isn",
                          "jp-meti-eul", "jp-mof-freeze", "un-sc"}
    assert lists["us-ofac-sdn"]["entities"] == 14965 and lists["us-ofac-sdn"]["date"] == "2024-05-03"
    assert all(len(x["sha256"]) == 64 and x["names"] >= x["entities"] for x in lists.values())
    code, out = run("lists")
    assert code == 0 and "STALE" in out


def test_lists_import_and_screen(tmp_path: Path) -> None:
    src = tmp_path / "block.csv"
    src.write_text("id,name,aliases,type,country\nB1,Example Photonics Co. Ltd.,EP Photonics,organization,CN\n")
    code, out = run("lists", "import", str(src), "--source", "custom", "--name", "acme-block")
    assert code == 0 and "1 entities" in out
    code, out = run("screen", "Example Photonics", "--json", "--lists", "acme-block")
    assert json.loads(out)["hits"][0]["entity_id"] == "acme-block:B1"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nB1,\n")
    result = runner.invoke(app, ["lists", "import", str(bad), "--name", "acme-block2"])
    assert result.exit_code != 0


def test_eval_pairs(tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text("name1,name2,is_match,type\nVladimir Putin,\"PUTIN, Vladimir\",true,person\n"
                   "George Bush,George Habbash,false,person\nOlaf Scholz,Olaf Schulze,true,person\n")
    code, out = run("eval", "pairs", str(src), "--json")
    data = json.loads(out)
    assert code == 0 and data["pairs"] == 3 and data["tp"] == 1 and data["tn"] == 1
    assert data["fn"] == 1 and data["misses"][0]["row"] == 4


def test_settings_documented() -> None:
    from sekisho import settings

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code, _out = run("settings")
    assert code == 0
    for s in settings.SETTINGS:
        assert s.name in readme, f"{s.name} missing from README"
