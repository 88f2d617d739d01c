"""The built-in hub of `feeds serve`, driven by a subscriber written from the Recommendation.

The app runs in this process (Flask's test client posts the subscription requests); the hub
calls the subscriber back over HTTP on 127.0.0.1, so these tests turn on
``allow_private_callbacks``, except the one that checks that the guard refuses such a callback.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask import Flask

import feeds.websub.delivery
import feeds.websub.hub
from feeds.cli import cli
from feeds.serve.app import create_app
from feeds.serve.live import LiveSite
from feeds.websub.store import hub_folder
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.websub_peers import StandInHub
from tests.websub_peers import Subscriber
from tests.websub_peers import edit_article
from tests.websub_peers import eventually
from tests.websub_peers import serving
from tests.websub_peers import signature_ok
from tests.websub_peers import write_config

BASE = "https://feeds.example.org/"
TOPIC = BASE + "topics/ai.atom"
SECRET = "a subscriber's secret, well under 200 bytes"


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


def live_of(app: Flask) -> LiveSite:
    live: LiveSite = app.extensions["feeds"]
    return live


@contextlib.contextmanager
def started(config: Path) -> Iterator[Flask]:
    """A server process's app on ``config`` (its first build done), stopped when the block ends."""
    app = create_app(config)
    try:
        yield app
    finally:
        live_of(app).stop()


def hub_health(app: Flask) -> dict[str, Any]:
    report: dict[str, Any] = app.test_client().get("/healthz").get_json()["websub"]
    return report


def settled(app: Flask) -> dict[str, Any]:
    """The hub's health once nothing is waiting or under way."""
    return eventually(
        lambda: (h := hub_health(app))["pending_deliveries"] == h["pending_verifications"] == 0 and h,
        what="an idle hub",
    )


def ask(app: Flask, subscriber: Subscriber, mode: str = "subscribe", topic: str = TOPIC, **extra: str) -> Any:
    """A subscription request (§5.1), after noting the intent the subscriber will confirm."""
    subscriber.intents.add((mode, topic))
    form = {"hub.mode": mode, "hub.topic": topic, "hub.callback": subscriber.url, **extra}
    return app.test_client().post("/websub", data=form)


def subscribed(app: Flask, subscriber: Subscriber, **extra: str) -> None:
    response = ask(app, subscriber, "subscribe", **extra)
    assert response.status_code == 202, response.text
    eventually(lambda: hub_health(app)["subscriptions"] == 1, what="the subscription")


def test_a_subscriber_gets_each_new_version_signed(app: Flask, site: Path, subscriber: Subscriber) -> None:
    subscribed(app, subscriber, **{"hub.secret": SECRET, "hub.lease_seconds": "7200"})
    [check] = subscriber.verifications
    assert check["hub.mode"] == "subscribe" and check["hub.topic"] == TOPIC
    assert check["hub.lease_seconds"] == "7200" and len(check["hub.challenge"]) >= 16

    edit_article(site / "content", "Pushed")
    assert live_of(app).refresh()
    [delivery] = eventually(lambda: list(subscriber.deliveries), what="a delivery")
    served = app.test_client().get("/topics/ai.atom")
    assert delivery.body == served.data and b"Pushed" in delivery.body
    assert delivery.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert signature_ok(SECRET, delivery)
    assert f'<{BASE}websub>; rel="hub"' in delivery.headers["Link"]
    assert f'<{TOPIC}>; rel="self"' in delivery.headers["Link"]
    health = settled(app)
    assert health["delivered"] == 1 and health["failed_deliveries"] == 0


def test_unsubscribing_stops_deliveries(app: Flask, site: Path, subscriber: Subscriber) -> None:
    subscribed(app, subscriber)
    response = ask(app, subscriber, "unsubscribe")
    assert response.status_code == 202
    eventually(lambda: hub_health(app)["subscriptions"] == 0, what="the unsubscription")
    assert subscriber.verifications[-1]["hub.mode"] == "unsubscribe"
    assert "hub.lease_seconds" not in subscriber.verifications[-1]

    edit_article(site / "content", "Unheard")
    assert live_of(app).refresh()
    settled(app)  # the change has been handed out to every subscriber there is
    assert subscriber.deliveries == []


