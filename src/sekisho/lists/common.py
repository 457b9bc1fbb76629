"""Helpers every loader shares: hashing, stable ids, dates, validated CSV reading."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sekisho.errors import ListFormatError
from sekisho.lists.model import Entity


def stable_id(list_id: str, *parts: str) -> str:
    """An id derived from what identifies a record, for lists that publish no id of their own."""
    key = "|".join(unicodedata.normalize("NFKC", p).casefold().strip() for p in parts)
    return f"{list_id}:{hashlib.sha1(key.encode()).hexdigest()[:12]}"


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_EXCEL_EPOCH = date(1899, 12, 30)


def listing_key(code: str, name: str) -> str:
    """How an entry without a number is recognised in another file of the same official list: its
    list code and its name, case and punctuation aside."""
    folded = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()
    return f"{code}:{folded}"


def excel_serial_to_iso(serial: float) -> str:
    return (_EXCEL_EPOCH + timedelta(days=int(serial))).isoformat()


def parse_dates(text: object) -> list[str]:
    """Every date found in a free-text cell, as ISO strings (year or year-month when partial).

    Lists write dates as '10 Dec 1948', '1962', 'circa 1960', '1941年8月20日', '10/16/2017',
    '2017-10-16', Excel serial numbers or datetime cells.
    """
    if text is None:
        return []
    if isinstance(text, datetime):
        return [text.date().isoformat()]
    if isinstance(text, date):
        return [text.isoformat()]
    if isinstance(text, int | float):
        if 1000 <= text <= 2100:
            return [str(int(text))]
        if 2000 < text < 80000:
            return [excel_serial_to_iso(text)]
        return []
    s = unicodedata.normalize("NFKC", str(text))
    found: list[str] = []

    def add(value: str) -> None:
        if value not in found:
            found.append(value)

    for m in re.finditer(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?", s):
        y, mo, d = m.groups()
        add(_iso(int(y), mo and int(mo), d and int(d)))
    s_wo = re.sub(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?", " ", s)
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b", s_wo):
        add(_iso(int(m[1]), int(m[2]), int(m[3])))
    s_wo = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", " ", s_wo)
    for m in re.finditer(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", s_wo):
        add(_iso(int(m[3]), int(m[1]), int(m[2])))
    s_wo = re.sub(r"\b\d{1,2}/\d{1,2}/\d{4}\b", " ", s_wo)
    for m in re.finditer(r"\b(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})\b", s_wo):
        mon = _MONTHS.get(m[2].lower())
        if mon:
            add(_iso(int(m[3]), mon, m[1] and int(m[1])))
    s_wo = re.sub(r"\b(?:\d{1,2}\s+)?[A-Za-z]{3}[a-z]*\.?,?\s+\d{4}\b", " ", s_wo)
    for m in re.finditer(r"(?<![\d.])(1[89]\d{2}|20\d{2})(?![\d.])", s_wo):
        add(m[1])
    return found


def first_date(text: object) -> str | None:
    found = parse_dates(text)
    return found[0] if found else None


def _iso(y: int, m: int | str | None = None, d: int | str | None = None) -> str:
    if not m or not isinstance(m, int) or not 1 <= m <= 12:
        return f"{y:04d}"
    if not d or not isinstance(d, int) or not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def clean(value: object) -> str:
    """A cell as a trimmed string; OFAC's '-0-' and Japanese '不明' (unknown) become ''."""
    if value is None:
        return ""
    s = str(value).replace("\xa0", " ").strip()
    if s in ("-0-", "不明", "None", "nan"):
        return ""
    return s


def read_text(path: Path, encodings: Sequence[str] = ("utf-8-sig",)) -> str:
    data = path.read_bytes()
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
    line = data[: last.start].count(b"\n") + 1
    raise ListFormatError(str(path), f"cannot decode as {'/'.join(encodings)}: {last.reason}", row=line)


