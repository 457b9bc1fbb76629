from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.errors import InvalidInput
from sekisho.screen import Options, Party, Skipped, make_query, screen_partition, screen_query


@pytest.mark.parametrize(("name", "list_id", "entity_id"), [
    ("AEROCARIBBEAN AIRLINES", "us-ofac-sdn", "us-ofac-sdn:36"),
    ("Air Koryo", "jp-meti-eul", None),
    ("高麗航空", "jp-meti-eul", None),
    ("ウラジーミル・プーチン", "us-ofac-sdn", "us-ofac-sdn:35096"),
    ("Владимир Путин", "jp-mof-freeze", "jp-mof-freeze:29-1"),
    ("ERIC BADEGE", "un-sc", "un-sc:CDi.001"),
    ("Huawei Technologies Co., Ltd.", "us-ofac-cons", None),
])
def test_known_entries_are_found(screener: Any, name: str, list_id: str, entity_id: str | None) -> None:
    hits = screener.screen(name)
    assert any(h.list == list_id and (entity_id is None or h.entity_id == entity_id) for h in hits), hits
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score >= screener.threshold for h in hits)


def test_deleted_mof_rows_give_no_hits(screener: Any) -> None:
    # MOF Taliban notice 1 (deleted 2011.11.18) is absent from the index altogether
    assert not any(e.id == "jp-mof-freeze:2-1" for e in screener.index.entities)


def test_filters_and_features(screener: Any) -> None:
    hits = screener.screen("Air Koryo", lists=["jp-meti-eul"])
    assert hits and {h.list for h in hits} == {"jp-meti-eul"}
    with pytest.raises(InvalidInput):
        screener.screen("Air Koryo", lists=["nope"])
    as_person = screener.screen("Air Koryo", type="person", threshold=0.0)
    top = next(h for h in as_person if h.list == "jp-meti-eul")
    assert any(f["feature"] == "type" for f in top.explanation["features"])
    wrong_country = screener.screen("Air Koryo", country="FR", threshold=0.0)
    assert any(f["feature"] == "country" and f["value"] < 0
               for h in wrong_country for f in h.explanation["features"])


def test_identifier_is_decisive(screener: Any) -> None:
    hits = screener.screen("Someone Else Entirely", identifiers=["1084010"])
    # the SDN entry and MOF's entry for the same man carry that passport number
    assert {h.entity_id for h in hits if h.score == 1.0} >= {"us-ofac-sdn:2676"}
    sdn = next(h for h in hits if h.entity_id == "us-ofac-sdn:2676")
    assert [f["feature"] for f in sdn.explanation["features"]][-1] == "identifier"


def test_partition_is_pure_and_reports_bad_rows(screener: Any) -> None:
    options = Options(threshold=0.8)
    parties = [Party("Air Koryo"), Party("  "), Party("Toyota Motor Corporation", country="JP")]
    first = screen_partition(screener.index, parties, options)
    again = screen_partition(screener.index, parties, options)
    assert first == again
    assert isinstance(first[1], Skipped) and "empty" in first[1].reason
    assert first[2] == []
    assert screen_partition(screener.index, parties + parties, options) == first + first


# names mixing the scripts the readers treat differently, and anything else Unicode has
_scripts = st.sampled_from(["Air Koryo ", "ウラジーミル", "高麗航空", "삼성전자",
                            "Путин ", "محمد ", "Σ ", "ß", "・", "-", "0"])
_names = st.one_of(st.text(max_size=30), st.lists(_scripts, max_size=6).map("".join))


@settings(max_examples=150, deadline=None)
@given(_names)
def test_any_text_is_screened_or_refused_with_a_message(screener: Any, name: str) -> None:
    [result] = screen_partition(screener.index, [Party(name)], Options(threshold=0.5))
    assert isinstance(result, list) or (isinstance(result, Skipped) and result.reason)
    if isinstance(result, list):
        assert all(0.5 <= h.score <= 1.0 for h in result)


