"""The built-in WebSub hub of ``feeds serve`` (W3C Recommendation, 23 January 2018, §5-8).

A subscription request (§5.1) is checked at once and answered ``202 Accepted`` or a 4xx with the
reason as plain text; verification of intent (§5.3), denials (§5.2) and content distribution (§7)
happen later, on the threads of two ``Outbox``es (requests and deliveries, so that neither waits
behind the other), and no request or rebuild ever waits for a subscriber.
Only feeds of this site, unfiltered, are topics; the hub learns of their changes from the
server's own rebuilds, never from ``hub.mode=publish``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from feeds.config import HUB_PATH
from feeds.config import LEASE_RANGE
from feeds.config import Settings
from feeds.text import shown
from feeds.websub.client import Answer
from feeds.websub.client import RequestError
from feeds.websub.client import callback_host
from feeds.websub.client import request
from feeds.websub.client import url_refusal
from feeds.websub.delivery import FanOut
from feeds.websub.delivery import Purge
from feeds.websub.outbox import Outbox
from feeds.websub.store import Store
from feeds.websub.store import Subscription

log = logging.getLogger(__name__)

#: ``hub.secret`` must be shorter than this many bytes (§5.1: "MUST be less than 200 bytes").
MAX_SECRET_BYTES = 200
#: Subscriptions the hub holds at most, in all and per callback host.
MAX_SUBSCRIPTIONS = 10_000
MAX_PER_HOST = 1_000
#: Requests in flight at once, of each outbox (verifications and denials; deliveries) and of one
#: callback host in it; verifications and denials waiting or running, in all and per callback host
#: (callbacks that never answer, 1,000 of one host, held the queue for 40 minutes).
THREADS = 4
THREADS_PER_HOST = 2
QUEUE = 1_000
PENDING_PER_HOST = 20
#: Verifications and denials waiting or running that one client's requests made: callbacks that
#: never answer, 1,500 of them on 300 hosts, all asked for by one client, kept every other
#: subscriber waiting half an hour (an outside probe). Behind a proxy every request comes from
#: its address: a busy hub's subscribers then get 503 and Retry-After sooner.
PENDING_PER_CLIENT = 40


@dataclass(frozen=True)
class Reply:
    """The hub's answer to a subscription request: status and a line of plain text (§5.1.2)."""

    status: int
    text: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Counts:
    delivered: int = 0
    failed_deliveries: int = 0  #: dropped after every retry
    dropped: int = 0  #: never queued: the outbox was full
    verified: int = 0
    failed_verifications: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class Hub:
    """Subscriptions (``store``), their verification and the delivery of changed feeds."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.store = Store(folder)
        # Verifications waited behind deliveries and deliveries behind verifications (47 s behind
        # a host's callbacks that never answered, in an outside probe): each kind has its own.
        self.requests = Outbox(THREADS, QUEUE, THREADS_PER_HOST)
        # Room for a delivery to every subscriber and a fan-out to every subscribed feed: none
        # misses a version for want of room.
        self.deliveries = Outbox(THREADS, 2 * MAX_SUBSCRIPTIONS + 1, THREADS_PER_HOST)
        self.counts = _Counts()
        self.settings = settings
        self.topics: Mapping[str, str] = {}  #: topic URL → output path of every unfiltered feed
        self._spellings: dict[tuple[str, ...] | None, str] = {}  #: ``_url_key`` → topic URL
        self.documents: Mapping[str, bytes] = {}  #: the last build's, by output path

    def configure(
        self, settings: Settings, topics: Mapping[str, str], documents: Mapping[str, bytes] | None = None
    ) -> None:
        """The settings, feeds (topic URL → output path) and documents of the last build (the
        config may change while serving)."""
        self.settings = settings
        self.topics = topics
        self._spellings = {_url_key(topic): topic for topic in topics}
        self.documents = documents or {}

    def _topic_named(self, topic: str) -> str:
        """The feed's URL as its ``rel="self"`` writes it, for ``topic`` written otherwise but
        served as that feed (``HTTP://``, ``%e6%9d%b1`` for ``%E6%9D%B1``, ``東京`` itself)."""
        return topic if topic in self.topics else self._spellings.get(_url_key(topic), topic)

    @property
    def url(self) -> str:
        return self.settings.url(HUB_PATH)

    def answer(self, form: Mapping[str, str], client: str = "") -> Reply:
        """Check a subscription request (§5.1) and queue its verification; never waits on the network.
        ``client``: who asks (``client_key`` of its address), whose requests waiting are bounded."""
        mode = form.get("hub.mode", "")
        if mode not in ("subscribe", "unsubscribe"):
            why = " (it learns of changes to this site's feeds by itself)" if mode == "publish" else ""
            return Reply(400, f"hub.mode must be subscribe or unsubscribe{why}")
        for name in ("hub.callback", "hub.topic"):
            if not form.get(name):
                return Reply(400, f"{name} is missing")
        asked_topic = form["hub.topic"]
        callback, topic = form["hub.callback"], self._topic_named(asked_topic)
        refusal = url_refusal(callback, self.settings.websub.allow_private_callbacks)
        if refusal is not None:
            return Reply(403, f"hub.callback {refusal}")
        callback = kept_callback(callback)
        secret = form.get("hub.secret") or None
        if secret is not None and len(secret.encode("utf-8")) >= MAX_SECRET_BYTES:
            return Reply(400, f"hub.secret must be shorter than {MAX_SECRET_BYTES} bytes (WebSub 5.1)")
        lease = self.settings.websub.lease_seconds
        asked = form.get("hub.lease_seconds", "")
        if asked:
            if not (asked.isascii() and asked.isdigit()):
                return Reply(400, "hub.lease_seconds must be a whole number of seconds")
            # A longer number is over the range anyway (and over what Python converts from text);
            # zeros in front count for nothing ("0003600" was taken for the longest lease).
            digits = asked.lstrip("0") or "0"
            shortest, longest = LEASE_RANGE
            lease = longest if len(digits) > 9 else min(max(int(digits), shortest), longest)
        # A feed that is gone (its topic's last article deleted, a format turned off) still lets
        # its subscribers leave: their subscriptions are kept until their leases run out.
        gone = topic not in self.topics
        if gone and not (mode == "unsubscribe" and self.store.find(callback, topic, time.time()) is not None):
            reason = f"{shown(topic[:2000])} is not a feed of this site" + (
                " (filtered feeds change per request; subscribe to the unfiltered feed)"
                if "?" in topic
                else ""
            )
            if mode == "subscribe":  # a denial answers a subscription only (§5.2)
                denial = _Denial(self, callback, asked_topic, reason)
                if not self.requests.put(denial, groups=_request_groups(callback, client)):
                    log.warning("websub: outbox full; %s not told of its denial", callback)
            return Reply(404, f"hub.topic: {reason}")
        if mode == "subscribe":
            refusal = self._over_limit(callback, topic)
            if refusal is not None:
                return Reply(403, refusal)
        if not self.requests.put(
            _Intent(self, mode, callback, topic, secret, lease, asked_topic),
            groups=_request_groups(callback, client),
        ):
            return Reply(503, "the hub is busy; try again later", (("Retry-After", "60"),))
        return Reply(202, f"{mode} request accepted; the callback will be asked to confirm it")

    def distribute(
        self, changes: Sequence[tuple[str, bytes, str]], unknown: Sequence[tuple[str, bytes, str]] = ()
    ) -> None:
        """Send new versions to their subscribers: (topic URL, feed bytes, Content-Type) each.

        Only queues; subscribers are looked up and called on the outbox's threads. Feeds nobody
        subscribes to are passed over (a site of 5,000 topics changes 15,000 feeds at once), and
        so is a version the subscribers were sent already. ``unknown``: feeds not known to have
        changed (those of a server's first build), sent when they are not the version the hub
        sent last: a `feeds build` run while the server was stopped changed them.
        """
        self.deliveries.put(Purge(self))
        subscribed = self.store.topics(time.time())
        sent = self.store.sent()
        marked: dict[str, str] = {}
        for items, known_changed in ((changes, True), (unknown, False)):
            for topic, body, content_type in items:
                if topic not in subscribed:
                    continue
                tag = version_tag(body)
                last = sent.get(topic)
                if last == tag or (last is None and not known_changed):
                    marked[topic] = tag  # what the subscribers have (or, unrecorded, are taken to have)
                elif self.deliveries.put(FanOut(self, topic, body, content_type)):
                    marked[topic] = tag
                else:
                    self.counts.add("dropped")
                    log.warning("websub: outbox full; subscribers of %s miss this version", topic)
        self.store.mark_sent(marked)

    def health(self) -> dict[str, Any]:
        try:
            subscriptions: int | None = self.store.count(time.time())
        except Exception as e:  # the report must not fail: say so instead
            log.warning("websub: cannot count subscriptions: %s", e)
            subscriptions = None
        counts = self.counts
        return {
            "hub": self.url,
            "subscriptions": subscriptions,
            "pending_deliveries": self.deliveries.pending,
            "pending_verifications": self.requests.pending,  # denials included
            "delivered": counts.delivered,
            "failed_deliveries": counts.failed_deliveries + counts.dropped,
            "verified": counts.verified,
            "failed_verifications": counts.failed_verifications,
        }

    def idle(self) -> bool:
        """Nothing waiting or under way."""
        return self.requests.idle() and self.deliveries.idle()

    def stop(self) -> None:
        self.requests.stop()
        self.deliveries.stop()
        self.store.close()

    def _over_limit(self, callback: str, topic: str) -> str | None:
        now = time.time()
        if self.store.find(callback, topic, now) is not None:
            return None  # a renewal
        if self.store.count(now) >= MAX_SUBSCRIPTIONS:
            return f"the hub holds its maximum of {MAX_SUBSCRIPTIONS} subscriptions"
        host = callback_host(callback)
        if self.store.count(now, host) >= MAX_PER_HOST:
            return f"the hub holds its maximum of {MAX_PER_HOST} subscriptions for {host}"
        return None

    def _call(self, method: str, url: str, **kwargs: Any) -> Answer:
        return request(method, url, allow_private=self.settings.websub.allow_private_callbacks, **kwargs)


@dataclass
class _Intent:
    """Verification of intent (§5.3): the callback must echo a random challenge."""

    hub: Hub
    mode: str
    callback: str
    topic: str
    secret: str | None
    lease: int
    #: ``topic`` as the request wrote it, which the verification names (§5.3): the subscriber
    #: checks it against the request it made, and ``HTTP://`` or ``東京`` for the feed's own
    #: spelling looked like a request it never made.
    asked_topic: str

    @property
    def key(self) -> Hashable:
        return ("intent", self.callback, self.topic)  # a newer request replaces a waiting one

    @property
    def lane(self) -> Hashable:
        return callback_host(self.callback)

    def run(self) -> None:
        challenge = secrets.token_urlsafe(24)
        query = {"hub.mode": self.mode, "hub.topic": self.asked_topic, "hub.challenge": challenge}
        if self.mode == "subscribe":
            query["hub.lease_seconds"] = str(self.lease)
        asked = time.time()  # the lease runs from the verification request (§5.3)
        try:
            answer = self.hub._call("GET", with_query(self.callback, query), max_body=len(challenge) + 256)
        except RequestError as e:
            return self._failed(str(e))
        if not 200 <= answer.status < 300:
            return self._failed(f"answered {answer.status}")
        if answer.body.strip() != challenge.encode("ascii"):
            return self._failed("answered without echoing hub.challenge")
        store = self.hub.store
        if self.mode == "unsubscribe":
            if not store.unsubscribe(self.callback, self.topic):
                log.info("websub: %s was not subscribed to %s", self.callback, self.topic)
                return None
        else:
            host = callback_host(self.callback)
            sub = Subscription(self.callback, self.topic, host, self.secret, self.lease, asked + self.lease)
            refusal = store.subscribe(sub, MAX_SUBSCRIPTIONS, MAX_PER_HOST, asked)
            if refusal is not None:
                log.warning("websub: %s for %s not stored: %s", self.callback, self.topic, refusal)
                return None
            # A new subscriber has the version of now (it fetches the feed); the version noted
            # stays while others subscribe (one may be on its way to them).
            body = self.hub.documents.get(self.hub.topics.get(self.topic, ""))
            if body is not None:
                alone = len(store.subscribers(self.topic, time.time())) == 1
                store.mark_sent({self.topic: version_tag(body)}, replace=alone)
        self.hub.counts.add("verified")
        log.info("websub: %s %s to %s", self.callback, self.mode + "d", self.topic)
        return None

    def _failed(self, why: str) -> None:
        self.hub.counts.add("failed_verifications")
        log.info("websub: %s of %s to %s not verified: %s", self.mode, self.callback, self.topic, why)


@dataclass
class _Denial:
    """Tells a callback that its subscription was refused (§5.2); one try, the answer ignored."""

    hub: Hub
    callback: str
    topic: str
    reason: str

    @property
    def key(self) -> Hashable:
        return ("intent", self.callback, self.topic)

    @property
    def lane(self) -> Hashable:
        return callback_host(self.callback)

    def run(self) -> None:
        query = {"hub.mode": "denied", "hub.topic": self.topic, "hub.reason": self.reason}
        try:
            self.hub._call("GET", with_query(self.callback, query))
        except RequestError as e:
            log.info("websub: could not tell %s of its denial: %s", self.callback, e)


def kept_callback(url: str) -> str:
    """A callback as the hub keeps it: scheme and host in lower case (RFC 3986 §6.2.2.1), no
    fragment (never sent). One subscribed as ``HTTP://Host/cb#x`` and unsubscribed as
    ``http://host/cb`` was told it was unsubscribed, and kept being sent feeds."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _url_key(url: str) -> tuple[str, ...] | None:
    """What two spellings of one URL share: scheme and host in any case, escapes decoded."""
    try:
        parts = urlsplit(url)
        port = str(parts.port or "")
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (parts.scheme.lower(), host, port, unquote(parts.path), unquote(parts.query))


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to its query (an existing query is kept, §5.3)."""
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _request_groups(callback: str, client: str) -> tuple[tuple[Hashable, int], ...]:
    """The outbox's quotas for a verification or a denial: of all requests, of its callback
    host's, and of the client's that asked."""
    return (
        ("requests", QUEUE),
        (("host", callback_host(callback)), PENDING_PER_HOST),
        (("client", client), PENDING_PER_CLIENT),
    )


def version_tag(body: bytes) -> str:
    """What tells a feed's versions apart in the record of those sent."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()
