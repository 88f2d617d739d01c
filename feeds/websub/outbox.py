"""The hub's outgoing requests: a few in flight, a bounded number waiting, retries scheduled.

The hub has two ``Outbox``es, one for verifications of intent and denials and one for content
distribution, so that neither kind waits behind the other: in each, a small pool of daemon threads
takes the waiting task that is due first. A task says when to try again (``run`` returns a delay)
or that it is over (``None``). A task put while another with the same key waits replaces it: a
subscriber gets the newest version of a feed, not every version on the way, and the queue stays
bounded however fast the content changes. Tasks with the same key never run at once, so an older
version can never arrive after a newer one. Tasks with the same ``lane`` (the callback's host) run
``per_lane`` at a time at most, so one host whose callbacks never answer holds that many threads,
not the pool.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import Counter
from collections import deque
from collections.abc import Hashable
from typing import Protocol

log = logging.getLogger(__name__)


class Task(Protocol):
    @property
    def key(self) -> Hashable: ...

    @property
    def lane(self) -> Hashable: ...

    def run(self) -> float | None:
        """Do the work; seconds until the next try, or None when done (or given up)."""
        ...


class Outbox:
    """At most ``threads`` tasks running (``per_lane`` of one lane) and ``capacity`` waiting; a
    task ``put`` with a group and a quota is refused while its group has that many tasks waiting
    or running."""

    def __init__(self, threads: int = 4, capacity: int = 1000, per_lane: int | None = None) -> None:
        self.capacity = capacity
        self.per_lane = threads if per_lane is None else per_lane
        self._cond = threading.Condition()
        self._waiting: dict[Hashable, tuple[float, int, Task]] = {}  #: key → (due, sequence, task)
        self._heap: list[tuple[float, int, Hashable]] = []
        self._sequence = itertools.count()
        self._running = 0
        self._busy: set[Hashable] = set()  #: keys of the running tasks
        self._deferred: set[Hashable] = set()  #: keys waiting for a running task with that key
        self._group_of: dict[Hashable, tuple[Hashable, ...]] = {}  #: key → groups, while waiting or running
        self._in_group: Counter[Hashable] = Counter()  #: group → its keys waiting or running
        self._in_lane: Counter[Hashable] = Counter()  #: lane → its tasks running
        #: lane → tasks due that wait for room in it
        self._parked: dict[Hashable, deque[tuple[float, int, Hashable]]] = {}
        self._stopped = False
        self._threads = [
            threading.Thread(target=self._work, name=f"websub-outbox-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def put(self, task: Task, delay: float = 0.0, groups: tuple[tuple[Hashable, int], ...] = ()) -> bool:
        """Schedule ``task`` (replacing a waiting one with its key); False when the outbox is full,
        or when a task of a new key is in one of ``groups`` (group, quota) that holds its quota."""
        key = task.key
        with self._cond:
            if self._stopped:
                return False
            if key not in self._waiting and len(self._waiting) >= self.capacity:
                return False
            if key not in self._group_of and groups:
                if any(self._in_group[group] >= quota for group, quota in groups):
                    return False
                self._group_of[key] = tuple(group for group, _ in groups)
                self._in_group.update(self._group_of[key])
            self._schedule(task, delay)
            return True

    @property
    def pending(self) -> int:
        """Tasks waiting or running."""
        with self._cond:
            return len(self._waiting) + self._running

    def idle(self) -> bool:
        return self.pending == 0

    def stop(self, timeout: float = 5.0) -> None:
        """Drop what waits, and let running tasks finish (each is bounded in time)."""
        with self._cond:
            self._stopped = True
            self._waiting.clear()
            self._heap.clear()
            self._deferred.clear()
            self._group_of.clear()
            self._in_group.clear()
            self._parked.clear()
            self._cond.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _schedule(self, task: Task, delay: float) -> None:
        due = time.monotonic() + delay
        sequence = next(self._sequence)
        self._waiting[task.key] = (due, sequence, task)
        heapq.heappush(self._heap, (due, sequence, task.key))
        self._cond.notify()

    def _next(self) -> Task | None:
        with self._cond:
            while not self._stopped:
                if not self._heap:
                    self._cond.wait()
                    continue
                due, sequence, key = self._heap[0]
                current = self._waiting.get(key)
                if current is None or current[1] != sequence:
                    heapq.heappop(self._heap)  # replaced or dropped since
                    continue
                wait = due - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                if key in self._busy:
                    self._deferred.add(key)  # back on the heap when the running one ends
                    continue
                task = current[2]
                if self._in_lane[task.lane] >= self.per_lane:
                    self._parked.setdefault(task.lane, deque()).append((due, sequence, key))
                    continue
                del self._waiting[key]
                self._busy.add(key)
                self._in_lane[task.lane] += 1
                self._running += 1
                return task
            return None

    def _unpark(self, lane: Hashable) -> None:
        """Put the first parked task of ``lane`` that still waits back on the heap (one has room)."""
        parked = self._parked.get(lane)
        while parked:
            due, sequence, key = parked.popleft()
            current = self._waiting.get(key)
            if current is not None and current[1] == sequence:
                heapq.heappush(self._heap, (due, sequence, key))
                self._cond.notify()
                break
        if not parked:
            self._parked.pop(lane, None)

    def _work(self) -> None:
        while True:
            task = self._next()
            if task is None:
                return
            try:
                again = task.run()
            except Exception:  # a bug in a task: log it, keep the worker
                log.exception("websub: task failed")
                again = None
            with self._cond:
                self._running -= 1
                self._busy.discard(task.key)
                self._in_lane[task.lane] -= 1
                if not self._in_lane[task.lane]:
                    del self._in_lane[task.lane]
                self._unpark(task.lane)
                newer = self._waiting.get(task.key)
                if newer is not None:
                    # A newer task with this key replaces the retry of this one.
                    if task.key in self._deferred:
                        self._deferred.discard(task.key)
                        heapq.heappush(self._heap, (newer[0], newer[1], task.key))
                        self._cond.notify()
                elif again is not None and not self._stopped:
                    self._schedule(task, again)
                elif task.key in self._group_of:  # over: its groups have room for another
                    for group in self._group_of.pop(task.key):
                        self._in_group[group] -= 1
                        if not self._in_group[group]:
                            del self._in_group[group]
