"""The scorer: named features, each with its contribution and a detail naming the values compared.

What a score means (documented in the README):
  name      sqrt(query coverage x list-name coverage), each coverage the rarity-weighted share of
            tokens aligned, times their credit (1 - 0.75 x edits^2 / length, see align.credit).
            1.0 = same tokens; a shared first name or a shared common word ("trading") covers
            little, so scores stay low. Geometric mean: a one-word query inside a three-word list
            name ("Emma" / "Emma Daniels") cannot score high. Patronymics weigh a quarter, unless
            both names carry one and they differ ("Ivanovich" / "Viktorovich"). In a person's name
            whose first and last names align, a middle name the other leaves out weighs 0.35
            ("Barack Obama" / "Barack Hussein Obama"). Place words in a company name weigh a third.
            A name aligned with a lone initial counts no more than the heaviest match in full, at
            the lighter of its two sides ("M. Svetlana" / "Svetlana Malakhova": a first name and an
            initial are no match).
  exact_script   the query is, letter for letter, a name the list writes in its original script
                 (高麗航空, ウラジーミル・プーチン): name score 1.0.
  weak_alias     the matched list name is a low-quality alias: x0.90.
  legal_form  both names carry a distinct legal form and they differ (AG / GmbH, LLC / JSC): -0.25.
            Co., Ltd., Corp., Inc. are used interchangeably and never count as a difference.
  numbers   not persons, and the numbers in the names differ, digits or roman numerals ("Fund I" /
            "Fund", "Factory 93" / "Factory 39"): -0.15. Number words count as numbers ("Forty-Four").
  type      person vs organisation disagree: -0.15.
  country   query country among the entity's countries: +0.02; entity has countries, none match: -0.05.
  birth_date  same year: +0.03; every year more than one apart: -0.15.
  identifier  an identical identifier (passport, registration, IMO …): score 1.0, decisive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sekisho.lists.model import EntityType, NameKind
from sekisho.match.align import Pair, align
from sekisho.match.index import (
    ACRONYM_MIN_WEIGHT,
    MIDDLE_WEIGHT,
    ORGANIZATION_TYPES,
    PATRONYMIC_WEIGHT,
    ROUNDED_UP,
    SCORE_DECIMALS,
    EntityRef,
    FormRecord,
    Index,
    compact_identifier,
    is_patronymic,
)
from sekisho.names.normalize import NameForm, compact_key, name_forms
from sekisho.names.reference import legal_forms

WEAK_ALIAS_FACTOR = 0.90
TYPE_PENALTY = 0.15
LEGAL_FORM_PENALTY = 0.25
NUMBER_PENALTY = 0.15
COUNTRY_BONUS = 0.02
COUNTRY_PENALTY = 0.05
DOB_BONUS = 0.03
DOB_PENALTY = 0.15


@dataclass(frozen=True)
class Query:
    name: str
    forms: tuple[NameForm, ...]
    type: EntityType | None = None
    country: str | None = None
    birth_year: int | None = None
    identifiers: tuple[str, ...] = ()
    compact: str = ""

    @property
    def organization(self) -> bool:
        return self.type in ORGANIZATION_TYPES

    @property
    def bonus_ceiling(self) -> float:
        """The most the non-name features can add to this query's score: a country or a birth
        year it does not give can earn no bonus, so retrieval need not pass forms for one."""
        return (COUNTRY_BONUS if self.country else 0.0) + (DOB_BONUS if self.birth_year else 0.0)

    def weights(self, index: Index) -> list[tuple[float, ...]]:
        """Token weights of each form, by the index's rarity (place words count less in a company)."""
        return [index.weights(f.tokens, self.organization) for f in self.forms]

    @classmethod
    def build(cls, name: str, type: EntityType | None = None, country: str | None = None,
              birth_year: int | None = None, identifiers: tuple[str, ...] = ()) -> Query:
        forms = name_forms(name, type is EntityType.PERSON)
        return cls(name, forms, type, country.upper() if country else None, birth_year,
                   tuple(k for k in (compact_identifier(i) for i in identifiers) if len(k) >= 5),
                   compact_key(name))


