"""The hub's subscription store and outbox: no lost subscription under races, limits that hold
under races, leases that expire, newest-version-only queueing, one task per key at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest

from feeds.websub.outbox import Outbox
from feeds.websub.store import Leadership
from feeds.websub.store import Store
from feeds.websub.store import Subscription
from tests.websub_peers import eventually

TOPIC = "https://feeds.example.org/all.atom"


def sub(n: int, expires: float | None = None, host: str = "reader.example") -> Subscription:
    return Subscription(f"https://{host}/cb/{n}", TOPIC, host, None, 3600, expires or time.time() + 3600)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores on one database, as two server workers have."""
    first, second = Store(tmp_path), Store(tmp_path)
    yield first, second
    first.close()
    second.close()


def test_racing_subscriptions_are_all_kept(stores: tuple[Store, Store]) -> None:
    start = threading.Barrier(16)

    def subscribe(n: int) -> None:
        start.wait()
        for k in range(10):
            stores[n % 2].subscribe(sub(n * 10 + k), 10_000, 10_000, time.time())

    threads = [threading.Thread(target=subscribe, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert stores[0].count(time.time()) == 160
    assert len(stores[1].subscribers(TOPIC, time.time())) == 160


def test_limits_hold_when_requests_race(stores: tuple[Store, Store]) -> None:
    start = threading.Barrier(20)
    refusals: list[str | None] = []

    def subscribe(n: int) -> None:
        start.wait()
        refusals.append(stores[n % 2].subscribe(sub(n), 7, 10_000, time.time()))

    threads = [threading.Thread(target=subscribe, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert stores[0].count(time.time()) == 7
    assert sum(r is None for r in refusals) == 7
    assert all("maximum of 7" in r for r in refusals if r is not None)


def test_per_host_limit_and_renewals(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        now = time.time()
        assert store.subscribe(sub(1), 100, 2, now) is None
        assert store.subscribe(sub(2), 100, 2, now) is None
        assert "reader.example" in (store.subscribe(sub(3), 100, 2, now) or "")
        assert store.subscribe(sub(1, now + 7200), 100, 2, now) is None  # a renewal always fits
        assert store.find(sub(1).callback, TOPIC, now).expires == now + 7200  # type: ignore[union-attr]
        assert store.subscribe(sub(4, host="other.example"), 100, 2, now) is None
    finally:
        store.close()


def test_leases_expire(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        now = time.time()
        store.subscribe(sub(1, expires=now + 10), 100, 100, now)
        store.subscribe(sub(2, expires=now + 1000), 100, 100, now)
        later = now + 100
        assert [s.callback for s in store.subscribers(TOPIC, later)] == [sub(2).callback]
        assert store.find(sub(1).callback, TOPIC, later) is None
        assert store.count(later) == 1
        assert store.purge(later) == 1
        assert store.count(now) == 1  # gone from the file, not only hidden
        # an expired subscription does not count against the limits
        assert store.subscribe(sub(3), 2, 100, later) is None
    finally:
        store.close()


def test_unsubscribe_and_the_file_survive_a_new_store(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.subscribe(sub(1), 100, 100, time.time())
    store.subscribe(sub(2), 100, 100, time.time())
    assert store.unsubscribe(sub(1).callback, TOPIC)
    assert not store.unsubscribe(sub(1).callback, TOPIC)
    store.close()
    again = Store(tmp_path)
    try:
        assert [s.callback for s in again.subscribers(TOPIC, time.time())] == [sub(2).callback]
    finally:
        again.close()


def test_one_leader_at_a_time(tmp_path: Path) -> None:
    first, second = Leadership(tmp_path), Leadership(tmp_path)
    assert first.held() and first.holding
    assert not second.held() and not second.holding
    first.release()
    assert second.held()
    second.release()


@dataclass
class Job:
    name: Hashable
    log: list[str]
    gate: threading.Event = field(default_factory=threading.Event)
    tries: list[float] = field(default_factory=list)
    retry: float | None = None
    version: str = ""
    lane: Hashable = None
    started: threading.Event = field(default_factory=threading.Event)

    @property
    def key(self) -> Hashable:
        return self.name

    def run(self) -> float | None:
        self.log.append(f"start {self.name} {self.version}")
        self.started.set()
        self.gate.wait(10)
        self.log.append(f"end {self.name} {self.version}")
        self.tries.append(time.monotonic())
        if self.retry is not None and len(self.tries) < 3:
            return self.retry
        return None


def test_a_newer_task_replaces_a_waiting_one_and_never_overtakes_a_running_one() -> None:
    outbox = Outbox(threads=3, capacity=10)
    log: list[str] = []
    try:
        first = Job("feed", log, version="v1")
        assert outbox.put(first)
        eventually(lambda: "start feed v1" in log, what="v1 running")
        open_gate = threading.Event()
        open_gate.set()
        assert outbox.put(Job("feed", log, gate=open_gate, version="v2"))
        assert outbox.put(Job("feed", log, gate=open_gate, version="v3"))  # replaces v2
        eventually(lambda: outbox.pending == 2, what="v3 waiting behind v1")
        assert "start feed v3" not in log  # same key: waits although two threads are free
        first.gate.set()
        eventually(outbox.idle, what="an idle outbox")
        assert log == ["start feed v1", "end feed v1", "start feed v3", "end feed v3"]
    finally:
        outbox.stop()


def test_capacity_and_retries() -> None:
    outbox = Outbox(threads=1, capacity=2)
    log: list[str] = []
    ready = threading.Event()
    ready.set()
    try:
        blocker = Job("blocker", log)
        outbox.put(blocker)
        eventually(lambda: log, what="the blocker running")
        assert outbox.put(Job("a", log, gate=ready)) and outbox.put(Job("b", log, gate=ready))
        assert not outbox.put(Job("c", log, gate=ready))  # full
        assert outbox.put(Job("a", log, gate=ready, version="newer"))  # a replacement always fits
        blocker.gate.set()
        eventually(outbox.idle, what="the queue drained")
        assert "start c " not in log and "start a newer" in log and "start a " not in log
        retried = Job("retried", log, gate=ready, retry=0.01)
        assert outbox.put(retried)
        eventually(lambda: len(retried.tries) == 3, what="two retries")
    finally:
        outbox.stop()


def test_a_group_holds_its_quota_of_tasks_waiting_or_running_at_most() -> None:
    """A thousand verifications of callbacks that never answer, all of one host, filled the queue
    for 40 minutes, deliveries included (an outside probe): a group's quota bounds its share."""
    outbox = Outbox(threads=1, capacity=10)
    log: list[str] = []
    ready = threading.Event()
    ready.set()
    host = (("host", "a.example"), 2)
    try:
        blocker = Job("blocker", log)
        assert outbox.put(blocker, groups=(host,))
        eventually(lambda: log, what="the blocker running")
        assert outbox.put(Job("a", log, gate=ready), groups=(host,))
        assert not outbox.put(Job("b", log, gate=ready), groups=(host,))  # running and waiting: two of two
        assert outbox.put(Job("a", log, gate=ready, version="newer"), groups=(host,))  # a replacement fits
        assert outbox.put(Job("c", log, gate=ready), groups=((("host", "b.example"), 2),))  # another group
        assert outbox.put(Job("d", log, gate=ready))  # and a task of no group
        blocker.gate.set()
        eventually(outbox.idle, what="the queue drained")
        assert outbox.put(Job("b", log, gate=ready), groups=(host,))  # the group is empty again
        eventually(outbox.idle, what="b done")
        assert "start b " in log and "start a newer" in log
    finally:
        outbox.stop()


def test_a_lane_runs_per_lane_tasks_at_a_time_and_others_pass_it() -> None:
    """One callback host's requests that never answer held every thread (an outside probe): a
    lane (the host) gets ``per_lane`` threads, the other lanes the rest, in the order put."""
    outbox = Outbox(threads=3, capacity=10, per_lane=1)
    log: list[str] = []
    ready = threading.Event()
    ready.set()
    try:
        slow = Job("slow-1", log, lane="slow.example")
        assert outbox.put(slow)
        assert outbox.put(Job("slow-2", log, gate=ready, lane="slow.example"))
        assert outbox.put(Job("slow-3", log, gate=ready, lane="slow.example", version="old"))
        assert outbox.put(Job("slow-3", log, gate=ready, lane="slow.example", version="new"))  # replaces
        quick = Job("quick", log, gate=ready, lane="quick.example")
        assert outbox.put(quick)
        assert quick.started.wait(5), log  # a thread is free and its lane has room
        assert "start slow-2 " not in log and outbox.pending == 3
        slow.gate.set()
        eventually(outbox.idle, what="the lanes drained")
        ran = [line for line in log if line.startswith("start slow")]
        assert ran == ["start slow-1 ", "start slow-2 ", "start slow-3 new"]
    finally:
        outbox.stop()
