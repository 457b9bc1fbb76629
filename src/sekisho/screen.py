"""Screener: one party, or a batch partition — a pure function over an immutable index."""

from __future__ import annotations

import hashlib
import logging
import math
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any, cast

import numpy as np

from sekisho import __version__, settings, stop
from sekisho.errors import InvalidInput
from sekisho.fileops import remove_stale
from sekisho.lists import overlap, registry
from sekisho.lists.common import parse_dates
from sekisho.lists.countries import country_code
from sekisho.lists.model import EntityType, LoadedList, NameKind
from sekisho.match import cache, kernels, keys, spellings
from sekisho.match.build import build_index
from sekisho.match.index import EntityRef, Index, QueryForms
from sekisho.match.scorer import Query, Scored, score_ceiling, score_form
from sekisho.names import reference, transliterate
from sekisho.names.normalize import name_forms

log = logging.getLogger("sekisho")


@dataclass(frozen=True)
class Party:
    """One counterparty to screen."""

    name: str
    country: str | None = None
    type: str | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    list: str
    entity_id: str
    name: str
    matched_name: str
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"list": self.list, "entity_id": self.entity_id, "name": self.name,
                "matched_name": self.matched_name, "score": self.score, "explanation": self.explanation}


@dataclass(frozen=True)
class Options:
    threshold: float
    lists: frozenset[str] | None = None
    # with `lists`: the official lists they carry (SDN, DPL …), so that choosing a list also takes
    # an entry of it that a newer file's copy supplies (lists.overlap)
    codes: frozenset[str] = frozenset()
    max_candidates: int = field(default_factory=lambda: settings.get_int("SEKISHO_MAX_CANDIDATES"))
    explain: bool = True

    def admits(self, entity: EntityRef) -> bool:
        return self.lists is None or entity.list_id in self.lists or entity.official in self.codes


def parse_type(value: str | None) -> EntityType | None:
    if not value:
        return None
    v = value.strip().lower()
    aliases = {"organisation": "organization", "company": "organization", "entity": "organization",
               "legalentity": "organization", "individual": "person"}
    try:
        return EntityType(aliases.get(v, v))
    except ValueError:
        raise InvalidInput(f"unknown type {value!r}; use person, organization, vessel or aircraft") from None


def make_query(party: Party) -> Query:
    if not party.name or not party.name.strip():
        raise InvalidInput("empty name")
    cap = settings.get_int("SEKISHO_MAX_NAME_LENGTH")
    if len(party.name) > cap:
        raise InvalidInput(f"name of {len(party.name):,} characters, longer than SEKISHO_MAX_NAME_LENGTH={cap}")
    country = None
    if party.country:
        country = country_code(party.country)
        if country is None:
            raise InvalidInput(f"unknown country {party.country!r}")
    years = [int(d[:4]) for d in parse_dates(party.birth_date)] if party.birth_date else []
    etype = parse_type(party.type)
    # the same arguments as Query.build's call, so that its cached result is reused
    if etype is None and any(f.legal_forms for f in name_forms(party.name.strip(), False)):
        etype = EntityType.ORGANIZATION  # "… Co., Ltd.", "株式会社 …": a company, whatever the caller left out
    query = Query.build(party.name.strip(), etype, country, years[0] if years else None, party.identifiers)
    if not any(form.tokens for form in query.forms):
        # only punctuation, symbols, emoji, control or zero-width characters: a clean result would be a lie
        raise InvalidInput(f"nothing to screen in {party.name!r}: no letters or digits")
    return query


def warm_up() -> None:
    """The one-time costs of a screening process, paid now: the readers' dictionaries, the name
    reference tables and the compiled kernels. Batch screening calls it before forking workers,
    which then share them."""
    transliterate.warm_up()
    reference.legal_forms()
    reference.glossary()
    reference.nickname_relatives()
    kernels.load()
    keys.load()
    spellings.load()


