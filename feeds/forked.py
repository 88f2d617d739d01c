"""Work done in a forked child process, its answers sent back marshalled through a pipe: how a
build uses its other CPUs for a part of its work without starting a program again."""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import os
import re
import signal
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import BinaryIO


def can_fork() -> bool:
    """Whether ``fork`` exists here and the process has no other thread (one may hold a lock at
    the fork that the child then waits for forever)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def room_for_a_copy() -> bool:
    """Whether the system has memory available for a copy of this process: a forked child shares
    its parent's memory until either writes to it (Python writes reference counts even to read),
    so at worst it copies all of it. True where that cannot be told (no ``/proc``)."""
    try:
        with open("/proc/meminfo", "rb") as info, open("/proc/self/statm", "rb") as statm:
            return has_room(info.read(), int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return True


def has_room(meminfo: bytes, resident: int) -> bool:
    """Whether ``/proc/meminfo`` says more memory is available than ``resident`` bytes."""
    available = re.search(rb"^MemAvailable:\s+(\d+) kB", meminfo, re.MULTILINE)
    return available is None or int(available[1]) * 1024 > resident


class ChildFailed(Exception):
    """The child could not be made, or died before it sent every answer."""


class Forked:
    """``work()`` run in a forked child, from the moment this is made; ``answers()`` takes what
    it yields, one piece at a time, as it comes (so neither process holds all of it at once).

    Pieces must be something ``marshal`` takes (plain tuples, lists, dicts, text, bytes, numbers),
    and never None. The child leaves without running anything of the parent's (atexit, buffers)."""

    def __init__(self, work: Callable[[], Iterable[Any]]) -> None:
        self.pid = -1
        read_end, write_end = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            pass  # no more processes: answers() says so
        if self.pid == 0:
            try:
                os.close(read_end)
                with open(write_end, "wb") as pipe:
                    for piece in work():
                        _send(pipe, piece)
                    _send(pipe, None)  # the end: a child that dies first never sends it
            finally:
                os._exit(0)
        os.close(write_end)
        self._pipe = read_end

    def answers(self) -> Iterator[Any]:
        """Each piece the child sent; raises ChildFailed after the last one that came when the
        child could not be made or died before the end."""
        try:
            with open(self._pipe, "rb") as pipe:
                while (piece := _receive(pipe)) is not None:
                    yield piece
        except (EOFError, ValueError, TypeError) as e:
            raise ChildFailed from e
        finally:
            if self.pid > 0:
                os.waitpid(self.pid, 0)
                self.pid = -1

    def cancel(self) -> None:
        """Stop the child, when its answers will not be taken (the parent's own work failed)."""
        if self.pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = -1
        with contextlib.suppress(OSError):
            os.close(self._pipe)

    def answer(self) -> object:
        """The one piece the child sent, or None when it could not be made or died first."""
        try:
            pieces = list(self.answers())
        except ChildFailed:
            return None
        return pieces[0] if len(pieces) == 1 else None


# Each piece goes as its length, then its marshalled bytes, read back whole: ``marshal.load`` from
# a file asks the file for every object's bytes on its own, which took 0.33 s for the 50,000
# files' versions of a scan's child, against 0.04 s for ``marshal.loads`` of the same bytes.
_LENGTH = 8


def _send(pipe: BinaryIO, piece: Any) -> None:
    data = marshal.dumps(piece)
    pipe.write(len(data).to_bytes(_LENGTH, "little"))
    pipe.write(data)
    pipe.flush()  # on its way before the child goes on (and may die)


def _receive(pipe: BinaryIO) -> Any:
    """The next piece; raises EOFError when the pipe ends before it is whole."""
    head = pipe.read(_LENGTH)
    size = int.from_bytes(head, "little")
    data = pipe.read(size)
    if len(head) != _LENGTH or len(data) != size:
        raise EOFError("the child's answer ended early")
    return marshal.loads(data)


#: Linux's prctl(2) option that has the kernel signal a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel kill this process when the one that made it dies (Linux; elsewhere nothing).

    A build killed with SIGKILL (or SIGTERM, whose default is the same) cannot stop its read
    workers; they and their fork server then waited forever, holding the build's output pipes
    open, so that a CI step or ``$(feeds build)`` never ended."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
