"""Bounds on what filtered feeds cost a server: a gate for new ones, a cache bounded in bytes.

A filter that was not asked for before searches every entry, then builds and renders the ones it
shows: tens to hundreds of milliseconds of Python, which holds the interpreter's lock meanwhile.
Unbounded, 32 clients asking for new filters made a plain cached feed take 7.5 s to come back
(30,000 articles). So new filters take turns (``FilterGate``): ``filter_workers`` at once, up to
``filter_queue`` more waiting, and any further one is answered 503 at once, with Retry-After. Cached
documents, cached filters and /healthz never wait for a turn. Subscription requests to the
built-in hub take turns to send their bodies (``BodyReaders``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator

from feeds.errors import FeedsError
from feeds.serve.responses import PreparedDocument

#: The longest a request waits for its turn before it is answered 503 all the same.
WAIT_SECONDS = 10.0
#: What a refused request is told to wait before it asks again (Retry-After, seconds).
RETRY_AFTER = 2
#: Bytes a cached document costs besides its bodies (headers, the objects around them).
_OVERHEAD = 1024


class FilterBusy(FeedsError):
    """Too many new filtered feeds are being made or waiting; the client should try again later."""

    def __init__(self, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(f"busy with other new filtered feeds; try again in {retry_after} s")
        self.retry_after = retry_after


class FilterGate:
    """At most ``workers`` new filtered feeds made at once, and ``queue`` more requests waiting."""

    def __init__(self, workers: int, queue: int, wait: float = WAIT_SECONDS) -> None:
        self.workers = workers
        self.queue = queue
        self.wait = wait
        self._turns = threading.Semaphore(workers)
        self._lock = threading.Lock()
        self._inside = 0  #: requests working or waiting

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for a turn and hold it; raises FilterBusy when the queue is full, or when the
        turn does not come within ``wait`` seconds."""
        with self._lock:
            if self._inside >= self.workers + self.queue:
                raise FilterBusy()
            self._inside += 1
        try:
            if not self._turns.acquire(timeout=self.wait):
                raise FilterBusy()
            try:
                yield
            finally:
                self._turns.release()
        finally:
            with self._lock:
                self._inside -= 1


class BodyReaders:
    """Turns to read a request's body: at most ``readers`` at once, one per client address.

    Reading a body has no time limit (the server bounds only the headers' time), and a thread
    reading one that never comes is held until its client goes: unbounded, ten such requests held
    every thread of a process. Bounded in all alone, two of them shut the built-in hub to everyone
    else for as long as their connections stayed open (an outside probe); one per address makes
    that take as many addresses as there are turns. Another request of the same address, or one
    that finds every turn taken, waits up to ``wait`` seconds (a reader subscribing to several
    feeds at once sends their requests together), with at most ``waiting`` waiting; later ones
    get no turn. The server keeps threads for both (``threads``), beside those of the feeds.
    """

    def __init__(self, readers: int = 4, waiting: int = 16, wait: float = 2.0) -> None:
        self.readers = readers
        self.waiting = waiting
        self.wait = wait
        self._changed = threading.Condition()
        self._reading: set[str] = set()
        self._waiting = 0

    @contextlib.contextmanager
    def turn(self, client: str) -> Iterator[bool]:
        """Hold a turn for ``client`` (``client_key``) while inside; yields whether one came."""
        got = self._take(client)
        try:
            yield got
        finally:
            if got:
                with self._changed:
                    self._reading.discard(client)
                    self._changed.notify_all()

    def _take(self, key: str) -> bool:
        deadline = time.monotonic() + self.wait
        with self._changed:
            if self._free(key):
                self._reading.add(key)
                return True
            if self._waiting >= self.waiting:
                return False
            self._waiting += 1
            try:
                while not self._free(key):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(left)
                self._reading.add(key)
                return True
            finally:
                self._waiting -= 1

    @property
    def threads(self) -> int:
        """The threads that requests reading or waiting can hold at most."""
        return self.readers + self.waiting

    def _free(self, key: str) -> bool:
        return key not in self._reading and len(self._reading) < self.readers


def client_key(address: str) -> str:
    """What one client is known by: its IPv4 address, or its IPv6 address's /64 (a host is
    given a whole /64, so each of its addresses would count as another client)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


#: The built-in hub's subscription requests, per process.
HUB_READERS = BodyReaders()


class FilterCache:
    """Filtered feeds by key, the least recently asked for dropped first, at most ``limit`` bytes
    in all (bodies, gzipped copies and a little more); a document larger than that is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0  #: bytes held
        self._documents: OrderedDict[tuple[str, str, bool, bool], PreparedDocument] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._documents)

    def values(self) -> list[PreparedDocument]:
        with self._lock:
            return list(self._documents.values())

    def get(self, key: tuple[str, str, bool, bool]) -> PreparedDocument | None:
        with self._lock:
            doc = self._documents.get(key)
            if doc is not None:
                self._documents.move_to_end(key)
            return doc

    def put(self, key: tuple[str, str, bool, bool], doc: PreparedDocument) -> None:
        cost = cost_of(doc)
        if cost > self.limit:
            return
        with self._lock:
            old = self._documents.pop(key, None)
            if old is not None:
                self.size -= cost_of(old)
            self._documents[key] = doc
            self.size += cost
            while self.size > self.limit:
                _, dropped = self._documents.popitem(last=False)
                self.size -= cost_of(dropped)


def cost_of(doc: PreparedDocument) -> int:
    """What keeping ``doc`` costs, in bytes."""
    return len(doc.body) + (len(doc.gzipped.body) if doc.gzipped else 0) + _OVERHEAD
