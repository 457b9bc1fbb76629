from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run gets its own data folder: no user lists or cached index leak in."""
    home = tmp_path_factory.mktemp("sekisho-home")
    os.environ["SEKISHO_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def screener(_home: Path):  # type: ignore[no-untyped-def]
    from sekisho.screen import Screener

    return Screener.default()


def shared(*parts: str) -> Path:
    """A file of ../shared/data. That data is not shipped with the package: without it the test is
    skipped, naming the folder, and the rest of the suite still runs (CI has it beside the checkout)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path.parent} (the ../shared/data folder beside the checkout; see README, Tests)")
    return path
