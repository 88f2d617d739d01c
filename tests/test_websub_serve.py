"""WebSub against a real `feeds serve` process: a subscriber subscribes over HTTP, an article is
edited on disk, and the server's watcher, rebuild and hub bring the new feed to the callback; a
stand-in outside hub hears of the change too."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.helpers import running_server
from tests.websub_peers import StandInHub
from tests.websub_peers import Subscriber
from tests.websub_peers import edit_article
from tests.websub_peers import eventually
from tests.websub_peers import serving
from tests.websub_peers import signature_ok
from tests.websub_peers import write_config

SECRET = "s3cret-for-the-test"


def health(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
        report: dict[str, Any] = json.loads(response.read())["websub"]
        return report


def post(url: str, form: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.slow
def test_feeds_serve_pushes_an_edit_to_its_subscriber_and_tells_the_outside_hub(tmp_path: Path) -> None:
    content = pinned_copy(ROOT / "content", tmp_path / "content")
    with serving(Subscriber()) as subscriber, serving(StandInHub()) as outside:
        websub = {"hubs": [outside.url], "builtin": True, "allow_private_callbacks": True}

        def config(port: int) -> Path:  # the site's base URL is the server's own address
            base_url = f"http://127.0.0.1:{port}/"
            return write_config(tmp_path, websub, base_url=base_url, reload_interval=0.2)

        with running_server(config) as base:
            with urllib.request.urlopen(f"{base}/topics/ai.atom", timeout=5) as response:
                discovered = feedparser.parse(response.read()).feed.links
                header = response.headers["Link"]
            topic = next(link.href for link in discovered if link.rel == "self")
            hub = next(link.href for link in discovered if link.rel == "hub")
            assert (hub, topic) == (f"{base}/websub", f"{base}/topics/ai.atom")
            assert f'<{hub}>; rel="hub"' in header and f'<{outside.url}>; rel="hub"' in header

            subscriber.intents.add(("subscribe", topic))
            form = {"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": subscriber.url}
            status, text = post(hub, {**form, "hub.secret": SECRET})
            assert status == 202, text
            eventually(lambda: health(base)["subscriptions"] == 1, what="the subscription")
            eventually(lambda: len(outside.topics()) == 33, what="the cold build's notifications")

            edit_article(content, "Pushed by the hub")
            [delivery] = eventually(lambda: list(subscriber.deliveries), what="the delivery")
            assert b"Pushed by the hub" in delivery.body and signature_ok(SECRET, delivery)
            with urllib.request.urlopen(f"{base}/topics/ai.atom", timeout=5) as response:
                assert response.read() == delivery.body
            eventually(lambda: topic in outside.topics()[33:], what="the outside hub's notification")
            report = eventually(
                lambda: (h := health(base))["pending_deliveries"] == h["pending_verifications"] == 0 and h,
                what="idle",
            )
            assert report["delivered"] == 1 and report["delivering"] is True

            subscriber.intents.add(("unsubscribe", topic))
            assert post(hub, {**form, "hub.mode": "unsubscribe"})[0] == 202
            eventually(lambda: health(base)["subscriptions"] == 0, what="the unsubscription")


def test_requests_that_never_send_their_body_do_not_freeze_the_site(tmp_path: Path) -> None:
    """Ten subscription requests that sent their headers and never their body held every thread
    of the server: no feed answered for as long as they stayed open (found by an outside probe)."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path, {"builtin": True})
    with running_server(config) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = []
        try:
            for _ in range(12):
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                connection.sendall(
                    b"POST /websub HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                )
                idle.append(connection)
            time.sleep(0.5)
            with urllib.request.urlopen(f"{base}/all.atom", timeout=5) as response:
                assert response.status == 200
            # The same client waits for its turn, then is told to try again; another client
            # (another address: 127.0.0.2 reaches the server's 127.0.0.1) has a turn at once:
            # two such requests shut the hub to everyone (an outside probe).
            status, text = post(f"{base}/websub", {"hub.mode": "subscribe"})
            assert status == 503 and "try again" in text
            other = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.2", 0))
            body = urllib.parse.urlencode({"hub.mode": "subscribe"})
            other.request("POST", "/websub", body, {"Content-Type": "application/x-www-form-urlencoded"})
            answer = other.getresponse()
            assert answer.status == 400 and b"hub.callback is missing" in answer.read()
            other.close()
        finally:
            for connection in idle:
                connection.close()
