"""The index's lookup keys as a sorted table of hashes, looked up in one compiled loop.

A query token looks up a dozen to forty keys: itself and its one-letter deletions, and for a
reading its consonant skeletons with one consonant more or less (Index.similar_tokens). As a Python
dict of 1.5 million strings the keys took most of the index's load time, and building each key
string and looking it up cost more than comparing what they found. Here each key is its 64-bit
FNV-1a hash: its top bits pick a bucket, its low 32 bits are kept beside the offset of the ids of
the list tokens filed under it; a query's keys are hashed as they are spelt out (a deletion skips
a letter), so no key string is ever made. Two keys of one bucket with the same low bits (about
one chance in a billion per lookup) only add list tokens to compare, which the comparison then drops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sekisho.match.kernels import compiled, flat_bytes

CONSONANT_EDIT_MIN = 4  # one consonant edit in fewer consonants stays under TOKEN_CUTOFF (align.token_similarity)

# How a stem (prefix, body) spells out its keys (see lookup)
PLAIN = 0  # prefix + body
SPELLING = 1  # body and, from three letters, each of its one-letter deletions
CONSONANTS = 2  # prefix is a kind: kind:body, kindd:body and deletions, as index._consonant_keys files them
Stem = tuple[int, str, str]  # how a key is spelt out (one of the above), its prefix and body

_OFFSET = np.uint64(14695981039346656037)
_PRIME = np.uint64(1099511628211)
_COLON, _D = np.uint64(ord(":")), np.uint64(ord("d"))
_HALF = np.uint64(32)
_LOW = np.uint64(0xFFFFFFFF)


@compiled
def _more(h: np.uint64, data: np.ndarray, lo: int, hi: int, skip: int) -> np.uint64:
    """The FNV-1a hash `h` continued over data[lo:hi], leaving out position `skip`."""
    for i in range(lo, hi):
        if i != skip:
            h = (h ^ np.uint64(data[i])) * _PRIME
    return h


@compiled
def hashes_of(data: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The hash of each text data[start[i]:start[i + 1]]."""
    out = np.empty(len(start) - 1, dtype=np.uint64)
    for i in range(len(out)):
        out[i] = _more(_OFFSET, data, start[i], start[i + 1], -1)
    return out


@dataclass(frozen=True, slots=True)
class KeyTable:
    """The keys by bucket: the keys whose hash has top bits b are entries[bucket[b]:bucket[b + 1]],
    about three per bucket, each the hash's low 32 bits above the offset in `tokens` of the list
    token ids filed under it (they end where the next entry's start). Packed so, a key's probe reads
    two cache lines, the table is half the size of sorted 64-bit hashes with their offsets, and
    the bucket array stays in cache: the lookups miss the cache far less (their memory stalls, not
    the hashing, were their cost)."""

    entries: np.ndarray
    tokens: np.ndarray
    bucket: np.ndarray
    shift: int  # 64 - the number of top bits

    @classmethod
    def of(cls, keys: Sequence[str], tokens: Sequence[int]) -> KeyTable:
        """The table of list tokens[i] filed under keys[i] (a pair filed twice counts once)."""
        hashes = hashes_of(*flat_bytes(keys))
        ids = np.asarray(tokens, dtype=np.int32)
        order = np.lexsort((ids, hashes))
        hashes, ids = hashes[order], ids[order]
        if len(hashes):
            again = np.zeros(len(hashes), dtype=np.bool_)
            again[1:] = (hashes[1:] == hashes[:-1]) & (ids[1:] == ids[:-1])
            hashes, ids = hashes[~again], ids[~again]
        unique, first = np.unique(hashes, return_index=True)
        bits = max(len(unique).bit_length() - 2, 1)  # a shift of 64 would be no shift at all
        bucket = np.searchsorted(unique >> np.uint64(64 - bits), np.arange(2**bits + 1, dtype=np.uint64))
        starts = np.append(first, len(ids)).astype(np.uint64)
        low = np.append(unique & _LOW, np.uint64(0))
        return cls((low << _HALF) | starts, ids, bucket.astype(np.int32), 64 - bits)

    def lookup(self, stems: Sequence[Stem], seen: np.ndarray, exclude: int = -1) -> np.ndarray:
        """Ids of the list tokens under the keys the (how, prefix, body) stems spell out, each once,
        but for `exclude`. `seen` is a zeroed work array of one byte per list token, left zeroed."""
        sizes: list[int] = []
        for how, prefix, body in stems:
            sizes += (how, len(prefix), len(body))
        data = np.frombuffer("".join([prefix + body for _, prefix, body in stems]).encode("ascii"), np.uint8)
        return lookup(self.entries, self.tokens, self.bucket, self.shift, np.array(sizes, dtype=np.int64), data, seen,
                      exclude)


