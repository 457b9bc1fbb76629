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

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sekisho.lists.model import EntityType, LoadedList, NameKind
from sekisho.match.align import SKELETON_FLOOR, TOKEN_CUTOFF, credit, token_similarity
from sekisho.names.normalize import ABJAD, NameForm, compact_key, name_forms
from sekisho.names.phonetic import skeletons

_PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ogly|oglu|kyzy)$")
PATRONYMIC_WEIGHT = 0.25  # Russian patronymics are often left out of a query
IDF_OFFSET = 2.0  # subtracted from log(N/df) so that common words ("trading", "al") weigh little
MIN_WEIGHT = 0.3
MAX_BONUS = 0.05  # the most any non-name feature adds (country + birth date), see scorer


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


def is_patronymic(token: str) -> bool:
    return _PATRONYMIC.search(token) is not None


def _deletes(token: str) -> list[str]:
    return [token[:i] + token[i + 1 :] for i in range(len(token))] if len(token) >= 4 else []


def _keys(token: str) -> list[str]:
    keys = ["d:" + d for d in _deletes(token)]
    keys.extend("s:" + sk for sk in skeletons(token) if len(sk) >= 2)
    if len(token) >= 7:
        keys.append("p:" + token[:4])
        keys.append("x:" + token[-4:])
    return keys


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
    # vocabulary: list tokens and joined neighbour pairs
    vocab: dict[str, int] = field(default_factory=dict)
    vocab_tokens: list[str] = field(default_factory=list)
    vocab_tolerant: list[int] = field(default_factory=list)
    vocab_weight: list[float] = field(default_factory=list)
    # token id -> form ids, as one flat array sliced by offsets (compact, and fast to pickle)
    post_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    post_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    keys: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # lookup key -> token ids
    idf: dict[str, float] = field(default_factory=dict)
    exact: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact original text -> forms
    identifiers: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact id -> entities
    lists: dict[str, dict[str, object]] = field(default_factory=dict)  # list id -> version facts
    max_weight: float = 1.0
    entity_forms: list[tuple[int, ...]] = field(default_factory=list)  # entity -> its form ids
    # numpy views of columns above, made by freeze() for the vectorised retrieval
    total_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vocab_np: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    vocab_tol_np: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    vocab_single: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # per-process memo of similar_tokens: batches repeat tokens ("bank", "group", "mohammed") endlessly
    _similar: dict[tuple[str, int], list[tuple[int, float]]] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the columns only: the memo starts empty and the numpy views are rebuilt on load."""
        state = dict(self.__dict__)
        state["_similar"] = {}
        for derived in ("total_np", "vocab_np", "vocab_tol_np", "vocab_single"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.freeze()

    def freeze(self) -> None:
        self.total_np = np.asarray(self.form_total, dtype=np.float64)
        self.vocab_np = np.asarray(self.vocab_tokens, dtype=object)
        self.vocab_tol_np = np.asarray(self.vocab_tolerant, dtype=np.int8)
        self.vocab_single = np.asarray([len(w) == 1 for w in self.vocab_tokens], dtype=bool)

    def form(self, fid: int) -> FormRecord:
        return FormRecord(self.form_entity[fid], self.form_name[fid], self.form_kind[fid],
                          NameForm(self.form_tokens[fid], self.form_tolerant[fid], self.form_legal[fid]),
                          self.form_weights[fid])

    def add_form(self, entity: int, name: str, kind: NameKind, form: NameForm) -> int:
        fid = len(self.form_entity)
        weights = self.weights(form.tokens)
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

    def weight(self, token: str) -> float:
        w = self.idf.get(token, self.max_weight)
        if is_patronymic(token):
            w *= PATRONYMIC_WEIGHT
        return w

    def weights(self, tokens: Sequence[str]) -> tuple[float, ...]:
        return tuple(self.weight(t) for t in tokens)

    def exact_forms(self, compact: str) -> tuple[int, ...]:
        return _values(self.exact.get(compact))

    def identifier_entities(self, compact: str) -> tuple[int, ...]:
        return _values(self.identifiers.get(compact))

    def similar_tokens(self, token: str, tolerant: int) -> list[tuple[int, float]]:
        """List tokens (ids) similar to `token`, with their similarity, via the lookup keys.

        Every reached token's spelling similarity comes from one vectorised call; only pairs where the
        script-aware comparison (or an initial) can change the answer go through align.token_similarity.
        """
        memo = self._similar.get((token, tolerant))
        if memo is not None:
            return memo
        found: dict[int, float] = {}
        tid = self.vocab.get(token)
        if tid is not None:
            found[tid] = 1.0
        reached: set[int] = set()
        for key in ["d:" + token, *_keys(token)]:
            reached.update(_values(self.keys.get(key)))
        if tid is not None:
            reached.discard(tid)
        if reached:
            ids = np.fromiter(reached, dtype=np.int64, count=len(reached))
            raw = process.cdist([token], self.vocab_np[ids].tolist(), scorer=OSA.normalized_similarity,
                                dtype=np.float64)[0]
            tol = np.maximum(self.vocab_tol_np[ids], tolerant)
            single = self.vocab_single[ids] | (len(token) == 1)
            plain = (tol == 0) & ~single  # the spelling similarity is the whole answer
            hit = plain & (raw >= TOKEN_CUTOFF)
            found.update(zip(ids[hit].tolist(), raw[hit].tolist(), strict=True))
            # the rest need token_similarity; syllabic pairs spelt less alike than SKELETON_FLOOR never match
            check = ~plain & ((tol == ABJAD) | single | (raw >= SKELETON_FLOOR))
            for other in ids[check].tolist():
                s = token_similarity(token, self.vocab_tokens[other], max(tolerant, self.vocab_tolerant[other]))
                if s >= TOKEN_CUTOFF:
                    found[other] = s
        result = list(found.items())
        if len(self._similar) > 200_000:
            self._similar.clear()
        self._similar[(token, tolerant)] = result
        return result

    def candidates(self, forms: Sequence[NameForm], threshold: float, limit: int,
                   form_weights: Sequence[tuple[float, ...]] | None = None) -> list[int]:
        """Form ids whose score can reach `threshold`, best first, at most `limit`.

        For each query form (reading) separately, as the scorer takes the best reading: every list
        form reached gets, per query token, the best weight x credit(similarity) among the list
        tokens that token reaches, on the query side and on the list side. Summed, these bound the
        coverages and so the name score (sqrt(q_cov * c_cov), see scorer): forms whose bound plus the
        largest bonus stays under the threshold are never scored. Query tokens are visited
        heaviest first; once the unvisited weight cannot reach the needed query coverage, no new
        forms are opened.
        """
        need = max(threshold - MAX_BONUS, 0.0) ** 2  # q_cov * c_cov needed, each <= 1
        best = np.zeros(len(self.total_np))
        for k, form in enumerate(forms):
            weights = list(form_weights[k]) if form_weights else [self.weight(t) for t in form.tokens]
            reached, bound = self._bound(form, weights, need)
            best[reached] = np.maximum(best[reached], bound)
        found = np.flatnonzero(best >= need)
        order = np.argsort(-best[found], kind="stable")[:limit]
        return [int(f) for f in found[order]]

    def _bound(self, form: NameForm, weights: list[float], need: float) -> tuple[np.ndarray, np.ndarray]:
        """(forms reached, upper bound of q_cov * c_cov for each) for one query form."""
        n = len(form.tokens)
        toks = list(form.tokens)
        tols = list(form.tolerant)
        weights = list(weights)
        for i in range(n - 1):  # neighbours written together on the list side ("al qaeda")
            toks.append(form.tokens[i] + form.tokens[i + 1])
            tols.append(max(form.tolerant[i], form.tolerant[i + 1]))
            weights.append(weights[i] + weights[i + 1])
        total = sum(weights[:n]) or 1.0
        n_forms = len(self.total_np)
        acc_q = np.zeros(n_forms)
        acc_c = np.zeros(n_forms)
        opened = np.zeros(n_forms, dtype=bool)
        start, post = self.post_start, self.post_flat
        remaining = sum(weights[:n])
        for i in sorted(range(len(toks)), key=lambda i: -weights[i]):
            open_new = remaining >= need * total
            if i < n:
                remaining -= weights[i]
            similar = self.similar_tokens(toks[i], tols[i])
            if not similar:
                continue
            fids = np.concatenate([post[start[tid] : start[tid + 1]] for tid, _ in similar])
            lengths = [int(start[tid + 1] - start[tid]) for tid, _ in similar]
            # the scorer counts an aligned token at exactly this credit, so these stay upper bounds
            tok, vocab = toks[i], self.vocab_tokens
            credits = [credit(sim, max(len(tok), len(vocab[tid]))) for tid, sim in similar]
            gain_q = np.repeat([weights[i] * cr / total for cr in credits], lengths)
            gain_c = np.repeat([self.vocab_weight[tid] * cr for (tid, _), cr in zip(similar, credits, strict=True)],
                               lengths)
            if not open_new:
                keep = opened[fids]
                fids, gain_q, gain_c = fids[keep], gain_q[keep], gain_c[keep]
            if len(similar) > 1:  # a token aligns once: a form reached through several similar tokens gets the best
                fids, inverse = np.unique(fids, return_inverse=True)
                best_q = np.zeros(len(fids))
                best_c = np.zeros(len(fids))
                np.maximum.at(best_q, inverse, gain_q)
                np.maximum.at(best_c, inverse, gain_c)
                gain_q, gain_c = best_q, best_c
            opened[fids] = True
            acc_q[fids] += gain_q
            acc_c[fids] += gain_c
        reached = np.flatnonzero(opened)
        bound = np.minimum(acc_q[reached], 1.0) * np.minimum(acc_c[reached] / self.total_np[reached], 1.0)
        return reached, bound


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
                        form = NameForm(form.tokens, (0,) * len(form.tokens), form.legal_forms)
                    seen.add(form.tokens)
                    pending.append((eid, name.value, name.kind, form))
                    for tok in set(form.tokens):
                        df[tok] += 1
    n_forms = max(len(pending), 1)
    index.idf = {t: max(math.log(n_forms / c) - IDF_OFFSET, MIN_WEIGHT) for t, c in df.items()}
    index.max_weight = max(math.log(n_forms) - IDF_OFFSET, MIN_WEIGHT)
    postings: list[list[int]] = []

    def token_id(tok: str, tolerant: int, weight: float, keyed: bool) -> int:
        tid = index.vocab.get(tok)
        if tid is None:
            tid = len(index.vocab_tokens)
            index.vocab[tok] = tid
            index.vocab_tokens.append(tok)
            index.vocab_tolerant.append(tolerant)
            index.vocab_weight.append(weight)
            postings.append([])
            if keyed:
                for key in _keys(tok):
                    _add(index.keys, key, tid)
        elif tolerant > index.vocab_tolerant[tid]:
            index.vocab_tolerant[tid] = tolerant
        return tid

    for eid, text, kind, form in pending:
        fid = index.add_form(eid, text, kind, form)
        toks, weights = form.tokens, index.form_weights[fid]
        for i, tok in enumerate(toks):
            plist = postings[token_id(tok, form.tolerant[i], weights[i], True)]
            if not plist or plist[-1] != fid:
                plist.append(fid)
        for i in range(len(toks) - 1):
            joined = token_id(toks[i] + toks[i + 1], max(form.tolerant[i], form.tolerant[i + 1]),
                              weights[i] + weights[i + 1], False)
            if not postings[joined] or postings[joined][-1] != fid:
                postings[joined].append(fid)
    index.post_start = np.cumsum([0, *(len(p) for p in postings)], dtype=np.int64)
    index.post_flat = np.fromiter((f for p in postings for f in p), dtype=np.int32, count=int(index.post_start[-1]))
    by_entity: list[list[int]] = [[] for _ in index.entities]
    for fid, eid in enumerate(index.form_entity):
        by_entity[eid].append(fid)
    index.entity_forms = [tuple(f) for f in by_entity]
    index.freeze()
    return index
