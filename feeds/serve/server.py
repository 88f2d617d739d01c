"""``feeds serve``: the web app under Granian, with the limits that keep one client from locking
out the rest.

Granian holds at most ``max_connections`` connections open per process (its "backpressure"); more
wait in the listen backlog until one closes. Idle connections must therefore be closed, or 1,025
clients that connect and send nothing lock everyone else out. Hyper closes a connection that
takes longer than ``header_timeout`` to send a request's headers, kept-alive ones between requests
too, but only when it speaks HTTP/1 from the first byte: with HTTP/2 allowed as well, the server
waits for a first byte to tell the two apart, with no time limit at all. So the server speaks
HTTP/1.1 (feed readers and browsers do; HTTP/2 reaches it through a proxy in front, if any).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
import resource
import socket
from typing import Any

from feeds.config import ServeSettings
from feeds.serve.limits import HUB_READERS

log = logging.getLogger(__name__)

#: How long a worker may take to stop before it is killed.
WORKER_STOP_SECONDS = 5

#: File descriptors a server process needs besides its connections (content and cache files,
#: the watcher, the workers' pipes).
SPARE_FILES = 256


#: Environment variable with the process id of `feeds serve`, whose workers die with it (``wsgi``).
SERVER_PID = "FEEDS_SERVER_PID"


def serve(target: str, host: str, port: int, workers: int, access_log: bool, limits: ServeSettings) -> None:
    """Serve the WSGI app ``target`` ("module:name") until interrupted."""
    os.environ[SERVER_PID] = str(os.getpid())
    from granian import Granian
    from granian.constants import HTTPModes
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    connections = allow_open_files(limits.max_connections)
    server = Granian(
        target,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=round(limits.header_timeout * 1000)),
        workers=workers,
        # Ctrl-C in a terminal signals the worker as well as the parent, and Granian's worker can
        # miss its stop that way (about half of the time here): the parent then waited for it forever.
        workers_kill_timeout=WORKER_STOP_SECONDS,
        # A worker that dies (the kernel's out-of-memory killer) is started again; Granian's
        # default shut the whole server down.
        respawn_failed_workers=True,
        backlog=limits.backlog,
        backpressure=connections,
        websockets=False,
        log_access=access_log,
        # Answers come from memory and never wait on I/O, so a few Python threads are plenty
        # (4, 16 and Granian's default of 512 measured the same here); requests for new filtered
        # feeds, and subscription requests to the hub, may hold one each while they run or wait,
        # so they get threads of their own.
        blocking_threads=(
            2 * (os.cpu_count() or 1) + 1 + limits.filter_workers + limits.filter_queue + HUB_READERS.threads
        ),
    )
    # Granian (configured above, so the filter stays) warns at every start that those threads are
    # many for the CPUs; they are, on purpose.
    logging.getLogger("_granian").addFilter(_NotOfThreads())
    server.serve()


class _NotOfThreads(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Configuration allows spawning up to")


def listen_address(host: str, port: int) -> str:
    """The address to give Granian for ``--host``: an IP address as it is, ``localhost`` as
    127.0.0.1 (Granian takes addresses only, and raised "invalid IP address syntax").

    Raises ValueError, saying why, for anything else, and OSError when nothing can listen on the
    port (another server holds it: Granian raised a RuntimeError with a Rust backtrace).
    """
    address = "127.0.0.1" if host == "localhost" else host
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    except ValueError:
        raise ValueError(f"{host!r} is not an IP address, e.g. 127.0.0.1, ::1 or 0.0.0.0") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a server that restarts
        probe.bind((address, port))
    return address


def given(limits: ServeSettings, **options: Any) -> ServeSettings:
    """``limits`` with the command-line ``options`` that were given (not None) in their place."""
    return dataclasses.replace(
        limits, **{name: value for name, value in options.items() if value is not None}
    )


def allow_open_files(connections: int) -> int:
    """Raise this process's open-file limit (which Granian's workers inherit) to what
    ``connections`` need, as far as the hard limit allows; returns the connections that fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < wanted:
        fitting = max(1, soft - SPARE_FILES)
        log.warning(
            "serve.max_connections %d does not fit the open-file limit of %d; using %d",
            connections, soft, fitting,
        )  # fmt: skip
        return fitting
    return connections