@dataclass(frozen=True)
class Feature:
    name: str
    value: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.name, "value": round(self.value, 4), "detail": self.detail}


@dataclass
class Scored:
    score: float
    form_id: int
    entity: EntityRef
    matched_name: str
    matched_kind: NameKind
    features: list[Feature] = field(default_factory=list)
    # what the name feature compared, kept so that explaining a hit needs no second alignment
    query_form: NameForm = field(default_factory=lambda: NameForm((), (), frozenset()))
    query_weights: tuple[float, ...] = ()
    list_form: NameForm = field(default_factory=lambda: NameForm((), (), frozenset()))
    list_weights: tuple[float, ...] = ()
    pairs: list[Pair] = field(default_factory=list)

    def token_table(self) -> list[dict[str, Any]]:
        """Each aligned pair with its similarity, credit and weight, then each unaligned token."""
        q, c, qw = self.query_form.tokens, self.list_form.tokens, self.query_weights
        counted, _ = _initials_capped(self.query_form, qw, self.list_form, self.list_weights, self.pairs)
        rows: list[dict[str, Any]] = []
        for p in self.pairs:
            row = {"query": " ".join(q[i] for i in p.q), "list": " ".join(c[j] for j in p.c),
                   "similarity": round(p.sim, 3), "credit": round(p.credit, 3),
                   "weight": round(sum(qw[i] for i in p.q), 2)}
            if any(counted[i] != qw[i] for i in p.q):  # a name aligned with an initial (_initials_capped)
                row["counted_weight"] = round(sum(counted[i] for i in p.q), 2)
            rows.append(row)
        aligned_q = {i for p in self.pairs for i in p.q}
        aligned_c = {j for p in self.pairs for j in p.c}
        rows += [{"query": t, "list": None, "similarity": 0.0, "weight": round(qw[i], 2)}
                 for i, t in enumerate(q) if i not in aligned_q]
        rows += [{"query": None, "list": t, "similarity": 0.0, "weight": round(self.list_weights[j], 2)}
                 for j, t in enumerate(c) if j not in aligned_c]
        return rows

    def explanation(self) -> dict[str, Any]:
        return {
            "matched_name_kind": self.matched_kind.value,
            "query_normalized": self.query_form.text,
            "list_normalized": self.list_form.text,
            "tokens": self.token_table(),
            "features": [f.to_dict() for f in self.features],
        }


