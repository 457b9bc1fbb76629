from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sekisho.names.normalize import EXACT, compact_key, name_forms, normalize


@pytest.mark.parametrize(("a", "b"), [
    ("Mitsubishi Heavy Industries, Ltd.", "三菱重工業株式会社"),
    ("Vladimir Putin", "Владимир Путин"),
    ("DES INTERNATIONAL CO., LTD.", "DES International Company Limited"),
    ("ООО Ромашка", "Romashka LLC"),
    ("ＡＢＣ　Ｔｒａｄｉｎｇ", "ABC Trading"),
])
def test_same_normal_form(a: str, b: str) -> None:
    fa = {f.tokens for f in name_forms(a)}
    fb = {f.tokens for f in name_forms(b)}
    assert fa & fb


def test_legal_form_kept_apart_not_erased() -> None:
    (form,) = name_forms("Limited Liability Bank of Tokyo Co., Ltd.")
    assert form.tokens[:2] == ("limited", "liabiliti")  # only the trailing form is removed; y folded to i
    assert "co_ltd" in form.legal_forms
    (only,) = name_forms("Limited")
    assert only.tokens == ("limited",)  # never strip a name down to nothing


def test_person_keeps_legal_looking_tokens() -> None:
    assert name_forms("Musa AS", person=True)[0].tokens == ("musa", "as")
    assert name_forms("Musa AS")[0].tokens == ("musa",)


@pytest.mark.parametrize(("text", "person", "tokens"), [
    ("Ig0r Sech1n", True, ("igor", "sechin")),  # digits for letters
    ("MiG29 B52", False, ("mig29", "b52")),  # model numbers stay
    ("A.B.C. Company", False, ("abc",)),  # single letters joined
    ("General Electric Company", False, ("general", "electric")),  # a rank is a company word here
    ("General Ivan Petrov", True, ("ivan", "petrov")),
    ("President Erdoğan", True, ("erdogan",)),
    ("Shoigu Shoigu Sergey", True, ("shoigu", "sergei")),  # repeated token once; y folded to i
    ("Three Percenters", False, ("3", "percenters")),
    ("FABERLIC EUROPE Sp. z o.o.", False, ("faberlic", "europe")),
])
def test_pipeline_steps(text: str, person: bool, tokens: tuple[str, ...]) -> None:
    assert name_forms(text, person)[0].tokens == tokens


def test_readings() -> None:
    assert ("urajiimiru", "puuchin") in {f.tokens for f in name_forms("ウラジーミル・プーチン")}
    assert ("xi", "jinping") in {f.tokens for f in name_forms("习近平")}
    assert ("samseong", "electronics") in {f.tokens for f in name_forms("삼성전자")}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
@example("Y:0:I")  # folding y -> i must not leave a repeated token behind
@example("B 아")  # single letters from different scripts join on the first pass too
@example("00:B:00:A")  # a repeated word dropped between two letters
@example("0:AS:0")  # a repeated word dropped leaves a legal form at the end
@example("A:KS")  # folding "ks" to "x" leaves two single letters side by side
def test_never_crashes_and_idempotent(text: str) -> None:
    """Normalising a normalised name changes nothing. A reading of another script ("𠪝" read
    "ten") is not Latin text: read again as Latin it is a number word, so only names whose
    tokens are all Latin spellings are held to it."""
    first = name_forms(text)[0]
    again = normalize(first.text)
    if all(t == EXACT for t in first.tolerant):
        assert again == first.text
    assert isinstance(compact_key(text), str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_forms_are_ascii_tokens(text: str) -> None:
    for form in name_forms(text):
        assert len(form.tokens) == len(form.tolerant)
        assert all(t.isascii() and t.isalnum() for t in form.tokens)
