"""The screening index: every list name in every form, and the keys that find candidates fast.

Candidate retrieval never scans every list name. A query token reaches list tokens through:
  exact token, one-deletion keys (any single typo or transposition), the phonetic skeleton,
  4-letter prefix and suffix (two typos in a long token), and joined neighbours ("al"+"qaeda").
Each list token reached is checked with the real token similarity before its postings are read,
and a form is scored only if an upper bound of its score can reach the threshold.
The index is immutable once built, stored column-wise in plain lists so it pickles and loads fast,
and shared read-only by batch workers (or shipped to a cluster engine).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sekisho.lists.model import EntityType, LoadedList, NameKind
from sekisho.match.align import (
    JOINED_EDITS,
    JOINED_READING_FLOOR,
    SKELETON_FLOOR,
    TOKEN_CUTOFF,
    credits,
    token_similarity,
    undouble,
    variant_similarity,
)
from sekisho.names.normalize import ABJAD, EXACT, STRICT, SYLLABIC, NameForm, compact_key, fold, name_forms
from sekisho.names.phonetic import skeletons
from sekisho.names.reference import glossary, nickname_relatives

_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ovna|evna|ivna|ogly|oglu|kyzy)$")
PATRONYMIC_WEIGHT = 0.25  # Russian patronymics are often left out of a query
MIDDLE_WEIGHT = 0.35  # an unaligned middle name of a person whose first and last names align, see scorer
PLACE_WEIGHT = 1 / 3  # a place word in a company name ("Deutsche Bank (Schweiz)"), see glossary.yml
ORGANIZATION_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.VESSEL, EntityType.AIRCRAFT})
IDF_OFFSET = 2.0  # subtracted from log(N/df) so that common words ("trading", "al") weigh little
MIN_WEIGHT = 0.3
MAX_BONUS = 0.05  # the most any non-name feature adds (country + birth date), see scorer

Reach = tuple[np.ndarray, np.ndarray, np.ndarray]
_BIT = {EXACT: 1, ABJAD: 2, SYLLABIC: 4, STRICT: 8}
_NO_FORMS = np.zeros(0, np.int64)
_NO_GAIN = np.zeros(0)


@dataclass(frozen=True, slots=True)
class EntityRef:
    """What screening needs of an entity; the full record stays with the loaded list."""

    id: str
    list_id: str
    name: str
    type: EntityType
    countries: tuple[str, ...]
    birth_years: tuple[int, ...]
    identifiers: tuple[tuple[str, str], ...]  # (type, compact value)


@dataclass(frozen=True, slots=True)
class FormRecord:
    entity: int
    name: str  # the list name as written
    kind: NameKind
    form: NameForm
    weights: tuple[float, ...]


def lightest_total(tokens: Sequence[str], weights: Sequence[float]) -> float:
    """The smallest total weight a person's name can have in the scorer: every middle name that is
    not a patronymic counted at MIDDLE_WEIGHT (see scorer.name_similarity)."""
    total = sum(weights)
    if len(tokens) >= 3:
        total -= (1 - MIDDLE_WEIGHT) * sum(w for t, w in zip(tokens[1:-1], weights[1:-1], strict=True)
                                           if not is_patronymic(t))
    return total or 1.0


@cache
def _places() -> frozenset[str]:
    return frozenset(fold(p) for p in glossary().places)


def is_organization(etype: EntityType | None, form: NameForm) -> bool:
    """An organisation by its type or, when the type is unknown, by a legal form in its name."""
    return etype in ORGANIZATION_TYPES or bool(form.legal_forms)


def is_patronymic(token: str) -> bool:
    return _PATRONYMIC.search(token) is not None


def _deletes(token: str) -> list[str]:
    return [token[:i] + token[i + 1 :] for i in range(len(token))] if len(token) >= 3 else []


def _deletion_keys(token: str) -> list[str]:
    return ["d:" + d for d in _deletes(token)]


def _skeleton_keys(token: str) -> list[str]:
    return ["s:" + sk for sk in skeletons(token) if len(sk) >= 2]


def _sound_keys(token: str) -> list[str]:
    """Phonetic skeletons, and 4-letter prefix and suffix of a long token (two typos)."""
    keys = _skeleton_keys(token)
    if len(token) >= 7:
        keys.append("p:" + token[:4])
        keys.append("x:" + token[-4:])
    return keys


def _keys(token: str) -> list[str]:
    return _deletion_keys(token) + _sound_keys(token)


def compact_identifier(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def _add(mapping: dict[str, int | tuple[int, ...]], key: str, value: int) -> None:
    """Multimap stored as int for one value, tuple for several: most keys have one, and ints pickle fast."""
    cur = mapping.get(key)
    if cur is None:
        mapping[key] = value
    elif isinstance(cur, int):
        if cur != value:
            mapping[key] = (cur, value)
    elif value not in cur:
        mapping[key] = (*cur, value)


def _values(found: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


@dataclass
class Index:
    # entities and forms, column-wise
    entities: list[EntityRef] = field(default_factory=list)
    form_entity: list[int] = field(default_factory=list)
    form_name: list[str] = field(default_factory=list)
    form_kind: list[NameKind] = field(default_factory=list)
    form_tokens: list[tuple[str, ...]] = field(default_factory=list)
    form_tolerant: list[tuple[int, ...]] = field(default_factory=list)
    form_legal: list[frozenset[str]] = field(default_factory=list)
    form_weights: list[tuple[float, ...]] = field(default_factory=list)
    form_total: list[float] = field(default_factory=list)
    form_person: list[bool] = field(default_factory=list)
    form_floor: list[float] = field(default_factory=list)  # person: lightest_total, else the total
    # vocabulary: list tokens and joined neighbour pairs
    vocab: dict[str, int] = field(default_factory=dict)
    vocab_tokens: list[str] = field(default_factory=list)
    vocab_mask: list[int] = field(default_factory=list)  # bit per tolerance the token appears with
    vocab_real_list: list[bool] = field(default_factory=list)  # a token of some name, not only a joined pair
    vocab_weight: list[float] = field(default_factory=list)
    # token id -> form ids, as one flat array sliced by offsets (compact, and fast to pickle)
    post_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    post_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    keys: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # lookup key -> token ids
    # similar_tokens of every list token as a Latin query token, computed at build (empty in an index
    # built by hand): a batch's query tokens are list tokens more often than not ("bank", "mohammed")
    near_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    near_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    near_sim: np.ndarray = field(default_factory=lambda: np.zeros(0))
    idf: dict[str, float] = field(default_factory=dict)
    exact: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact original text -> forms
    identifiers: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact id -> entities
    lists: dict[str, dict[str, object]] = field(default_factory=dict)  # list id -> version facts
    max_weight: float = 1.0
    entity_forms: list[tuple[int, ...]] = field(default_factory=list)  # entity -> its form ids
    # numpy views of columns above, made by freeze() for the vectorised retrieval
    total_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    floor_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    entity_np: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    person_np: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    vocab_np: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    vocab_mask_np: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    vocab_real: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    vocab_single: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    vocab_len: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    vocab_weight_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _reach: dict[tuple[str, int, bool], Reach] = field(default_factory=dict, repr=False)  # per-process memo

    def __getstate__(self) -> dict[str, object]:
        """Pickle the columns only: the memo starts empty and the numpy views are rebuilt on load."""
        state = dict(self.__dict__)
        state["_reach"] = {}
        for derived in ("total_np", "entity_np", "floor_np", "person_np", "vocab_np", "vocab_mask_np", "vocab_real",
                        "vocab_single", "vocab_len", "vocab_weight_np"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.freeze()

    def freeze(self) -> None:
        self.total_np = np.asarray(self.form_total, dtype=np.float64)
        self.floor_np = np.asarray(self.form_floor, dtype=np.float64)
        self.entity_np = np.asarray(self.form_entity, dtype=np.int64)
        self.person_np = np.asarray(self.form_person, dtype=bool)
        self.vocab_np = np.asarray(self.vocab_tokens, dtype=object)
        self.vocab_mask_np = np.asarray(self.vocab_mask, dtype=np.int8)
        self.vocab_real = np.asarray(self.vocab_real_list, dtype=bool)
        self.vocab_single = np.asarray([len(w) == 1 for w in self.vocab_tokens], dtype=bool)
        self.vocab_len = np.asarray([len(w) for w in self.vocab_tokens], dtype=np.int64)
        self.vocab_weight_np = np.asarray(self.vocab_weight, dtype=np.float64)

    def form(self, fid: int) -> FormRecord:
        return FormRecord(self.form_entity[fid], self.form_name[fid], self.form_kind[fid],
                          NameForm(self.form_tokens[fid], self.form_tolerant[fid], self.form_legal[fid]),
                          self.form_weights[fid])

    def add_form(self, entity: int, name: str, kind: NameKind, form: NameForm) -> int:
        """Add a name form of `entity` (already in `entities`); its type sets the weights and bound."""
        fid = len(self.form_entity)
        etype = self.entities[entity].type
        person = etype is EntityType.PERSON
        weights = self.weights(form.tokens, is_organization(etype, form))
        self.form_person.append(person)
        self.form_floor.append(lightest_total(form.tokens, weights) if person else sum(weights) or 1.0)
        self.form_entity.append(entity)
        self.form_name.append(name)
        self.form_kind.append(kind)
        self.form_tokens.append(form.tokens)
        self.form_tolerant.append(form.tolerant)
        self.form_legal.append(form.legal_forms)
        self.form_weights.append(weights)
        self.form_total.append(sum(weights) or 1.0)
        key = compact_key(name)
        if key:
            _add(self.exact, key, fid)
        return fid

    def weight(self, token: str, organization: bool = False) -> float:
        w = self.idf.get(token, self.max_weight)
        if is_patronymic(token):
            w *= PATRONYMIC_WEIGHT
        elif organization and token in _places():
            w *= PLACE_WEIGHT
        return w

    def weights(self, tokens: Sequence[str], organization: bool = False) -> tuple[float, ...]:
        return tuple(self.weight(t, organization) for t in tokens)

    def exact_forms(self, compact: str) -> tuple[int, ...]:
        return _values(self.exact.get(compact))

    def identifier_entities(self, compact: str) -> tuple[int, ...]:
        return _values(self.identifiers.get(compact))

    def similar_tokens(self, token: str, tolerant: int, joined: bool = False) -> list[tuple[int, float]]:
        """List tokens (ids) similar to `token`, with their similarity, via the lookup keys.

        Every reached token's spelling similarity comes from one vectorised call; only pairs where the
        script-aware comparison (or an initial) can change the answer go through align.token_similarity.
        A `joined` query token (two query tokens written together) aligns only within one edit
        (align.JOINED_EDITS), which the exact and one-deletion keys find in full; a joined reading
        only where also spelt alike (align.JOINED_READING_FLOOR).
        """
        found: dict[int, float] = {}
        tid = self.vocab.get(token)
        if tid is not None and tolerant == EXACT and not joined and tid + 1 < len(self.near_start):
            lo, hi = int(self.near_start[tid]), int(self.near_start[tid + 1])
            if hi > lo:
                return list(zip(self.near_flat[lo:hi].tolist(), self.near_sim[lo:hi].tolist(), strict=True))
        if tid is not None:
            found[tid] = 1.0
        reached: set[int] = set()
        for key in ["d:" + token, *(_deletion_keys(token) if joined and tolerant == EXACT else _keys(token))]:
            reached.update(_values(self.keys.get(key)))
        for shorter in _deletes(token):  # the query has one letter more than the list token ("sou" ~ "so")
            other = self.vocab.get(shorter)
            if other is not None:
                reached.add(other)
        if tid is not None:
            reached.discard(tid)
        if reached and joined and tolerant == EXACT:
            ids = np.fromiter(reached, dtype=np.int64, count=len(reached))
            dist = process.cdist([token], self.vocab_np[ids].tolist(), scorer=OSA.distance, dtype=np.int32)[0]
            close = ids[dist <= JOINED_EDITS].tolist()
            found.update((t, OSA.normalized_similarity(token, self.vocab_tokens[t])) for t in close)
        elif reached:
            ids = np.fromiter(reached, dtype=np.int64, count=len(reached))
            raw = process.cdist([token], self.vocab_np[ids].tolist(), scorer=OSA.normalized_similarity,
                                dtype=np.float64)[0]
            # a list token may appear with several tolerances: the most lenient pairing bounds them all
            mask = self.vocab_mask_np[ids]
            if tolerant == EXACT:
                abjad, syllabic = (mask & _BIT[ABJAD]) > 0, (mask & _BIT[SYLLABIC]) > 0
            else:
                lenient = (mask & _BIT[EXACT]) > 0
                abjad, syllabic = lenient & (tolerant == ABJAD), lenient & (tolerant == SYLLABIC)
            # a reading against two words written together must be spelt alike too (align._joined)
            joined_pair = ~self.vocab_real[ids] if not joined else np.ones(len(ids), dtype=bool)
            unlike = syllabic & joined_pair & (raw < JOINED_READING_FLOOR)
            abjad, syllabic = abjad & ~unlike, syllabic & ~unlike
            single = self.vocab_single[ids] | (len(token) == 1)
            plain = ~abjad & ~syllabic & ~single  # the spelling similarity is the whole answer
            hit = plain & (raw >= TOKEN_CUTOFF)
            found.update(zip(ids[hit].tolist(), raw[hit].tolist(), strict=True))
            # the rest need token_similarity; syllabic pairs spelt less alike than SKELETON_FLOOR never match
            check = ~plain & (abjad | single | (raw >= SKELETON_FLOOR))
            for k in np.flatnonzero(check).tolist():
                text = self.vocab_tokens[int(ids[k])]
                tols = [t for t, on in ((ABJAD, abjad[k]), (SYLLABIC, syllabic[k])) if on] or [EXACT]
                sim = max(token_similarity(token, text, t) for t in tols)
                if sim >= TOKEN_CUTOFF:
                    found[int(ids[k])] = sim
        if not joined:
            # spelling variants (align.variant_similarity): a one-vowel change is among the tokens
            # reached; doubled letters and nicknames have keys of their own. A bound, so any tolerance.
            others = {*found, *_values(self.keys.get("u:" + undouble(token))),
                      *(t for t in map(self.vocab.get, nickname_relatives().get(token, ())) if t is not None)}
            for other in others:
                sim = variant_similarity(token, self.vocab_tokens[other])
                if sim > found.get(other, 0.0):
                    found[other] = sim
        return list(found.items())

    def reach(self, token: str, tolerant: int, joined: bool = False) -> Reach:
        """The forms a query token reaches, each once, with the most it can add to each coverage.

        (form ids, best credit of an aligned list token, best list weight x credit). The credit is
        the scorer's own (align.credits), so sums of these are upper bounds of the coverages.
        Memoised per process: batches repeat tokens ("bank", "group", "mohammed") endlessly.
        """
        memo = self._reach.get((token, tolerant, joined))
        if memo is not None:
            return memo
        similar = self.similar_tokens(token, tolerant, joined)
        if not similar:
            result: Reach = (_NO_FORMS, _NO_GAIN, _NO_GAIN)
        else:
            tids = np.fromiter((t for t, _ in similar), dtype=np.int64, count=len(similar))
            sims = np.fromiter((s for _, s in similar), dtype=np.float64, count=len(similar))
            cred = credits(sims, np.maximum(len(token), self.vocab_len[tids]),
                           np.minimum(len(token), self.vocab_len[tids]))
            first, counts = self.post_start[tids], self.post_start[tids + 1] - self.post_start[tids]
            # every posting of every reached token, gathered in one step
            ends = np.cumsum(counts)
            positions = np.arange(int(ends[-1])) + np.repeat(first - ends + counts, counts)
            fids = self.post_flat[positions]
            gain_q = np.repeat(cred, counts)
            gain_c = np.repeat(cred * self.vocab_weight_np[tids], counts)
            if len(tids) > 1:  # a token aligns once: a form reached through several list tokens gets the best
                fids, inverse = np.unique(fids, return_inverse=True)
                best_q, best_c = np.zeros(len(fids)), np.zeros(len(fids))
                np.maximum.at(best_q, inverse, gain_q)
                np.maximum.at(best_c, inverse, gain_c)
                gain_q, gain_c = best_q, best_c
            result = (fids.astype(np.int64), gain_q, gain_c)
        if len(self._reach) > 200_000:
            self._reach.clear()
        self._reach[(token, tolerant, joined)] = result
        return result

    def candidates(self, forms: Sequence[NameForm], threshold: float, limit: int,
                   form_weights: Sequence[tuple[float, ...]] | None = None, organization: bool = False
                   ) -> list[int]:
        """Form ids whose score can reach `threshold`, best first, of at most `limit` entities.

        Each query form (reading) is bounded separately, as the scorer takes the best reading; a list
        form keeps its best bound. Forms whose bound plus the largest bonus stays under the threshold
        are never scored.
        """
        need = max(threshold - MAX_BONUS, 0.0) ** 2 - 1e-9  # q_cov * c_cov needed, each <= 1
        fids_parts: list[np.ndarray] = []
        bound_parts: list[np.ndarray] = []
        for k, form in enumerate(forms):
            weights = list(form_weights[k] if form_weights else self.weights(form.tokens, organization))
            fids, bound = self._bound(form, weights, organization)
            ok = bound >= need
            fids_parts.append(fids[ok])
            bound_parts.append(bound[ok])
        fids = np.concatenate(fids_parts)
        bound = np.concatenate(bound_parts)
        ranked = fids[np.argsort(-bound, kind="stable")]
        if len(forms) > 1:  # the same form through several readings: keep its best
            _, first = np.unique(ranked, return_index=True)
            ranked = ranked[np.sort(first)]
        # `limit` entities, with every passing form of each: one entry's many spellings do not
        # crowd out its relatives ("Ayman" and "Ibrahim Sabawi Ibrahim Hasan al-Tikriti")
        if len(ranked) > limit:  # fewer forms than the limit are fewer entities too
            _, first = np.unique(self.entity_np[ranked], return_index=True)
            if len(first) > limit:
                ranked = ranked[: np.sort(first)[limit]]
        return [int(f) for f in ranked]

    def _bound(self, form: NameForm, weights: list[float], organization: bool) -> tuple[np.ndarray, np.ndarray]:
        """(forms reached, upper bound of q_cov * c_cov for each) for one query form.

        Each query token adds, to every form it reaches, its best credit times its weight (query
        side) and the best credit times the aligned list token's weight (list side). The scorer
        aligns a query token once, alone or joined with a neighbour ("al qaeda" ~ "alqaeda"), so a
        token counts the best of the three ways, a joined pair's list-side gain split between its
        two tokens; summed, these bound the coverages and so sqrt(q_cov * c_cov) (see scorer).
        """
        n = len(form.tokens)
        w = np.asarray(weights)
        total_q = sum(weights) or 1.0
        floor_q = total_q if organization else lightest_total(form.tokens, weights)
        alone = [(i, self.reach(t, tol)) for i, (t, tol) in enumerate(zip(form.tokens, form.tolerant, strict=True))]
        alone = [(i, r) for i, r in alone if len(r[0])]
        joined = []
        for i in range(n - 1):
            tol = max(form.tolerant[i], form.tolerant[i + 1])
            joined.append((i, self.reach(form.tokens[i] + form.tokens[i + 1], tol, joined=True)))
        joined = [(i, r) for i, r in joined if len(r[0])]
        if not alone and not joined:
            return _NO_FORMS, _NO_GAIN
        if not joined:  # the common case: each token once, so plain sums
            if len(alone) == 1:
                i, (fids, gain_q, acc_c) = alone[0]
                acc_q = gain_q * w[i]
            else:
                fids, rows = np.unique(np.concatenate([r[0] for _, r in alone]), return_inverse=True)
                acc_q = np.bincount(rows, np.concatenate([r[1] * w[i] for i, r in alone]), len(fids))
                acc_c = np.bincount(rows, np.concatenate([r[2] for _, r in alone]), len(fids))
            return fids, self._coverages(fids, acc_q, acc_c, total_q, floor_q, organization)
        parts = [r for _, r in alone] + [r for _, r in joined]
        sizes = [len(r[0]) for r in parts]
        fids, rows = np.unique(np.concatenate([r[0] for r in parts]), return_inverse=True)
        col = np.repeat(np.array([i for i, _ in alone] + [i for i, _ in joined], dtype=np.int64), sizes)
        gain_q = np.concatenate([r[1] for r in parts])
        gain_c = np.concatenate([r[2] for r in parts])
        n_alone = sum(sizes[: len(alone)])
        mat_q = np.zeros((len(fids), n))
        mat_c = np.zeros((len(fids), n))
        mat_q[rows[:n_alone], col[:n_alone]] = gain_q[:n_alone]
        mat_c[rows[:n_alone], col[:n_alone]] = gain_c[:n_alone]
        # a pair counts for its left and its right token; each (form, token) once per pass
        r, c, half = rows[n_alone:], col[n_alone:], gain_c[n_alone:] / 2
        for cc in (c, c + 1):
            mat_q[r, cc] = np.maximum(mat_q[r, cc], gain_q[n_alone:])
            mat_c[r, cc] = np.maximum(mat_c[r, cc], half)
        return fids, self._coverages(fids, mat_q @ w, mat_c.sum(axis=1), total_q, floor_q, organization)

    def _coverages(self, fids: np.ndarray, acc_q: np.ndarray, acc_c: np.ndarray, total_q: float,
                   floor_q: float, organization: bool) -> np.ndarray:
        """q_cov x c_cov bound from the summed gains: a query that is not an organisation, against
        a person, may have either side's middle names count little (scorer.name_similarity), so
        the smallest possible totals divide."""
        q_cov = acc_q / np.where(self.person_np[fids], floor_q, total_q)
        c_total = self.total_np[fids] if organization else self.floor_np[fids]
        bound: np.ndarray = np.minimum(q_cov, 1.0) * np.minimum(acc_c / c_total, 1.0)
        return bound


def build_index(loaded: Iterable[LoadedList]) -> Index:
    index = Index()
    df: dict[str, int] = defaultdict(int)
    pending: list[tuple[int, str, NameKind, NameForm]] = []
    for lst in loaded:
        v = lst.version
        index.lists[v.list_id] = {"id": v.list_id, "jurisdiction": v.jurisdiction, "title": v.title,
                                  "date": v.date, "sha256": v.sha256, "entities": len(lst.entities),
                                  "names": lst.name_count, "warnings": len(lst.warnings)}
        for entity in lst.entities:
            eid = len(index.entities)
            years = sorted({int(d[:4]) for d in entity.birth_dates if d[:4].isdigit()})
            index.entities.append(EntityRef(
                entity.id, entity.list_id, entity.primary_name, entity.type, tuple(entity.countries),
                tuple(years), tuple((i.type, compact_identifier(i.value)) for i in entity.identifiers)))
            for ident in entity.identifiers:
                key = compact_identifier(ident.value)
                if len(key) >= 5:
                    _add(index.identifiers, key, eid)
            seen: set[tuple[str, ...]] = set()
            person = entity.type is EntityType.PERSON
            # An entry that also has a Latin name is found by Latin queries through that name; its
            # katakana or Arabic forms are then compared letter for letter, so that a Latin query
            # cannot reach it through a loose consonant match ("Sony" ~ 総 "sou").
            has_latin = any(n.script == "Latn" for n in entity.names)
            for name in entity.names:
                for form in name_forms(name.value, person):
                    if not form.tokens or form.tokens in seen:
                        continue
                    if has_latin and any(form.tolerant):
                        form = NameForm(form.tokens, tuple(STRICT if t else EXACT for t in form.tolerant),
                                        form.legal_forms)
                    seen.add(form.tokens)
                    pending.append((eid, name.value, name.kind, form))
                    for tok in set(form.tokens):
                        df[tok] += 1
    n_forms = max(len(pending), 1)
    index.idf = {t: max(math.log(n_forms / c) - IDF_OFFSET, MIN_WEIGHT) for t, c in df.items()}
    index.max_weight = max(math.log(n_forms) - IDF_OFFSET, MIN_WEIGHT)
    postings: list[list[int]] = []

    fully_keyed: set[int] = set()

    def token_id(tok: str, tolerant: int, weight: float, keyed: bool, real: bool) -> int:
        # Latin joined neighbours get deletion keys (a Latin token aligns with them within one edit,
        # align.JOINED_EDITS) and skeleton keys (a reading aligns with them by its consonants)
        tid = index.vocab.get(tok)
        if tid is None:
            tid = len(index.vocab_tokens)
            index.vocab[tok] = tid
            index.vocab_tokens.append(tok)
            index.vocab_mask.append(_BIT[tolerant])
            index.vocab_real_list.append(real)
            index.vocab_weight.append(weight)
            postings.append([])
            for key in _deletion_keys(tok) + _skeleton_keys(tok):
                _add(index.keys, key, tid)
        else:
            index.vocab_mask[tid] |= _BIT[tolerant]
            index.vocab_weight[tid] = max(index.vocab_weight[tid], weight)  # the bound needs the largest
        if real:
            index.vocab_real_list[tid] = True
            _add(index.keys, "u:" + undouble(tok), tid)  # spelt without doubled letters (align.DOUBLED_SIM)
        if keyed and tid not in fully_keyed:
            fully_keyed.add(tid)
            for key in _sound_keys(tok):
                _add(index.keys, key, tid)
        return tid

    for eid, text, kind, form in pending:
        fid = index.add_form(eid, text, kind, form)
        toks, weights = form.tokens, index.form_weights[fid]
        for i, tok in enumerate(toks):
            plist = postings[token_id(tok, form.tolerant[i], weights[i], True, True)]
            if not plist or plist[-1] != fid:
                plist.append(fid)
        for i in range(len(toks) - 1):
            tol = max(form.tolerant[i], form.tolerant[i + 1])
            joined = token_id(toks[i] + toks[i + 1], tol, weights[i] + weights[i + 1], tol in (ABJAD, SYLLABIC),
                              False)
            if not postings[joined] or postings[joined][-1] != fid:
                postings[joined].append(fid)
    index.post_start = np.cumsum([0, *(len(p) for p in postings)], dtype=np.int64)
    index.post_flat = np.fromiter((f for p in postings for f in p), dtype=np.int32, count=int(index.post_start[-1]))
    by_entity: list[list[int]] = [[] for _ in index.entities]
    for fid, eid in enumerate(index.form_entity):
        by_entity[eid].append(fid)
    index.entity_forms = [tuple(f) for f in by_entity]
    index.freeze()
    _precompute_near(index)
    return index


def _precompute_near(index: Index) -> None:
    """Index.near_*: each list token's similar tokens as a Latin query token would find them."""
    starts, flat, sims = [0], [], []
    for tid, token in enumerate(index.vocab_tokens):
        if index.vocab_real_list[tid]:
            for other, sim in index.similar_tokens(token, EXACT):
                flat.append(other)
                sims.append(sim)
        starts.append(len(flat))
    index.near_flat = np.asarray(flat, dtype=np.int32)
    index.near_sim = np.asarray(sims, dtype=np.float64)
    index.near_start = np.asarray(starts, dtype=np.int64)
