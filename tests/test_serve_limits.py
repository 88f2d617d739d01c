"""``feeds serve``'s connection limits, tried with real sockets against a real server on 127.0.0.1."""

from __future__ import annotations

import resource
import selectors
import socket
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.helpers import running_server
from tests.helpers import write_config

#: More silent connections than the server holds open (max_connections, 1024 by default).
IDLE = 1100
HEADER_TIMEOUT = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``feeds serve`` on the sample site with a short header timeout: (base URL, port)."""
    folder = tmp_path_factory.mktemp("limits")
    pinned_copy(ROOT / "content", folder / "content")
    with running_server(write_config(folder), "--header-timeout", str(HEADER_TIMEOUT)) as base:
        yield base, int(base.rpartition(":")[2])


@pytest.fixture
def open_files() -> Iterator[None]:
    """Enough file descriptors in this process for ``IDLE`` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE + 200
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the open-file limit ({hard}) is below {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def raw(port: int, request: bytes) -> bytes:
    """The status line and headers the server sends back for ``request``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer.partition(b"\r\n\r\n")[0]


@pytest.mark.slow
def test_connect_gets_405_over_http(server: tuple[str, int]) -> None:
    head = raw(server[1], b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ")
    assert b"\r\nallow: " in head.lower()


@pytest.mark.slow
def test_idle_connections_are_closed_and_a_new_client_is_served(
    server: tuple[str, int], open_files: None
) -> None:
    """1,100 connections that send nothing: a new client is still answered (once the server has
    closed idle ones after ``header_timeout``), and every idle one is closed in the end."""
    base, port = server
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(IDLE)]
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=HEADER_TIMEOUT + 8) as response:
            assert response.status == 200
        with selectors.DefaultSelector() as waiting:
            for sock in idle:
                sock.setblocking(False)
                waiting.register(sock, selectors.EVENT_READ)
            deadline = time.monotonic() + 3 * HEADER_TIMEOUT + 10
            while waiting.get_map():
                assert time.monotonic() < deadline, f"{len(waiting.get_map())} idle connections still open"
                for key, _ in waiting.select(timeout=1):
                    ready = key.fileobj
                    assert isinstance(ready, socket.socket)
                    try:
                        closed = ready.recv(1) == b""
                    except ConnectionResetError:
                        closed = True
                    assert closed, "the server sent something to a connection that asked nothing"
                    waiting.unregister(ready)
    finally:
        for sock in idle:
            sock.close()
    with urllib.request.urlopen(f"{base}/all.atom", timeout=5) as response:
        assert response.status == 200
