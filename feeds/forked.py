"""Work done in a forked child process, its answer sent back marshalled through a pipe: how a
build uses its other CPUs for a part of its work without starting a program again."""

from __future__ import annotations

import marshal
import os
import threading
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    """Whether ``fork`` exists here and the process has no other thread (one may hold a lock at
    the fork that the child then waits for forever)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked:
    """``work()`` run in a forked child, from the moment this is made; ``answer()`` waits for it.

    The answer must be something ``marshal`` takes (plain tuples, lists, dicts, text, bytes,
    numbers). The child leaves without running anything of the parent's (atexit, buffers)."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.pid = -1
        read_end, write_end = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            pass  # no more processes: answer() says so
        if self.pid == 0:
            try:
                os.close(read_end)
                with open(write_end, "wb") as pipe:
                    pipe.write(marshal.dumps(work()))
            finally:
                os._exit(0)
        os.close(write_end)
        self._pipe = read_end

    def answer(self) -> object:
        """What ``work()`` returned; None when the child could not be made or died first."""
        with open(self._pipe, "rb") as pipe:
            data = pipe.read()
        if self.pid > 0:
            os.waitpid(self.pid, 0)
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
