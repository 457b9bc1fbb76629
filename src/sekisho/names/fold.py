"""Spellings that transliterations use interchangeably, made one (used by normalize and by the
reference tables, which must not import each other)."""

from __future__ import annotations

import re

_KS = re.compile(r"ks(?=[aeiouy]|$)")  # before a vowel: "Aleksandr", "Maksim"; not "Luakshenko"


def fold(token: str) -> str:
    """"ks" before a vowel and "x" (Aleksandr / Alexander), "y" and "i" (Volodymyr / Volodimir,
    Dmitriy / Dmitrii)."""
    return (_KS.sub("x", token) if "ks" in token else token).replace("y", "i")
