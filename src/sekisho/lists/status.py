"""What `sekisho lists` shows: each list's facts and whether it is stale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sekisho import settings
from sekisho.lists import registry


def list_status(lists: Mapping[str, Mapping[str, Any]], today: date | None = None) -> list[dict[str, Any]]:
    """Each list's facts as an index records them (`Index.lists`), with its age and staleness."""
    today = today or date.today()
    stale_days = settings.get_int("SEKISHO_STALE_DAYS")
    out = []
    for list_id, facts in lists.items():
        snapshot = str(facts["date"])
        age = (today - date.fromisoformat(snapshot[:10])).days if snapshot else None
        out.append({
            "id": list_id,
            "jurisdiction": facts["jurisdiction"],
            "title": facts["title"],
            "date": snapshot,
            "age_days": age,
            "stale": age is None or age > stale_days,
            "entities": facts["entities"],
            "names": facts["names"],
            "sha256": facts["sha256"],
            "skipped_rows": facts.get("warnings", 0),
            # entries another loaded file has in a newer copy (lists.overlap)
            "set_aside": facts.get("set_aside", 0),
            "note": registry.SPECS[list_id].note if list_id in registry.SPECS else "",
        })
    return out
