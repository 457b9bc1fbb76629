"""The screening index: every list name in every form, and the keys that find candidates fast.

Candidate retrieval never scans every list name. A query token reaches list tokens through:
  exact token, one-deletion keys (any single typo or transposition), the phonetic skeleton,
  4-letter prefix and suffix (two edits, one side of seven letters or more), joined neighbours
  ("al"+"qaeda"), consonants one edit apart for a reading (katakana, Arabic), initials and acronyms.
Each list token reached is checked with the real token similarity before its postings are read,
and a form is scored only if an upper bound of its score can reach the threshold (summed over the
postings in a compiled loop, match/kernels.py).
The index is immutable once built, stored column-wise in plain lists so it pickles and loads fast,
and shared read-only by batch workers (or shipped to a cluster engine).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from sekisho.lists.model import EntityType, NameKind
from sekisho.match.align import (
    INITIALS_CREDIT,
    TOKEN_CUTOFF,
    initials_of,
    undouble,
    variant_similarity,
)
from sekisho.match.filing import JOINED_ENDS_MIN, end_keys, length_bit, query_stems
from sekisho.match.kernels import Scratch, credits, rank_candidates
from sekisho.match.keys import SPELLING, KeyTable, Stem
from sekisho.match.memo import ReachMemo, SearchSession
from sekisho.match.spellings import Spellings
from sekisho.names.fold import fold
from sekisho.names.normalize import EXACT, NameForm, compact_key
from sekisho.names.reference import glossary, nickname_relatives

_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ovna|evna|ivna|ogly|oglu|kyzy)$")
PATRONYMIC_WEIGHT = 0.25  # Russian patronymics are often left out of a query
MIDDLE_WEIGHT = 0.35  # an unaligned middle name of a person whose first and last names align, see scorer
PLACE_WEIGHT = 1 / 3  # a place word in a company name ("Deutsche Bank (Schweiz)"), see glossary.yml
ORGANIZATION_TYPES = frozenset({EntityType.ORGANIZATION, EntityType.VESSEL, EntityType.AIRCRAFT})
IDF_OFFSET = 2.0  # subtracted from log(N/df) so that common words ("trading", "al") weigh little
MIN_WEIGHT = 0.3
MAX_BONUS = 0.05  # the most any non-name feature adds (country + birth date), see scorer.Query.bonus_ceiling
SCORE_DECIMALS = 4  # a score is rounded to this many decimals (scorer.score_form) before it meets the threshold
ROUNDED_UP = 0.5 * 10.0**-SCORE_DECIMALS  # the most that rounding adds to a score
# An acronym is a rare token: a word in more than about one list name in 400 ("al", "abu", "bin",
# "kim") is not read as the initials of the other name's words ("Hector Al" / "ALTAMIRANO LOPEZ, Hector");
# a token's weight in a name is at most its idf, so the index applies it to the idf (see scorer)
ACRONYM_MIN_WEIGHT = 4.0

# An acronym entry: the initials of 2-4 neighbouring tokens of a list name, so that a query word that
# spells them reaches the name ("jc" ~ "jean claude", "al" ~ "abdul latif", align._initials)
ACRONYM = "^"
_NO_FORMS = np.zeros(0, np.int64)
_NO_GAIN = np.zeros(0)
_NOTHING = (_NO_FORMS, _NO_GAIN)  # no list token or form found (shared, so read-only)
_NO_FORMS.setflags(write=False)
_NO_GAIN.setflags(write=False)
_INITIALS = np.array([INITIALS_CREDIT])
_SAME = np.array([1.0])  # the similarity of a token to itself
_INITIALS.setflags(write=False)
_SAME.setflags(write=False)


class QueryForms(NamedTuple):
    """What Index.bounds_many needs of a query: its forms, their token weights (None: by rarity),
    whether it is an organisation, and the most its other features can add (scorer.Query.bonus_ceiling)."""

    forms: Sequence[NameForm]
    weights: Sequence[tuple[float, ...]] | None
    organization: bool
    bonus: float


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
    official: str | None = None  # the official list it is on (SDN, EL …), where known
    terms: tuple[tuple[str, str], ...] = ()  # the listing's terms (Entity List licence requirement …)
    also_in: tuple[tuple[str, str, str], ...] = ()  # (list, date, id) of older files' copies set aside


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


@lru_cache(maxsize=1 << 16)
def is_patronymic(token: str) -> bool:
    return _PATRONYMIC.search(token) is not None


def compact_identifier(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def add_value(mapping: dict[str, int | tuple[int, ...]], key: str, value: int) -> None:
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
    spellings: Spellings = field(default_factory=lambda: Spellings.of([]))  # of vocab_tokens, for similar_tokens
    # token id -> form ids, as one flat array sliced by offsets (compact, and fast to pickle)
    post_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    post_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    post_pos: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))  # the token's position in the form
    post_span: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # and how many positions it covers
    key_table: KeyTable = field(default_factory=lambda: KeyTable.of([], []))  # lookup key -> token ids
    # similar_tokens of every list token as a Latin query token, computed at build (empty in an index
    # built by hand): a batch's query tokens are list tokens more often than not ("bank", "mohammed")
    near_start: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    near_flat: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    near_sim: np.ndarray = field(default_factory=lambda: np.zeros(0))
    near_credit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # and the credit of each (reach)
    # the first and last three and four letters of the list tokens of some name, each with the bit
    # of every length that starts or ends so (see JOINED_ENDS_MIN)
    joined_ends: dict[str, int] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    exact: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact original text -> forms
    # list tokens of some name by their spelling without doubled letters (align.DOUBLED_SIM): a dict,
    # as a query token looks up one such spelling, and a compiled lookup's call costs more than it does
    undoubled: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    identifiers: dict[str, int | tuple[int, ...]] = field(default_factory=dict)  # compact id -> entities
    lists: dict[str, dict[str, object]] = field(default_factory=dict)  # list id -> version facts
    # what the index was built from: its cache key (list files and the code that shapes it), set
    # when it is loaded (screen.load_index); a result's provenance names it
    digest: str = ""
    max_weight: float = 1.0
    entity_forms: list[tuple[int, ...]] = field(default_factory=list)  # entity -> its form ids
    # numpy views of columns above, made by freeze() for the vectorised retrieval
    total_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    floor_np: np.ndarray = field(default_factory=lambda: np.zeros(0))
    entity_np: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    person_np: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    vocab_len: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    form_wstart: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))  # form weights, flattened
    form_wflat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    post_first: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    _sessions: threading.local = field(default_factory=threading.local, repr=False, compare=False)  # per thread
    initials: dict[str, list[int]] = field(default_factory=dict, repr=False)  # see initial_tokens
    acronyms: dict[str, int] = field(default_factory=dict, repr=False)  # see _spelt_acronyms

    def __getstate__(self) -> dict[str, object]:
        """Pickle the columns only: the memo starts empty and the numpy views are rebuilt on load."""
        state = dict(self.__dict__)
        state.pop("_sessions", None)  # search state is each thread's own, never shipped
        for derived in ("total_np", "entity_np", "floor_np", "person_np", "vocab_len",
                        "form_wstart", "form_wflat", "post_first", "initials", "acronyms"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._sessions = threading.local()
        self.freeze()

    def session(self) -> SearchSession:
        """This thread's search state, made on its first search."""
        found: SearchSession | None = getattr(self._sessions, "state", None)
        if found is None:
            found = self._sessions.state = SearchSession()
        return found

    @property
    def _reach(self) -> ReachMemo:
        return self.session().reach

    def freeze(self) -> None:
        self.total_np = np.asarray(self.form_total, dtype=np.float64)
        self.floor_np = np.asarray(self.form_floor, dtype=np.float64)
        self.entity_np = np.asarray(self.form_entity, dtype=np.int64)
        self.person_np = np.asarray(self.form_person, dtype=bool)
        # an acronym entry is credited as an initial is (align.credit with shortest 1)
        self.vocab_len = np.asarray([1 if w[0] == ACRONYM else len(w) for w in self.vocab_tokens], dtype=np.int64)
        self.form_wstart = np.zeros(len(self.form_weights) + 1, dtype=np.int64)
        np.cumsum([len(w) for w in self.form_weights], out=self.form_wstart[1:])
        self.form_wflat = np.fromiter((x for w in self.form_weights for x in w), dtype=np.float64,
                                      count=int(self.form_wstart[-1]))
        # where each posting's first position sits in form_wflat: saves the kernel a lookup per posting
        self.post_first = (self.form_wstart[self.post_flat] + self.post_pos).astype(np.int32)
        # derived at load, not in each batch worker: the list tokens of two letters or more by their
        # first letter (initial_tokens), and the list words that may be acronyms (_spelt_acronyms)
        by_letter: dict[str, list[int]] = defaultdict(list)
        self.acronyms = {}
        for tid, (tok, real) in enumerate(zip(self.vocab_tokens, self.vocab_real_list, strict=True)):
            if real and len(tok) > 1:
                by_letter[tok[0]].append(tid)
                if len(tok) <= 4 and tok.isalpha() and self.idf.get(tok, 0.0) >= ACRONYM_MIN_WEIGHT:
                    self.acronyms[tok] = tid
        self.initials = dict(by_letter)

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
            add_value(self.exact, key, fid)
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

    def similar_tokens(self, token: str, tolerant: int, joined: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """List tokens (ids) similar to `token`, and their similarity, via the lookup keys.

        Every reached token is compared in one compiled loop (spellings.similar_spellings). A
        `joined` query token (two query tokens written together) aligns only within one edit
        (align.JOINED_EDITS), which the exact and one-deletion keys find in full.
        """
        stored = self._stored(token, tolerant, joined)
        if stored is not None:
            return self.near_flat[stored].astype(np.int64), self.near_sim[stored]
        found: dict[int, float] = {}
        tid = self.vocab.get(token)
        if joined and tolerant == EXACT:
            if not self.may_be_one_edit_away(token):  # half of them: nothing to look up or add
                return _NOTHING if tid is None else (np.array([tid]), _SAME)
            stems = [(SPELLING, "", token)]
        else:
            stems = query_stems(token, tolerant)
        if tid is not None:
            found[tid] = 1.0
        reached = self._lookup(stems, -1 if tid is None else tid)
        if len(reached):
            ids, sims = self.spellings.similar(token, tolerant, joined, reached)
            found.update(zip(ids.tolist(), sims.tolist(), strict=True))
        if tolerant == EXACT and not joined and token[0].isalpha():
            # an initial stands for a name starting with it (align.token_similarity): "m" for "mining"
            # and "j" for every list word starting with j; a bound, so any list token's tolerance
            if len(token) > 1:
                letter = self.vocab.get(token[0])
                others: Iterable[int] = () if letter is None else (letter,)
            else:
                others = self.initial_tokens(token)
            for other in others:
                found[other] = max(found.get(other, 0.0), TOKEN_CUTOFF)
        acronym = (self.vocab.get(ACRONYM + token) if not joined and 2 <= len(token) <= 4
                   and self.idf.get(token, self.max_weight) >= ACRONYM_MIN_WEIGHT else None)
        if acronym is not None:
            found[acronym] = TOKEN_CUTOFF
        if not joined:
            # spelling variants (align.variant_similarity): a one-vowel change is among the tokens
            # reached; doubled letters and nicknames are looked up in their own tables (Index.undoubled,
            # reference.nickname_relatives). A bound, so any tolerance.
            variants = {*found, *_values(self.undoubled.get(undouble(token))),
                      *(t for t in map(self.vocab.get, nickname_relatives().get(token, ())) if t is not None)}
            for other in variants:
                sim = variant_similarity(token, self.vocab_tokens[other])
                if sim > found.get(other, 0.0):
                    found[other] = sim
        if not found:
            return _NOTHING
        return (np.fromiter(found.keys(), dtype=np.int64, count=len(found)),
                np.fromiter(found.values(), dtype=np.float64, count=len(found)))

    def _stored(self, token: str, tolerant: int, joined: bool) -> slice | None:
        """Where Index.near_* hold the similar tokens of `token`, a list token looked up as a Latin
        query token (None for any other, or in an index built by hand)."""
        tid = self.vocab.get(token) if tolerant == EXACT and not joined else None
        if tid is None or tid + 1 >= len(self.near_start):
            return None
        lo, hi = int(self.near_start[tid]), int(self.near_start[tid + 1])
        return slice(lo, hi) if hi > lo else None

    def may_be_one_edit_away(self, token: str) -> bool:
        """Whether some list token of a name may be one edit from `token` (see JOINED_ENDS_MIN);
        False means none is."""
        n = len(token)
        if n < JOINED_ENDS_MIN or not self.joined_ends:
            return True
        first, last = end_keys(token, 4 if n >= 9 else 3)
        lengths = length_bit(n - 1) | length_bit(n) | length_bit(n + 1)
        return bool((self.joined_ends.get(first, 0) | self.joined_ends.get(last, 0)) & lengths)

    def _lookup(self, stems: list[Stem], exclude: int = -1) -> np.ndarray:
        return self.key_table.lookup(stems, self.scratch().seen, exclude)

    def scratch(self) -> Scratch:
        """The kernels' work arrays, made once per thread."""
        session = self.session()
        if session.scratch is None:
            session.scratch = Scratch(len(self.form_entity), len(self.form_wflat), len(self.entities),
                                      len(self.vocab_tokens))
        return session.scratch

    def initial_tokens(self, letter: str) -> list[int]:
        """The list tokens of two letters or more starting with `letter`."""
        return self.initials.get(letter, [])

    def _spelt_acronyms(self, tokens: Sequence[str]) -> list[tuple[int, int, int]]:
        """(first position, span, list token id) for each 2-4 neighbouring query tokens whose
        initials spell a list word of that length ("peoples liberation army" ~ "pla"), not all
        of them single letters (align.initials_of)."""
        if len(tokens) < 2:
            return []
        firsts = "".join([t[0] for t in tokens])
        found = []
        for span in (2, 3, 4):
            for i in range(len(tokens) - span + 1):
                tid = self.acronyms.get(firsts[i : i + span])
                if tid is not None and initials_of(tokens[i : i + span]):
                    found.append((i, span, tid))
        return found

    def reach(self, token: str, tolerant: int, joined: bool = False) -> tuple[int, int]:
        """Where in the memo's arrays (ReachMemo) the list tokens a query token reaches start and
        end, with the credit each would get (align.credit, the scorer's own, so sums of these
        bound the coverages)."""
        key = (token, tolerant, joined)
        span = self._reach.spans.get(key)
        if span is not None:
            return span
        stored = self._stored(token, tolerant, joined)
        if stored is not None:
            return self._reach.add(key, self.near_flat[stored], self.near_credit[stored])
        tids, sims = self.similar_tokens(token, tolerant, joined)
        # most tokens written together reach nothing: no compiled call for them
        return self._reach.add(key, tids, credits(sims, self.vocab_len[tids], len(token)) if len(tids) else sims)

    def _acronym_reach(self, tid: int) -> tuple[int, int]:
        """The memo's span of list word `tid` reached by the initials of several query tokens."""
        key = (ACRONYM, tid, False)  # no query token is spelt ACRONYM
        span = self._reach.spans.get(key)
        return span if span is not None else self._reach.add(key, np.array([tid]), _INITIALS)

    def bounds(self, forms: Sequence[NameForm], threshold: float, limit: int,
               form_weights: Sequence[tuple[float, ...]] | None = None, organization: bool = False,
               bonus: float = MAX_BONUS) -> tuple[np.ndarray, np.ndarray]:
        """(form ids, upper bound of q_cov x c_cov of each) of the forms that may score `threshold`,
        best first, cut after `limit` distinct entities.

        The scorer aligns each query token once, alone, joined with a neighbour ("al qaeda" ~
        "alqaeda") or as one of the words an acronym's letters stand for, and each list token once.
        So each query token counts its best credit over the ways it reached a list form (query
        side), and each of the form's tokens the best credit it was reached with (list side); summed
        with their weights, these bound the two coverages and so sqrt(q_cov x c_cov) (see scorer and
        kernels.rank_candidates). Each query form (reading) is bounded separately, as the scorer
        takes the best reading; a list form keeps its best bound. Forms whose bound plus `bonus`
        (the most the query's other features can add, scorer.Query.bonus_ceiling) stays under the
        threshold are never scored.
        """
        return self.bounds_many([QueryForms(forms, form_weights, organization, bonus)], threshold, limit)[0]

    def bounds_many(self, queries: Sequence[QueryForms], threshold: float, limit: int
                    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """bounds() of each query, in one call of the compiled ranking."""
        self._reach.make_room()
        q_forms = [0]
        q_need: list[float] = []
        q_organization: list[bool] = []
        q_n: list[int] = []
        q_slot: list[int] = []
        q_w: list[float] = []
        q_total: list[float] = []
        q_floor: list[float] = []
        slots: list[int] = []  # per slot: first position, positions covered, reach span (kernels.FIRST_POS...)
        for forms, form_weights, organization, bonus in queries:
            # q_cov * c_cov needed, each <= 1; a score that rounds up to the threshold is a hit
            q_need.append(max(threshold - bonus - ROUNDED_UP, 0.0) ** 2 - 1e-9)
            q_organization.append(organization)
            q_forms.append(q_forms[-1] + len(forms))
            for k, form in enumerate(forms):
                weights = form_weights[k] if form_weights else self.weights(form.tokens, organization)
                total = sum(weights) or 1.0
                q_n.append(len(form.tokens))
                q_slot.append(len(slots) // 4)
                q_w.extend(weights)
                q_total.append(total)
                q_floor.append(total if organization else lightest_total(form.tokens, weights))
                for i, (t, tol) in enumerate(zip(form.tokens, form.tolerant, strict=True)):
                    slots.extend((i, 1, *self.reach(t, tol)))
                for i in range(len(form.tokens) - 1):
                    tol = max(form.tolerant[i], form.tolerant[i + 1])
                    slots.extend((i, 2, *self.reach(form.tokens[i] + form.tokens[i + 1], tol, joined=True)))
                for i, span, tid in self._spelt_acronyms(form.tokens):
                    slots.extend((i, span, *self._acronym_reach(tid)))
        if not slots:
            return [_NOTHING] * len(queries)
        q_slot.append(len(slots) // 4)
        scratch = self.scratch()
        fids, bounds, starts = rank_candidates(
            self.post_start, self.post_flat, self.post_first, self.post_span, self.form_wstart, self.form_wflat,
            self.total_np, self.floor_np, self.person_np, self.entity_np, np.array(q_forms, dtype=np.int64),
            np.array(q_need, dtype=np.float64), np.array(q_organization, dtype=np.bool_),
            np.array(q_n, dtype=np.int64), np.array(q_slot, dtype=np.int64), np.array(q_w, dtype=np.float64),
            np.array(q_total, dtype=np.float64), np.array(q_floor, dtype=np.float64),
            np.array(slots, dtype=np.int64).reshape(-1, 4), self._reach.tokens, self._reach.credits, limit,
            scratch.gain, scratch.bound, scratch.flags, scratch.listed, scratch.entity, scratch.forms)
        ends = starts.tolist()
        return [(fids[lo:hi], bounds[lo:hi]) for lo, hi in pairwise(ends)]
