"""The keys a list token is filed under and a query token looks up (match.keys stores them):
the token and its deletions, its 4-letter prefix and suffix, and, for readings of other scripts,
its consonants. What is filed and what is looked up are kept side by side here, as each must
find the other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sekisho.match.keys import CONSONANT_EDIT_MIN, CONSONANTS, PLAIN, SPELLING, Stem
from sekisho.names.normalize import ABJAD, SYLLABIC
from sekisho.names.phonetic import devowel, onsets, skeletons


def deletions(token: str) -> list[str]:
    return [token[:i] + token[i + 1 :] for i in range(len(token))] if len(token) >= 3 else []


def spelling_keys(token: str) -> list[str]:
    """A list token is filed under itself and its one-letter deletions, bare: tokens are letters and
    digits (names.normalize), other keys have a kind and a ':'. A query token finds every list token
    one edit away under itself and its own deletions (a letter more, less or other)."""
    return [token, *deletions(token)]


def consonant_forms(token: str, tolerant: int) -> tuple[list[str], list[str]]:
    """What a reading of this tolerance compares by (align.token_similarity), and its key kinds: a
    syllabic one the skeletons of two consonants or more, under each class of sound it may start
    with (two readings of one name start alike, phonetic.onsets: half the skeleton matches go), an
    abjad one the vowelless spelling."""
    if tolerant == SYLLABIC:
        return [sk for sk in skeletons(token) if len(sk) >= 2], ["s" + o for o in sorted(onsets(token))]
    return [devowel(token)], ["v"]


def consonant_keys(token: str, tolerant: int, space: str = "") -> list[str]:
    """A list token's keys for readings that compare by consonants, with one consonant more or less
    from CONSONANT_EDIT_MIN on (a katakana reading drops a final consonant: "berunaaru" ~ "bernard").
    `space` sets apart the keys of list tokens that are themselves readings (Index.similar_tokens)."""
    forms, kinds = consonant_forms(token, tolerant)
    keys = []
    for kind in kinds:
        for form in forms:
            keys.append(f"{space}{kind}:{form}")
            if len(form) >= CONSONANT_EDIT_MIN:
                keys += [f"{space}{kind}d:{d}" for d in deletions(form)]
    return keys


READING = "r"  # key space of list tokens that are readings: what a Latin query token compares by consonants


# Two edits leave a token of seven letters or more 0.71 alike or more (1 - 2/7), so a long token
# is filed under its 4-letter prefix and suffix, and one of five or six letters under keys of
# their own: a query token of five letters or more looks up the long ones ("hassan" ~
# "alhassan"), one of seven or more both ("alhassan" ~ "hassan"); two short ones are never two edits apart.
AFFIX_LONG, AFFIX_SHORT = 7, 5


def affix_keys(token: str, short: bool = False) -> list[tuple[str, str]]:
    """(key kind, text) of a token's 4-letter prefix and suffix among the keys of list tokens of
    AFFIX_LONG letters or more, or (`short`) among those of list tokens of five or six."""
    s = "s" if short else ""
    return [(f"p{s}:", token[:4]), (f"x{s}:", token[-4:])]


def filed_affixes(token: str) -> list[tuple[str, str]]:
    """The affix keys a list token is filed under (none below AFFIX_SHORT letters)."""
    return affix_keys(token, len(token) < AFFIX_LONG) if len(token) >= AFFIX_SHORT else []


def affix_stems(token: str) -> list[Stem]:
    """The affix keys a query token looks up: of list tokens that can be two edits from it."""
    if len(token) < AFFIX_SHORT:
        return []
    found = affix_keys(token) + (affix_keys(token, short=True) if len(token) >= AFFIX_LONG else [])
    return [(PLAIN, kind, text) for kind, text in found]


# A Latin token written together with its neighbour aligns only with a list token one edit away
# (align.JOINED_EDITS), and most such pairs ("machineriindustri") have none. One edit leaves the
# first or the last letters of a token in place: four of them from nine letters on, three from
# seven. So such a pair is looked up only when a list token one letter longer, shorter or as
# long starts or ends as it does (Index.joined_ends).
JOINED_ENDS_MIN = 7
_LONGEST_BIT = 63  # lengths from here on share a bit


def end_keys(token: str, n: int) -> tuple[str, str]:
    """A token's first and last `n` letters, as Index.joined_ends files them."""
    return "<" + token[:n], ">" + token[-n:]


def length_bit(length: int) -> int:
    return 1 << min(length, _LONGEST_BIT)


def joined_ends(tokens: Iterable[str]) -> dict[str, int]:
    """Index.joined_ends of these list tokens (those of some name)."""
    found: dict[str, int] = defaultdict(int)
    for token in tokens:
        if len(token) >= JOINED_ENDS_MIN - 1:
            for key in (*end_keys(token, 3), *end_keys(token, 4)):
                found[key] |= length_bit(len(token))
    return dict(found)


def consonant_stems(token: str, tolerant: int, space: str = "",
                     consonants: tuple[list[str], list[str]] | None = None) -> list[Stem]:
    """The stems of the keys under which list tokens within one consonant edit of `token` are
    found (see consonant_keys): the same consonants, one deleted from either side, or one
    substituted. `consonants`: consonant_forms(token, tolerant), when the caller has it already."""
    forms, kinds = consonant_forms(token, tolerant) if consonants is None else consonants
    return [(CONSONANTS, space + kind, form) for kind in kinds for form in forms]


def query_stems(token: str, tolerant: int) -> list[Stem]:
    """The stems of every key a query token looks up (Index.similar_tokens, keys.lookup). Two
    Latin spellings compare by spelling alone, so a Latin token looks up the one-edit consonant
    keys only among the list's readings."""
    affixes = affix_stems(token)
    if tolerant in (ABJAD, SYLLABIC):
        return [(SPELLING, "", token), *affixes, *consonant_stems(token, tolerant)]
    # the same skeleton also finds Latin spellings two letters apart ("mohammed" ~ "muhammad")
    forms, kinds = syllabic = consonant_forms(token, SYLLABIC)
    return [(SPELLING, "", token), *affixes, *((PLAIN, f"{kind}:", form) for kind in kinds for form in forms),
            *consonant_stems(token, SYLLABIC, READING, syllabic), *consonant_stems(token, ABJAD, READING)]
