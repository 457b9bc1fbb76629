"""The index cache file: the pickled index behind a header with its length and sha256.

A cache is trusted only after its digest checks out: flipped bytes in a pickle can crash the
interpreter or, worse, load an index that gives other scores and loses hits with no error. Any
mismatch or load error raises CacheError, and the caller rebuilds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
from pathlib import Path
from typing import Any

from sekisho.fileops import remove, temp_name

MAGIC = b"SEKISHO-INDEX-1\n"
_HEAD = struct.Struct("<Q32s")  # payload length, sha256 of the payload
TEMP = "tmp"


class CacheError(Exception):
    """The cache file is missing, cut short, altered or unreadable: rebuild it."""


def write(path: Path, obj: Any) -> None:
    """Write atomically: a killed write leaves the old file (or none), never a partial one."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = temp_name(path, TEMP)
    try:
        with tmp.open("wb") as fh:
            fh.write(MAGIC)
            fh.write(_HEAD.pack(len(payload), hashlib.sha256(payload).digest()))
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        remove(tmp)
        raise


def read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CacheError(f"cannot read it ({exc.strerror})") from None
    start = len(MAGIC) + _HEAD.size
    if len(data) < start or not data.startswith(MAGIC):
        raise CacheError(f"not a sekisho index file ({len(data)} bytes)")
    length, digest = _HEAD.unpack_from(data, len(MAGIC))
    payload = memoryview(data)[start:]
    if len(payload) != length:
        raise CacheError(f"{len(payload)} bytes of index where the header says {length}: cut short")
    if hashlib.sha256(payload).digest() != digest:
        raise CacheError("its sha256 does not match the one written with it: the file was altered")
    try:
        return pickle.loads(payload)
    except Exception as exc:  # a valid digest over a pickle this code cannot load (another version)
        raise CacheError(f"cannot load it ({type(exc).__name__}: {exc})") from None
