"""The built-in hub's subscriptions, in SQLite, so that they outlive the server process.

One database per output folder, in ``.feeds-websub/<output name>/`` beside the build cache (not
in it: deleting the cache must not drop subscribers). WAL mode, so reads never wait for the
writer. Every change goes through one writer thread per process, and each runs as one
``BEGIN IMMEDIATE`` transaction (limit checks and insert together), so two requests that race,
in one process or in two server workers, cannot lose a subscription or pass a limit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import sqlite3
import threading
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TypeVar

FOLDER = ".feeds-websub"
#: Seconds a statement waits for another process's write to finish.
BUSY_SECONDS = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    callback TEXT NOT NULL,
    topic TEXT NOT NULL,
    host TEXT NOT NULL,          -- the callback's host, for the per-host limit
    secret TEXT,                 -- hub.secret, for X-Hub-Signature; NULL without one
    lease_seconds INTEGER NOT NULL,
    expires REAL NOT NULL,       -- Unix time: verification time + lease
    PRIMARY KEY (callback, topic)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic, expires);
CREATE INDEX IF NOT EXISTS subscriptions_by_host ON subscriptions (host, expires);
CREATE TABLE IF NOT EXISTS sent (
    topic TEXT PRIMARY KEY,
    tag TEXT NOT NULL            -- a digest of the version last handed to the topic's subscribers
) WITHOUT ROWID;
"""
_T = TypeVar("_T")


def hub_folder(output_dir: Path) -> Path:
    """Where the hub of the site writing ``output_dir`` keeps its database and lock."""
    output = output_dir.absolute()
    return output.parent / FOLDER / output.name


@dataclass(frozen=True)
class Subscription:
    """One verified subscription."""

    callback: str
    topic: str
    host: str
    secret: str | None
    lease_seconds: int
    expires: float  #: Unix time


