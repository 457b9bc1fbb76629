"""Country names in English and Japanese (as the lists write them) to ISO 3166 alpha-2."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache
from importlib import resources

import pycountry
import yaml


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\s\.,'’()\-・]+", " ", text)
    return text.strip()


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    try:
        ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    except OSError:  # pragma: no cover - pycountry always ships ja, but do not die without it
        ja = None
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name", "alpha_3", "alpha_2"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_key(value), code)
                if ja is not None and attr in ("name", "official_name", "common_name"):
                    table.setdefault(_key(ja.gettext(value)), code)
    extra = resources.files("sekisho.names").joinpath("resources/country_aliases.yml").read_text("utf-8")
    for code, aliases in yaml.safe_load(extra).items():
        for alias in aliases:
            table[_key(str(alias))] = str(code)
    return table


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 for a country name, code or Japanese name; None when unknown."""
    if not text:
        return None
    key = _key(text)
    if not key:
        return None
    table = _table()
    if key in table:
        return table[key]
    # "Moscow, Russia" / "Tehran, Iran": try the last comma part, then each line
    for part in reversed(re.split(r"[,\n、，]", text)):
        k = _key(part)
        if k in table:
            return table[k]
    return None


def is_country_name(text: str) -> bool:
    """The text is just a country's name ("Pakistan", "パキスタン"), not a code or an address."""
    return len(text) > 3 and _key(text) in _table()


def country_codes(*texts: str | None) -> list[str]:
    out: list[str] = []
    for text in texts:
        code = country_code(text)
        if code and code not in out:
            out.append(code)
    return out