def test_racing_subscription_requests_all_count(app: Flask, subscriber: Subscriber) -> None:
    subscriber.intents.add(("subscribe", TOPIC))
    start = threading.Barrier(12)
    statuses: list[int] = []

    def subscribe(n: int) -> None:
        form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": f"{subscriber.url}/{n}"}
        client = app.test_client()
        start.wait()
        statuses.append(client.post("/websub", data=form).status_code)

    threads = [threading.Thread(target=subscribe, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [202] * 12
    eventually(lambda: hub_health(app)["subscriptions"] == 12, what="twelve subscriptions")


def test_a_restarted_server_keeps_its_subscribers(site: Path, subscriber: Subscriber) -> None:
    config = site / "config" / "feeds.yaml"
    first = create_app(config)
    subscribed(first, subscriber, **{"hub.secret": SECRET})
    live_of(first).stop()

    edit_article(site / "content", "After restart")
    second = create_app(config)  # its first build sees the change against the cache
    try:
        [delivery] = eventually(lambda: list(subscriber.deliveries), what="a delivery after the restart")
        assert b"After restart" in delivery.body and signature_ok(SECRET, delivery)
        assert hub_health(second)["subscriptions"] == 1
    finally:
        live_of(second).stop()


def test_a_version_built_while_the_server_was_stopped_reaches_the_subscribers(
    site: Path, subscriber: Subscriber
) -> None:
    """A `feeds build` run while the server was stopped left the cache at the new version, which
    the next server's first build compared with: the subscribers never got it (an outside probe).
    The hub compares with the version it sent last; a restart with nothing new sends nothing."""
    config = site / "config" / "feeds.yaml"
    first = create_app(config)
    subscribed(first, subscriber, **{"hub.secret": SECRET})
    live_of(first).stop()
    for words in ("Built while stopped", "And built again"):
        edit_article(site / "content", words)
        assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    with started(config) as second:
        [delivery] = eventually(lambda: list(subscriber.deliveries), what="a delivery after the restart")
        assert b"And built again Built while stopped" in delivery.body and signature_ok(SECRET, delivery)
        settled(second)
    with started(config) as third:
        settled(third)
        assert len(subscriber.deliveries) == 1


def test_a_subscriber_that_comes_back_is_not_sent_what_it_has(site: Path, subscriber: Subscriber) -> None:
    """The version noted for a topic stayed while it had no subscriber: one that subscribed again
    was sent, at the next start, the version it subscribed at (a follow-up probe)."""
    config = site / "config" / "feeds.yaml"
    with started(config) as first:
        subscribed(first, subscriber)
        assert ask(first, subscriber, "unsubscribe").status_code == 202
        eventually(lambda: hub_health(first)["subscriptions"] == 0, what="the unsubscription")
        edit_article(site / "content", "While nobody listened")
        assert live_of(first).refresh()
        subscribed(first, subscriber)
        settled(first)
    with started(config) as second:
        settled(second)
        assert subscriber.deliveries == []


def test_a_subscription_of_a_hub_that_noted_no_version_gets_a_build_made_while_stopped(
    site: Path, subscriber: Subscriber
) -> None:
    """Subscriptions from a version of feeds that noted nothing sent: the feed the last server
    process served, by its ETag, tells that a `feeds build` changed it meanwhile."""
    config = site / "config" / "feeds.yaml"
    first = create_app(config)
    subscribed(first, subscriber)
    live_of(first).stop()
    # Closed, not only committed: Python 3.13 warns of a connection left open (an error here).
    with contextlib.closing(sqlite3.connect(hub_folder(site / "public") / "subscriptions.sqlite3")) as db, db:
        db.execute("DELETE FROM sent")  # as an older hub left it
    edit_article(site / "content", "Built after an upgrade")
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    with started(config):
        [delivery] = eventually(lambda: list(subscriber.deliveries), what="a delivery after the restart")
        assert b"Built after an upgrade" in delivery.body


def test_outside_hubs_are_told_of_a_build_made_while_stopped_once(site: Path, subscriber: Subscriber) -> None:
    """The `feeds build` tells them; the server's first build told them again (a second follow-up
    probe), while its subscribers still get the version once."""
    with serving(StandInHub()) as hub:
        config = write_config(site, {"builtin": True, "allow_private_callbacks": True, "hubs": [hub.url]})
        first = create_app(config)
        subscribed(first, subscriber)
        settled(first)
        live_of(first).stop()
        told = len(hub.requests)
        edit_article(site / "content", "Told once")
        assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
        assert len(hub.requests) == told + 1
        with started(config) as second:
            eventually(lambda: subscriber.deliveries, what="the delivery")
            settled(second)
            eventually(lambda: hub_health(second)["pending_notifications"] == 0, what="no notice waiting")
            assert len(hub.requests) == told + 1 and len(subscriber.deliveries) == 1
            assert hub_health(second)["notified"] == 0


def test_of_two_workers_one_delivers(site: Path, subscriber: Subscriber) -> None:
    """`feeds serve --workers 2`: both take requests and rebuild; each version is sent once."""
    config = site / "config" / "feeds.yaml"
    first, second = create_app(config), create_app(config)
    try:
        subscribed(second, subscriber)  # through the worker that does not deliver
        assert [hub_health(app)["delivering"] for app in (first, second)] == [True, False]
        edit_article(site / "content", "Twice?")
        assert live_of(first).refresh() and live_of(second).refresh()
        eventually(lambda: subscriber.deliveries, what="the delivery")
        settled(first)
        settled(second)
        assert len(subscriber.deliveries) == 1
    finally:
        live_of(first).stop()
        live_of(second).stop()


def test_a_failed_delivery_is_tried_again(
    app: Flask, site: Path, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.websub.delivery, "RETRY_FIRST", 0.05)
    subscribed(app, subscriber)
    subscriber.status = [500, 302]  # a redirect is a failure too (§7)
    edit_article(site / "content", "Retried")
    assert live_of(app).refresh()
    eventually(lambda: len(subscriber.deliveries) == 3, what="two retries")
    assert len({d.body for d in subscriber.deliveries}) == 1
    health = settled(app)
    assert health["delivered"] == 1 and health["failed_deliveries"] == 0


def test_a_delivery_that_keeps_failing_is_dropped(
    app: Flask, site: Path, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.websub.delivery, "RETRY_FIRST", 0.05)
    monkeypatch.setattr(feeds.websub.delivery, "RETRY_FOR", 0.3)
    subscribed(app, subscriber)
    subscriber.status = [503] * 100
    edit_article(site / "content", "Dropped")
    assert live_of(app).refresh()
    health = settled(app)
    assert health["failed_deliveries"] == 1 and health["delivered"] == 0
    assert 2 <= len(subscriber.deliveries) < 100
    assert health["subscriptions"] == 1  # the subscription stays; only that version is dropped


def test_gone_ends_a_subscription(app: Flask, site: Path, subscriber: Subscriber) -> None:
    subscribed(app, subscriber)
    subscriber.status = [410]
    edit_article(site / "content", "Gone")
    assert live_of(app).refresh()
    eventually(lambda: hub_health(app)["subscriptions"] == 0, what="the end of the subscription")


def test_a_wrong_challenge_makes_no_subscription(app: Flask, subscriber: Subscriber) -> None:
    subscriber.wrong_challenge = True
    assert ask(app, subscriber).status_code == 202
    health = eventually(lambda: (h := hub_health(app))["failed_verifications"] == 1 and h, what="the failure")
    assert health["subscriptions"] == 0 and len(subscriber.verifications) == 1


def test_a_callback_that_does_not_want_it_makes_no_subscription(app: Flask, subscriber: Subscriber) -> None:
    form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": subscriber.url}
    assert app.test_client().post("/websub", data=form).status_code == 202  # no intent noted: 404
    eventually(lambda: hub_health(app)["failed_verifications"] == 1, what="the failure")
    assert hub_health(app)["subscriptions"] == 0


def test_a_topic_of_another_site_is_denied(app: Flask, subscriber: Subscriber) -> None:
    other = "https://elsewhere.example.com/feed.atom"
    response = ask(app, subscriber, topic=other)
    assert response.status_code == 404
    assert "is not a feed of this site" in response.text
    [denial] = eventually(lambda: list(subscriber.denials), what="the denial (§5.2)")
    assert denial["hub.topic"] == other and "not a feed of this site" in denial["hub.reason"]
    assert subscriber.verifications == []
    # The answer quotes the topic with what does not print escaped (a NUL went back as it came).
    response = ask(app, subscriber, topic=other + "\x00\x1b[31m")
    assert response.status_code == 404 and "\x00" not in response.text and "\x1b" not in response.text
    assert "\\x00\\x1b[31m is not a feed" in response.text


def test_a_filtered_feed_is_not_a_topic(app: Flask, subscriber: Subscriber) -> None:
    response = ask(app, subscriber, topic=TOPIC + "?q=camera")
    assert response.status_code == 404 and "unfiltered" in response.text


def test_an_oversize_secret_is_refused(app: Flask, subscriber: Subscriber) -> None:
    response = ask(app, subscriber, **{"hub.secret": "s" * 200})
    assert response.status_code == 400 and "hub.secret" in response.text
    assert ask(app, subscriber, **{"hub.secret": "s" * 199}).status_code == 202


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"hub.mode": "publish", "hub.url": TOPIC}, 400, "learns of changes"),
        ({"hub.mode": "subscribe", "hub.topic": TOPIC}, 400, "hub.callback is missing"),
        ({"hub.mode": "subscribe", "hub.callback": "http://127.0.0.1:9/x"}, 400, "hub.topic is missing"),
        ({"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": "ftp://x.example/"}, 403, "http(s)"),
        (
            {
                "hub.mode": "subscribe",
                "hub.topic": TOPIC,
                "hub.callback": "http://x.example/",
                "hub.lease_seconds": "soon",
            },
            400,
            "whole number",
        ),
        (
            {
                "hub.mode": "subscribe",
                "hub.topic": TOPIC,
                "hub.callback": "http://x.example/",
                "hub.lease_seconds": "-5",
            },
            400,
            "whole number",
        ),
    ],
)
def test_malformed_requests_say_what_is_wrong(
    app: Flask, form: dict[str, str], status: int, words: str
) -> None:
    response = app.test_client().post("/websub", data=form)
    assert response.status_code == status
    assert words in response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_leases_are_clamped(app: Flask, subscriber: Subscriber) -> None:
    subscribed(app, subscriber, **{"hub.lease_seconds": "5"})
    assert subscriber.verifications[0]["hub.lease_seconds"] == "3600"
    ask(app, subscriber, **{"hub.lease_seconds": "99999999"})
    eventually(lambda: len(subscriber.verifications) == 2, what="the renewal")
    assert subscriber.verifications[1]["hub.lease_seconds"] == "2592000"
    settled(app)
    assert hub_health(app)["subscriptions"] == 1  # a renewal, not a second subscription


