"""Read workers: the processes that read many content files at once, and the fork server they
come from. Each dies with the process that made it, so that a build killed with SIGKILL leaves
none behind holding its output pipes open."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import multiprocessing.util
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from feeds.forked import die_with_parent

#: The module the fork server imports once for all its workers (0.1 s less a cold build than
#: each worker importing it): the reading code, which imports this one.
READER = "feeds.build.read"

#: Set for the fork server by the build that starts it, and only for it: the build's process id.
_BUILD_PID = "FEEDS_BUILD_PID"
#: The process this module was imported in: in a read worker, its fork server (which preloads it).
_IMPORTED_IN = os.getpid()
_STARTED_BY = os.environ.pop(_BUILD_PID, None)
if _STARTED_BY is not None:  # this is the fork server of a build
    die_with_parent()
    if str(os.getppid()) != _STARTED_BY:
        # The build was killed before that took effect: a worker forked now would wait forever,
        # holding the build's output pipes open.
        os._exit(0)
    # Ctrl-C reaches the whole process group. A worker it stopped while sending its result left
    # half a message in the pipe, and the pool's reader waited for the rest forever; the build
    # stops the workers instead (``worker_pool``), between batches. (The fork server gives its
    # workers the handlers it found at its start.) Not SIGTERM: the pool sends it to the workers
    # that remain when one crashed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Read workers from the fork server, each dying with it. When the build stops (Ctrl-C,
    an error), the batches not started are cancelled and those running end first.

    Ctrl-C waits meanwhile until the loop over the results calls ``stop_if_asked``:
    raised anywhere, the ``KeyboardInterrupt`` could land inside the pool's own code (a
    ``submit`` starting a worker), which then never told that worker to stop, and the build
    waited for it forever (one stopped build in a few)."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context(), initializer=_worker_started)
    stopped = True
    with _signals_deferred():
        try:
            yield pool
            stopped = False
        finally:
            if stopped:
                # Workers that died (killed from outside) leave a broken pool waiting for the
                # thread feeding its call queue, blocked on a pipe no one reads.
                call_queue = getattr(pool, "_call_queue", None)
                if call_queue is not None:
                    call_queue.cancel_join_thread()
            pool.shutdown(wait=True, cancel_futures=stopped)


#: Whether Ctrl-C came while a worker pool ran, not yet acted on.
_DEFERRED: list[bool] = []


def stop_if_asked() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C came while a worker pool ran: a point
    between batches, where the pool can stop cleanly."""
    if _DEFERRED:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C noted rather than acted on, then handed to the handler it had."""
    if threading.current_thread() is not threading.main_thread() or _DEFERRED:
        yield  # signals reach the main thread only; a nested pool: the outer one defers them
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: _DEFERRED.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if _DEFERRED:  # as if it came now
            _DEFERRED.clear()
            if callable(previous):
                previous(signal.SIGINT, None)
            elif previous == signal.SIG_DFL:
                signal.raise_signal(signal.SIGINT)


def _worker_started() -> None:
    """A read worker's first step: die with its fork server, as that dies with the build."""
    die_with_parent()
    if os.getppid() != _IMPORTED_IN:  # the fork server died before that took effect
        os._exit(1)


def remove_temp_folder() -> None:
    """Remove the folder multiprocessing made for the fork server's socket (``/tmp/pymp-*``), as
    its clean-up at exit does: the command's quick exit skips that, and each build left one."""
    if _started:
        shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)


_started: list[bool] = []  #: whether this process started the fork server


def _worker_context() -> multiprocessing.context.ForkServerContext:
    _started.append(True)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([READER])
    os.environ[_BUILD_PID] = str(os.getpid())  # inherited by the fork server, if it starts now
    # Ctrl-C held off, which the fork server inherits: it ignores Ctrl-C only once it has imported
    # the reading code, and one before that killed it. Here a Ctrl-C waits until it is let through.
    # (The resource tracker first: starting it lets Ctrl-C through, whatever held it before.)
    multiprocessing.resource_tracker.ensure_running()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.environ.pop(_BUILD_PID, None)  # and by no other process this one starts
    return context


def start_read_workers() -> None:
    """Start the fork server that read workers come from, for a build about to read many files.

    It takes 0.3 s to start and import the reading code; called before the content folder is
    scanned, that happens on another CPU while the scan runs instead of after it.
    """
    _worker_context()
