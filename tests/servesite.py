"""A sample site to serve, for the server's tests: the app in this process, or ``feeds serve``.

Kept apart from test_web.py and test_serve.py so that these tests do not depend on how those
files are arranged.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import ROOT
from tests.helpers import pinned_copy


def write_config(folder: Path, **serve: object) -> Path:
    """The sample config, with content/ and public/ beside it and the given ``serve:`` options
    (watching off unless they say otherwise)."""
    text = (ROOT / "config" / "feeds.yaml").read_text(encoding="utf-8")
    text = text.split("\nserve:", 1)[0]
    options = {"reload_interval": 0, **serve}
    text += "\nserve:\n" + "".join(f"  {key}: {value}\n" for key, value in options.items())
    path = folder / "config" / "feeds.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sample_site(folder: Path, **serve: object) -> Path:
    """A pinned copy of the sample content in ``folder``; returns its config file."""
    pinned_copy(ROOT / "content", folder / "content")
    return write_config(folder, **serve)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(config: Path, *options: str, seconds: float = 60) -> Iterator[tuple[str, int]]:
    """``feeds serve`` on a free port of 127.0.0.1 with extra command-line ``options``: yields
    (base URL, port) once /healthz answers, then stops it."""
    port = free_port()
    command = [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(port)]
    server = subprocess.Popen([*command, *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            assert server.poll() is None, "feeds serve exited"
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, f"feeds serve not up after {seconds} s"
                time.sleep(0.1)
        yield base, port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
