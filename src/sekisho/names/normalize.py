"""One normalisation pipeline, used identically for list names (at index time) and for queries.

Steps, in this fixed order:
 1. Unicode NFKC (full-width letters, compatibility forms), zero-width characters removed.
 2. Split into runs by script: Latin and other alphabets; Han/kana (CJK); Hangul.
 3. CJK and Hangul runs: legal forms (株式会社, 有限公司, 주식회사 …) taken out; glossary words
    (重工業 -> heavy industry …) replaced by their English tokens; the rest read aloud: Japanese with
    pykakasi (Hepburn), Chinese with pypinyin, Korean by syllable. Han text without kana is read both
    ways, as it may be either language.
 4. Other runs transliterated to ASCII (anyascii), case-folded, split on anything not a letter or digit
    (apostrophes are dropped, not split on: "Qa'ida" -> "qaida").
 5. Digits standing for letters inside a word read as letters ("Ig0r Sech1n" -> "igor sechin");
    runs of single letters joined ("A.B.C." -> "abc").
 6. English spelling variants and number words folded (industries -> industry, three -> 3).
 7. Legal forms removed from the end (and, for prefix forms such as OOO, from the start), recorded apart.
 8. Spellings transliterations use interchangeably folded: "ks"+vowel -> "x", "y" -> "i".
 9. Honorifics (and, in person names, ranks such as "General") removed while another token
    remains; a token repeated in a name kept once.

Each token remembers whether it came from a script that leaves vowels out (Arabic, Hebrew, Thai:
ABJAD) or inserts them and merges consonants (kana, Hangul, Han readings: SYLLABIC); only such tokens
are compared by their consonants (see names.phonetic).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from sekisho.names.fold import fold
from sekisho.names.reference import glossary, legal_forms
from sekisho.names.scripts import char_script
from sekisho.names.transliterate import chinese_syllables, hangul_syllables, japanese_words, to_ascii

# zero-width and direction marks, deleted (str.translate: a regex substitution cost five times more)
_ZERO_WIDTH = dict.fromkeys([*range(0x200B, 0x2010), *range(0x202A, 0x202F), 0x2060, 0xFEFF])
# How a token may differ from its Latin spelling because of the script it came from. STRICT marks a
# list reading that is compared letter for letter all the same (see match.index.build_index).
EXACT, ABJAD, SYLLABIC, STRICT = 0, 1, 2, 3
_ABJAD_SCRIPTS = frozenset({"Arab", "Hebr", "Thai"})
_SPLIT = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as token sequence, ready to compare. A name may have several forms (readings)."""

    tokens: tuple[str, ...]
    tolerant: tuple[int, ...]  # EXACT, ABJAD (vowels left out) or SYLLABIC (vowels inserted)
    legal_forms: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)


def compact_key(text: str) -> str:
    """Original-script key: NFKC, case-folded, letters and digits only. Equal keys are the same name."""
    return "".join(ch for ch in clean_text(text).casefold() if ch.isalnum())


