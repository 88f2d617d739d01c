"""Content distribution (WebSub §7): a feed's new version to each of its live subscribers.

Deliveries run on the hub's own outbox for them, so a verification never waits behind one, nor one
behind a verification; a failed one is tried again, later each time, for an hour at most.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING

from feeds.websub.client import RequestError
from feeds.websub.client import callback_host

if TYPE_CHECKING:
    from feeds.websub.hub import Hub

log = logging.getLogger(__name__)

#: A failed delivery is tried again after this many seconds, doubled each time up to the
#: maximum, for this long at most; then it is dropped (and logged).
RETRY_FIRST = 10.0
RETRY_MAX = 600.0
RETRY_FOR = 3_600.0


@dataclass
class FanOut:
    """One new version of a topic: a delivery for each of its live subscribers."""

    hub: Hub
    topic: str
    body: bytes
    content_type: str

    @property
    def key(self) -> Hashable:
        return ("fan-out", self.topic)

    @property
    def lane(self) -> Hashable:
        return None  # a look in the store: quick

    def run(self) -> None:
        hub_url = self.hub.url
        for sub in self.hub.store.subscribers(self.topic, time.time()):
            delivery = Delivery(self.hub, sub.callback, self.topic, self.body, self.content_type, hub_url)
            if not self.hub.deliveries.put(delivery):
                self.hub.counts.add("dropped")
                log.warning("websub: outbox full; %s misses this version of %s", sub.callback, self.topic)


@dataclass
class Delivery:
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

    @property
    def lane(self) -> Hashable:
        return callback_host(self.callback)

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
class Purge:
    hub: Hub

    @property
    def key(self) -> Hashable:
        return ("purge",)

    @property
    def lane(self) -> Hashable:
        return None

    def run(self) -> None:
        self.hub.store.purge(time.time())