def screen_query(index: Index, query: Query, options: Options, qweights: list[tuple[float, ...]] | None = None,
                 retrieved: tuple[np.ndarray, np.ndarray] | None = None) -> list[Hit]:
    """Score the candidates the index returns; best hit per entity, at or above the threshold.
    `qweights` and `retrieved`: the query's token weights and what the index found, when known
    (screen_partition asks the index for many queries at once)."""
    if qweights is None:
        qweights = query.weights(index)
    ceilings = candidate_ceilings(index, query, qweights, options, retrieved)
    return hits_of(best_per_entity(index, query, ceilings, qweights, options), options)


def candidate_ceilings(index: Index, query: Query, qweights: list[tuple[float, ...]], options: Options,
                       retrieved: tuple[np.ndarray, np.ndarray] | None = None) -> dict[int, float]:
    """The forms to score, best first, each with the most it can score (scorer.score_ceiling): those the
    index finds whose ceiling reaches the threshold, and with no ceiling those written exactly as
    the query or of an entity that has one of its identifiers. `retrieved`: what the index found
    for the query, when already asked (Index.bounds_many)."""
    if retrieved is None:
        retrieved = index.bounds(query.forms, options.threshold, options.max_candidates, qweights,
                                 query.organization, query.bonus_ceiling)
    found, bounds = retrieved
    ceilings = {}
    for fid, bound in zip(found.tolist(), np.sqrt(bounds).tolist(), strict=True):
        most = score_ceiling(index, query, fid, bound)
        if most >= options.threshold:
            ceilings[fid] = most
    for fid in index.exact_forms(query.compact):
        ceilings[fid] = math.inf
    for ident in query.identifiers:
        for eid in index.identifier_entities(ident):
            ceilings.update(dict.fromkeys(index.entity_forms[eid], math.inf))
    return ceilings


def best_per_entity(index: Index, query: Query, ceilings: dict[int, float], qweights: list[tuple[float, ...]],
                    options: Options) -> dict[int, Scored]:
    """Each entity's best scored form. A form that cannot score as high as one already scored for
    its entity is not scored: an entity's forms often follow each other down the candidates."""
    best: dict[int, Scored] = {}
    for fid, ceiling in ceilings.items():
        eid = index.form_entity[fid]
        if options.lists is not None and not options.admits(index.entities[eid]):
            continue
        prev = best.get(eid)
        if prev is not None and ceiling < prev.score:
            continue
        s = score_form(index, query, fid, qweights)
        # of equally scored names the one the list gives first, whatever order retrieval found them in
        if prev is None or (s.score, -fid) > (prev.score, -prev.form_id):
            best[eid] = s
    return best


def _supplying(index: Index, options: Options) -> set[str]:
    """The lists whose entries a choice of lists may also take (Options.codes): those carrying one
    of the official lists chosen."""
    return {lst for lst, facts in index.lists.items()
            if options.codes & set(cast("list[str]", facts.get("carries", [])))}


def listing_explained(entity: EntityRef, explanation: dict[str, Any]) -> dict[str, Any]:
    """The score's explanation with what the list says of the listing: the official list it is
    on, its terms (the Entity List's licence requirement and review policy, its Federal Register
    citation) and the older files that carry it too, set aside for this one."""
    if entity.official:
        explanation["official_list"] = entity.official
    if entity.terms:
        explanation["terms"] = dict(entity.terms)
    if entity.also_in:
        explanation["also_in"] = [{"list": lst, "date": d, "id": i, "note": "older copy of the same listing, "
                                   "set aside for this one"} for lst, d, i in entity.also_in]
    return explanation


def hits_of(best: dict[int, Scored], options: Options) -> list[Hit]:
    """The hits at or above the threshold, best first, explained if the options ask for it."""
    hits = []
    for s in sorted(best.values(), key=lambda s: (-s.score, s.entity.id)):
        if s.score < options.threshold:
            break
        hits.append(Hit(s.entity.list_id, s.entity.id, s.entity.name, s.matched_name, s.score,
                        listing_explained(s.entity, s.explanation()) if options.explain else {}))
    return hits


# Queries screened a step at a time together: normalised, their tokens looked up, their candidates
# ranked in one compiled call (Index.bounds_many), then scored: fewer calls into compiled code, and
# each step over the whole batch at once. 256 was the fastest of the sizes tried (docs/performance.md).
SCREENED_TOGETHER = 256


