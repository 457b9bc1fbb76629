"""Compiled loops over the index arrays: the part of retrieval that touches every posting.

A query reaches a few hundred list forms through a few list tokens each; summing their gains in
numpy costs a dozen array calls per query token, and the calls, not the arithmetic, dominated
batch screening. numba compiles these loops once per installation (cache=True keeps the machine
code beside this module, or in the user's cache folder when that is read-only).

The kernel holds the GIL (numba's default), so the scratch arrays it shares across calls within a
process are used by one call at a time; it leaves them zeroed on return.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numba
import numpy as np

from sekisho.match.align import CREDIT_SLOPE, INITIALS_CREDIT

_F = TypeVar("_F", bound=Callable[..., Any])


def compiled(fn: _F) -> _F:
    return cast(_F, numba.njit(cache=True)(fn))


def flat_bytes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """ASCII texts as one flat byte array, and the offsets that slice it, for the compiled loops."""
    start = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=start[1:])
    return np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).copy(), start


# Scratch.flags bits of a list form
AT_POSITION = 1  # reached by the query position being summed
IN_FORM = 2  # reached by the query form being summed
PASSED = 4  # its bound reached the need (through some query form)
STRONG = 8  # reached by the query form with a credit c, c^2 >= need
FIRST = 16  # the query form's first token reached it
LAST = 32  # and its last
ESSENTIAL = 64  # reached through a query token that is not among the lightest (rank_candidates)

# The columns of rank_candidates' slots: the first query position a slot covers, how many it
# covers, and where its list tokens start and end in the reach arrays
FIRST_POS, SPAN, LO, HI = 0, 1, 2, 3


class Scratch:
    """Zeroed work arrays, allocated once per process and index: per list form a row of gains and
    one byte of flags (the bits above), per list position its best credit."""

    def __init__(self, n_forms: int, n_tokens: int, n_entities: int, n_vocabulary: int) -> None:
        self.gain = np.zeros((n_forms, 3))  # best query-side credit at this position; the two sums
        self.bound = np.zeros(n_forms)
        self.flags = np.zeros(n_forms, dtype=np.uint8)
        self.listed = np.zeros(n_tokens)  # 1 + best credit of each list form's token, 0 when not reached
        self.entity = np.zeros(n_entities, dtype=np.bool_)
        self.forms = np.empty((4, n_forms), dtype=np.int64)  # lists of form ids, filled from the start
        self.seen = np.zeros(n_vocabulary, dtype=np.uint8)  # list tokens a query token's keys reached (keys.lookup)


@compiled
def credits(sims: np.ndarray, lengths: np.ndarray, length: int) -> np.ndarray:
    """align.credit of a token of `length` letters against tokens of `lengths` letters with
    similarities `sims`: one compiled loop, where numpy took a dozen calls on a handful of tokens."""
    out = np.empty(len(sims))
    for i in range(len(sims)):
        longer, shortest = max(length, lengths[i]), min(length, lengths[i])
        if sims[i] >= 1.0:
            out[i] = 1.0
        elif shortest == 1:
            out[i] = INITIALS_CREDIT
        else:
            out[i] = max(0.0, 1.0 - CREDIT_SLOPE * longer * (1.0 - sims[i]) ** 2)
    return out


@compiled
def rank_candidates(post_start: np.ndarray, post_flat: np.ndarray, post_first: np.ndarray, post_span: np.ndarray,
                    form_wstart: np.ndarray, form_wflat: np.ndarray, form_total: np.ndarray,
                    form_floor: np.ndarray, form_person: np.ndarray, form_entity: np.ndarray,
                    q_forms: np.ndarray, q_need: np.ndarray, q_organization: np.ndarray,
                    q_n: np.ndarray, q_slot: np.ndarray, q_w: np.ndarray, q_total: np.ndarray,
                    q_floor: np.ndarray, slots: np.ndarray, reach_tok: np.ndarray, reach_cred: np.ndarray,
                    limit: int, gain: np.ndarray, bound: np.ndarray, flags: np.ndarray, listed: np.ndarray,
                    seen: np.ndarray, forms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of several queries, (form ids, bounds) of the forms whose bound of q_cov x c_cov
    reaches its need, best first, cut after `limit` distinct entities: all end to end, query j's
    from out_start[j] to out_start[j + 1]. One call for a batch of queries, as a call's arguments
    cost as much to pass as a small query's ranking.

    Query j has the query forms q_forms[j] to q_forms[j + 1], needs q_need[j] and is an
    organisation or not (q_organization[j]). Query form k has q_n[k] tokens with weights
    q_w[sum(q_n[:k]) + i] and the slots q_slot[k] to q_slot[k + 1]. Slot s covers slots[s, SPAN]
    tokens from position slots[s, FIRST_POS] (one token alone, two written together, or several
    whose initials spell one list word) and reached the list tokens reach_tok[slots[s, LO]:slots[s,
    HI]] with credits reach_cred (Index.reach). A posting p puts a list token in form post_flat[p]
    at post_span[p] positions, the first at post_first[p] in form_wflat.
    The scorer aligns one token with one, or one with several (written together, or initials), never
    several with several: a slot of several tokens counts only postings of one position.

    Query side: each query position takes its best credit over the slots covering it (a token
    aligns once in the scorer), times its weight. List side: each list position takes the best
    credit any slot gave it, times its weight in that form. Summed, these bound the coverages.
    The scorer lets a person's unaligned middle names weigh less only when that name's first and
    last tokens aligned, so the lighter totals divide only when both were reached.
    """
    by_pos, by_form, passed, strong = forms[0], forms[1], forms[2], forms[3]
    found_ids = [np.empty(0, np.int64) for _ in range(0)]
    found_bounds = [np.empty(0) for _ in range(0)]
    w_base = 0
    for j in range(len(q_forms) - 1):
        fids, bounds = _rank_one(post_start, post_flat, post_first, post_span, form_wstart, form_wflat, form_total,
                                 form_floor, form_person, form_entity, q_forms[j], q_forms[j + 1], w_base, q_n,
                                 q_slot, q_w, q_total, q_floor, q_organization[j], slots, reach_tok, reach_cred,
                                 q_need[j], limit, gain, bound, flags, listed, seen, by_pos, by_form, passed, strong)
        found_ids.append(fids)
        found_bounds.append(bounds)
        for k in range(q_forms[j], q_forms[j + 1]):
            w_base += q_n[k]
    out_start = np.zeros(len(found_ids) + 1, np.int64)
    for j in range(len(found_ids)):
        out_start[j + 1] = out_start[j] + len(found_ids[j])
    out_ids = np.empty(out_start[-1], np.int64)
    out_bounds = np.empty(out_start[-1])
    for j in range(len(found_ids)):
        out_ids[out_start[j] : out_start[j + 1]] = found_ids[j]
        out_bounds[out_start[j] : out_start[j + 1]] = found_bounds[j]
    return out_ids, out_bounds, out_start


