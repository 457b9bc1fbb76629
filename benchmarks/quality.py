"""Matching quality on the public labelled sets, sekisho beside nomenklatura logic-v2 and logic-v1.

    pip install -e '.[bench]' && python benchmarks/quality.py --json

Sets (../shared/data/eval):
  entity_checks  nomenklatura's whole-entity checks: F1 at each system's own default threshold
                 (sekisho 0.80; nomenklatura 0.70, the threshold yente applies to its matchers).
  cross_script   watchman's cross-script pairs, all true: recall at the default threshold.
  un_positives   yente's UN names that must be found: recall of screening against the UN list.
                 sekisho screens its own index; the peers have no index, so each query is scored
                 against the 25 UN entries nearest by rapidfuzz token-set ratio (their best score counts).
  ofac_scores    names scored by OFAC's own Sanctions List Search: Spearman correlation with OFAC's score.
With --json the last line printed is {"sets": {name: {"metric", "sekisho", "logic-v2", "logic-v1"}}}.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "data" / "eval"
PEER_THRESHOLD = 0.70
SCHEMA_TYPE = {"Person": "person", "Company": "organization", "Organization": "organization",
               "LegalEntity": None, "Vessel": "vessel"}

Scorer = Callable[[list[str], list[str], str], float]  # (query names, candidate names, FtM schema) -> score


def _names(props: dict[str, Any]) -> list[str]:
    names = props.get("name") or []
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        parts = [props.get(k) for k in ("firstName", "middleName", "fatherName", "lastName")]
        flat = [p if isinstance(p, str) else " ".join(p) for p in parts if p]
        names = [" ".join(flat)]
    return names


def sekisho_scorer() -> tuple[Scorer, float, Any]:
    from sekisho.screen import Screener

    screener = Screener.default()

    def score(query: list[str], candidate: list[str], schema: str) -> float:
        kind = SCHEMA_TYPE.get(schema)
        return max(screener.compare(q, c, kind)[0] for q in query for c in candidate)

    return score, screener.threshold, screener


def peer_scorer(name: str) -> Scorer:
    from followthemoney import model
    from nomenklatura.matching import LogicV1, LogicV2

    algorithm = {"logic-v2": LogicV2, "logic-v1": LogicV1}[name]
    config = algorithm.default_config()
    ids = itertools.count()

    def make(schema: str, props: dict[str, list[str]]) -> Any:
        entity = model.make_entity(schema)
        entity.id = f"q{next(ids)}"  # fresh id every time: logic-v2 caches by id
        for prop, values in props.items():
            for value in values:
                entity.add(prop, value, cleaned=False)
        return entity

    def score(query: list[str], candidate: list[str], schema: str) -> float:
        return float(algorithm.compare(make(schema, {"name": query}), make(schema, {"name": candidate}),
                                       config).score)

    score.make = make  # type: ignore[attr-defined]
    score.algorithm = algorithm  # type: ignore[attr-defined]
    score.config = config  # type: ignore[attr-defined]
    return score


def f1(pred: list[bool], truth: list[bool]) -> float:
    tp = sum(p and t for p, t in zip(pred, truth, strict=True))
    fp = sum(p and not t for p, t in zip(pred, truth, strict=True))
    fn = sum(t and not p for p, t in zip(pred, truth, strict=True))
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


def entity_checks(score: Scorer, threshold: float) -> float:
    checks = yaml.safe_load((EVAL / "nomenklatura_entity_bench_checks.yml").read_text("utf-8"))["checks"]
    pred = [score(_names(c["query"]), _names(c["candidate"]), c["schema"]) >= threshold for c in checks]
    return f1(pred, [bool(c["match"]) for c in checks])


def cross_script(score: Scorer, threshold: float) -> float:
    lines = [ln for ln in (EVAL / "watchman_cross_script_pairs.csv").read_text("utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(lines))
    hits = [score([r[0]], [r[1]], "Person") >= threshold for r in rows]
    return round(sum(hits) / len(hits), 4)


def ofac_scores(score: Scorer) -> float:
    from scipy.stats import spearmanr

    with (EVAL / "nomenklatura_ofac_fixtures.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ours = [score([r["query_name"]], [r["result_name"]], "LegalEntity") for r in rows]
    theirs = [float(r["ofac_score"]) for r in rows]
    return round(float(spearmanr(ours, theirs).statistic), 4)


def _un_positives() -> list[dict[str, str]]:
    with (EVAL / "yente_positives_un_untreated.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def un_positives_sekisho(screener: Any) -> float:
    rows = _un_positives()
    found = 0
    for r in rows:
        hits = screener.screen(r["full_name"], birth_date=r["date_of_birth"] or None,
                               country=r["nationality"] or None, type="person", lists=["un-sc"])
        found += bool(hits)
    return round(found / len(rows), 4)


def un_positives_peer(score: Scorer) -> float:
    from rapidfuzz import fuzz, process

    from sekisho.lists import registry
    from sekisho.lists.model import EntityType

    entities = registry.load_list("un-sc").entities
    choices = {i: " ".join(n.value for n in e.names) for i, e in enumerate(entities)}
    make, algorithm, config = score.make, score.algorithm, score.config  # type: ignore[attr-defined]
    listed = []
    for e in entities:
        schema = "Person" if e.type is EntityType.PERSON else "Organization"
        props = {"name": [n.value for n in e.names], "country": e.countries}
        if schema == "Person":
            props["birthDate"] = e.birth_dates
        listed.append((schema, props))
    rows = _un_positives()
    found = 0
    for r in rows:
        props = {"name": [r["full_name"]], "nationality": [r["nationality"]] if r["nationality"] else [],
                 "birthDate": [r["date_of_birth"]] if r["date_of_birth"] else []}
        near = process.extract(r["full_name"], choices, scorer=fuzz.token_set_ratio, limit=25)
        best = 0.0
        for _, _, i in near:
            schema, cand = listed[i]
            if schema != "Person":
                continue
            best = max(best, float(algorithm.compare(make("Person", props), make(schema, cand), config).score))
        found += best >= PEER_THRESHOLD
    return round(found / len(rows), 4)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ours, threshold, screener = sekisho_scorer()
    results: dict[str, dict[str, Any]] = {
        "entity_checks": {"metric": "f1", "sekisho": entity_checks(ours, threshold)},
        "cross_script": {"metric": "recall", "sekisho": cross_script(ours, threshold)},
        "un_positives": {"metric": "recall", "sekisho": un_positives_sekisho(screener)},
        "ofac_scores": {"metric": "spearman", "sekisho": ofac_scores(ours)},
    }
    for peer in ("logic-v2", "logic-v1"):
        try:
            theirs = peer_scorer(peer)
        except ImportError as exc:
            for r in results.values():
                r[peer] = None
                r["note"] = f"{peer} not installed ({exc}); pip install -e '.[bench]'"
            continue
        results["entity_checks"][peer] = entity_checks(theirs, PEER_THRESHOLD)
        results["cross_script"][peer] = cross_script(theirs, PEER_THRESHOLD)
        results["un_positives"][peer] = un_positives_peer(theirs)
        results["ofac_scores"][peer] = ofac_scores(theirs)
    if not args.json:
        for name, r in results.items():
            print(f"{name:14} {r['metric']:9} sekisho {r['sekisho']}  logic-v2 {r.get('logic-v2')}  "
                  f"logic-v1 {r.get('logic-v1')}")
    print(json.dumps({"sets": results}))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