def csv_rows(
    path: Path,
    text: str,
    *,
    width: int | None = None,
    header: Sequence[str] | None = None,
    delimiter: str = ",",
) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV with their 1-based line numbers, checking the shape as it goes.

    A row that is too short is how a truncated download shows itself: it raises, so that a
    loader never returns half a list.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    expected = width
    try:
        if header is not None:
            expected = len(_header(path, reader, header))
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                continue
            if expected is not None and len(row) != expected:
                raise ListFormatError(
                    str(path), f"expected {expected} fields, found {len(row)} (truncated or malformed row)",
                    row=line)
            yield line, row
    except csv.Error as exc:
        raise ListFormatError(str(path), f"malformed CSV: {exc}", row=reader.line_num) from None


def _header(path: Path, reader: Iterator[list[str]], required: Sequence[str]) -> list[str]:
    got = next(reader, None)
    if got is None:
        raise ListFormatError(str(path), "file is empty", row=1)
    got = [h.strip().strip('"').lstrip("\ufeff") for h in got]
    missing = [h for h in required if h not in got]
    if missing:
        raise ListFormatError(str(path), f"missing column(s) {missing}; found {got}", row=1)
    return got


def csv_records(
    path: Path, text: str, required: Sequence[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a headed CSV as dicts, with line numbers; the header must contain `required`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = _header(path, reader, required)
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                continue
            if len(row) != len(header):
                raise ListFormatError(
                    str(path), f"expected {len(header)} fields, found {len(row)} (truncated or malformed row)",
                    row=line)
            yield line, dict(zip(header, row, strict=True))
    except csv.Error as exc:
        raise ListFormatError(str(path), f"malformed CSV: {exc}", row=reader.line_num) from None


def unique_ids(entities: list[Entity]) -> list[Entity]:
    """Rows that derive the same id (a list repeating a row) keep both, the later with a '~n' suffix."""
    seen: dict[str, int] = {}
    for entity in entities:
        n = seen.get(entity.id, 0)
        seen[entity.id] = n + 1
        if n:
            entity.id = f"{entity.id}~{n}"
    return entities


_EMBEDDED_AKA = re.compile(r"\s*\((?:a\.k\.a\.|aka|f\.k\.a\.)[:,]?\s*([^)]*)\)\s*", re.I)


def split_embedded_aliases(name: str) -> tuple[str, list[str]]:
    """'Chang, Huan Ling (a.k.a. Alice Chang)' -> ('Chang, Huan Ling', ['Alice Chang'])."""
    aliases: list[str] = []
    for m in _EMBEDDED_AKA.finditer(name):
        aliases.extend(a.strip() for a in re.split(r";|\s+and\s+", m[1]) if a.strip())
    primary = _EMBEDDED_AKA.sub(" ", name).strip()
    return re.sub(r"\s+", " ", primary), aliases


def root_date(path: Path, attribute: str) -> str | None:
    """The date an XML file's root element states in `attribute` (UN dateGenerated, EU
    generationDate), read from the first tag only."""
    from lxml import etree

    try:
        for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
            value = el.get(attribute)
            return value[:10] if value else None
    except etree.XMLSyntaxError:
        return None  # the loader reports the file's fault, with its row
    return None


def parse_xml(path: Path, root_tag: str, expected: str, source: IO[bytes] | None = None) -> Any:
    """The root element of an official XML file (entities and network access off), checked to be
    `root_tag`: a '{namespace}name', or a bare name in any namespace. `expected` names it in the error."""
    from lxml import etree

    try:
        tree = etree.parse(source if source is not None else str(path),
                           etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(str(path), f"malformed XML: {exc.msg}", row=exc.lineno) from None
    root = tree.getroot()
    name = etree.QName(root).localname
    if root.tag != root_tag and ("{" in root_tag or name != root_tag):
        raise ListFormatError(str(path), f"root element is <{name}>, expected {expected}", row=1)
    return root
