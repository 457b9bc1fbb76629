"""Screening throughput, memory, index load time and index recall on realistic parties.

    python benchmarks/screening.py --parties 20000 --json

Parties are generated with a seed from real name populations in ../shared/data/populations (Forbes
Global 2000, GLEIF legal names, Taiwan listed companies in Chinese) and from person names recombined
from the lists, plus a share of true list names with realistic distortions (typos, dropped or
reordered tokens, case, added legal forms). Companies are drawn with replacement, so parties repeat
as they do in real order and payment files; `unique_parties` says how many are distinct. Prints one
JSON object. `parties_per_s` times the screening alone; the one-time costs of a run (index load,
transliteration dictionaries, compiled kernels) are reported apart and in `parties_per_s_with_startup`.
With `--repeat N` the batch is screened N times, each in a freshly forked process (which screens
and forks the other workers, as `sekisho screen --file` does) that knows none of the earlier runs'
tokens; `parties_per_s` is then the median rate and `parties_per_s_runs` lists all (timings on a
shared machine vary by 10-15% or more between identical runs).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POP = ROOT.parent / "shared" / "data" / "populations"


def _companies() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    with (POP / "forbes_global_2000_2025.csv").open(encoding="utf-8") as fh:
        out += [(r["Company"], r["Headquarters"]) for r in csv.DictReader(fh)]
    data = json.loads((POP / "gleif_lei2_intraday_20240505.json").read_text("utf-8"))
    for rec in data["records"]:
        ent = rec["Entity"]
        out.append((ent["LegalName"]["$"], ent.get("LegalAddress", {}).get("Country", {}).get("$")))
    with (POP / "twse_t187ap03_L_2024-10-29.csv").open(encoding="utf-8-sig") as fh:
        out += [(r["公司名稱"], "TW") for r in csv.DictReader(fh)]
    return out


def _distort(name: str, rng: random.Random) -> str:
    tokens = name.split()
    kind = rng.choice(["typo", "typo", "drop", "swap", "case", "legal", "exact"])
    if kind == "typo":
        i = rng.randrange(len(tokens))
        t = tokens[i]
        if len(t) > 3:
            j = rng.randrange(1, len(t) - 1)
            op = rng.choice(["sub", "del", "swap"])
            if op == "sub":
                t = t[:j] + rng.choice("aeiourstnlm") + t[j + 1 :]
            elif op == "del":
                t = t[:j] + t[j + 1 :]
            else:
                t = t[: j - 1] + t[j] + t[j - 1] + t[j + 1 :]
            tokens[i] = t
    elif kind == "drop" and len(tokens) >= 3:
        tokens.pop(rng.randrange(len(tokens)))
    elif kind == "swap" and len(tokens) >= 2:
        tokens = tokens[1:] + tokens[:1]
    elif kind == "case":
        return name.lower() if rng.random() < 0.5 else name.upper()
    elif kind == "legal":
        return name + rng.choice([" Ltd", " LLC", " Co., Ltd.", " GmbH", " JSC"])
    return " ".join(tokens)


def make_parties(index: object, n: int, seed: int, listed_share: float = 0.05) -> list[tuple[str, str | None]]:
    from sekisho.lists.model import EntityType
    from sekisho.match.index import Index

    assert isinstance(index, Index)
    rng = random.Random(seed)
    companies = _companies()
    people = [e.name for e in index.entities if e.type is EntityType.PERSON and e.name.isascii()]
    firsts = [p.replace(",", "").split()[-1] for p in people if len(p.split()) >= 2]
    lasts = [p.replace(",", "").split()[0] for p in people if len(p.split()) >= 2]
    parties: list[tuple[str, str | None]] = []
    for _ in range(n):
        r = rng.random()
        if r < listed_share:
            fid = rng.randrange(len(index.form_name))
            parties.append((_distort(index.form_name[fid], rng), None))
        elif r < 0.35:
            parties.append((f"{rng.choice(firsts)} {rng.choice(lasts)}", None))
        else:
            parties.append(rng.choice(companies))
    return parties


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--recall-sample", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=1, help="screen the batch this many times; report the median")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="dask: a LocalCluster of --workers processes, started once before the timed runs "
                             "(each run connects to it and sends it the index, as a run on a standing cluster does)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time each stage per distinct party on one core (a second, cold pass)")
    args = parser.parse_args()

    from sekisho.batch import screen_batch
    from sekisho.match.scorer import score_form
    from sekisho.screen import Party, Screener, load_index, make_query, screen_query, warm_up

    t0 = time.perf_counter()
    load_index()  # build and cache if needed (not timed as load)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = load_index()
    load_s = time.perf_counter() - t0
    screener = Screener(index)
    options = screener.options()
    parties = make_parties(index, args.parties, args.seed)
    work = [(i, Party(name)) for i, (name, _) in enumerate(parties)]
    cores = args.workers or os.cpu_count() or 1
    # a one-time cost of every run, like the index load: reported apart from the rate
    t0 = time.perf_counter()
    warm_up()
    warm_up_s = time.perf_counter() - t0

    scheduler = None
    if args.engine == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None)
        scheduler = cluster.scheduler_address

    def screen_all() -> tuple[float, int]:
        t0 = time.perf_counter()
        n_hits = sum(1 for _, r in screen_batch(index, work, options, engine=args.engine, workers=cores,
                                                scheduler=scheduler) if isinstance(r, list) and r)
        return time.perf_counter() - t0, n_hits

    runs = []
    for _ in range(max(args.repeat, 1)):
        # the local engine screens in this process too: each run starts from a fresh fork, as cold
        # as a new `sekisho screen`; Dask's workers are their own processes
        took, n_hits = _in_fresh_process(screen_all) if args.engine == "local" else screen_all()
        runs.append(took)
    if args.engine == "dask":
        cluster.close()
    elapsed = statistics.median(runs)

    # index recall: of the (party, entity) pairs exhaustive scoring puts at or above the threshold,
    # the share the indexed search returns; sample half from distorted list names, half from the rest
    sample = make_parties(index, args.recall_sample, args.seed + 2, listed_share=0.5)
    exhaustive_pairs = found_pairs = 0
    no_explain = screener.options(explain=False)
    for name, _ in sample:
        query = make_query(Party(name))
        found = {h.entity_id for h in screen_query(index, query, no_explain)}
        exhaustive = {index.entities[index.form_entity[f]].id for f in range(len(index.form_entity))
                      if score_form(index, query, f).score >= options.threshold}
        exhaustive_pairs += len(exhaustive)
        found_pairs += len(exhaustive & found)
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    result = {
        "parties": args.parties,
        "parties_per_s": round(args.parties / elapsed, 1),
        "parties_per_s_with_startup": round(args.parties / (elapsed + load_s + warm_up_s), 1),
        "parties_per_s_runs": [round(args.parties / r, 1) for r in runs],
        # parties repeat (companies are drawn with replacement); each worker screens a repeat once
        "unique_parties": len(set(parties)),
        "parties_with_hits": n_hits,
        "peak_rss_mb": round(peak, 1),
        "index_load_s": round(load_s, 3),
        "warm_up_s": round(warm_up_s, 3),  # pykakasi and pypinyin dictionaries, compiled kernels (screen.warm_up)
        "index_first_call_s": round(build_s, 2),
        "cores": cores,
        "engine": args.engine,
        "index_recall": round(found_pairs / exhaustive_pairs, 4) if exhaustive_pairs else None,
        "recall_sample": args.recall_sample,
        "recall_pairs": exhaustive_pairs,
        "forms": len(index.form_entity),
        "entities": len(index.entities),
        "threshold": options.threshold,
    }
    if args.breakdown:
        result["breakdown_us"] = _breakdown(list(dict.fromkeys(parties)), options)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


def _in_fresh_process(run: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    """`run()` in a forked child: screening warms this process's memos (batch.screen_many screens
    in the calling process too), and each run must start as cold as a new `sekisho screen` does."""
    ctx = mp.get_context("fork")
    theirs, ours = ctx.Pipe(duplex=False)
    child = ctx.Process(target=lambda: ours.send(run()))
    child.start()
    ours.close()
    try:
        took, n_hits = theirs.recv()
    except EOFError:
        raise SystemExit(f"the screening run failed (exit code {child.exitcode})") from None
    child.join()
    return took, n_hits


def _breakdown(parties: list[tuple[str, str | None]], options: object) -> dict[str, dict[str, float]]:
    """Microseconds per distinct party, one core, on a freshly loaded index (every token cold): all
    parties, and apart those written in Latin letters and those in other scripts (Chinese, Japanese)."""
    from sekisho.names.scripts import is_latin
    from sekisho.screen import Options, Party, best_per_entity, candidate_ceilings, hits_of, load_index, make_query

    assert isinstance(options, Options)
    index = load_index()
    # as in batch workers (batch.screen_many): the two indexes' objects out of the collector's full
    # passes, which would otherwise stop whichever stage they fall in for a tenth of a second
    gc.freeze()
    stages = ("normalise", "retrieve", "score", "explain")
    spent = {group: dict.fromkeys(stages, 0.0) for group in ("all", "latin", "other")}
    counts = dict.fromkeys(spent, 0)
    for name, _ in parties:
        # the steps of screen.screen_query, timed apart
        t0 = time.perf_counter()
        query = make_query(Party(name))
        weights = query.weights(index)
        t1 = time.perf_counter()
        ceilings = candidate_ceilings(index, query, weights, options)
        t2 = time.perf_counter()
        best = best_per_entity(index, query, ceilings, weights, options)
        t3 = time.perf_counter()
        hits_of(best, options)
        t4 = time.perf_counter()
        for group in ("all", "latin" if is_latin(name) else "other"):
            counts[group] += 1
            for stage, took in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[group][stage] += took
    gc.unfreeze()
    return {group: {"parties": counts[group],
                    **{stage: round(took / max(counts[group], 1) * 1e6, 1) for stage, took in spent[group].items()}}
            for group in spent}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