@dataclass(frozen=True, slots=True)
class Skipped:
    """A party that cannot be screened (an empty name, one with no letters or digits, one too
    long, an unknown type), and why: a batch reports it as a skipped row."""

    reason: str


def screen_partition(index: Index, parties: Sequence[Party], options: Options) -> list[list[Hit] | Skipped]:
    """Screen a partition of parties: the pure function a batch or cluster engine maps over.

    Returns, per party, its hits, or Skipped for a party that cannot be screened. Repeats across
    partitions are the caller's to send once (batch.plan does).
    """
    out: list[list[Hit] | Skipped] = []
    for start in range(0, len(parties), SCREENED_TOGETHER):
        queries: list[Query | Skipped] = []
        for party in parties[start : start + SCREENED_TOGETHER]:
            try:
                queries.append(make_query(party))
            except InvalidInput as exc:
                queries.append(Skipped(exc.message))
        valid = [q for q in queries if isinstance(q, Query)]
        weights = [q.weights(index) for q in valid]
        retrieved = index.bounds_many(
            [QueryForms(q.forms, w, q.organization, q.bonus_ceiling) for q, w in zip(valid, weights, strict=True)],
            options.threshold, options.max_candidates)
        found = iter(zip(weights, retrieved, strict=True))  # the valid queries', in order
        for query in queries:
            out.append(query if isinstance(query, Skipped) else screen_query(index, query, options, *next(found)))
    return out


def _code_digest() -> str:
    """Changes whenever normalisation or indexing code or reference data changes."""
    digest = hashlib.sha256(f"{__version__} nicknames {metadata.version('nicknames')}".encode())
    for pkg in ("sekisho.lists", "sekisho.names", "sekisho.match"):
        root = resources.files(pkg)
        for entry in sorted(Path(str(root)).rglob("*"), key=str):
            if entry.suffix in (".py", ".yml"):
                digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def index_path(list_ids: Sequence[str]) -> Path:
    """The cache file for these lists and this code. Each set of lists has a slot of its own (the
    bundled lists alone, or with custom ones), so that building one does not delete another."""
    slot = hashlib.sha256(" ".join(sorted(list_ids)).encode()).hexdigest()[:8]
    return settings.home() / "cache" / f"index-{slot}-{registry.fingerprint(list_ids)}-{_code_digest()}.pickle"


