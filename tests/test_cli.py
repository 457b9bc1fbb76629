from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    assert result.exit_code != 0 and "no column 'name'" in str(result.exception)
    assert "--name-column" in str(result.exception) and not (tmp_path / "o.jsonl").exists()


def test_compare_json() -> None:
    code, out = run("compare", "George Bush", "George Habbash", "--json")
    data = json.loads(out)
    assert code == 0 and data["score"] < 0.8 and data["explanation"]["tokens"]


def test_lists_json() -> None:
    code, out = run("lists", "--json")
    assert code == 0
    lists = {x["id"]: x for x in json.loads(out)}
    # the CSL is screened as the lists it consolidates; the EU list is not bundled
    assert set(lists) == {"us-bis-el", "us-bis-meu", "us-bis-uvl", "us-csl-dpl", "us-csl-dtc", "us-csl-isn",
                          "us-csl-sdn", "us-ofac-ssi", "us-ofac-cmic", "us-ofac-ns-mbs", "us-ofac-plc",
                          "us-ofac-capta", "us-ofac-fse", "us-ofac-sdn", "us-ofac-cons", "us-bis-dpl",
                          "us-ddtc-debarred", "us-isn", "jp-meti-eul", "jp-mof-freeze", "uk-ofsi", "un-sc"}
    assert lists["us-ofac-sdn"]["entities"] == 14965 and lists["us-ofac-sdn"]["date"] == "2024-05-03"
    assert lists["us-bis-el"]["entities"] == 2001 and lists["us-bis-el"]["date"] == "2022-05-01"
    # the CSL's SDN rows of 2022 give way to the SDN file of 2024, its DPL rows replace the 2019 file's
    assert lists["us-csl-sdn"]["entities"] == 0 and lists["us-csl-sdn"]["set_aside"] == 10026
    assert lists["us-bis-dpl"]["entities"] == 0 and lists["us-csl-dpl"]["entities"] == 462
    assert all(len(x["sha256"]) == 64 and x["names"] >= x["entities"] for x in lists.values())
    assert all(x["entities"] + x["set_aside"] > 0 for x in lists.values())
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
    assert result.exit_code != 0 and f"{bad}, row 2, field 'name': empty name" in str(result.exception)


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


def _screen_file(*args: str) -> Any:
    return runner.invoke(app, ["screen", *args, "--workers", "1"])


def test_out_equal_to_file_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    src = tmp_path / "parties.csv"
    src.write_text("name\nAir Koryo\n")
    result = _screen_file("--file", str(src), "--out", str(tmp_path / "." / "parties.csv"))
    assert result.exit_code != 0 and "is the input file" in str(result.exception)
    assert src.read_text() == "name\nAir Koryo\n"


def test_failed_run_leaves_earlier_results_and_missing_input_makes_none(tmp_path: Path) -> None:
    dest = tmp_path / "out.jsonl"
    dest.write_text("earlier results\n")
    src = tmp_path / "p.csv"
    src.write_text("company\nAir Koryo\n")
    result = _screen_file("--file", str(src), "--out", str(dest))  # no "name" column
    assert "no column 'name'" in str(result.exception)
    assert dest.read_text() == "earlier results\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "out.jsonl", "p.csv"]
    result = _screen_file("--file", str(tmp_path / "none.csv"), "--out", str(tmp_path / "new.jsonl"))
    assert "none.csv: no such file" in str(result.exception) and not (tmp_path / "new.jsonl").exists()


