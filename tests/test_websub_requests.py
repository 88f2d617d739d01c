"""The built-in hub's bounds that an outside probe found missing: one address in other scripts is
one host, the subscriptions' folder is its owner's, and a client holds one turn to send a body."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest

from feeds.serve.limits import BodyReaders
from feeds.serve.limits import client_key
from feeds.websub.client import callback_host
from feeds.websub.store import Leadership
from feeds.websub.store import Store
from feeds.websub.store import hub_folder


@pytest.mark.parametrize("spelling", ["127。0。0。1", "１２７.0.0.1", "127．0．0．1", "𝟏𝟐𝟕.0.0.1"])
def test_an_address_in_other_scripts_is_counted_as_itself(spelling: str) -> None:
    """A connection reaches 127.0.0.1 for each (sockets encode names with IDNA), but the limits per
    host counted each as a host of its own, 1,000 subscriptions more each (an outside probe)."""
    assert callback_host(f"http://{spelling}:8790/cb") == "127.0.0.1"


def test_the_subscriptions_folder_is_its_owners_only_whoever_made_it(tmp_path: Path) -> None:
    """The delivery lock made the folder first, with the usual permissions, and the store then
    kept its secrets in a folder everyone could read (an outside probe)."""
    folder = hub_folder(tmp_path / "public")
    Leadership(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o755)  # as an earlier version left it
    store = Store(folder)
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        store.close()


def test_a_client_holds_one_turn_to_send_a_body_and_others_keep_theirs() -> None:
    readers = BodyReaders(readers=3, waiting=1, wait=0.2)
    with readers.turn("203.0.113.5") as first:
        assert first
        with readers.turn("203.0.113.5") as again:  # the same client waits, then gets none
            assert not again
        with (
            readers.turn(client_key("2001:db8::1")) as other,
            readers.turn(client_key("2001:db8::2")) as same_64,
        ):
            assert other and not same_64  # one /64 is one client
        with readers.turn("198.51.100.7") as other:
            assert other
    with readers.turn("203.0.113.5") as later:
        assert later  # its turn was given back


def test_a_waiting_request_gets_the_turn_given_back() -> None:
    readers = BodyReaders(readers=1, waiting=1, wait=5)
    taken = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with readers.turn("203.0.113.5"):
            taken.set()
            time.sleep(0.2)
        done.set()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    started = time.monotonic()
    with readers.turn("198.51.100.7") as mine:
        assert mine and done.is_set() and time.monotonic() - started < 4
    thread.join()


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3::9", "2001:db8:1:2::"),
    ],
)
def test_a_client_is_known_by_its_address_or_its_64(address: str, key: str) -> None:
    assert client_key(address) == key
