"""What the tests share: the sample project with pinned file times, and helpers for live servers.

A fresh clone gives every file the checkout time, and plain-text articles are dated by their file's
modification time, so the content is copied and every file's time is pinned first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timezone
from pathlib import Path

import feedparser
import pytest
import watchfiles
from flask import Flask
from flask.testing import FlaskClient

import feeds.build.read
from feeds.build import BuildResult
from feeds.build import build_site
from feeds.config import load_settings
from feeds.serve.live import LiveSite
from feeds.source.scan import ContentFile

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
#: The first sample file's modification time in the golden build.
PINNED_MTIME = datetime(2021, 3, 15, 12, 0, tzinfo=timezone.utc).timestamp()
#: Between one file's time and the next: the sample's 16 files all fall within one second, as when
#: a checkout writes them.
PINNED_STEP_NS = 50_000_000


def pinned_copy(source: Path, target: Path) -> Path:
    """Copy a content folder and give its files fixed modification times: the first (in path
    order) ``PINNED_MTIME``, each next one ``PINNED_STEP_NS`` later."""
    shutil.copytree(source, target)
    first = int(PINNED_MTIME) * 1_000_000_000
    for number, path in enumerate(sorted(target.rglob("*"))):
        pinned = first + number * PINNED_STEP_NS
        os.utime(path, ns=(pinned, pinned))
    return target


def build_sample(workdir: Path) -> BuildResult:
    """The sample site (content/ with config/feeds.yaml) rendered in memory."""
    content = pinned_copy(ROOT / "content", workdir / "content")
    settings = load_settings(
        ROOT / "config" / "feeds.yaml", content_dir=content, output_dir=workdir / "public"
    )
    return build_site(settings)


ATOM_SCHEMA = Path(__file__).parent / "data" / "atom.rng"
#: A sample article in the AI topic, edited by the live-content tests.

#: A sample article in the AI topic, edited by the tests of live content and of the cache.
ARTICLE = "010_1f3b4be2c661303f.md"


def write_config(folder: Path, **serve: object) -> Path:
    """The sample config, with content/ and public/ beside it and the given ``serve:`` options."""
    text = (ROOT / "config" / "feeds.yaml").read_text(encoding="utf-8")
    text = text.split("\nserve:", 1)[0]  # replaced below
    options = {"reload_interval": 0, **serve}
    text += "\nserve:\n" + "".join(f"  {key}: {value}\n" for key, value in options.items())
    path = folder / "config" / "feeds.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def live_site(app: Flask) -> LiveSite:
    live: LiveSite = app.extensions["feeds"]
    return live


def edit(path: Path, old: str, new: str) -> None:
    """Change a content file and move its time on, as an editor saving it would."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def wait_for(client: FlaskClient, path: str, text: bytes, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while text not in client.get(path).data:
        assert time.monotonic() < deadline, f"{text!r} not in {path} within {seconds} s"
        time.sleep(0.05)


def require_file_system_events(folder: Path) -> None:
    """Skip unless this machine reports file-system changes (inotify and the like) to watchfiles."""
    try:
        next(iter(watchfiles.watch(folder, rust_timeout=1, yield_on_timeout=True)))
    except (OSError, RuntimeError) as e:
        pytest.skip(f"no file-system events here: {e}")


def entries_of(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.data
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


FILTERS = ("/all.atom?q=facial", "/all.json?provider=example+news", "/topics/ai.rss?q=the", "/all.rss?q=zzzz")


def filtered(app: Flask) -> list[bytes]:
    client = app.test_client()
    return [client.get(path).data for path in FILTERS]


def files_indexed(monkeypatch: pytest.MonkeyPatch) -> list[ContentFile]:
    """The content files that builds index from here on (read in this process, not from a cache)."""
    indexed: list[ContentFile] = []
    real = feeds.build.read._read_one
    monkeypatch.setattr(feeds.build.read, "_read_one", lambda *a: indexed.append(a[0]) or real(*a))
    return indexed


#: Accept headers of browsers' navigations.

BROWSERS = [
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
]


def touch(path: Path) -> None:
    """Move a file's time on, as saving it in an editor would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def wait_until(condition: Callable[[], object], seconds: float = 10, what: str = "the condition") -> None:
    """Poll ``condition`` until it is true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} not met within {seconds} s"
        time.sleep(0.02)


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 30) -> bool:
    """True once ``url`` answers; False if the server exits first (its port was taken)."""
    deadline = time.monotonic() + seconds
    while server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"{url} not up after {seconds} s"
            time.sleep(0.1)
    return False


@contextlib.contextmanager
def running_server(
    config: Path | Callable[[int], Path], *options: str, tries: int = 3, log: Path | None = None
) -> Iterator[str]:
    """``feeds serve`` on a free port of 127.0.0.1: yields its base URL, then stops it.

    ``config`` is the config file, or makes it for a port (when the site's base URL must be the
    server's own address). A port found free can be taken by another process before the server
    binds it; the server then exits, and it is started again on another port. ``log`` is a file
    for the server's output (else it is dropped).
    """
    for _ in range(tries):
        port = unused_port()
        path = config(port) if callable(config) else config
        command = [
            sys.executable,
            "-m",
            "feeds",
            "serve",
            "--config",
            str(path),
            "--port",
            str(port),
            *options,
        ]
        output = log.open("wb") if log is not None else subprocess.DEVNULL
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            if wait_until_up(f"http://127.0.0.1:{port}/healthz", server):
                yield f"http://127.0.0.1:{port}"
                return
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if log is not None:
                output.close()  # type: ignore[union-attr]
    raise AssertionError(f"feeds serve did not start in {tries} tries")
