"""A thread's search state over the shared index: the list tokens each query token reached so
far (ReachMemo) and the compiled kernels' work arrays (SearchSession, one per thread)."""

from __future__ import annotations

import numpy as np

from sekisho.match.kernels import Scratch


class ReachMemo:
    """Each query token's reach, once per process (batches repeat "bank", "group", "mohammed"
    endlessly): the list tokens and credits of every token reached so far sit end to end in two
    growing arrays, and a token's reach is its (start, end) in them. The kernel reads a query's
    slots there in place; joining a query's reaches into new arrays cost as much as the lookups."""

    LIMIT = 200_000  # tokens remembered; then the memory starts afresh
    START = 1 << 12  # room for this many list tokens at first; doubled when full

    def __init__(self) -> None:
        self.spans: dict[tuple[str, int, bool], tuple[int, int]] = {}
        self.tokens = np.zeros(self.START, np.int64)
        self.credits = np.zeros(self.START)
        self.size = 0

    def add(self, key: tuple[str, int, bool], tokens: np.ndarray, credits: np.ndarray) -> tuple[int, int]:
        if not len(tokens):  # most tokens written together
            self.spans[key] = (0, 0)
            return 0, 0
        lo, hi = self.size, self.size + len(tokens)
        if hi > len(self.tokens):
            grown = max(2 * len(self.tokens), hi)
            self.tokens = np.resize(self.tokens, grown)
            self.credits = np.resize(self.credits, grown)
        self.tokens[lo:hi] = tokens
        self.credits[lo:hi] = credits
        self.size = hi
        self.spans[key] = (lo, hi)
        return lo, hi

    def make_room(self) -> None:
        """Start afresh when full: only between queries, as a query's spans point into the arrays."""
        if len(self.spans) > self.LIMIT:
            self.spans.clear()
            self.size = 0


class SearchSession:
    """One thread's search state over a shared, read-only index: the tokens it has reached
    (ReachMemo) and the kernels' work arrays. Each thread gets its own (Index.session), so that
    threads screening at once never interleave their updates, whether or not compiled code holds
    the GIL; a forked worker starts with a copy of its parent's."""

    def __init__(self) -> None:
        self.reach = ReachMemo()
        self.scratch: Scratch | None = None
