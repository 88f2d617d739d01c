"""Subscription requests as an outside probe of the built-in hub wrote them (WebSub §5.1-5.3):
leaving a feed that is gone, the topic a verification names, leases written with zeros, one
address written in other scripts, the permissions of the subscriptions' folder."""

from __future__ import annotations

import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

import feeds.websub.hub
from feeds.serve.app import create_app
from feeds.serve.limits import BodyReaders
from feeds.serve.limits import client_key
from feeds.websub.client import callback_host
from feeds.websub.store import Leadership
from feeds.websub.store import Store
from feeds.websub.store import hub_folder
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.test_websub_hub import BASE
from tests.test_websub_hub import TOPIC
from tests.test_websub_hub import ask
from tests.test_websub_hub import hub_health
from tests.test_websub_hub import live_of
from tests.test_websub_hub import settled
from tests.test_websub_hub import subscribed
from tests.websub_peers import Subscriber
from tests.websub_peers import eventually
from tests.websub_peers import serving
from tests.websub_peers import write_config


@pytest.fixture
def site(tmp_path: Path) -> Path:
    pinned_copy(ROOT / "content", tmp_path / "content")
    write_config(tmp_path, {"builtin": True, "allow_private_callbacks": True})
    return tmp_path


@pytest.fixture
def app(site: Path) -> Iterator[Flask]:
    app = create_app(site / "config" / "feeds.yaml")
    yield app
    app.extensions["feeds"].stop()


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    with serving(Subscriber()) as subscriber:
        yield subscriber


def test_a_subscriber_leaves_a_feed_that_is_gone(app: Flask, site: Path, subscriber: Subscriber) -> None:
    """Its feed gone (a format turned off here; a topic's last article deleted alike), an
    unsubscription was refused as "not a feed of this site" and answered with a denial, and the
    subscriber was sent the feed again when it came back, until its lease ran out."""
    subscribed(app, subscriber)
    config = site / "config" / "feeds.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("formats: [atom, rss, json]", "formats: [rss, json]", 1), encoding="utf-8")
    assert live_of(app).refresh()
    assert app.test_client().get("/topics/ai.atom").status_code == 404

    response = ask(app, subscriber, "unsubscribe")
    assert response.status_code == 202, response.text
    eventually(lambda: hub_health(app)["subscriptions"] == 0, what="the unsubscription")
    assert subscriber.verifications[-1]["hub.mode"] == "unsubscribe" and subscriber.denials == []

    # Not subscribed, it is told the feed is not this site's; a denial answers subscriptions only.
    response = ask(app, subscriber, "unsubscribe")
    assert response.status_code == 404 and "is not a feed of this site" in response.text
    settled(app)
    assert subscriber.denials == []


def test_the_verification_names_the_topic_as_the_request_wrote_it(app: Flask, subscriber: Subscriber) -> None:
    """§5.3: hub.topic is "the topic URL given in the corresponding subscription request", which
    the subscriber checks; the hub sent the feed's own spelling of ``東京`` and ``HTTP://``."""
    written = TOPIC.replace("https://", "HTTPS://")
    subscribed(app, subscriber, topic=written)
    assert subscriber.verifications[-1]["hub.topic"] == written


def test_zeros_in_front_of_a_lease_count_for_nothing(app: Flask, subscriber: Subscriber) -> None:
    subscribed(app, subscriber, **{"hub.lease_seconds": "0000000007200"})
    assert subscriber.verifications[0]["hub.lease_seconds"] == "7200"  # it was the longest lease


@pytest.mark.parametrize("spelling", ["127。0。0。1", "１２７.0.0.1", "127．0．0．1", "𝟏𝟐𝟕.0.0.1"])
def test_an_address_in_other_scripts_is_counted_as_itself(spelling: str) -> None:
    """A connection reaches 127.0.0.1 for each (sockets encode names with IDNA), but the limits per
    host counted each as a host of its own, 1,000 subscriptions more each (an outside probe)."""
    assert callback_host(f"http://{spelling}:8790/cb") == "127.0.0.1"


def test_a_host_over_its_limit_is_refused_however_its_address_is_written(
    app: Flask, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.websub.hub, "MAX_PER_HOST", 1)
    subscribed(app, subscriber)
    callback = subscriber.url.replace("127.0.0.1", "127。0。0。1")
    form = {"hub.mode": "subscribe", "hub.topic": BASE + "topics/ai.rss", "hub.callback": callback}
    response = app.test_client().post("/websub", data=form)
    assert response.status_code == 403 and "127.0.0.1" in response.text


def test_the_subscriptions_folder_is_its_owners_only_whoever_made_it(tmp_path: Path) -> None:
    """The delivery lock made the folder first, with the usual permissions, and the store then
    kept its secrets in a folder everyone could read (an outside probe)."""
    folder = hub_folder(tmp_path / "public")
    Leadership(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o755)  # as an earlier version left it
    store = Store(folder)
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        store.close()


def test_a_client_holds_one_turn_to_send_a_body_and_others_keep_theirs() -> None:
    readers = BodyReaders(readers=3, waiting=1, wait=0.2)
    with readers.turn("203.0.113.5") as first:
        assert first
        with readers.turn("203.0.113.5") as again:  # the same client waits, then gets none
            assert not again
        with readers.turn("2001:db8::1") as other, readers.turn("2001:db8::2") as same_64:
            assert other and not same_64  # one /64 is one client
        with readers.turn("198.51.100.7") as other:
            assert other
    with readers.turn("203.0.113.5") as later:
        assert later  # its turn was given back


def test_a_waiting_request_gets_the_turn_given_back() -> None:
    readers = BodyReaders(readers=1, waiting=1, wait=5)
    taken = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with readers.turn("203.0.113.5"):
            taken.set()
            time.sleep(0.2)
        done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    started = time.monotonic()
    with readers.turn("198.51.100.7") as mine:
        assert mine and done.is_set() and time.monotonic() - started < 4
    thread.join()


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3::9", "2001:db8:1:2::"),
    ],
)
def test_a_client_is_known_by_its_address_or_its_64(address: str, key: str) -> None:
    assert client_key(address) == key


def test_verifications_pending_per_client_are_bounded(
    app: Flask, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One client asked for 1,500 verifications of callbacks on 300 hosts that never answered,
    and every other subscriber waited half an hour behind them (an outside probe)."""
    monkeypatch.setattr(feeds.websub.hub, "PENDING_PER_CLIENT", 0)
    subscriber.intents.add(("subscribe", TOPIC))
    form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": subscriber.url}
    response = app.test_client().post("/websub", data=form, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    monkeypatch.setattr(feeds.websub.hub, "PENDING_PER_CLIENT", 1)
    response = app.test_client().post("/websub", data=form, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 202
    eventually(lambda: hub_health(app)["subscriptions"] == 1, what="the subscription")
