"""The index cache is used only when its digest checks out; anything else is reported and rebuilt."""

from __future__ import annotations

import logging
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sekisho.match import cache
from sekisho.screen import Screener, index_path, load_index

LISTS = ["us-bis-dpl"]  # a small list: each rebuild here takes a second


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEKISHO_HOME", str(tmp_path))
    return tmp_path


def test_any_damage_is_detected(home: Path) -> None:
    load_index(LISTS)
    good = index_path(LISTS).read_bytes()
    target = home / "copy.pickle"
    rng = random.Random(7)
    damaged = [good[:0], good[:10], good[: len(good) // 2], good[:-1], b"\x00" * len(good)]
    for pos in rng.sample(range(len(good)), 40):
        damaged.append(good[:pos] + bytes([good[pos] ^ (1 << rng.randrange(8))]) + good[pos + 1:])
    for data in damaged:
        target.write_bytes(data)
        with pytest.raises(cache.CacheError):
            cache.read(target)
    target.write_bytes(good)
    assert len(cache.read(target).entities) == 546


def test_damaged_cache_is_rebuilt_with_a_warning(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = [h.to_dict() for h in Screener(load_index(LISTS)).screen("Adrian Manuel Hernandez")]
    assert expected
    path = index_path(LISTS)
    for damage in (lambda b: b[: len(b) // 3], lambda b: b"", lambda b: b[:5000] + b"\xff" + b[5001:]):
        path.write_bytes(damage(path.read_bytes()))
        with caplog.at_level(logging.WARNING, logger="sekisho"):
            index = load_index(LISTS)
        assert f"the index cache {path} is damaged" in caplog.text and "rebuilding it" in caplog.text
        assert [h.to_dict() for h in Screener(index).screen("Adrian Manuel Hernandez")] == expected
        cache.read(path)  # the rebuilt file is whole
        caplog.clear()


def test_bundled_and_other_list_sets_keep_their_own_slots(home: Path) -> None:
    load_index(["us-bis-dpl"])
    load_index(["us-isn"])
    assert index_path(["us-bis-dpl"]).exists() and index_path(["us-isn"]).exists()


def test_failed_or_killed_write_leaves_no_temporary_file(home: Path) -> None:
    load_index(LISTS)
    path = index_path(LISTS)
    with pytest.raises(TypeError):
        cache.write(path, threading.Lock())  # cannot be pickled: the write fails
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    # a process killed while writing cannot clean up; the next load removes what it left
    code = ("import os\nfrom pathlib import Path\nfrom sekisho.fileops import temp_name\n"
            f"tmp = temp_name(Path({str(path)!r}), 'tmp')\ntmp.write_bytes(b'half an index')\n"
            "os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code], check=False)
    assert len(list(path.parent.iterdir())) == 2
    load_index(LISTS)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
