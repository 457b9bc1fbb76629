"""The score's features, each on a real list entry: what it adds or takes, and that the features
add up to the score."""

from __future__ import annotations

from typing import Any

import pytest

from sekisho.match.scorer import COUNTRY_BONUS, COUNTRY_PENALTY, DOB_BONUS, DOB_PENALTY, TYPE_PENALTY


def _hit(screener: Any, name: str, entity_id: str, **given: Any) -> Any:
    return next(h for h in screener.screen(name, threshold=0.3, **given) if h.entity_id == entity_id)


def _features(hit: Any) -> dict[str, float]:
    return {f["feature"]: f["value"] for f in hit.explanation["features"]}


@pytest.mark.parametrize(("given", "feature", "value"), [
    ({"country": "KP"}, "country", COUNTRY_BONUS),  # UN entry KPe.045 is in North Korea
    ({"country": "JP"}, "country", -COUNTRY_PENALTY),
    ({"type": "person"}, "type", -TYPE_PENALTY),  # an airline is no person
])
def test_party_facts_move_the_score(screener: Any, given: dict[str, str], feature: str, value: float) -> None:
    plain = _hit(screener, "Air Koryo", "un-sc:KPe.045")
    moved = _hit(screener, "Air Koryo", "un-sc:KPe.045", **given)
    assert _features(moved)[feature] == pytest.approx(value)
    assert moved.score == pytest.approx(plain.score + value, abs=1e-4)


@pytest.mark.parametrize(("birth_date", "value"), [("1951-06-19", DOB_BONUS), ("1951", DOB_BONUS),
                                                   ("1980", -DOB_PENALTY)])
def test_birth_date(screener: Any, birth_date: str, value: float) -> None:
    hit = _hit(screener, "Ayman al-Zawahiri", "un-sc:QDi.006", birth_date=birth_date)
    assert _features(hit)["birth_date"] == pytest.approx(value)
    assert hit.score == pytest.approx(min(1.0, 1.0 + value), abs=1e-4)  # a score is never above 1


def test_features_add_up_to_the_score(screener: Any) -> None:
    cases: list[tuple[str, dict[str, str]]] = [
        ("Air Koryo", {"country": "JP", "type": "person"}), ("Ayman al-Zawahiri", {"birth_date": "1980"}),
        ("Semiconductor Manufacturing International Corp", {})]
    for name, given in cases:
        for hit in screener.screen(name, threshold=0.3, **given)[:10]:
            total = sum(_features(hit).values())
            assert hit.score == pytest.approx(min(1.0, max(0.0, total)), abs=1e-3), hit.explanation