def test_bodies_and_types_are_bounded(app: Flask) -> None:
    client = app.test_client()
    big = client.post("/websub", data={"hub.mode": "subscribe", "hub.secret": "x" * 9000})
    assert big.status_code == 413
    json = client.post("/websub", json={"hub.mode": "subscribe"})
    assert json.status_code == 415


def test_subscriptions_per_host_are_bounded(
    app: Flask, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.websub.hub, "MAX_PER_HOST", 1)
    subscribed(app, subscriber)
    response = ask(app, subscriber, topic=BASE + "topics/ai.rss")
    assert response.status_code == 403 and "127.0.0.1" in response.text
    assert ask(app, subscriber).status_code == 202  # renewing the one it has is fine
    # The same address written otherwise is the same host (found by an outside probe); IPv4 in
    # other forms than four decimal numbers is no host at all (browsers read it, not every client).
    for spelling, refusal in (
        ("127.1", "absolute http(s) URL"),
        ("2130706433", "absolute http(s) URL"),
        ("0x7f.0.0.1", "absolute http(s) URL"),
        ("[::ffff:127.0.0.1]", "127.0.0.1"),
        ("[::ffff:7f00:1]", "127.0.0.1"),
    ):
        callback = subscriber.url.replace("127.0.0.1", spelling)
        form = {"hub.mode": "subscribe", "hub.topic": BASE + "topics/ai.rss", "hub.callback": callback}
        response = app.test_client().post("/websub", data=form)
        assert response.status_code == 403 and refusal in response.text, spelling


