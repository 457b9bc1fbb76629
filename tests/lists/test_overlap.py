"""One hit per listing where two files carry the same official list (lists.overlap), and the
CSL read as the lists it consolidates."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sekisho.lists import overlap, registry
from sekisho.lists.model import Entity, EntityType, Jurisdiction, ListVersion, LoadedList, Name

C = overlap.Carrier


def _list(list_id: str, day: str, *rows: tuple[str, str | None, str | None]) -> LoadedList:
    version = ListVersion(list_id, Jurisdiction.US, list_id, day, "", ())
    return LoadedList(version, [Entity(f"{list_id}:{n}", list_id, Jurisdiction.US, EntityType.ORGANIZATION,
                                       [Name(f"name {n}")], official=code, listing=key, version=version)
                                for n, (_, code, key) in enumerate(rows)])


def test_the_newer_file_gives_the_hit_and_says_what_it_replaced() -> None:
    sdn = _list("sdn", "2024-05-03", ("a", "SDN", "ofac:1"), ("b", "SDN", "ofac:2"))
    csl = _list("csl-sdn", "2022-05-01", ("a", "SDN", "ofac:1"), ("gone", "SDN", "ofac:9"))
    out = overlap.resolve([csl, sdn], {"sdn": C(frozenset({"SDN"}), True), "csl-sdn": C(frozenset({"SDN"}), False)})
    assert [lst.version.list_id for lst in out] == ["csl-sdn", "sdn"]  # the order given is kept
    assert csl.entities == [] and len(sdn.entities) == 2
    assert sdn.entities[0].also_in == [("csl-sdn", "2022-05-01", "csl-sdn:0")]
    assert "same listing as sdn:0" in csl.set_aside[0]
    assert "no longer on SDN in sdn" in csl.set_aside[1]  # delisted between the two dates


def test_a_newer_csl_replaces_an_older_agency_file() -> None:
    dpl = _list("dpl", "2019-07-01", ("a", "DPL", "DPL:acme"))
    csl = _list("csl-dpl", "2022-05-01", ("a", "DPL", "DPL:acme"), ("new", "DPL", "DPL:new"))
    overlap.resolve([dpl, csl], {"dpl": C(frozenset({"DPL"}), True), "csl-dpl": C(frozenset({"DPL"}), False)})
    assert dpl.entities == [] and len(csl.entities) == 2 and csl.entities[0].also_in[0][0] == "dpl"


def test_same_date_prefers_the_agencys_own_file() -> None:
    own = _list("own", "2024-01-01", ("a", "SDN", "ofac:1"))
    csl = _list("csl", "2024-01-01", ("a", "SDN", "ofac:1"))
    overlap.resolve([csl, own], {"own": C(frozenset({"SDN"}), True), "csl": C(frozenset({"SDN"}), False)})
    assert len(own.entities) == 1 and csl.entities == []


def test_an_entry_of_unknown_list_is_set_aside_only_by_its_key() -> None:
    """OFAC's consolidated file does not say which of its lists an entry is on: an older copy of it
    loses only the entries a newer file has, and a newer one learns the list from the older."""
    cons = _list("cons", "2021-01-01", ("a", None, "ofac:1"), ("b", None, "ofac:2"))
    ssi = _list("ssi", "2022-05-01", ("a", "SSI", "ofac:1"))
    carriers = {"cons": C(frozenset({"SSI", "CAP"}), True), "ssi": C(frozenset({"SSI"}), False)}
    overlap.resolve([cons, ssi], carriers)
    assert [e.listing for e in cons.entities] == ["ofac:2"] and len(ssi.entities) == 1
    newer_cons = _list("cons", "2025-01-01", ("a", None, "ofac:1"))
    old_ssi = _list("ssi", "2022-05-01", ("a", "SSI", "ofac:1"), ("gone", "SSI", "ofac:7"))
    overlap.resolve([newer_cons, old_ssi], carriers)
    assert old_ssi.entities == [] and newer_cons.entities[0].official == "SSI"


def test_lists_that_share_no_official_list_are_left_alone() -> None:
    sdn = _list("sdn", "2024-05-03", ("a", "SDN", "ofac:1"))
    capta = _list("capta", "2025-01-01", ("a", "CAP", "ofac:1"))  # the same entry number on two OFAC lists
    overlap.resolve([sdn, capta], {"sdn": C(frozenset({"SDN"}), True), "capta": C(frozenset({"CAP"}), False)})
    assert len(sdn.entities) == len(capta.entities) == 1 and not sdn.entities[0].also_in


def test_the_csl_read_as_its_lists() -> None:
    """Every row of the bundled CSL is in exactly one of its lists, under an id of that list."""
    whole = registry.load_list("us-csl")
    parts = {p: registry.load_list(p) for p in registry.parts("us-csl")}
    assert len(whole.entities) == 14160 == sum(len(p.entities) for p in parts.values())
    assert {p: len(lst.entities) for p, lst in parts.items() if p.startswith("us-bis")} == {
        "us-bis-el": 2001, "us-bis-meu": 71, "us-bis-uvl": 201}
    assert len(parts["us-ofac-ns-mbs"].entities) == 17  # "(NS-MBS List)" in the source column
    for list_id, lst in parts.items():
        assert all(e.id.startswith(f"{list_id}:") and e.list_id == list_id for e in lst.entities)
        assert len({e.id for e in lst.entities}) == len(lst.entities)
    el = {e.primary_name: e for e in parts["us-bis-el"].entities}
    smic = el["Semiconductor Manufacturing International Corporation (SMIC)"]
    assert smic.official == "EL" and smic.terms["federal_register_notice"] == "85 FR 83420"
    assert "license_requirement" in smic.terms and "license_policy" in smic.terms


@pytest.mark.parametrize(("name", "lists"), [("Semiconductor Manufacturing International Corporation", None),
                                             ("Huawei Technologies Co., Ltd.", ["us-bis-el"])])
def test_an_entity_list_hit_shows_the_listing_terms(screener: Any, name: str, lists: list[str] | None) -> None:
    hits = [h for h in screener.screen(name, lists=lists) if h.list == "us-bis-el"]
    assert hits and all(h.explanation["official_list"] == "EL" for h in hits)
    assert all({"license_requirement", "license_policy", "federal_register_notice"} <= set(h.explanation["terms"])
               for h in hits)


def test_one_hit_per_listing_from_the_newer_file(screener: Any) -> None:
    """BANK ROSSIYA is on the SDN list in the CSL of 2022 and in the SDN file of 2024: one hit, from the
    newer file, which names the older copy; choosing the CSL's copy still finds it."""
    hits = [h for h in screener.screen("Bank Rossiya", country="RU") if h.score == 1.0]
    lists = [h.list for h in hits]
    assert "us-ofac-sdn" in lists and "us-csl-sdn" not in lists
    sdn = next(h for h in hits if h.list == "us-ofac-sdn")
    assert [a["list"] for a in sdn.explanation["also_in"]] == ["us-csl-sdn"]
    assert any(h.list == "us-ofac-sdn" for h in screener.screen("Bank Rossiya", lists=["us-csl-sdn"]))
    assert any(h.list == "us-ofac-sdn" for h in screener.screen("Bank Rossiya", lists=["us-csl"]))


