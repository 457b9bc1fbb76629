"""`sekisho lists update`: download official files, check them, then make them the version in use.

A new version replaces the current one only when it parses whole and is plausible:
- dated: by the publication date the file states (UN `dateGenerated` …), else the server's
  Last-Modified, else the download day (said so); an older version never replaces a newer one;
- not shrunk: losing more than SEKISHO_MAX_SHRINK of the current entities is how a file cut at a
  line boundary shows itself, since it still parses;
- whole: where the format marks its end (OFAC's legacy CSV), the mark is there.
A check that fails refuses the update with what changed, unless the caller says to accept it
(`allow_shrink`, `allow_older`, or `force` for all). Any failure, a time-out or a stop leaves the
current version in use and no staging folder behind. Each accepted version is kept in its own
folder; a `current` file, replaced atomically, names the one in use.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from sekisho import settings
from sekisho.errors import FetchError, InvalidInput, Refused, SekishoError
from sekisho.fileops import files_sha256, remove, remove_stale, temp_name
from sekisho.lists.model import ListVersion
from sekisho.lists.registry import SPECS, available, current_facts, downloaded_dir, owner, versions_dir

STAGING = "staging"


def _urls(list_id: str) -> list[tuple[str, str]]:
    """(url, filename) for each file to fetch. SEKISHO_LIST_URLS overrides: a base URL ending in '/'
    fetches the list's files by their official names from there; a full URL for a list of several
    files fetches that one file (an OFAC XML or zip, say), named as in the URL."""
    spec = SPECS[list_id]
    override = settings.list_url_overrides().get(list_id)
    if override:
        if len(spec.files) == 1:
            return [(override, spec.files[0].filename)]
        if override.endswith("/"):
            return [(override + (f.url or f.filename).rsplit("/", 1)[-1], f.filename) for f in spec.files]
        name = override.rsplit("/", 1)[-1].split("?")[0].lower()
        if not name.endswith((".xml", ".zip")):
            raise InvalidInput(f"{list_id} has {len(spec.files)} files: give a base URL ending in '/', or the "
                               "URL of one .xml or .zip file")
        return [(override, name)]
    files = spec.download or spec.files
    if files[0].url is None:
        raise InvalidInput(f"{list_id}: no official download address. {spec.note}")
    return [(f.url, f.filename) for f in files if f.url]


def download(url: str, dest: Path, timeout: float, max_bytes: int) -> str | None:
    """Fetch `url` into `dest` within `timeout` seconds in all and `max_bytes`; the server's
    Last-Modified date (ISO), if it sent one."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": "sekisho list updater"})
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp, dest.open("wb") as fh:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: {int(declared):,} bytes, more than SEKISHO_MAX_DOWNLOAD_MB allows")
            # the socket's time-out bounds one read; each read is given only the time left, and
            # read1 returns what one read brought, so a server that trickles bytes is cut off too
            sock = getattr(getattr(resp.fp, "raw", None), "_sock", None)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _too_slow(url, timeout, received)
                if isinstance(sock, socket.socket):
                    sock.settimeout(left)
                chunk = resp.read1(1 << 16)
                if not chunk:
                    break
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(f"{url}: more than {max_bytes:,} bytes (SEKISHO_MAX_DOWNLOAD_MB)")
                fh.write(chunk)
            if declared and declared.isdigit() and received != int(declared):
                raise FetchError(f"{url}: {received:,} of {int(declared):,} bytes received: cut short")
            return _http_date(resp.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise _too_slow(url, timeout, received) from None
    except http.client.HTTPException as exc:
        raise FetchError(f"{url}: broken HTTP response ({type(exc).__name__}); the current copy is kept") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: cannot download ({reason}); are you offline? The current copy is kept.") from None


def _too_slow(url: str, timeout: float, received: int) -> FetchError:
    return FetchError(f"{url}: not complete within {timeout:g} s (SEKISHO_HTTP_TIMEOUT), {received:,} bytes "
                      "received; the current copy is kept")


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def _plausibility(list_id: str, new: dict[str, Any], current: dict[str, Any], allow_shrink: bool,
                  allow_older: bool) -> None:
    where = f"the current copy ({current['where']}, {current['date']}, {current['entities']:,} entities)"
    if new["date"][:10] < str(current["date"])[:10] and not allow_older:
        raise Refused(f"{list_id}: the downloaded list is dated {new['date']} ({new['date_source']}), older than "
                      f"{where}, which is kept. `--allow-older` takes it anyway.")
    limit = settings.get_float("SEKISHO_MAX_SHRINK")
    lost = 1 - new["entities"] / current["entities"] if current["entities"] else 0.0
    if lost > limit and not allow_shrink:
        raise Refused(f"{list_id}: the downloaded list has {new['entities']:,} entities, {lost:.1%} fewer than "
                      f"{where}; more than SEKISHO_MAX_SHRINK ({limit:.0%}) is implausible for one update (a file "
                      "cut short?). `--allow-shrink` takes it anyway.")


def update(list_id: str, *, allow_shrink: bool = False, allow_older: bool = False,
           force: bool = False) -> dict[str, Any]:
    """Download a list and, when it passes the checks, make it the version in use.

    Returns the new version's facts with `status` 'updated' or 'unchanged' and the `previous` ones."""
    if list_id not in SPECS:
        raise InvalidInput(f"{list_id}: only official lists can be updated; known: {', '.join(SPECS)}")
    list_id = owner(list_id)  # the CSL's lists are updated with the CSL
    spec = SPECS[list_id]
    urls = _urls(list_id)
    timeout = settings.get_float("SEKISHO_HTTP_TIMEOUT")
    max_bytes = int(settings.get_float("SEKISHO_MAX_DOWNLOAD_MB") * 1_000_000)
    versions = versions_dir(list_id)
    versions.mkdir(parents=True, exist_ok=True)
    remove_stale(versions / "update", STAGING)  # left by an update that was killed
    staging = temp_name(versions / "update", STAGING)
    staging.mkdir()
    try:
        modified = None
        for i, (url, filename) in enumerate(urls):
            stamp = download(url, staging / filename, timeout, max_bytes)
            modified = stamp if i == 0 else modified
        paths = [staging / filename for _, filename in urls]
        existing = [p for p in paths if p.exists()]
        today = date.today().isoformat()
        version = ListVersion(list_id, spec.jurisdiction, spec.title, today, files_sha256(existing),
                              tuple(str(p) for p in existing), urls[0][0])
        try:
            entities = spec.module().load(paths, version).entities
        except SekishoError as exc:
            raise FetchError(f"{list_id}: the downloaded file does not parse, current copy kept: {exc}") from None
        stated = spec.stated_date(paths)
        when, source = ((stated, "stated in the file") if stated else (modified, "server's Last-Modified")
                        if modified else (today, "download day: the file states no date"))
        new = {"date": when, "date_source": source, "downloaded": today, "url": urls[0][0],
               "sha256": version.sha256, "entities": len(entities), "files": [name for _, name in urls]}
        # a list not bundled has no current copy before its first download: nothing to compare with
        current = current_facts(list_id) if available(list_id) else None
        if current is not None and current["sha256"] == new["sha256"]:
            return {"id": list_id, "status": "unchanged", **current, "previous": current}
        problem = spec.cut_short(paths)
        if problem and not force:
            raise Refused(f"{list_id}: {problem}; the current copy is kept. `--force` takes it anyway.")
        if current is not None and not force:
            _plausibility(list_id, new, current, allow_shrink, allow_older)
        (staging / "manifest.json").write_text(json.dumps(new, indent=2), "utf-8")
        name = f"{when[:10]}_{version.sha256[:12]}"
        final = versions / name
        if final.exists():  # this very version was downloaded before: use that copy
            remove(staging)
        else:
            staging.rename(final)
        pointer = downloaded_dir(list_id) / "current"
        tmp = temp_name(pointer, "tmp")
        tmp.write_text(name, "utf-8")
        os.replace(tmp, pointer)
        return {"id": list_id, "status": "updated", **new, "previous": current}
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