def test_verifications_pending_per_callback_host_are_bounded(
    app: Flask, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One host's callbacks that never answer filled the whole queue (an outside probe); each host
    gets ``PENDING_PER_HOST`` verifications waiting or running, others keep theirs."""
    monkeypatch.setattr(feeds.websub.hub, "PENDING_PER_HOST", 0)
    response = ask(app, subscriber)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    monkeypatch.setattr(feeds.websub.hub, "PENDING_PER_HOST", 20)
    assert ask(app, subscriber).status_code == 202


def test_callbacks_that_never_answer_hold_neither_deliveries_nor_other_hosts(
    app: Flask, site: Path, subscriber: Subscriber
) -> None:
    """Verifications, denials and deliveries shared four threads: a host's callbacks that never
    answered held them all, and a delivery waited 47 s (an outside probe). Deliveries have threads
    of their own, and one host's requests take two threads at most."""
    subscribed(app, subscriber)
    with serving(Subscriber(hold=threading.Event())) as stuck:
        assert stuck.hold is not None
        try:
            for n in range(2 * feeds.websub.hub.THREADS):
                stuck.url = stuck.url.split("?")[0] + f"?n={n}"
                assert ask(app, stuck).status_code == 202
            eventually(lambda: len(stuck.held) == feeds.websub.hub.THREADS_PER_HOST, what="held")
            edit_article(site / "content", "Not held up")
            assert live_of(app).refresh()
            [delivery] = eventually(lambda: list(subscriber.deliveries), seconds=5, what="a delivery")
            assert b"Not held up" in delivery.body
            # Another host (a name, counted unresolved) gets its verification at once too.
            with serving(Subscriber()) as other:
                other.url = other.url.replace("127.0.0.1", "localhost")
                assert ask(app, other).status_code == 202
                eventually(lambda: other.verifications, seconds=5, what="the other host's verification")
            assert len(stuck.held) == feeds.websub.hub.THREADS_PER_HOST
        finally:
            stuck.hold.set()
        settled(app)


def test_feeds_without_subscribers_are_passed_over(app: Flask, subscriber: Subscriber) -> None:
    """A config change at 5,000 topics changes 15,000 feeds at once: only those with a subscriber
    are queued (each had a fan-out, and past the outbox's room subscribers missed the version)."""
    subscribed(app, subscriber)
    hub = live_of(app).websub.hub
    changes = [(f"{BASE}topics/t{n}.atom", b"<feed/>", "application/atom+xml") for n in range(30_000)]
    hub.distribute([*changes, (TOPIC, b"<feed>new</feed>", "application/atom+xml; charset=utf-8")])
    [delivery] = eventually(lambda: list(subscriber.deliveries), what="the subscribed feed's delivery")
    assert delivery.body == b"<feed>new</feed>"
    assert settled(app)["failed_deliveries"] == 0


def test_the_hub_is_off_unless_configured(tmp_path: Path) -> None:
    pinned_copy(ROOT / "content", tmp_path / "content")
    app = create_app(write_config(tmp_path, {"hubs": []}))
    try:
        response = app.test_client().post("/websub", data={"hub.mode": "subscribe"})
        assert response.status_code == 404
        assert "websub" not in app.test_client().get("/healthz").get_json()
        assert "Link" not in app.test_client().get("/topics/ai.atom").headers
    finally:
        live_of(app).stop()


def test_feeds_name_the_hub_in_their_headers_too(app: Flask) -> None:
    """§4: Link headers with rel=hub and rel=self; a filtered feed names no hub."""
    client = app.test_client()
    link = client.get("/topics/ai.rss").headers["Link"]
    assert link == f'<{BASE}websub>; rel="hub", <{BASE}topics/ai.rss>; rel="self"'
    assert (
        b'<atom:link rel="hub" href="https://feeds.example.org/websub"/>' in client.get("/topics/ai.rss").data
    )
    filtered = client.get("/topics/ai.rss?q=camera")
    assert filtered.status_code == 200 and "Link" not in filtered.headers
    assert b'rel="hub"' not in filtered.data
    assert "Link" not in client.get("/index.html").headers


def test_a_chunked_body_over_the_limit_is_refused_not_cut(app: Flask, subscriber: Subscriber) -> None:
    """A chunked body has no Content-Length to check first; cut at the limit, its form named
    another callback than the one sent (a probe's find)."""
    callback = f"{subscriber.url}/{'x' * 8200}"
    body = urlencode({"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback}).encode()
    headers = {"Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"}
    chunked = {"wsgi.input_terminated": True}  # as a server says of a chunked body it reads to its end
    answer = app.test_client().post(
        "/websub", input_stream=io.BytesIO(body), headers=headers, environ_overrides=chunked
    )
    assert answer.status_code == 413
    assert subscriber.verifications == []
    fits = urlencode({"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": subscriber.url}).encode()
    answer = app.test_client().post(
        "/websub", input_stream=io.BytesIO(fits), headers=headers, environ_overrides=chunked
    )
    assert answer.status_code == 202


def test_a_lease_of_any_length_is_clamped(app: Flask, subscriber: Subscriber) -> None:
    """Python converts at most 4,300 digits from text: a longer lease was a 500."""
    subscribed(app, subscriber, **{"hub.lease_seconds": "9" * 5000})
    assert subscriber.verifications[0]["hub.lease_seconds"] == "2592000"


def test_a_callback_or_topic_written_otherwise_is_the_same_subscription(
    app: Flask, subscriber: Subscriber
) -> None:
    """Subscribed as ``HTTP://…#x`` and unsubscribed as ``http://…``, a callback was told it was
    unsubscribed and kept being sent feeds; a topic written ``%61i`` for ``ai`` was refused,
    though served as that feed (an outside probe)."""
    odd_topic = TOPIC.replace("https://feeds.", "HTTPS://FEEDS.").replace("/ai.atom", "/%61i.atom")
    subscriber.intents.add(("subscribe", odd_topic))
    form = {
        "hub.mode": "subscribe",
        "hub.topic": odd_topic,
        "hub.callback": subscriber.url.replace("http://", "HTTP://") + "#x",
    }
    assert app.test_client().post("/websub", data=form).status_code == 202
    eventually(lambda: hub_health(app)["subscriptions"] == 1, what="the subscription")
    assert subscriber.verifications[-1]["hub.topic"] == odd_topic  # as asked (§5.3)
    assert ask(app, subscriber, "unsubscribe").status_code == 202
    eventually(lambda: hub_health(app)["subscriptions"] == 0, what="the unsubscription")


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


def test_a_host_over_its_limit_is_refused_however_its_address_is_written(
    app: Flask, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.websub.hub, "MAX_PER_HOST", 1)
    subscribed(app, subscriber)
    callback = subscriber.url.replace("127.0.0.1", "127。0。0。1")
    form = {"hub.mode": "subscribe", "hub.topic": BASE + "topics/ai.rss", "hub.callback": callback}
    response = app.test_client().post("/websub", data=form)
    assert response.status_code == 403 and "127.0.0.1" in response.text


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
