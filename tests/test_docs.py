"""Every registered list source is documented, for contributors and for users."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from sekisho.lists import registry
from sekisho.lists.model import Jurisdiction

ROOT = Path(__file__).resolve().parents[1]


def _table_rows(text: str, heading: str) -> list[str]:
    section = text.split(heading, 1)[1]
    return [line for line in section.splitlines() if line.startswith("| `")]


def test_every_source_module_is_in_the_contributors_table() -> None:
    rows = _table_rows((ROOT / "docs" / "adding-a-list-source.md").read_text("utf-8"), "## Registered sources")
    documented = {re.match(r"\| `([a-z_]+)`", row)[1]: row for row in rows}  # type: ignore[index]
    for spec in registry.SPECS.values():
        assert spec.source in documented, f"module {spec.source} ({spec.id}) missing from docs/adding-a-list-source.md"
        assert f"`{spec.id}`" in documented[spec.source], f"{spec.id} missing from its module's row"
        assert callable(getattr(importlib.import_module(f"sekisho.lists.{spec.source}"), "load", None))


def test_every_list_is_in_the_readme_lists_table() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    lists_section = readme.split("## Lists", 1)[1].split("\n## ", 1)[0]
    for list_id, spec in registry.SPECS.items():
        assert f"`{list_id}`" in lists_section, f"{list_id} missing from the README's Lists table"
        assert spec.jurisdiction in set(Jurisdiction)