@compiled
def _collect(table: tuple[np.ndarray, np.ndarray, np.ndarray, int], h: np.uint64, seen: np.ndarray,
             out: list[np.int64]) -> None:
    entries, tokens, bucket, shift = table
    b = h >> np.uint64(shift)
    low = h & _LOW
    for at in range(bucket[b], bucket[b + 1]):
        if entries[at] >> _HALF == low:
            for k in range(int(entries[at] & _LOW), int(entries[at + 1] & _LOW)):
                t = tokens[k]
                if not seen[t]:
                    seen[t] = 1
                    out.append(t)


@compiled
def lookup(entries: np.ndarray, tokens: np.ndarray, bucket: np.ndarray, shift: int, sizes: np.ndarray,
           data: np.ndarray, seen: np.ndarray, exclude: int) -> np.ndarray:
    """KeyTable.lookup. Stem i is spelt out as sizes[3i] says (PLAIN, SPELLING or CONSONANTS)
    from a prefix of sizes[3i + 1] bytes of `data` and a body of sizes[3i + 2] bytes after it."""
    out: list[np.int64] = [np.int64(x) for x in range(0)]
    table = entries, tokens, bucket, shift
    if exclude >= 0:
        seen[exclude] = 1
    b1 = 0
    for i in range(len(sizes) // 3):
        how, p0 = sizes[3 * i], b1
        b0 = p0 + sizes[3 * i + 1]
        b1 = b0 + sizes[3 * i + 2]
        prefix = _more(_OFFSET, data, p0, b0, -1)
        n = b1 - b0
        if how == PLAIN:
            _collect(table, _more(prefix, data, b0, b1, -1), seen, out)
        elif how == SPELLING:
            _collect(table, _more(prefix, data, b0, b1, -1), seen, out)
            if n >= 3:
                for skip in range(b0, b1):
                    _collect(table, _more(prefix, data, b0, b1, skip), seen, out)
        else:
            same = prefix ^ _COLON  # kind + ":"
            same *= _PRIME
            less = ((prefix ^ _D) * _PRIME ^ _COLON) * _PRIME  # kind + "d:"
            _collect(table, _more(same, data, b0, b1, -1), seen, out)
            if n + 1 >= CONSONANT_EDIT_MIN:
                _collect(table, _more(less, data, b0, b1, -1), seen, out)
            if n >= CONSONANT_EDIT_MIN:
                for skip in range(b0, b1):
                    _collect(table, _more(same, data, b0, b1, skip), seen, out)
                    _collect(table, _more(less, data, b0, b1, skip), seen, out)
    ids = np.empty(len(out), dtype=np.int64)
    for k in range(len(out)):
        ids[k] = out[k]
        seen[out[k]] = 0
    if exclude >= 0:
        seen[exclude] = 0
    return ids


def load() -> None:
    """Compile the lookup, or load it from numba's cache (see kernels.load)."""
    table = KeyTable.of(["abc", "k:abcd", "k:abcd"], [0, 0, 1])
    table.lookup([(PLAIN, "", "abc"), (SPELLING, "", "abcd"), (CONSONANTS, "k", "abcd")], np.zeros(2, np.uint8))