_rows = st.lists(st.tuples(st.sampled_from(["SDN", "DPL", None]), st.integers(1, 8)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2019-07-01", "2022-05-01", "2024-05-03"]), st.booleans(),
                          st.sets(st.sampled_from(["SDN", "DPL"]), min_size=1), _rows), min_size=1, max_size=4))
def test_resolve_leaves_one_copy_of_each_listing(specs: list[tuple[str, bool, set[str], list[Any]]]) -> None:
    """Whatever the files: nothing is lost unaccounted (kept + set aside = read), and of two files
    carrying the same official list, no listing is kept in both."""
    loaded, carriers = [], {}
    for n, (day, preferred, codes, rows) in enumerate(specs):
        rows = [(code if code in codes or code is None else None, key) for code, key in rows]
        loaded.append(_list(f"l{n}", day, *((str(k), code, f"k{k}") for code, k in rows)))
        carriers[f"l{n}"] = C(frozenset(codes), preferred)
    before = {lst.version.list_id: len(lst.entities) for lst in loaded}
    overlap.resolve(loaded, carriers)
    for lst in loaded:
        assert len(lst.entities) + len(lst.set_aside) == before[lst.version.list_id]
    for a in loaded:
        for b in loaded:
            if a is b:
                continue
            shared = carriers[a.version.list_id].codes & carriers[b.version.list_id].codes
            keys_a = {(e.official, e.listing) for e in a.entities if e.official in shared}
            keys_b = {(e.official, e.listing) for e in b.entities if e.official in shared}
            assert not keys_a & keys_b