def test_every_row_is_screened_or_skipped_with_its_reason(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text('name,country\nAir Koryo,KP\n"Toyota Motor\nSony Group",JP\nAcme,US,extra\n😀😀,JP\n'
                   + "x" * 600 + ',JP\n,JP\nHitachi,JP\n"Open,IT\nLast,DE\n')
    dest = tmp_path / "out.jsonl"
    result = _screen_file("--file", str(src), "--out", str(dest))
    assert result.exit_code == 2
    screened = [json.loads(line) for line in dest.read_text().splitlines()]
    with (tmp_path / "out.jsonl.skipped.csv").open(encoding="utf-8", newline="") as fh:
        skipped = list(csv.DictReader(fh))
    assert [r["row"] for r in screened] == [0, 6]
    assert [(r["row"], r["line"]) for r in skipped] == [("1", "3-4"), ("2", "5"), ("3", "6"), ("4", "7"),
                                                         ("5", "8"), ("7", "10-11")]
    reasons = [r["reason"] for r in skipped]
    assert "runs over a line break" in reasons[0] and reasons[1] == "3 fields where the header has 2"
    assert "no letters or digits" in reasons[2] and "SEKISHO_MAX_NAME_LENGTH" in reasons[3]
    assert reasons[4] == "empty name" and "a quote left open" in reasons[5]
    assert "8 rows read: 2 screened" in result.stderr and "6 skipped" in result.stderr


def test_cp932_party_file_matches_a_cp932_block_list(tmp_path: Path) -> None:
    block = tmp_path / "block.csv"
    block.write_bytes("id,name,type\nM1,三菱電機株式会社,organization\n".encode("cp932"))
    code, out = run("lists", "import", str(block), "--name", "jp-block")
    assert code == 0 and "read as cp932" in out
    src = tmp_path / "p.csv"
    src.write_bytes("name\n三菱電機株式会社\n東京エレクトロン株式会社\n".encode("cp932"))
    dest = tmp_path / "out.jsonl"
    result = _screen_file("--file", str(src), "--out", str(dest), "--lists", "jp-block")
    assert result.exit_code == 0 and "read as cp932, detected" in result.stderr
    rows = [json.loads(line) for line in dest.read_text().splitlines()]
    assert rows[0]["input"]["name"] == "三菱電機株式会社" and rows[0]["hits"][0]["entity_id"] == "jp-block:M1"
    assert rows[1]["hits"] == []


def test_stale_lists_are_flagged_on_stderr_and_in_the_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", "Air Koryo", "--json"])
    data = json.loads(result.stdout)
    assert "WARNING" in result.stderr and "us-ofac-sdn (2024-05-03)" in result.stderr
    prov = data["provenance"]
    assert "us-ofac-sdn" in prov["stale_lists"] and prov["threshold"] == 0.8
    sdn = next(x for x in prov["lists"] if x["id"] == "us-ofac-sdn")
    assert sdn["stale"] and sdn["date"] == "2024-05-03" and len(sdn["sha256"]) == 64
    src = tmp_path / "p.csv"
    src.write_text("name\nAir Koryo\n")
    result = _screen_file("--file", str(src), "--out", str(tmp_path / "o.jsonl"))
    assert "WARNING" in result.stderr and "older than 90 days" in result.stderr


def test_a_result_carries_what_reproduces_it(tmp_path: Path) -> None:
    """The query as given and as normalised, the index digest, the algorithm, the options; a batch
    writes the same beside its results, with its input's sha256 and the counts."""
    import hashlib

    from sekisho import __version__

    data = json.loads(runner.invoke(app, ["screen", "ＡＩＲ　Koryo", "--country", "KP", "--lists", "us-csl,un-sc",
                                          "--json"]).stdout)
    prov = data["provenance"]
    assert prov["query"] == {"given": {"name": "ＡＩＲ　Koryo", "country": "KP"}, "normalized": ["aviation korio"]}
    assert prov["sekisho"] == __version__ and len(prov["algorithm"]) == 12
    assert prov["index_digest"] and prov["index_digest"].endswith(prov["algorithm"])
    assert "us-bis-el" in prov["options"]["lists"] and "us-csl" not in prov["options"]["lists"]
    assert {x["id"] for x in prov["lists"]} >= {"us-bis-el", "un-sc"}
    assert "jp-meti-eul" not in {x["id"] for x in prov["lists"]}
    src = tmp_path / "p.csv"
    src.write_text("name\nAir Koryo\n!!!\n")
    out = tmp_path / "o.csv"
    result = _screen_file("--file", str(src), "--out", str(out))
    facts = json.loads((tmp_path / "o.csv.provenance.json").read_text())
    assert result.exit_code == 2 and facts["results"] == "o.csv"
    assert facts["rows_screened"] == 1 and facts["rows_skipped"] == 1
    assert facts["inputs"] == [{"file": str(src), "sha256": hashlib.sha256(src.read_bytes()).hexdigest()}]
    assert facts["engine"]["engine"] == "local" and facts["index_digest"] == prov["index_digest"]
    # a run that fails writes nothing: the provenance beside the results stays theirs
    before = (tmp_path / "o.csv.provenance.json").read_text()
    src.write_text("company\nAir Koryo\n")
    assert _screen_file("--file", str(src), "--out", str(out)).exit_code != 0
    assert (tmp_path / "o.csv.provenance.json").read_text() == before


def test_screen_file_without_out_leaves_no_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    src = tmp_path / "p.csv"
    src.write_text("name\nAir Koryo\n")
    result = _screen_file("--file", str(src))
    assert result.exit_code == 0 and "us-ofac-sdn" in result.stdout
    assert list(tmp.iterdir()) == []


def test_narrow_terminal_never_cuts_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    from sekisho.cli import app as cli

    monkeypatch.setattr(cli, "out", cli.Console(width=60, force_terminal=False))
    result = runner.invoke(app, ["screen", "Air Koryo"])
    assert result.exit_code == 0
    assert "us-ofac-sdn:" in result.stdout and "…" not in result.stdout
    ids = {line.split("│")[3].strip() for line in result.stdout.splitlines() if "us-ofac-sdn:" in line}
    assert all(i.startswith("us-ofac-sdn:") and i.split(":")[1].isdigit() for i in ids), ids


def test_import_refuses_bad_names_and_says_what_a_replacement_changed(tmp_path: Path) -> None:
    src = tmp_path / "block.csv"
    src.write_text("id,name\nB1,Example Photonics\nB2,Example Optics\n")
    result = runner.invoke(app, ["lists", "import", str(src), "--name", "nl\n"])
    assert result.exit_code != 0 and "--name 'nl\\n'" in str(result.exception)
    code, out = run("lists", "import", str(src), "--name", "acme-two")
    assert code == 0 and "imported 2 entities" in out
    src.write_text("id,name\nB1,Example Photonics Ltd\nB3,Example Lasers\nB4,Example Fibres\n")
    code, out = run("lists", "import", str(src), "--name", "acme-two")
    assert code == 0 and "replaced list 'acme-two': 2 -> 3 entities (2 added, 1 removed, 1 changed)" in out


@pytest.mark.parametrize(("args", "code", "message"), [
    (["screen", "--file", "/nonexistent/p.csv"], 64, "error: /nonexistent/p.csv: no such file"),
    (["lists", "diff", "no-such-list"], 66, "error: no-such-list: versions are kept for official lists"),
    (["screen", "Air Koryo", "--lists", "us-nope"], 64, "error: unknown list(s) ['us-nope']"),
    (["screen", "Air Koryo", "--threshold", "2"], 64, "Error: Invalid value for '--threshold'"),  # the parser's
])
def test_the_command_line_says_one_line_and_exits_by_the_kind_of_error(args: list[str], code: int,
                                                                       message: str) -> None:
    run = subprocess.run([sys.executable, "-m", "sekisho", *args], capture_output=True, text=True, timeout=300)
    assert run.returncode == code, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.lower().startswith("error:")]
    assert len(lines) == 1 and lines[0].startswith(message) and "Traceback" not in run.stderr


def test_a_bug_is_an_internal_error_with_a_pointer_to_report_it() -> None:
    code = "import sekisho.cli.app as a; a.app = lambda **_: 1 / 0; a.main()"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 70
    assert "ZeroDivisionError" in run.stderr and "This is a bug in sekisho" in run.stderr
    assert "please report it" in run.stderr