def _conflicting_patronymics(q: NameForm, qw: tuple[float, ...], c: NameForm, cw: tuple[float, ...],
                             pairs: list[Pair]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A patronymic weighs little when one name leaves it out, in full when both give different ones."""
    q_left = [i for i in range(len(q.tokens)) if is_patronymic(q.tokens[i]) and all(i not in p.q for p in pairs)]
    c_left = [j for j in range(len(c.tokens)) if is_patronymic(c.tokens[j]) and all(j not in p.c for p in pairs)]
    if not q_left or not c_left:
        return qw, cw
    full_q = tuple(w / PATRONYMIC_WEIGHT if i in q_left else w for i, w in enumerate(qw))
    full_c = tuple(w / PATRONYMIC_WEIGHT if j in c_left else w for j, w in enumerate(cw))
    return full_q, full_c


def _left_out_middle(form: NameForm, aligned: set[int]) -> list[int]:
    """Unaligned middle names (not patronymics) of a name whose first and last names both aligned."""
    n = len(form.tokens)
    if n < 3 or 0 not in aligned or n - 1 not in aligned:
        return []
    return [i for i in range(1, n - 1) if i not in aligned and not is_patronymic(form.tokens[i])]


def _middle_names(q: NameForm, qw: tuple[float, ...], c: NameForm, cw: tuple[float, ...], pairs: list[Pair]
                  ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A person's middle name that the other name leaves out counts MIDDLE_WEIGHT ("Barack Obama" /
    "Barack Hussein Obama"); two middle names that do not even share an initial ("Hans O." / "Hans
    Joachim") count in full."""
    q_mid = _left_out_middle(q, {i for p in pairs for i in p.q})
    c_mid = _left_out_middle(c, {j for p in pairs for j in p.c})
    if q_mid and c_mid and not {q.tokens[i][0] for i in q_mid} & {c.tokens[j][0] for j in c_mid}:
        return qw, cw
    return (tuple(x * MIDDLE_WEIGHT if i in q_mid else x for i, x in enumerate(qw)),
            tuple(x * MIDDLE_WEIGHT if j in c_mid else x for j, x in enumerate(cw)))


def _initials_capped(q: NameForm, qw: tuple[float, ...], c: NameForm, cw: tuple[float, ...], pairs: list[Pair]
                     ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The weights that aligned tokens count with: a name aligned with a lone initial counts no more
    than the heaviest match in full, a match weighing as the lighter of its two sides (a reading
    such as "nikiita" is rare only as a spelling; its whole weight still counts in the total). The
    first letter supports a match the full names make; it cannot carry one: "A Rahman" is no hit
    for "Rahman Asgharian", "N. Nazarbayev" is one for "Nursultan Nazarbayev"."""
    initial = [p for p in pairs if len(p.q) == len(p.c) == 1 and not p.acronym
               and (len(q.tokens[p.q[0]]) == 1) != (len(c.tokens[p.c[0]]) == 1)]
    if not initial:
        return qw, cw
    cap = max((min(sum(qw[i] for i in p.q), sum(cw[j] for j in p.c)) for p in pairs
               if p not in initial and not p.acronym), default=0.0)
    q_capped = {p.q[0] for p in initial if len(q.tokens[p.q[0]]) > 1}
    c_capped = {p.c[0] for p in initial if len(c.tokens[p.c[0]]) > 1}
    return (tuple(min(w, cap) if i in q_capped else w for i, w in enumerate(qw)),
            tuple(min(w, cap) if j in c_capped else w for j, w in enumerate(cw)))


def name_similarity(q: NameForm, qw: tuple[float, ...], c: NameForm, cw: tuple[float, ...], person: bool = False
                    ) -> tuple[float, list[Pair]]:
    if not q.tokens or not c.tokens:
        return 0.0, []
    pairs = [p for p in align(q.tokens, q.tolerant, c.tokens, c.tolerant)
             if not p.acronym or (qw[p.q[0]] if len(p.q) == 1 else cw[p.c[0]]) >= ACRONYM_MIN_WEIGHT]
    qw, cw = _conflicting_patronymics(q, qw, c, cw, pairs)
    if person:
        qw, cw = _middle_names(q, qw, c, cw, pairs)
    q_counted, c_counted = _initials_capped(q, qw, c, cw, pairs)
    q_got = sum(p.credit * sum(q_counted[i] for i in p.q) for p in pairs)
    c_got = sum(p.credit * sum(c_counted[j] for j in p.c) for p in pairs)
    q_cov = q_got / (sum(qw) or 1.0)
    c_cov = c_got / (sum(cw) or 1.0)
    return math.sqrt(max(q_cov, 0.0) * max(c_cov, 0.0)), pairs


def _exact_script(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    if score < 1.0 and fid in index.exact_forms(query.compact):
        return Feature("exact_script", 1.0 - score, f"query is written exactly as {index.form_name[fid]!r}")
    return None


def _weak_alias(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    if index.form_kind[fid] is NameKind.WEAK:
        return Feature("weak_alias", score * (WEAK_ALIAS_FACTOR - 1.0), "matched a low-quality alias")
    return None


def _legal_form(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    generic = legal_forms().generic
    ours = set(query.forms[0].legal_forms) - generic
    theirs = set(index.form_legal[fid]) - generic
    if ours and theirs and not ours & theirs:
        return Feature("legal_form", -LEGAL_FORM_PENALTY, f"{sorted(ours)} vs {sorted(theirs)}")
    return None


_ROMAN = {r: str(i) for i, r in enumerate(("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"), 1)}


def _numbers_in(tokens: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_ROMAN.get(t, t) for t in tokens if t.isdigit() or t in _ROMAN)


def _numbers(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    if entity.type is EntityType.PERSON or query.type is EntityType.PERSON:
        return None  # "V." is an initial in a person's name
    ours = _numbers_in(query.forms[0].tokens)
    theirs = _numbers_in(index.form_tokens[fid])
    if ours != theirs:
        return Feature("numbers", -NUMBER_PENALTY, f"{sorted(ours)} vs {sorted(theirs)}")
    return None


def _types_differ(query: Query, entity: EntityRef) -> bool:
    """A person against an organisation, both types known."""
    if query.type is None or entity.type is EntityType.UNKNOWN:
        return False
    return (query.type in ORGANIZATION_TYPES) != (entity.type in ORGANIZATION_TYPES)


def _type(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    if not _types_differ(query, entity):
        return None
    assert query.type is not None
    return Feature("type", -TYPE_PENALTY, f"query is {query.type.value}, list entry is {entity.type.value}")


def _agreement(name: str, agrees: bool, disagrees: bool, bonus: float, penalty: float, detail: str
               ) -> Feature | None:
    """A bonus when a fact agrees, a penalty when it plainly disagrees, nothing when unknown."""
    if agrees:
        return Feature(name, bonus, detail)
    if disagrees:
        return Feature(name, -penalty, detail)
    return None


def _country(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    if not query.country or not entity.countries:
        return None
    inside = query.country in entity.countries
    return _agreement("country", inside, not inside, COUNTRY_BONUS, COUNTRY_PENALTY,
                      f"{query.country} {'in' if inside else 'not in'} {list(entity.countries)}")


def _birth_date(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    year = query.birth_year
    if not year or not entity.birth_years:
        return None
    return _agreement("birth_date", year in entity.birth_years, all(abs(year - y) > 1 for y in entity.birth_years),
                      DOB_BONUS, DOB_PENALTY, f"{year} vs {list(entity.birth_years)}")


def _identifier(index: Index, query: Query, fid: int, entity: EntityRef, score: float) -> Feature | None:
    ids = {v: t for t, v in entity.identifiers}
    same = [i for i in query.identifiers if i in ids]
    if same:
        return Feature("identifier", 1.0 - score, f"{ids[same[0]]} {same[0]} identical")
    return None


# Applied in this order after the name feature, each seeing the score so far; see the module docstring.
FEATURES = (_exact_script, _weak_alias, _legal_form, _numbers, _type, _country, _birth_date, _identifier)


def score_ceiling(index: Index, query: Query, fid: int, name_bound: float) -> float:
    """The most form `fid` can score, with its name score at most `name_bound`: what is known
    before aligning (a weak alias, a person against an organisation) applied as score_form
    applies it, plus the bonus the query can earn and a rounding up. Not for a form written
    exactly as the query (exact_script) or sharing an identifier with it: those can score 1.0."""
    most = name_bound * (WEAK_ALIAS_FACTOR if index.form_kind[fid] is NameKind.WEAK else 1.0)
    if _types_differ(query, index.entities[index.form_entity[fid]]):
        most -= TYPE_PENALTY
    return most + query.bonus_ceiling + ROUNDED_UP


def score_form(index: Index, query: Query, fid: int, qweights: list[tuple[float, ...]] | None = None) -> Scored:
    record: FormRecord = index.form(fid)
    entity = index.entities[record.entity]
    best, best_pairs, best_q = -1.0, [], query.forms[0]
    best_qw: tuple[float, ...] = ()
    person = entity.type is EntityType.PERSON and not query.organization
    for k, qf in enumerate(query.forms):
        qw = qweights[k] if qweights else index.weights(qf.tokens, query.organization)
        s, pairs = name_similarity(qf, qw, record.form, record.weights, person)
        if s > best:
            best, best_pairs, best_q, best_qw = s, pairs, qf, qw
    features = [Feature("name", best, f"{best_q.text!r} ~ {record.form.text!r}")]
    score = best
    for feature in FEATURES:
        found = feature(index, query, fid, entity, score)
        if found is not None:
            features.append(found)
            score += found.value
    score = min(1.0, max(0.0, score))
    return Scored(round(score, SCORE_DECIMALS), fid, entity, record.name, record.kind, features, best_q, best_qw,
                  record.form, record.weights, best_pairs)
