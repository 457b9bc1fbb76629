"""Every setting in one table, read from SEKISHO_* environment variables.

`sekisho settings` prints this table; tests check that every setting is documented in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from sekisho.errors import InvalidInput


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SEKISHO_HOME", "", "Data folder for downloaded and custom lists and the index cache "
            "(default: the platform's user data folder)."),
    Setting("SEKISHO_THRESHOLD", "0.80", "Default score (0..1) at or above which a candidate is a hit."),
    Setting("SEKISHO_STALE_DAYS", "90", "Age in days after which a list snapshot is flagged as stale."),
    Setting("SEKISHO_WORKERS", "0", "Processes for batch screening; 0 means one per core."),
    Setting("SEKISHO_MAX_CANDIDATES", "96", "Candidate entities scored per query after index retrieval."),
    Setting("SEKISHO_MAX_NAME_LENGTH", "500", "Longest name screened, in characters; a longer one is skipped "
            "with its reason (longer than any list name)."),
    Setting("SEKISHO_HTTP_TIMEOUT", "300", "Seconds one list file's whole download may take, connection to last "
            "byte; a slower download is abandoned and the current copy kept."),
    Setting("SEKISHO_MAX_DOWNLOAD_MB", "500", "Largest list file a download accepts, in megabytes."),
    Setting("SEKISHO_MAX_SHRINK", "0.10", "Share of a list's entities an update may drop before it is refused "
            "as implausible (a cut-short file); `lists update --allow-shrink` accepts it."),
    Setting("SEKISHO_LIST_URLS", "", "Override download addresses: 'list-id=url[,list-id=url…]'."),
    Setting("SEKISHO_BUNDLED_ONLY", "0", "1 ignores downloaded and custom lists and uses the bundled "
            "snapshots only."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Value of a setting: the environment if set, else its default."""
    if name not in _BY_NAME:
        raise KeyError(name)
    return os.environ.get(name, _BY_NAME[name].default)


def default(name: str) -> str:
    return _BY_NAME[name].default


def get_float(name: str) -> float:
    raw = get(name)
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"setting {name}={raw!r} is not a number") from None


def get_int(name: str) -> int:
    raw = get(name)
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"setting {name}={raw!r} is not a whole number") from None


def home() -> Path:
    raw = get("SEKISHO_HOME")
    path = Path(raw) if raw else Path(platformdirs.user_data_dir("sekisho"))
    return path


def list_url_overrides() -> dict[str, str]:
    raw = get("SEKISHO_LIST_URLS").strip()
    out: dict[str, str] = {}
    if not raw:
        return out
    for part in raw.split(","):
        key, sep, url = part.partition("=")
        if not sep or not key.strip() or not url.strip():
            raise InvalidInput(f"SEKISHO_LIST_URLS: expected 'list-id=url', got {part!r}")
        out[key.strip()] = url.strip()
    return out
