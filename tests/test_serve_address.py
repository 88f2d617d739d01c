"""``feeds serve`` on an address it cannot listen on: a line saying why and an exit status, not a
traceback (Granian raised "invalid IP address syntax" for ``--host localhost``, and a
RuntimeError with a Rust backtrace for a port another server holds)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.serve.server import listen_address


@pytest.fixture
def taken() -> Iterator[int]:
    """A port on 127.0.0.1 that another server listens on."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _serve(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["serve", "--config", str(project / "config" / "feeds.yaml"), *args])
    return result.exit_code, result.stderr


def test_a_port_another_server_holds(project: Path, taken: int) -> None:
    code, err = _serve(project, "--port", str(taken))
    assert code == 1
    assert err == f"Error: cannot listen on 127.0.0.1 port {taken}: Address already in use\n"


@pytest.mark.parametrize("host", ["example.org", "256.1.1.1", "not a host", ""])
def test_a_host_that_is_not_an_ip_address(project: Path, host: str) -> None:
    code, err = _serve(project, "--host", host)
    assert code == 2
    assert f"Invalid value for '--host': {host!r} is not an IP address" in err


def test_localhost_is_127_0_0_1(taken: int) -> None:
    with pytest.raises(OSError):
        listen_address("localhost", taken)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert listen_address("localhost", free) == "127.0.0.1"


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "::1", "::"])
def test_ip_addresses_are_kept(host: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family) as probe:
            probe.bind((host, 0))
            free = probe.getsockname()[1]
    except OSError:
        pytest.skip(f"no {host} here")
    assert listen_address(host, free) == host