def _stop(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Wait up to `timeout` seconds for a helper process, then stop it (this process then compiles
    whatever the helper had not)."""
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load_index(list_ids: Sequence[str] | None = None, rebuild: bool = False) -> Index:
    """The index for these lists: read from the cache once its digest checks out, otherwise built
    and cached (atomically). A damaged cache is reported and rebuilt, never used."""
    ids = list(list_ids) if list_ids else registry.all_ids()
    path = index_path(ids)
    remove_stale(path, cache.TEMP)
    if path.exists() and not rebuild:
        try:
            index: Index = cache.read(path)
            index.digest = path.stem.removeprefix("index-")
            return index
        except cache.CacheError as exc:
            log.warning("the index cache %s is damaged (%s); rebuilding it", path, exc)
    log.info("building the screening index of %d lists (once after an install or a list change; "
             "about a minute)", len(ids))
    aside = kernels.load_aside()
    try:
        with stop.deferred():  # a signal ends the build between lists, not inside compiled code
            index = build_index(overlap.resolve(list(_read_lists(ids)), registry.carriers()))
            for list_id, facts in index.lists.items():
                facts["carries"] = sorted(registry.SPECS[list_id].carries) if list_id in registry.SPECS else []
    except BaseException:
        _stop(aside, 0.0)
        raise
    _stop(aside, 300.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    slot = path.name.split("-")[1]
    for old in path.parent.glob(f"index-{slot}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    index.digest = path.stem.removeprefix("index-")
    cache.write(path, index)
    log.info("index built and cached: %d entities, %d name forms", len(index.entities), len(index.form_entity))
    return index


def _read_lists(ids: Sequence[str]) -> Iterator[LoadedList]:
    for list_id in ids:
        stop.check()
        loaded = registry.load_list(list_id)
        log.info("read %s: %d entities", list_id, len(loaded.entities))
        yield loaded


class Screener:
    """Screen names against the loaded lists. `Screener.default()` uses every list."""

    def __init__(self, index: Index, threshold: float | None = None) -> None:
        self.index = index
        self.threshold = settings.get_float("SEKISHO_THRESHOLD") if threshold is None else threshold

    @classmethod
    def default(cls, lists: Sequence[str] | None = None, threshold: float | None = None) -> Screener:
        return cls(load_index(lists), threshold)

    def options(self, threshold: float | None = None, lists: Iterable[str] | None = None,
                explain: bool = True) -> Options:
        chosen = None
        codes: frozenset[str] = frozenset()
        if lists is not None:
            # a consolidated list stands for its parts, unless the index holds it whole
            chosen = frozenset(i for x in lists for i in ([x] if x in self.index.lists else registry.expand([x])))
            unknown = chosen - set(self.index.lists)
            if unknown:
                raise InvalidInput(f"unknown list(s) {sorted(unknown)}; loaded: {sorted(self.index.lists)}")
            codes = frozenset(str(c) for i in chosen for c in cast("list[str]", self.index.lists[i].get("carries", [])))
        t = self.threshold if threshold is None else threshold
        if not 0.0 <= t <= 1.0:
            raise InvalidInput(f"threshold {t} is not between 0 and 1")
        return Options(t, chosen, codes, settings.get_int("SEKISHO_MAX_CANDIDATES"), explain)

    def screen(self, name: str, *, country: str | None = None, type: str | None = None,
               birth_date: str | None = None, identifiers: Sequence[str] = (),
               threshold: float | None = None, lists: Iterable[str] | None = None) -> list[Hit]:
        query = make_query(Party(name, country, type, birth_date, tuple(identifiers)))
        return screen_query(self.index, query, self.options(threshold, lists))

    def provenance(self, options: Options, party: Party | None = None) -> dict[str, Any]:
        """What an examiner needs to reproduce a result: the query as given and as normalised (for
        one query), each list's id, date, sha256 and age, and which are stale, the index's digest
        (its list files and the code that shaped it), the version, the options and the time."""
        from datetime import UTC, datetime

        from sekisho.lists.status import list_status

        shown = None if options.lists is None else options.lists | _supplying(self.index, options)
        status = [s for s in list_status(self.index.lists) if shown is None or s["id"] in shown]
        out: dict[str, Any] = {
            "sekisho": __version__,
            "screened_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "threshold": options.threshold,
            "options": {"lists": sorted(options.lists) if options.lists is not None else None,
                        "official_lists": sorted(options.codes), "max_candidates": options.max_candidates},
            "index_digest": self.index.digest or None,
            "algorithm": _code_digest(),
            "lists": [{k: s[k] for k in ("id", "date", "sha256", "entities", "age_days", "stale")} for s in status],
            "stale_lists": [s["id"] for s in status if s["stale"]],
        }
        if party is not None:
            given = {k: v for k, v in vars(party).items() if v}
            out["query"] = {"given": given, "normalized": [f.text for f in make_query(party).forms]}
        return out

    def compare(self, a: str, b: str, type: str | None = None) -> tuple[float, dict[str, Any]]:
        """Score name `a` against name `b` with the scorer and token weights screening uses."""
        etype = parse_type(type)
        tiny = Index(idf=self.index.idf, max_weight=self.index.max_weight)
        tiny.entities.append(EntityRef("b", "compare", b, etype or EntityType.UNKNOWN, (), (), ()))
        for form in name_forms(b, etype is EntityType.PERSON):
            tiny.add_form(0, b, NameKind.PRIMARY, form)
        query = make_query(Party(a, type=type))
        best = max((score_form(tiny, query, fid) for fid in range(len(tiny.form_entity))),
                   key=lambda s: s.score)
        return best.score, best.explanation()
