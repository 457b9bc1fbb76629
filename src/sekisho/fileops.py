"""Files written so that a crash never leaves a half-written one in place, and files' content hashes.

Everything sekisho writes (results, the index cache, downloaded lists, custom lists) is written to
a temporary name beside its target that carries the writing process's id, and renamed into place
only when complete. A process killed outright (kill -9) cannot remove its temporary file; the next
run that writes the same target removes the ones whose process is gone (`remove_stale`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def temp_name(target: Path, kind: str) -> Path:
    """A hidden name beside `target` for this process's unfinished copy of it."""
    return target.with_name(f".{target.name}.{os.getpid()}.{kind}")


def remove_stale(target: Path, kind: str) -> None:
    """Remove unfinished copies of `target` left by processes that no longer run."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.{re.escape(kind)}$")
    if not target.parent.is_dir():
        return
    for entry in target.parent.iterdir():
        m = pattern.match(entry.name)
        if m and int(m[1]) != os.getpid() and not pid_alive(int(m[1])):
            remove(entry)


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (through links, '..' or case-insensitive file systems too)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def files_sha256(paths: Sequence[Path]) -> str:
    """The sha256 of the files' bytes one after another, read a megabyte at a time (a batch's input
    may be larger than memory)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
