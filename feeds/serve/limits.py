"""Bounds on what filtered feeds cost a server: a gate for new ones, a cache bounded in bytes.

A filter that was not asked for before searches every entry, then builds and renders the ones it
shows: tens to hundreds of milliseconds of Python, which holds the interpreter's lock meanwhile.
Unbounded, 32 clients asking for new filters made a plain cached feed take 7.5 s to come back
(30,000 articles). So new filters take turns (``FilterGate``): ``filter_workers`` at once, up to
``filter_queue`` more waiting, and any further one is answered 503 at once, with Retry-After. Cached
documents, cached filters and /healthz never wait for a turn.
"""

from __future__ import annotations

import contextlib
import threading
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