def test_index_finds_what_exhaustive_scoring_finds(screener: Any) -> None:
    """On a small sample, candidate retrieval loses nothing exhaustive scoring puts over the threshold."""
    from sekisho.match.scorer import score_form

    index = screener.index
    options = Options(threshold=0.8)
    # a typo, a letter too many, a dropped word, words written together and apart, a nickname,
    # doubled letters and a changed vowel
    for name in ["Vladimr Putin", "Korea Minning Development", "Banco Nacional Cuba", "Al Qaida Army",
                 "Vladimir Putinn", "AlQaida", "Aero Caribbean Airlines", "Bob Kochiev",
                 "Usama bin Ladin", "Kim Joonng Un",
                 # a long name reaching many relatives
                 "AL-TIKRITI, MOHAMMAD BARZAN IBRAHIM HASAN",
                 # types and countries the scorer weighs (forms it is sure to drop go unscored)
                 Party("Korea Mining Development Trading Corporation", "KP", "person"),
                 Party("Vladimir Vladimirovich Putin", "RU", "organization", "1952"),
                 Party("Sabawi Ibrahim Hassan Al-Tikriti", "IQ", "person")]:
        query = make_query(name if isinstance(name, Party) else Party(name))
        found = {(h.entity_id) for h in screen_query(index, query, options)}
        exhaustive = set()
        for fid in range(len(index.form_entity)):
            if score_form(index, query, fid).score >= 0.8:
                exhaustive.add(index.entities[index.form_entity[fid]].id)
        assert exhaustive <= found, (name, exhaustive - found)


@pytest.mark.parametrize("party", [
    Party("Sabawi Ibrahim Hassan Al-Tikriti"),  # one family, many entries with many aliases each
    Party("AL-TIKRITI, MOHAMMAD BARZAN IBRAHIM HASAN", "IQ", "person", "1954"),
    Party("Kim Jong Un", "KP"),
    Party("Mohammed bin Salman"),
    Party("Korea Mining Development Trading Corporation"),
])
def test_each_entity_keeps_its_best_form_though_lower_ceilings_go_unscored(screener: Any, party: Party) -> None:
    """A form is left unscored only when its ceiling is under a score its entity already has: the
    best form of every entity is the one scoring every candidate finds (ties to the list's first)."""
    from sekisho.match.scorer import score_form
    from sekisho.screen import best_per_entity, candidate_ceilings

    index = screener.index
    options = Options(threshold=0.5)
    query = make_query(party)
    weights = query.weights(index)
    ceilings = candidate_ceilings(index, query, weights, options)
    every: dict[int, tuple[float, int]] = {}
    for fid in ceilings:
        s = score_form(index, query, fid, weights)
        assert s.score <= ceilings[fid], (index.form_name[fid], s.score, ceilings[fid])
        eid = index.form_entity[fid]
        every[eid] = max(every.get(eid, (-1.0, 0)), (s.score, -fid))
    best = best_per_entity(index, query, ceilings, weights, options)
    assert {eid: (s.score, -s.form_id) for eid, s in best.items()} == every
    assert len(ceilings) > len(every)  # there were relatives' forms to skip


@pytest.mark.parametrize("name", ["!!!", "---", "😀😀", "\u200b\u200d", "\x01\x02\x7f", "・・", "＊"])
def test_names_with_nothing_to_screen_are_refused_not_reported_clean(screener: Any, name: str) -> None:
    [result] = screen_partition(screener.index, [Party(name)], Options(threshold=0.8))
    assert isinstance(result, Skipped) and "no letters or digits" in result.reason
    with pytest.raises(InvalidInput, match="nothing to screen"):
        screener.screen(name)


def test_overlong_names_are_refused_with_the_limit(screener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    [result] = screen_partition(screener.index, [Party("Air Koryo " * 10_000)], Options(threshold=0.8))
    assert result == Skipped("name of 100,000 characters, longer than SEKISHO_MAX_NAME_LENGTH=500")
    monkeypatch.setenv("SEKISHO_MAX_NAME_LENGTH", "5")
    with pytest.raises(InvalidInput, match="SEKISHO_MAX_NAME_LENGTH=5"):
        screener.screen("Air Koryo")


def test_longest_list_names_are_within_the_name_limit(screener: Any) -> None:
    """The default limit must never refuse a name as long as one a list gives."""
    from sekisho import settings as config

    longest = max(len(n) for lst in screener.index.lists for n in _names_of(lst))
    assert longest < int(config.default("SEKISHO_MAX_NAME_LENGTH"))


def _names_of(list_id: str) -> list[str]:
    from sekisho.lists import registry

    return [n.value for e in registry.load_list(list_id).entities for n in e.names]


def test_the_public_face() -> None:
    import sekisho
    from sekisho import Hit, Party, Screener, load_index, screen

    assert (Hit, Party, Screener, load_index) == (screen.Hit, screen.Party, screen.Screener, screen.load_index)
    assert set(sekisho.__all__) == {"Hit", "Party", "Screener", "load_index", "__version__"}
    with pytest.raises(AttributeError, match="no attribute 'Index'"):
        sekisho.Index  # noqa: B018
