"""A local HTTP server serving official files, as `lists update` would fetch them."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest


def dated(path: Path, day: str) -> None:
    """Give a served file the modification time the server reports as Last-Modified."""
    stamp = datetime.fromisoformat(day).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture()
def www(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture()
def server(www: Path) -> Iterator[str]:
    """Files of `www` over HTTP; /trickle sends a byte every 0.2 s for a minute."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):  # type: ignore[no-untyped-def]
            super().__init__(*a, directory=str(www), **k)

        def do_GET(self) -> None:
            if self.path.startswith("/trickle"):
                self.send_response(200)
                self.send_header("Content-Length", "300")
                self.end_headers()
                for _ in range(300):
                    try:
                        self.wfile.write(b"<")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.2)
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("SEKISHO_HOME", str(path))
    return path


