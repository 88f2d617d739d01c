"""The hub's safety: callbacks on this machine or its network are refused unless allowed, the
client never follows a redirect and always ends, and a callback is checked where it connects."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from feeds.serve.app import create_app
from feeds.websub.client import RequestError
from feeds.websub.client import public_address
from feeds.websub.client import request
from feeds.websub.client import url_refusal
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.websub_peers import Subscriber
from tests.websub_peers import eventually
from tests.websub_peers import serving
from tests.websub_peers import write_config

TOPIC = "https://feeds.example.org/topics/ai.atom"


@pytest.fixture
def guarded_app(tmp_path: Path) -> Iterator[Flask]:
    pinned_copy(ROOT / "content", tmp_path / "content")
    app = create_app(write_config(tmp_path, {"builtin": True}))  # allow_private_callbacks: false
    yield app
    app.extensions["feeds"].stop()


@pytest.mark.parametrize(
    "callback",
    [
        "http://127.0.0.1:8080/cb",
        "http://localhost/cb",
        "http://10.1.2.3/cb",
        "http://192.168.0.10/cb",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata: link-local
        "http://[::1]/cb",
        "http://[::ffff:127.0.0.1]/cb",
        "http://[fd00::1]/cb",
        "http://100.64.0.1/cb",
    ],
)
def test_private_callbacks_are_refused_with_the_guard_on(guarded_app: Flask, callback: str) -> None:
    form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback}
    response = guarded_app.test_client().post("/websub", data=form)
    assert response.status_code == 403
    assert "refused" in response.text


def test_a_real_local_subscriber_is_refused_and_never_called(guarded_app: Flask) -> None:
    with serving(Subscriber()) as subscriber:
        subscriber.intents.add(("subscribe", TOPIC))
        form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": subscriber.url}
        response = guarded_app.test_client().post("/websub", data=form)
        assert response.status_code == 403 and "127.0.0.1" in response.text
        # and a topic of another site from a private callback: refused, and no denial sent there
        form["hub.topic"] = "https://elsewhere.example.com/feed"
        assert guarded_app.test_client().post("/websub", data=form).status_code == 403
        eventually(guarded_app.extensions["feeds"].websub.hub.idle, what="an idle hub")
        assert subscriber.verifications == [] and subscriber.denials == []


def test_a_name_resolving_to_a_private_address_is_refused_when_connecting() -> None:
    with serving(Subscriber()) as subscriber:
        port = subscriber.url.split(":")[2].split("/")[0]
        # request() itself checks no names, only the addresses a name resolves to
        with pytest.raises(RequestError, match="loopback, private or link-local"):
            request("GET", f"http://localhost:{port}/cb", allow_private=False)
        assert subscriber.verifications == []
        assert request("GET", f"http://localhost:{port}/cb", allow_private=True).status == 404


def test_addresses() -> None:
    assert public_address("93.184.216.34") and public_address("2606:2800:220:1:248:1893:25c8:1946")
    for address in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.1.1", "::1", "fe80::1",
                    "fc00::1", "0.0.0.0", "224.0.0.1", "::ffff:10.0.0.1", "100.64.0.1", "not an address"):  # fmt: skip
        assert not public_address(address), address
    # IPv6 forms that a gateway turns into a private IPv4 address (found by an outside probe):
    # NAT64 (169.254.169.254, the cloud metadata address), 6to4, SIIT, IPv4-compatible; site-local.
    for address in ("64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "::ffff:0:7f00:1",
                    "::127.0.0.1", "fec0::1", "2001:0:4136:e378:8000:63bf:80ff:fffe"):  # fmt: skip
        assert not public_address(address), address
    assert public_address("64:ff9b::93.184.216.34")  # NAT64 to a public address is public
    assert url_refusal("https://example.com/cb", allow_private=False) is None
    assert url_refusal("http://127.0.0.1/cb", allow_private=True) is None
    assert url_refusal("javascript:alert(1)", allow_private=True) is not None
    assert url_refusal("http://example.com:99999/", allow_private=True) is not None
    assert url_refusal("http://example.com/" + "x" * 2000, allow_private=True) is not None


def test_redirects_are_answers_not_followed() -> None:
    class Redirecting(Subscriber):
        def handle_get(self, query: dict[str, str]) -> tuple[int, bytes]:
            self.verifications.append(query)
            return 302, b""

    with serving(Redirecting()) as peer:
        answer = request("GET", peer.url + "?a=1", allow_private=True)
        assert answer.status == 302
        assert len(peer.verifications) == 1


def test_a_peer_that_drips_its_answer_is_cut_off() -> None:
    """Each read is bounded by the socket timeout, the whole request by the watchdog: a header
    line sent a byte at a time (64 KB allowed) would otherwise hold the request for an hour."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.is_set():
                try:
                    connection.sendall(b"a")
                except OSError:
                    return
                time.sleep(0.05)

    errors: list[Exception] = []

    def ask() -> None:
        try:
            request("GET", f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=0.5)
        except RequestError as e:
            errors.append(e)

    threads = [threading.Thread(target=drip, daemon=True), threading.Thread(target=ask, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        threads[1].join(timeout=30)
        assert not threads[1].is_alive(), "the request was not cut off"
        assert len(errors) == 1
    finally:
        stop.set()
        listener.close()
        threads[0].join(timeout=5)
