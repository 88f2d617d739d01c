"""Publisher side: tell outside WebSub hubs which feeds changed.

WebSub leaves the publisher-to-hub step open (§6: "the method ... is not specified"); every hub
in use takes the PubSubHubbub convention: a form-encoded ``POST`` of ``hub.mode=publish`` and
``hub.url=<topic>``, several ``hub.url`` to a request, answered with a 2xx (Google's hub answers
204). The hub then fetches each feed itself and pushes it to its subscribers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

from feeds.config import Settings
from feeds.render.context import document_url
from feeds.websub.client import RequestError
from feeds.websub.client import request

log = logging.getLogger(__name__)

#: Tries per request, and the wait before the second (doubled before each later one).
ATTEMPTS = 3
BACKOFF = 1.0
#: Seconds each try may take.
TIMEOUT = 10.0
#: Topics per request: a few KB of form, well under any server's limit.
BATCH = 50
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class PingResult:
    """What one hub was told."""

    hub: str
    urls: int  #: topics it was told about
    error: str | None  #: why it was not (after every try), or None


@dataclass(frozen=True)
class Told:
    """What ``feeds build`` says after notifying the hubs."""

    summary: str  #: e.g. "Told 1 WebSub hub of 4 changed feeds.", or "" when none could be told
    warnings: tuple[str, ...]  #: one per hub that could not be told


def tell_hubs(settings: Settings, paths: Sequence[str]) -> Told:
    """Tell every hub of ``websub.hubs`` that the feeds at these output paths changed."""
    results = notify_hubs(settings.websub.hubs, [document_url(settings, path) for path in paths])
    warnings = tuple(f"websub: could not notify {r.hub}: {r.error}" for r in results if r.error is not None)
    told = len(results) - len(warnings)
    hubs = f"{told} WebSub hub{'' if told == 1 else 's'}"
    feeds = f"{len(paths)} changed feed{'' if len(paths) == 1 else 's'}"
    return Told(f"Told {hubs} of {feeds}." if told else "", warnings)


def notify_hubs(hubs: Sequence[str], urls: Sequence[str]) -> list[PingResult]:
    """Tell each hub that the feeds at ``urls`` changed; hubs in parallel, results in their order.

    Never raises for a hub's fault: a hub that is down, slow or refuses is reported in its result.
    No network at all when either sequence is empty.
    """
    if not hubs or not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(len(hubs), 4), thread_name_prefix="websub-ping") as pool:
        return list(pool.map(lambda hub: _notify(hub, urls), hubs))


def _notify(hub: str, urls: Sequence[str]) -> PingResult:
    for start in range(0, len(urls), BATCH):
        error = _post(hub, urls[start : start + BATCH])
        if error is not None:
            return PingResult(hub, start, error)
    return PingResult(hub, len(urls), None)


def _post(hub: str, urls: Sequence[str]) -> str | None:
    body = urlencode([("hub.mode", "publish"), *(("hub.url", url) for url in urls)]).encode("ascii")
    delay = BACKOFF
    error = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(delay)
            delay *= 2
        try:
            # The site's own configuration names the hub: it may be on this machine or network.
            answer = request("POST", hub, body=body, headers={"Content-Type": _FORM}, timeout=TIMEOUT)
        except RequestError as e:
            error = str(e)
            continue
        if 200 <= answer.status < 300:
            return None
        error = f"answered {answer.status}: {answer.body[:200].decode('utf-8', 'replace').strip()}"
        if 400 <= answer.status < 500 and answer.status not in (408, 429):
            break  # the hub refuses this request; asking again gets the same answer
    return error


class Pinger:
    """Notifies outside hubs from a background thread, so a server's rebuild never waits for one.

    Changes that arrive while a notification is under way are merged and sent next, once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, None]] = {}  #: hub → topics, in order, no repeats
        self._thread: threading.Thread | None = None
        self._sending = 0  #: topics of the notification under way
        self.sent = 0  #: topics hubs were told about
        self.failures = 0  #: notifications that failed after every try
        self.last_error: str | None = None

    def submit(self, hubs: Sequence[str], urls: Sequence[str]) -> None:
        if not hubs or not urls:
            return
        with self._lock:
            for hub in hubs:
                self._pending.setdefault(hub, {}).update(dict.fromkeys(urls))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="websub-ping", daemon=True)
                self._thread.start()

    @property
    def pending(self) -> int:
        """Topics waiting or being sent, summed over hubs."""
        with self._lock:
            return self._sending + sum(len(urls) for urls in self._pending.values())

    def _run(self) -> None:
        while True:
            with self._lock:
                self._sending = 0
                if not self._pending:
                    self._thread = None
                    return
                work, self._pending = self._pending, {}
                self._sending = sum(len(urls) for urls in work.values())
            by_topics: dict[tuple[str, ...], list[str]] = {}
            for hub, urls in work.items():
                by_topics.setdefault(tuple(urls), []).append(hub)
            for topics, hubs in by_topics.items():
                for result in notify_hubs(hubs, topics):
                    self.sent += result.urls
                    if result.error is not None:
                        self.failures += 1
                        self.last_error = f"{result.hub}: {result.error}"
                        log.warning("websub: could not notify %s: %s", result.hub, result.error)
