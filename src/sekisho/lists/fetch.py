"""`sekisho lists update`: download official files, validate them by loading, then swap them in.

A download that fails or does not parse leaves the current copy untouched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from sekisho import settings
from sekisho.errors import FetchError, InvalidInput, SekishoError
from sekisho.lists.common import files_sha256
from sekisho.lists.model import ListVersion
from sekisho.lists.registry import SPECS, downloaded_dir


def _urls(list_id: str) -> list[tuple[str, str]]:
    """(url, filename) for each file of a list, honouring SEKISHO_LIST_URLS overrides."""
    spec = SPECS[list_id]
    override = settings.list_url_overrides().get(list_id)
    if override:
        if len(spec.files) == 1:
            return [(override, spec.files[0].filename)]
        if not override.endswith("/"):
            raise InvalidInput(f"{list_id} has {len(spec.files)} files: give a base URL ending in '/'")
        return [(override + (f.url or f.filename).rsplit("/", 1)[-1], f.filename) for f in spec.files]
    if spec.files[0].url is None:
        raise InvalidInput(f"{list_id}: no official download address. {spec.note}")
    return [(f.url, f.filename) for f in spec.files if f.url]


def download(url: str, dest: Path, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "sekisho list updater"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp, dest.open("wb") as fh:
            shutil.copyfileobj(resp, fh)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"{url}: cannot download ({reason}); are you offline? The current copy is kept.") from None


def update(list_id: str) -> dict[str, object]:
    if list_id not in SPECS:
        raise InvalidInput(f"{list_id}: only official lists can be updated; known: {', '.join(SPECS)}")
    spec = SPECS[list_id]
    urls = _urls(list_id)
    timeout = settings.get_float("SEKISHO_HTTP_TIMEOUT")
    target = downloaded_dir(list_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{list_id}-", dir=target.parent))
    try:
        for url, filename in urls:
            download(url, staging / filename, timeout)
        paths = [staging / f.filename for f in spec.files]
        existing = [p for p in paths if p.exists()]
        today = date.today().isoformat()
        version = ListVersion(list_id, spec.jurisdiction, spec.title, today, files_sha256(existing),
                              tuple(str(p) for p in existing), urls[0][0])
        try:
            entities = spec.loader(list_id, version, paths, [])
        except SekishoError as exc:
            raise FetchError(f"{list_id}: the downloaded file does not parse, current copy kept: {exc}") from None
        manifest = {"date": today, "url": urls[0][0], "sha256": version.sha256, "entities": len(entities)}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        return {"id": list_id, **manifest}
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