@compiled
def _rank_one(post_start: np.ndarray, post_flat: np.ndarray, post_first: np.ndarray, post_span: np.ndarray,
              form_wstart: np.ndarray, form_wflat: np.ndarray, form_total: np.ndarray, form_floor: np.ndarray,
              form_person: np.ndarray, form_entity: np.ndarray, first_form: int, end_form: int, w_base: int,
              q_n: np.ndarray, q_slot: np.ndarray, q_w: np.ndarray, q_total: np.ndarray, q_floor: np.ndarray,
              organization: bool, slots: np.ndarray, reach_tok: np.ndarray, reach_cred: np.ndarray, need: float,
              limit: int, gain: np.ndarray, bound: np.ndarray, flags: np.ndarray, listed: np.ndarray,
              seen: np.ndarray, by_pos: np.ndarray, by_form: np.ndarray, passed: np.ndarray, strong: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """rank_candidates for one query: its forms first_form to end_form, their weights from
    q_w[w_base] on."""
    n_passed = 0
    for k in range(first_form, end_form):
        n = q_n[k]
        n_form = 0
        # Only forms reached both strongly and through an essential token are summed:
        # - a form aligned only with credits c < sqrt(need) scores at most c on both coverages, so
        #   weak entries (an initial's 0.70, a poor spelling) only add to forms a strong one reached;
        # - the lightest query tokens whose weights sum to less than need x the lightest query total
        #   cannot make q_cov alone ("al", "trading": the longest postings), so a form must be
        #   reached by one of the others (MaxScore).
        essential = _essential(q_w[w_base : w_base + n], need * min(q_floor[k], q_total[k]))
        # a slot is essential when it covers an essential position
        slot_essential = np.zeros(q_slot[k + 1] - q_slot[k], np.bool_)
        for s in range(q_slot[k], q_slot[k + 1]):
            slot_essential[s - q_slot[k]] = essential[slots[s, FIRST_POS] : slots[s, FIRST_POS] + slots[s, SPAN]].any()
        n_strong = 0
        for s in range(q_slot[k], q_slot[k + 1]):
            for j in range(slots[s, LO], slots[s, HI]):
                if reach_cred[j] * reach_cred[j] >= need:
                    tok = reach_tok[j]
                    for p in range(post_start[tok], post_start[tok + 1]):
                        f = post_flat[p]
                        if _several_to_several(slots[s, SPAN], post_span[p]):
                            continue
                        if not flags[f] & STRONG:
                            flags[f] |= STRONG
                            strong[n_strong] = f
                            n_strong += 1
        _mark_postings(q_slot[k], q_slot[k + 1], slot_essential, slots, reach_tok, post_start, post_flat, flags,
                       True)
        for i in range(n):
            n_pos = 0
            for s in range(q_slot[k], q_slot[k + 1]):
                if not slots[s, FIRST_POS] <= i < slots[s, FIRST_POS] + slots[s, SPAN]:
                    continue
                for j in range(slots[s, LO], slots[s, HI]):
                    tok = reach_tok[j]
                    cq = reach_cred[j]
                    for p in range(post_start[tok], post_start[tok + 1]):
                        f = post_flat[p]
                        if (flags[f] & (STRONG | ESSENTIAL)) != (STRONG | ESSENTIAL) or _several_to_several(
                                slots[s, SPAN], post_span[p]):
                            continue
                        if not flags[f] & AT_POSITION:
                            flags[f] |= AT_POSITION
                            by_pos[n_pos] = f
                            n_pos += 1
                        gain[f, 0] = max(gain[f, 0], cq)
                        first = post_first[p]
                        for q in range(first, first + post_span[p]):
                            listed[q] = max(listed[q], 1.0 + cq)
            w = q_w[w_base + i]
            end = (FIRST if i == 0 else 0) | (LAST if i == n - 1 else 0)
            for m in range(n_pos):
                f = by_pos[m]
                gain[f, 1] += gain[f, 0] * w
                gain[f, 0] = 0.0
                flags[f] = (flags[f] & ~AT_POSITION) | end
                if not flags[f] & IN_FORM:
                    flags[f] |= IN_FORM
                    by_form[n_form] = f
                    n_form += 1
        w_base += n
        _mark_postings(q_slot[k], q_slot[k + 1], slot_essential, slots, reach_tok, post_start, post_flat, flags,
                       False)
        for m in range(n_strong):
            flags[strong[m]] &= ~STRONG
        for m in range(n_form):
            f = by_form[m]
            lo, hi = form_wstart[f], form_wstart[f + 1]
            for q in range(lo, hi):
                if listed[q] > 0.0:
                    gain[f, 2] += (listed[q] - 1.0) * form_wflat[q]
            lighter = form_person[f] and not organization
            both_ends = (flags[f] & (FIRST | LAST)) == (FIRST | LAST)
            q_den = q_floor[k] if lighter and (both_ends or n < 3) else q_total[k]
            c_den = form_floor[f] if lighter and listed[lo] > 0.0 and listed[hi - 1] > 0.0 else form_total[f]
            b = min(gain[f, 1] / q_den, 1.0) * min(gain[f, 2] / c_den, 1.0)
            for q in range(lo, hi):
                listed[q] = 0.0
            gain[f, 1] = 0.0
            gain[f, 2] = 0.0
            flags[f] &= PASSED
            if b >= need:
                if not flags[f] & PASSED:
                    flags[f] |= PASSED
                    passed[n_passed] = f
                    n_passed += 1
                    bound[f] = b
                elif b > bound[f]:  # the same list form through another reading: its best
                    bound[f] = b
    return _best_entities(passed[:n_passed], bound, flags, form_entity, limit, seen)


@compiled
def _several_to_several(slot_span: int, post_span: int) -> bool:
    """Several query tokens against several list tokens: an alignment the scorer never makes."""
    return slot_span > 1 and post_span > 1


@compiled
def _mark_postings(first_slot: int, end_slot: int, chosen: np.ndarray, slots: np.ndarray, reach_tok: np.ndarray,
                   post_start: np.ndarray, post_flat: np.ndarray, flags: np.ndarray, on: bool) -> None:
    """Set (or clear) ESSENTIAL on every form that a `chosen` slot of first_slot..end_slot reaches."""
    for s in range(first_slot, end_slot):
        if chosen[s - first_slot]:
            for j in range(slots[s, LO], slots[s, HI]):
                tok = reach_tok[j]
                for p in range(post_start[tok], post_start[tok + 1]):
                    if on:
                        flags[post_flat[p]] |= ESSENTIAL
                    else:
                        flags[post_flat[p]] &= ~ESSENTIAL


@compiled
def _essential(weights: np.ndarray, enough: float) -> np.ndarray:
    """Which query positions are essential: all but the lightest, as many as weigh less than
    `enough` together (those alone cannot reach it)."""
    essential = np.ones(len(weights), np.bool_)
    light = 0.0
    for i in np.argsort(weights, kind="mergesort"):
        if light + weights[i] >= enough:
            break
        light += weights[i]
        essential[i] = False
    return essential


@compiled
def _best_entities(passed: np.ndarray, bound: np.ndarray, flags: np.ndarray, form_entity: np.ndarray,
                   limit: int, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The passed forms best bound first (ties by form id), cut after `limit` distinct entities:
    every passing form of each, so that one entry's many spellings do not crowd out its relatives
    ("Ayman" and "Ibrahim Sabawi Ibrahim Hasan al-Tikriti"). Clears the bounds and flags it reads."""
    fids = np.sort(passed)
    bounds = np.empty(len(fids))
    for m in range(len(fids)):
        f = fids[m]
        bounds[m] = bound[f]
        bound[f] = 0.0
        flags[f] &= ~PASSED
    order = np.argsort(-bounds, kind="mergesort")
    fids, bounds = fids[order], bounds[order]
    cut, entities = len(fids), 0
    for m in range(len(fids)):
        e = form_entity[fids[m]]
        if not seen[e]:
            if entities == limit:
                cut = m
                break
            seen[e] = True
            entities += 1
    for m in range(cut):
        seen[form_entity[fids[m]]] = False
    return fids[:cut], bounds[:cut]


def load() -> None:
    """Compile the kernels, or load them from numba's cache: once per process, e.g. before forking
    batch workers so that they inherit the machine code instead of each loading it."""
    ints = np.zeros(0, np.int64)
    one = np.zeros(1, np.int64)
    floats = np.zeros(0)
    flags = np.zeros(0, np.bool_)
    credits(floats, ints, 1)
    rank_candidates(one, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int8), one, floats, floats,
                    floats, flags, ints, np.zeros(2, np.int64), np.zeros(1), np.zeros(1, np.bool_), ints, one, floats,
                    floats, floats, np.zeros((0, 4), np.int64), ints, floats, 0, np.zeros((0, 3)), floats,
                    np.zeros(0, np.uint8), floats, flags, np.zeros((4, 0), np.int64))


def load_aside() -> subprocess.Popen[bytes] | None:
    """Start load() in a second interpreter (None when one cannot be started).

    Building the index never calls these kernels, so on a fresh install they compile there while
    this process builds, and numba's cache then hands this process the machine code
    (screen.load_index). A separate interpreter, not a forked or spawned worker: a fork may inherit
    another thread's locks, and a spawned worker re-imports the caller's main script."""
    if not os.path.basename(sys.executable).lower().startswith("python"):
        return None  # embedded (a server binary, say): no interpreter to start
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        return subprocess.Popen([sys.executable, "-c", "from sekisho.match import kernels; kernels.load()"],
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return None
