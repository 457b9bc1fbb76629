"""Telling the encoding of a text file a user gives us: party files and custom lists.

Spreadsheets saved by Excel in Japan are often cp932 (Shift-JIS), in Western Europe cp1252. A file
read in the wrong encoding screens mojibake that never matches, so a file that is not UTF-8 is
read in the encoding a maintained detector (charset-normalizer) finds, or refused with the bytes
and line that could not be read, never decoded loosely.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from sekisho.errors import InvalidInput, ListFormatError

SAMPLE = 4 << 20  # bytes read to tell the encoding; a later undecodable byte is reported where it is

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def check_encoding(name: str) -> str:
    """The codec's canonical name, or an error for a name Python does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InvalidInput(f"unknown encoding {name!r}; use a Python codec name such as utf-8, cp932, "
                           "shift_jis, euc_jp, gb18030, big5, cp949 or cp1252") from None


def detect_encoding(path: Path, declared: str | None = None) -> tuple[str, str]:
    """(encoding, how it was chosen: 'declared', 'utf-8' or 'detected')."""
    if declared:
        return check_encoding(declared), "declared"
    with path.open("rb") as fh:
        data = fh.read(SAMPLE)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, "utf-8" if encoding == "utf-8-sig" else "detected"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=len(data) < SAMPLE)
        return "utf-8-sig", "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        line = data[:bad].count(b"\n") + 1
        raise ListFormatError(str(path), f"not UTF-8 (bytes {data[bad:bad + 8]!r}) and its encoding cannot be "
                              "told; say it with --encoding (for example cp932 for Excel files from Japan)",
                              row=line)
    return check_encoding(best.encoding), "detected"


def decode_error(path: Path, encoding: str) -> ListFormatError:
    """The error for bytes of a file that do not decode in the encoding chosen for it, naming the
    line they are on (a text reader decodes ahead in blocks, so it cannot say)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # the decoder may hold back a few bytes of an unfinished character from the block before
                start = max(exc.start - len(exc.object) + len(block), 0)
                lines += block[:start].count(b"\n")
                bad = block[start:start + 8]
                return ListFormatError(str(path), f"bytes {bad!r} are not {encoding}; say the file's encoding "
                                       "with --encoding", row=lines)
            lines += block.count(b"\n")
    return ListFormatError(str(path), f"the file ends inside a character: not {encoding}", row=lines)


def read_text(path: Path, declared: str | None = None) -> tuple[str, str]:
    """The whole file as text, and the encoding it was read in."""
    encoding, _how = detect_encoding(path, declared)
    data = path.read_bytes()
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise decode_error(path, encoding) from None
