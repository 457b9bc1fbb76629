"""Building the index from loaded lists: every name's forms, their token weights, the lookup keys
and each list token's similar list tokens, computed once so that a search only reads them."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from sekisho.lists.model import EntityType, LoadedList, NameKind
from sekisho.match.align import initials_of, undouble
from sekisho.match.filing import READING, consonant_keys, filed_affixes, joined_ends, spelling_keys
from sekisho.match.index import (
    ACRONYM,
    IDF_OFFSET,
    MIN_WEIGHT,
    EntityRef,
    Index,
    add_value,
    compact_identifier,
)
from sekisho.match.kernels import credits
from sekisho.match.keys import KeyTable
from sekisho.match.spellings import TOLERANCE_BIT, Spellings
from sekisho.names.normalize import ABJAD, EXACT, STRICT, SYLLABIC, NameForm, name_forms


def build_index(loaded: Iterable[LoadedList]) -> Index:
    index = Index()
    key_names: list[str] = []  # list token key_tokens[i] is filed under key_names[i] (KeyTable.of)
    key_tokens: list[int] = []
    df: dict[str, int] = defaultdict(int)
    pending: list[tuple[int, str, NameKind, NameForm]] = []
    for lst in loaded:
        v = lst.version
        index.lists[v.list_id] = {"id": v.list_id, "jurisdiction": v.jurisdiction, "title": v.title,
                                  "date": v.date, "sha256": v.sha256, "entities": len(lst.entities),
                                  "names": lst.name_count, "warnings": len(lst.warnings),
                                  "set_aside": len(lst.set_aside)}
        for entity in lst.entities:
            eid = len(index.entities)
            years = sorted({int(d[:4]) for d in entity.birth_dates if d[:4].isdigit()})
            index.entities.append(EntityRef(
                entity.id, entity.list_id, entity.primary_name, entity.type, tuple(entity.countries),
                tuple(years), tuple((i.type, compact_identifier(i.value)) for i in entity.identifiers),
                entity.official, tuple(entity.terms.items()), tuple(entity.also_in)))
            for ident in entity.identifiers:
                key = compact_identifier(ident.value)
                if len(key) >= 5:
                    add_value(index.identifiers, key, eid)
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
    postings: list[list[tuple[int, int, int]]] = []  # per token: (form, first position, positions covered)

    fully_keyed: set[int] = set()

    def file(keys: list[str], tid: int) -> None:
        key_names.extend(keys)
        key_tokens.extend([tid] * len(keys))

    def token_id(tok: str, tolerant: int, keyed: bool, real: bool) -> int:
        # Latin joined neighbours get deletion keys (a Latin token aligns with them within one edit,
        # align.JOINED_EDITS) and skeleton keys (a reading aligns with them by its consonants)
        tid = index.vocab.get(tok)
        if tid is None:
            tid = len(index.vocab_tokens)
            index.vocab[tok] = tid
            index.vocab_tokens.append(tok)
            index.vocab_mask.append(TOLERANCE_BIT[tolerant])
            index.vocab_real_list.append(False)
            postings.append([])
            # an acronym entry is reached by its exact letters only (Index.similar_tokens)
            if tok[0] != ACRONYM:
                file(spelling_keys(tok) + consonant_keys(tok, SYLLABIC) + consonant_keys(tok, ABJAD), tid)
        else:
            index.vocab_mask[tid] |= TOLERANCE_BIT[tolerant]
        if real and not index.vocab_real_list[tid]:
            index.vocab_real_list[tid] = True
            add_value(index.undoubled, undouble(tok), tid)
        if keyed and tid not in fully_keyed:
            fully_keyed.add(tid)
            file([kind + text for kind, text in filed_affixes(tok)], tid)
        return tid

    for eid, text, kind, form in pending:
        fid = index.add_form(eid, text, kind, form)
        toks = form.tokens
        for i, tok in enumerate(toks):
            postings[token_id(tok, form.tolerant[i], True, True)].append((fid, i, 1))
        for i in range(len(toks) - 1):
            tol = max(form.tolerant[i], form.tolerant[i + 1])
            postings[token_id(toks[i] + toks[i + 1], tol, tol in (ABJAD, SYLLABIC), False)].append((fid, i, 2))
        for span in (2, 3, 4):
            for i in range(len(toks) - span + 1):
                letters = initials_of(toks[i : i + span])
                if letters:
                    postings[token_id(ACRONYM + letters, EXACT, False, False)].append((fid, i, span))
    for tid, tok in enumerate(index.vocab_tokens):
        for tolerant in (ABJAD, SYLLABIC):
            if index.vocab_mask[tid] & TOLERANCE_BIT[tolerant]:
                file(consonant_keys(tok, tolerant, READING), tid)
    index.spellings = Spellings.of(index.vocab_tokens, index.vocab_mask, index.vocab_real_list)
    index.joined_ends = joined_ends(t for t, real in zip(index.vocab_tokens, index.vocab_real_list, strict=True)
                                    if real)
    index.key_table = KeyTable.of(key_names, key_tokens)
    index.post_start = np.cumsum([0, *(len(p) for p in postings)], dtype=np.int64)
    flat = [posting for p in postings for posting in p]
    index.post_flat = np.fromiter((f for f, _, _ in flat), dtype=np.int32, count=len(flat))
    index.post_pos = np.fromiter((i for _, i, _ in flat), dtype=np.int16, count=len(flat))
    index.post_span = np.fromiter((n for _, _, n in flat), dtype=np.int8, count=len(flat))
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
    gained: list[float] = []
    for tid, token in enumerate(index.vocab_tokens):
        if index.vocab_real_list[tid]:
            ids, found = index.similar_tokens(token, EXACT)
            flat += ids.tolist()
            sims += found.tolist()
            gained += credits(found, index.vocab_len[ids], len(token)).tolist() if len(ids) else []
        starts.append(len(flat))
    index.near_flat = np.asarray(flat, dtype=np.int32)
    index.near_sim = np.asarray(sims, dtype=np.float64)
    index.near_credit = np.asarray(gained, dtype=np.float64)
    index.near_start = np.asarray(starts, dtype=np.int64)
