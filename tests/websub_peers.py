"""The other side of WebSub, for tests: a subscriber and a stand-in outside hub, each an
``http.server`` on 127.0.0.1 (port 0) in a thread.

The subscriber is written from the Recommendation (W3C, 23 January 2018), not from our hub:
§5.3.1 (echo ``hub.challenge`` for a pending (un)subscription, else 404), §5.2 (``hub.mode=denied``),
§7 and §7.1 (content distribution, ``X-Hub-Signature: method=hex HMAC of the body``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from tests.helpers import ARTICLE
from tests.helpers import ROOT
from tests.helpers import edit


def eventually(condition: Callable[[], Any], seconds: float = 20, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns something true, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} not met within {seconds} s"
        time.sleep(0.02)


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Subscriber:
    """A WebSub subscriber's callback endpoint."""

    url: str = ""  #: the callback URL (set when serving)
    intents: set[tuple[str, str]] = field(default_factory=set)  #: (mode, topic) it wants verified
    wrong_challenge: bool = False  #: echo something else than the challenge
    status: list[int] = field(default_factory=list)  #: statuses for the next deliveries (then 200)
    verifications: list[dict[str, str]] = field(default_factory=list)
    denials: list[dict[str, str]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold: threading.Event | None = None  #: answer no verification until this is set (30 s at most)
    held: list[dict[str, str]] = field(default_factory=list)  #: requests that waited for ``hold``

    def handle_get(self, query: dict[str, str]) -> tuple[int, bytes]:
        mode = query.get("hub.mode", "")
        if self.hold is not None:
            with self.lock:
                self.held.append(query)
            self.hold.wait(30)
        with self.lock:
            if mode == "denied":
                self.denials.append(query)
                return 200, b""
            self.verifications.append(query)
            if (mode, query.get("hub.topic", "")) not in self.intents:
                return 404, b"not mine"
            if self.wrong_challenge:
                return 200, b"not-the-challenge"
            return 200, query["hub.challenge"].encode()

    def handle_post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.deliveries.append(Delivery(path, headers, body))
            return self.status.pop(0) if self.status else 200


def signature_ok(secret: str, delivery: Delivery) -> bool:
    """§7.1: ``X-Hub-Signature: method=signature``, the HMAC of the body keyed by hub.secret."""
    header = delivery.headers.get("X-Hub-Signature", "")
    method, _, signature = header.partition("=")
    if method not in ("sha1", "sha256", "sha384", "sha512"):
        return False
    expected = hmac.new(secret.encode(), delivery.body, getattr(hashlib, method)).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass
class StandInHub:
    """An outside hub that records ``hub.mode=publish`` notifications."""

    url: str = ""
    status: list[int] = field(default_factory=list)  #: statuses for the next requests (then 204)
    requests: list[list[tuple[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle_post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append(parse_qsl(body.decode("ascii")))
            return self.status.pop(0) if self.status else 204

    def handle_get(self, query: dict[str, str]) -> tuple[int, bytes]:
        return 405, b""

    def topics(self) -> list[str]:
        """Every ``hub.url`` of every request received, in order."""
        with self.lock:
            return [v for request in self.requests for k, v in request if k == "hub.url"]

    def modes(self) -> set[str]:
        with self.lock:
            return {v for request in self.requests for k, v in request if k == "hub.mode"}


@contextlib.contextmanager
def serving(peer: Subscriber | StandInHub) -> Iterator[Any]:
    """Serve ``peer`` on 127.0.0.1 until the block ends; its ``url`` is set meanwhile."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            status, body = peer.handle_get(query)
            self._answer(status, body)

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = peer.handle_post(urlsplit(self.path).path, dict(self.headers.items()), body)
            self._answer(status, b"")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    peer.url = f"http://127.0.0.1:{server.server_address[1]}/callback"
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_config(
    folder: Path,
    websub: dict[str, Any],
    base_url: str = "https://feeds.example.org/",
    reload_interval: float = 0,
) -> Path:
    """The sample config with content/ and public/ beside it, ``websub:``, and by default no watching."""
    text = (ROOT / "config" / "feeds.yaml").read_text(encoding="utf-8")
    text = text.split("\nserve:", 1)[0].replace('"https://feeds.example.org/"', f'"{base_url}"', 1)
    text += f"\nserve:\n  reload_interval: {reload_interval}\nwebsub:\n"
    for key, value in websub.items():
        if isinstance(value, list):
            value = "[" + ", ".join(f'"{item}"' for item in value) + "]"
        elif isinstance(value, bool):
            value = str(value).lower()
        text += f"  {key}: {value}\n"
    path = folder / "config" / "feeds.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit_article(content: Path, words: str, name: str = ARTICLE) -> None:
    """Change an article's title (and move its file's time on), so the next build sees a new version."""
    edit(content / name, "title: ", f"title: {words} ")