def _runs(text: str) -> list[tuple[str, str]]:
    """(kind, text) runs where kind is 'cjk', 'hang' or 'other'; separators break CJK runs."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        script = char_script(ch)
        if script in ("Hani", "Kana", "Hira"):
            kind = "cjk"
        elif script == "Hang":
            kind = "hang"
        else:
            kind = "other"
        if ch == "・" or (kind == "other" and not ch.isalnum() and ch not in "'’"):
            kind = "sep"
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + ch)
        else:
            runs.append((kind, ch))
    return runs


def _segment_cjk(run: str, legal: set[str]) -> list[tuple[str, str]]:
    """Split a CJK/Hangul run into ('en', word) glossary pieces and ('raw', text) pieces to be read."""
    gl = glossary()
    lf = legal_forms()
    out: list[tuple[str, str]] = []
    i = 0
    buf = ""
    while i < len(run):
        hit = None
        for length in range(min(len(run) - i, max(gl.max_len, 8)), 0, -1):
            piece = run[i : i + length]
            if piece in lf.cjk:
                hit = ("legal", piece)
                break
            if piece in gl.terms:
                hit = ("en", piece)
                break
        if hit is None:
            buf += run[i]
            i += 1
            continue
        if buf:
            out.append(("raw", buf))
            buf = ""
        if hit[0] == "legal":
            legal.add(lf.cjk[hit[1]])
        else:
            out.extend(("en", w) for w in gl.terms[hit[1]])
        i += len(hit[1])
    if buf:
        out.append(("raw", buf))
    return out


def _has_kana(text: str) -> bool:
    return any(char_script(c) in ("Kana", "Hira") for c in text if c != "・")


# Reading modes for Han and Hangul text without spaces: "word" joins a run's syllables into one
# token (华为 -> huawei), "syllable" keeps each apart (金正恩 -> jin zheng en), "person" splits
# surname from given name (习近平 -> xi jinping).
_MODES = ("word", "syllable", "person")


def _read(piece: str, lang: str, mode: str) -> list[str]:
    if lang == "ko":
        syl = list(hangul_syllables(piece))
        if mode == "person" and 2 <= len(piece) <= 4:  # the surname as its bearers spell it (박 -> park)
            surnames = glossary().korean_surnames
            for n in (2, 1):
                if piece[:n] in surnames and len(piece) > n:
                    return [surnames[piece[:n]], *syl[n:]]
            return syl
    elif lang == "ja":
        words = list(japanese_words(piece))
        if mode == "word" or _has_kana(piece):
            return words
        syl = words
    else:
        syl = list(chinese_syllables(piece))
    if mode == "syllable" or len(syl) <= 1:
        return syl
    if mode == "person" and 2 <= len(syl) <= 4:
        return [syl[0], "".join(syl[1:])]
    return ["".join(syl)]


def _forms(text: str, person: bool) -> list[NameForm]:
    text = clean_text(text)
    if text.isascii():  # fast path: the bulk of batch screening
        words = [w for w in _SPLIT.split(text.casefold().replace("'", "")) if w]
        return [_finish(words, [EXACT] * len(words), set(), person)]
    runs = _runs(text)
    has_cjk = any(k in ("cjk", "hang") for k, _ in runs)
    if not has_cjk:
        langs, modes = ["-"], ["word"]
    else:
        any_kana = _has_kana(text)
        ja_marker = any(m in text for m in ("株式会社", "有限会社", "合同会社"))
        zh_marker = any(m in text for m in ("公司", "集团", "有限责任"))
        if any(k == "hang" for k, _ in runs):
            langs = ["ko"]
        elif any_kana or ja_marker:
            langs = ["ja"]
        elif zh_marker:
            langs = ["zh"]
        else:
            langs = ["ja", "zh"]
        # a company (its name carries a legal form such as 有限公司) has no surname to split off
        is_company = any(form in text for form in legal_forms().cjk)
        modes = [m for m in _MODES if not (is_company and m == "person")]
    out: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for lang in langs:
        for mode in modes:
            tokens: list[str] = []
            tolerant: list[int] = []
            legal: set[str] = set()
            for kind, run in runs:
                if kind == "sep":
                    continue
                if kind == "other":
                    words = [w for w in _SPLIT.split(to_ascii(run).casefold().replace("'", "")) if w]
                    script = next((char_script(c) for c in run if char_script(c)), "Latn")
                    tokens.extend(words)
                    tolerant.extend([ABJAD if script in _ABJAD_SCRIPTS else EXACT] * len(words))
                    continue
                run_lang = "ko" if kind == "hang" else lang
                for piece_kind, piece in _segment_cjk(run, legal):
                    if piece_kind == "en":
                        tokens.append(piece)
                        tolerant.append(EXACT)
                        continue
                    for word in _read(piece, run_lang, mode):
                        for w in _SPLIT.split(to_ascii(word).casefold()):
                            if w:
                                tokens.append(w)
                                tolerant.append(SYLLABIC)
            form = _finish(tokens, tolerant, legal, person)
            if form.tokens not in seen:
                seen.add(form.tokens)
                out.append(form)
    return out




_LEET = re.compile(r"(?<=[a-z])[0134579](?=[a-z])")
_LEET_MAP = str.maketrans("013457980", "oieastgbo")


def _join_letters(tokens: list[str], tolerant: list[int]) -> tuple[list[str], list[int]]:
    """Runs of two or more single Latin letters become one token; a lone letter stays an initial."""
    out_t: list[str] = []
    out_l: list[int] = []
    i = 0
    while i < len(tokens):
        j = i
        # whatever script they came from, so that normalising a normalised name changes nothing
        while j < len(tokens) and len(tokens[j]) == 1 and tokens[j].isalpha():
            j += 1
        if j - i >= 2:
            out_t.append("".join(tokens[i:j]))
            out_l.append(max(tolerant[i:j]))
            i = j
        else:
            out_t.append(tokens[i])
            out_l.append(tolerant[i])
            i += 1
    return out_t, out_l


_UNITS = "123456789"


def _compound_numbers(tokens: list[str], tolerant: list[int]) -> tuple[list[str], list[int]]:
    """A tens word followed by a units digit is one number ("forty four" -> "40 4" -> "44")."""
    out_t: list[str] = []
    out_l: list[int] = []
    for tok, tol in zip(tokens, tolerant, strict=True):
        prev = out_t[-1] if out_t else ""
        if len(tok) == 1 and tok in _UNITS and len(prev) == 2 and prev[0] in "23456789" and prev[1] == "0":
            out_t[-1] = prev[0] + tok
            continue
        out_t.append(tok)
        out_l.append(tol)
    return out_t, out_l


@lru_cache(maxsize=2)
def _titles(person: bool) -> frozenset[str]:
    """Honorifics, and for persons ranks, as folded tokens."""
    gl = glossary()
    return frozenset(fold(t) for t in (gl.honorifics | gl.ranks if person else gl.honorifics))


def _unleet(digit: re.Match[str]) -> str:
    return digit[0].translate(_LEET_MAP)


def _finish(tokens: list[str], tolerant: list[int], legal: set[str], person: bool) -> NameForm:
    # each step is skipped where it cannot change anything: a batch normalises every party
    synonyms = glossary().synonyms
    tokens = [_LEET.sub(_unleet, t) if not tol and not t.isalpha() and not t.isdigit() else t
              for t, tol in zip(tokens, tolerant, strict=True)]
    if any(len(t) == 1 for t in tokens):
        tokens, tolerant = _join_letters(tokens, tolerant)
    tokens = [synonyms.get(t, t) if not tol else t for t, tol in zip(tokens, tolerant, strict=True)]
    if any(len(t) == 1 and t in _UNITS for t in tokens):
        tokens, tolerant = _compound_numbers(tokens, tolerant)
    if not person:
        _strip_legal(tokens, tolerant, legal)
    tokens = [fold(t) for t in tokens]
    if any(len(t) == 1 for t in tokens):  # a fold may leave a letter beside another ("a ks" -> "a x")
        tokens, tolerant = _joined_and_folded(tokens, tolerant)
    drop = _titles(person)
    if drop.isdisjoint(tokens) and len(set(tokens)) == len(tokens):
        return NameForm(tuple(tokens), tuple(tolerant), frozenset(legal))
    while True:
        keep = [i for i, t in enumerate(tokens) if t not in drop and t not in tokens[:i]]
        if not keep or len(keep) == len(tokens):
            break
        tokens = [tokens[i] for i in keep]
        tolerant = [tolerant[i] for i in keep]
        # letters that a dropped word kept apart are now neighbours ("00 B 00 A", "A Mr B"), and a
        # legal form may now end the name ("0 AS 0" -> "0 as"): join and strip them as the next
        # pass would, so that normalising twice changes nothing
        tokens, tolerant = _join_letters(tokens, tolerant)
        if not person:
            _strip_legal(tokens, tolerant, legal)
        tokens, tolerant = _joined_and_folded([fold(t) for t in tokens], tolerant)
    return NameForm(tuple(tokens), tuple(tolerant), frozenset(legal))


def _joined_and_folded(tokens: list[str], tolerant: list[int]) -> tuple[list[str], list[int]]:
    """Single letters joined and spellings folded until neither changes anything: what a second
    pass of normalisation would do."""
    while True:
        joined, joined_tol = _join_letters(tokens, tolerant)
        folded = [fold(t) for t in joined]
        if folded == tokens:
            return folded, joined_tol
        tokens, tolerant = folded, joined_tol


def _strip_legal(tokens: list[str], tolerant: list[int], legal: set[str]) -> None:
    lf = legal_forms()
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for n in range(min(lf.max_len, len(tokens) - 1), 0, -1):
            tail = tuple(tokens[-n:])
            if tail in lf.latin:
                legal.add(lf.latin[tail])
                del tokens[-n:], tolerant[-n:]
                changed = True
                break
            head = tuple(tokens[:n])
            if head in lf.start and head in lf.latin:
                legal.add(lf.latin[head])
                del tokens[:n], tolerant[:n]
                changed = True
                break
        if not changed and len(tokens) > 1 and len(tokens[-1]) >= 9:  # "Aktiengeselschaft": one typo
            near = _misspelt_legal_word(tokens[-1])
            if near is not None:
                legal.add(near)
                del tokens[-1:], tolerant[-1:]
                changed = True


@lru_cache(maxsize=1 << 14)  # last words repeat: "international", "technologies"
def _misspelt_legal_word(token: str) -> str | None:
    """The legal form a long word is, one typo apart ("aktiengeselschaft"), or None."""
    long_words = legal_forms().long_words
    near = process.extractOne(token, list(long_words), scorer=OSA.distance, score_cutoff=1)
    return None if near is None else long_words[near[0]]


_HYPHENS = "-‐‑"
_HYPHENATED = re.compile(rf"([^\W\d_]+)[{re.escape(_HYPHENS)}]([^\W\d_]+)")
_ALTERNATIVES = re.compile(r"(?<=[^\W\d_]{3})\s*/\s*(?=[^\W\d_]{3})")  # "AL-QA'IDA/ISLAMIC ARMY"


@lru_cache(maxsize=100_000)
def name_forms(text: str, person: bool = False) -> tuple[NameForm, ...]:
    """All forms of a name. `person` keeps legal-form-looking tokens (a person named 'Sa' stays 'sa').

    A name written as alternatives split by a slash also has a form for each alternative; a
    hyphenated name also has a form with the hyphenated parts written as one word.
    """
    forms = _forms(text, person)
    parts = _ALTERNATIVES.split(text) if "/" in text else [text]  # the test first: most names have none
    if len(parts) > 1:
        forms += [f for part in parts for f in _forms(part, person) if f not in forms]
    joined = (_HYPHENATED.sub(lambda m: m[1] + m[2] if len(m[1]) + len(m[2]) >= 6 else m[0], text)
              if any(h in text for h in _HYPHENS) else text)
    if joined != text:  # "Jong-un" is also one word "Jongun", "al-Assad" also "alAssad"; not "EP-MMA"
        forms += [f for f in _forms(joined, person) if f not in forms]
    return tuple(f for f in forms if f.tokens) or (NameForm((), (), frozenset()),)


def normalize(text: str) -> str:
    """The first form as a plain string: what a human sees as 'the normalised name'."""
    return name_forms(text)[0].text
