"""Readings of non-Latin scripts, from the libraries that make them."""

from __future__ import annotations

import pytest

from sekisho.names.transliterate import chinese_syllables, hangul_syllables, japanese_words, to_ascii


@pytest.mark.parametrize(("fn", "text", "expected"), [
    (japanese_words, "関所", ("sekisho",)),
    (japanese_words, "トヨタ自動車", ("toyota", "jidousha")),
    (chinese_syllables, "华为技术", ("hua", "wei", "ji", "shu")),
    (chinese_syllables, "華為", ("hua", "wei")),  # traditional characters read alike
    (hangul_syllables, "삼성", ("sam", "seong")),
])
def test_readings(fn: object, text: str, expected: tuple[str, ...]) -> None:
    assert fn(text) == expected  # type: ignore[operator]


def test_other_scripts_to_ascii() -> None:
    assert to_ascii("Путин") == "Putin" and to_ascii("Ελλάδα") == "Ellada"