def private_folder(folder: Path) -> None:
    """Make ``folder`` readable by its owner only, as the store needs it: subscribers' secrets are
    kept as given (they key each delivery's HMAC). One made before with the usual permissions (by
    the delivery lock, which made it first) is narrowed, when it is this user's."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    status = folder.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        folder.chmod(0o700)


class Store:
    """Subscriptions on disk: reads on short-lived connections, writes on one thread."""

    def __init__(self, folder: Path) -> None:
        private_folder(folder)
        self.path = folder / "subscriptions.sqlite3"
        self._jobs: queue.Queue[tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None]
        self._jobs = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="websub-store", daemon=True)
        self._thread.start()
        self._write(lambda db: db.executescript(_SCHEMA))

    def subscribe(self, sub: Subscription, max_total: int, max_per_host: int, now: float) -> str | None:
        """Add or renew a subscription; the reason when a limit forbids a new one, else None."""

        def write(db: sqlite3.Connection) -> str | None:
            with _transaction(db):
                known = db.execute(
                    "SELECT 1 FROM subscriptions WHERE callback = ? AND topic = ? AND expires > ?",
                    (sub.callback, sub.topic, now),
                ).fetchone()
                if not known:
                    total = _count(db, now)
                    if total >= max_total:
                        return f"the hub holds its maximum of {max_total} subscriptions"
                    if _count(db, now, sub.host) >= max_per_host:
                        return f"the hub holds its maximum of {max_per_host} subscriptions for {sub.host}"
                db.execute(
                    "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?, ?, ?)",
                    (sub.callback, sub.topic, sub.host, sub.secret, sub.lease_seconds, sub.expires),
                )
            return None

        return self._write(write)

    def unsubscribe(self, callback: str, topic: str) -> bool:
        """Remove a subscription; whether there was one."""

        def write(db: sqlite3.Connection) -> bool:
            with _transaction(db):
                cursor = db.execute(
                    "DELETE FROM subscriptions WHERE callback = ? AND topic = ?", (callback, topic)
                )
                return cursor.rowcount > 0

        return self._write(write)

    def purge(self, now: float) -> int:
        """Forget expired subscriptions; how many."""

        def write(db: sqlite3.Connection) -> int:
            with _transaction(db):
                return db.execute("DELETE FROM subscriptions WHERE expires <= ?", (now,)).rowcount

        return self._write(write)

    def subscribers(self, topic: str, now: float) -> list[Subscription]:
        """The live subscriptions to ``topic``."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT * FROM subscriptions WHERE topic = ? AND expires > ? ORDER BY callback",
                (topic, now),
            ).fetchall()
        return [Subscription(*row) for row in rows]

    def topics(self, now: float) -> frozenset[str]:
        """The topics with a live subscription."""
        with self._reading() as db:
            rows = db.execute("SELECT DISTINCT topic FROM subscriptions WHERE expires > ?", (now,)).fetchall()
        return frozenset(topic for (topic,) in rows)

    def find(self, callback: str, topic: str, now: float) -> Subscription | None:
        with self._reading() as db:
            row = db.execute(
                "SELECT * FROM subscriptions WHERE callback = ? AND topic = ? AND expires > ?",
                (callback, topic, now),
            ).fetchone()
        return Subscription(*row) if row else None

    def count(self, now: float, host: str | None = None) -> int:
        """Live subscriptions, all of them or those of one callback host."""
        with self._reading() as db:
            return _count(db, now, host)

    def sent(self) -> dict[str, str]:
        """Each topic's digest of the version last handed to its subscribers (``mark_sent``)."""
        with self._reading() as db:
            return dict(db.execute("SELECT topic, tag FROM sent").fetchall())

    def mark_sent(self, tags: Mapping[str, str], replace: bool = True) -> None:
        """Note the versions (topic → digest) handed to the topics' subscribers; ``replace``:
        False to keep a topic's version noted already."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"

        def write(db: sqlite3.Connection) -> None:
            with _transaction(db):
                db.executemany(f"{verb} INTO sent VALUES (?, ?)", tags.items())  # noqa: S608 - ours

        if tags:
            self._write(write)

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=BUSY_SECONDS)

    def _write(self, job: Callable[[sqlite3.Connection], _T]) -> _T:
        if not self._thread.is_alive():
            raise sqlite3.OperationalError("the subscription store is closed")
        done: Future[_T] = Future()
        self._jobs.put((job, done))
        return done.result(timeout=BUSY_SECONDS * 3)

    def _write_loop(self) -> None:
        db = _connect(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                job, done = item
                try:
                    done.set_result(job(db))
                except BaseException as e:  # handed to the caller, who decides
                    done.set_exception(e)
        finally:
            db.close()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        db = _connect(self.path)
        try:
            yield db
        finally:
            db.close()


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit (isolation_level=None): transactions are explicit, see _transaction.
    return sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock first: a check and the write it allows see the same data,
    # even against another server worker's writer.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _count(db: sqlite3.Connection, now: float, host: str | None = None) -> int:
    if host is None:
        row = db.execute("SELECT count(*) FROM subscriptions WHERE expires > ?", (now,)).fetchone()
    else:
        row = db.execute(
            "SELECT count(*) FROM subscriptions WHERE host = ? AND expires > ?", (host, now)
        ).fetchone()
    return int(row[0])


class Leadership:
    """Which server process of a site delivers content and notifies outside hubs.

    Every worker of ``feeds serve --workers N`` rebuilds on every change; only the one holding
    this lock (an ``flock``, released when its process ends) delivers, so a subscriber gets each
    version once. The others take subscription requests all the same, through the shared store.
    """

    def __init__(self, folder: Path) -> None:
        private_folder(folder)
        self._path = folder / "leader.lock"
        self._fd: int | None = None

    @property
    def holding(self) -> bool:
        return self._fd is not None

    def held(self) -> bool:
        """Whether this process leads, taking the lock when it is free."""
        if self._fd is None:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
            self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None
