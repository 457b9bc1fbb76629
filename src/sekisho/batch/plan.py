"""Planning a batch: each distinct party screened once in the whole run, whatever the engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sekisho.screen import Hit, Party, Skipped

Result = list[Hit] | Skipped  # a row's hits, or why it was not screened
MEMO_SIZE = 200_000  # distinct parties whose results a batch remembers


@dataclass
class Chunk:
    rows: list[tuple[int, int]]  # (row, the number the planner gave its party)
    novel: list[Party]  # parties not sent before, numbered from `first` on: the only ones screened
    first: int
    fresh: bool  # the results of earlier chunks are no longer referred to


class Planner:
    """Splits the input into chunks and sends each distinct party to be screened once.

    Order and payment files repeat the same counterparty endlessly; screening each repeat once in
    the whole run (not once per worker) is most of a batch's speed. Results are remembered for at
    most `memo_size` distinct parties: then the memory starts afresh and a repeat is screened again.
    Each distinct party gets a number, so that a row's party is hashed once in the whole run.
    """

    def __init__(self, chunk_size: int, memo_size: int) -> None:
        self.chunk_size, self.memo_size = chunk_size, memo_size
        self.sent: dict[Party, int] = {}
        self.numbered = 0

    def chunks(self, items: Iterable[tuple[int, Party]]) -> Iterator[Chunk]:
        rows: list[tuple[int, int]] = []
        novel: list[Party] = []
        first, fresh = self.numbered, True
        for row, party in items:
            number = self.sent.setdefault(party, self.numbered)
            if number == self.numbered:
                self.numbered += 1
                novel.append(party)
            rows.append((row, number))
            # rows are bounded too: a file of one party repeated still reports progress
            if len(novel) >= self.chunk_size or len(rows) >= 16 * self.chunk_size:
                yield Chunk(rows, novel, first, fresh)
                rows, novel, first, fresh = [], [], self.numbered, False
                if len(self.sent) >= self.memo_size:
                    self.sent.clear()
                    fresh = True
        if rows:
            yield Chunk(rows, novel, first, fresh)


class Results:
    """The consumer's side of Planner: every row's result, from its chunk's or an earlier one's."""

    def __init__(self) -> None:
        self.known: dict[int, Result] = {}

    def rows(self, chunk: Chunk, results: list[Result]) -> Iterator[tuple[int, Result]]:
        if chunk.fresh:
            self.known.clear()
        self.known.update(zip(range(chunk.first, chunk.first + len(chunk.novel)), results, strict=True))
        for row, number in chunk.rows:
            found = self.known[number]
            yield row, list(found) if isinstance(found, list) else found
