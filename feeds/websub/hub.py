"""The built-in WebSub hub of ``feeds serve`` (W3C Recommendation, 23 January 2018, §5-8).

A subscription request (§5.1) is checked at once and answered ``202 Accepted`` or a 4xx with the
reason as plain text; verification of intent (§5.3), denials (§5.2) and content distribution (§7)
happen later, on the ``Outbox``'s threads, so no request or rebuild ever waits for a subscriber.
Only feeds of this site, unfiltered, are topics; the hub learns of their changes from the
server's own rebuilds, never from ``hub.mode=publish``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import threading
import time
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from feeds.config import HUB_PATH
from feeds.config import LEASE_RANGE
from feeds.config import Settings
from feeds.text import shown
from feeds.websub.client import Answer
from feeds.websub.client import RequestError
from feeds.websub.client import embedded_ipv4
from feeds.websub.client import request
from feeds.websub.client import url_refusal
from feeds.websub.outbox import Outbox
from feeds.websub.store import Store
from feeds.websub.store import Subscription

log = logging.getLogger(__name__)

#: ``hub.secret`` must be shorter than this many bytes (§5.1: "MUST be less than 200 bytes").
MAX_SECRET_BYTES = 200
#: Subscriptions the hub holds at most, in all and per callback host.
MAX_SUBSCRIPTIONS = 10_000
MAX_PER_HOST = 1_000
#: Requests in flight at once; verifications and denials waiting or running, in all and per
#: callback host (callbacks that never answer, 1,000 of one host, held the queue for 40 minutes).
THREADS = 4
QUEUE = 1_000
PENDING_PER_HOST = 20
#: A failed delivery is tried again after this many seconds, doubled each time up to the
#: maximum, for this long at most; then it is dropped (and logged).
RETRY_FIRST = 10.0
RETRY_MAX = 600.0
RETRY_FOR = 3_600.0


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
        # Room for a delivery to every subscriber on top of the requests (1,000 of them once
        # filled the queue, and the rest of one feed's subscribers missed that version).
        self.outbox = Outbox(THREADS, QUEUE + MAX_SUBSCRIPTIONS)
        self.counts = _Counts()
        self.settings = settings
        self.topics: Mapping[str, str] = {}  #: topic URL → output path of every unfiltered feed

    def configure(self, settings: Settings, topics: Mapping[str, str]) -> None:
        """The settings and feeds of the last build (the config may change while serving)."""
        self.settings = settings
        self.topics = topics

    @property
    def url(self) -> str:
        return self.settings.url(HUB_PATH)

    def answer(self, form: Mapping[str, str]) -> Reply:
        """Check a subscription request (§5.1) and queue its verification; never waits on the network."""
        mode = form.get("hub.mode", "")
        if mode not in ("subscribe", "unsubscribe"):
            why = " (it learns of changes to this site's feeds by itself)" if mode == "publish" else ""
            return Reply(400, f"hub.mode must be subscribe or unsubscribe{why}")
        for name in ("hub.callback", "hub.topic"):
            if not form.get(name):
                return Reply(400, f"{name} is missing")
        callback, topic = form["hub.callback"], form["hub.topic"]
        refusal = url_refusal(callback, self.settings.websub.allow_private_callbacks)
        if refusal is not None:
            return Reply(403, f"hub.callback {refusal}")
        secret = form.get("hub.secret") or None
        if secret is not None and len(secret.encode("utf-8")) >= MAX_SECRET_BYTES:
            return Reply(400, f"hub.secret must be shorter than {MAX_SECRET_BYTES} bytes (WebSub 5.1)")
        lease = self.settings.websub.lease_seconds
        asked = form.get("hub.lease_seconds", "")
        if asked:
            if not (asked.isascii() and asked.isdigit()):
                return Reply(400, "hub.lease_seconds must be a whole number of seconds")
            # A longer number is over the range anyway (and over what Python converts from text).
            lease = LEASE_RANGE[1] if len(asked) > 9 else min(max(int(asked), LEASE_RANGE[0]), LEASE_RANGE[1])
        if topic not in self.topics:
            reason = f"{shown(topic[:2000])} is not a feed of this site" + (
                " (filtered feeds change per request; subscribe to the unfiltered feed)"
                if "?" in topic
                else ""
            )
            if not self.outbox.put(_Denial(self, callback, topic, reason), groups=_request_groups(callback)):
                log.warning("websub: outbox full; %s not told of its denial", callback)
            return Reply(404, f"hub.topic: {reason}")
        if mode == "subscribe":
            refusal = self._over_limit(callback, topic)
            if refusal is not None:
                return Reply(403, refusal)
        if not self.outbox.put(
            _Intent(self, mode, callback, topic, secret, lease), groups=_request_groups(callback)
        ):
            return Reply(503, "the hub is busy; try again later", (("Retry-After", "60"),))
        return Reply(202, f"{mode} request accepted; the callback will be asked to confirm it")

    def distribute(self, changes: Sequence[tuple[str, bytes, str]]) -> None:
        """Send new versions to their subscribers: (topic URL, feed bytes, Content-Type) each.

        Only queues; subscribers are looked up and called on the outbox's threads.
        """
        self.outbox.put(_Purge(self))
        for topic, body, content_type in changes:
            if not self.outbox.put(_FanOut(self, topic, body, content_type)):
                self.counts.add("dropped")
                log.warning("websub: outbox full; subscribers of %s miss this version", topic)

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
            "pending_deliveries": self.outbox.pending,  # verifications included
            "delivered": counts.delivered,
            "failed_deliveries": counts.failed_deliveries + counts.dropped,
            "verified": counts.verified,
            "failed_verifications": counts.failed_verifications,
        }

    def stop(self) -> None:
        self.outbox.stop()
        self.store.close()

    def _over_limit(self, callback: str, topic: str) -> str | None:
        now = time.time()
        if self.store.find(callback, topic, now) is not None:
            return None  # a renewal
        if self.store.count(now) >= MAX_SUBSCRIPTIONS:
            return f"the hub holds its maximum of {MAX_SUBSCRIPTIONS} subscriptions"
        host = _host(callback)
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

    @property
    def key(self) -> Hashable:
        return ("intent", self.callback, self.topic)  # a newer request replaces a waiting one

    def run(self) -> None:
        challenge = secrets.token_urlsafe(24)
        query = {"hub.mode": self.mode, "hub.topic": self.topic, "hub.challenge": challenge}
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
            store.unsubscribe(self.callback, self.topic)
        else:
            sub = Subscription(
                self.callback, self.topic, _host(self.callback), self.secret, self.lease, asked + self.lease
            )
            refusal = store.subscribe(sub, MAX_SUBSCRIPTIONS, MAX_PER_HOST, asked)
            if refusal is not None:
                log.warning("websub: %s for %s not stored: %s", self.callback, self.topic, refusal)
                return None
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

    def run(self) -> None:
        query = {"hub.mode": "denied", "hub.topic": self.topic, "hub.reason": self.reason}
        try:
            self.hub._call("GET", with_query(self.callback, query))
        except RequestError as e:
            log.info("websub: could not tell %s of its denial: %s", self.callback, e)


@dataclass
class _FanOut:
    """One new version of a topic: a delivery for each of its live subscribers."""

    hub: Hub
    topic: str
    body: bytes
    content_type: str

    @property
    def key(self) -> Hashable:
        return ("fan-out", self.topic)

    def run(self) -> None:
        hub_url = self.hub.url
        for sub in self.hub.store.subscribers(self.topic, time.time()):
            delivery = _Delivery(self.hub, sub.callback, self.topic, self.body, self.content_type, hub_url)
            if not self.hub.outbox.put(delivery):
                self.hub.counts.add("dropped")
                log.warning("websub: outbox full; %s misses this version of %s", sub.callback, self.topic)


@dataclass
class _Delivery:
    """Content distribution (§7): the feed's new bytes to one subscriber, until a 2xx."""

    hub: Hub
    callback: str
    topic: str
    body: bytes
    content_type: str
    hub_url: str
    attempts: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def key(self) -> Hashable:
        return ("content", self.callback, self.topic)  # only the newest version waits

    def run(self) -> float | None:
        # Looked up at each try: an unsubscribed or expired subscriber gets nothing more, and a
        # renewed one's new secret signs the body.
        sub = self.hub.store.find(self.callback, self.topic, time.time())
        if sub is None:
            return None
        headers = {
            "Content-Type": self.content_type,
            "Link": f'<{self.hub_url}>; rel="hub", <{self.topic}>; rel="self"',
        }
        if sub.secret is not None:
            digest = hmac.new(sub.secret.encode("utf-8"), self.body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature"] = f"sha256={digest}"  # §7.1
        try:
            answer = self.hub._call("POST", self.callback, body=self.body, headers=headers)
        except RequestError as e:
            problem = str(e)
        else:
            if 200 <= answer.status < 300:
                self.hub.counts.add("delivered")
                return None
            if answer.status == 410:  # Gone: the subscriber wants no more (a common hub policy)
                self.hub.store.unsubscribe(self.callback, self.topic)
                log.info("websub: %s answered 410 Gone; unsubscribed from %s", self.callback, self.topic)
                return None
            problem = f"answered {answer.status}"  # redirects included (§7)
        self.attempts += 1
        delay = min(RETRY_FIRST * 2.0 ** (self.attempts - 1), RETRY_MAX)
        if time.monotonic() + delay - self.started > RETRY_FOR:
            self.hub.counts.add("failed_deliveries")
            log.warning(
                "websub: dropped delivery of %s to %s after %d tries: %s",
                self.topic, self.callback, self.attempts, problem,
            )  # fmt: skip
            return None
        log.info(
            "websub: delivery of %s to %s failed (%s); next try in %.0f s",
            self.topic,
            self.callback,
            problem,
            delay,
        )
        return delay


@dataclass
class _Purge:
    hub: Hub

    @property
    def key(self) -> Hashable:
        return ("purge",)

    def run(self) -> None:
        self.hub.store.purge(time.time())


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to its query (an existing query is kept, §5.3)."""
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _request_groups(callback: str) -> tuple[tuple[Hashable, int], ...]:
    """The outbox's quotas for a verification or a denial: of all requests, and of its host's."""
    return (("requests", QUEUE), (("host", _host(callback)), PENDING_PER_HOST))


def _host(url: str) -> str:
    """The host a callback's subscriptions are counted under: one address however written
    (``127.1``, ``2130706433``, ``0x7f.1``, ``::ffff:127.0.0.1`` and ``127.0.0.1`` alike, as the
    system's resolver and a connection read them), one name with or without its final dot (a name
    is not resolved to be counted: what it leads to can change from one lookup to the next)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:  # "::ffff:127.0.0.1" and its kin lead to the IPv4 address they hold
        embedded = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
        return str(embedded or ip)
    try:  # the forms inet_aton(3) reads, which a connection to the name would use
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return host
