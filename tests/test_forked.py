"""Work in a forked child, its answers streamed back: every piece in order, and a child that dies
before the end is told apart from one that finished."""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator
from typing import BinaryIO

import pytest

import feeds.forked
from feeds.forked import ChildFailed
from feeds.forked import Forked
from feeds.forked import has_room
from feeds.forked import room_for_a_copy


def test_pieces_come_back_in_order() -> None:
    child = Forked(lambda: iter([(1, b"x" * 200_000), {"a": [1, 2]}, "three"]))
    assert list(child.answers()) == [(1, b"x" * 200_000), {"a": [1, 2]}, "three"]


def test_one_piece() -> None:
    assert Forked(lambda: [[("a", 1, 2, 3)]]).answer() == [("a", 1, 2, 3)]
    assert Forked(lambda: []).answer() is None  # no piece: not an answer


def test_a_child_that_dies_before_the_end() -> None:
    def dies() -> Iterator[int]:
        yield 1
        os._exit(3)

    child = Forked(dies)
    got: list[int] = []
    with pytest.raises(ChildFailed):
        for piece in child.answers():
            got.append(piece)
    assert got == [1]
    assert Forked(dies).answer() is None


def test_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    with pytest.raises(ChildFailed):
        list(Forked(lambda: [1]).answers())


def test_a_child_cancelled_is_gone() -> None:
    def forever() -> Iterator[int]:
        while True:
            yield 1

    child = Forked(forever)
    pid = child.pid
    child.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more


def test_room_for_a_copy() -> None:
    meminfo = b"MemTotal:       24683424 kB\nMemFree:        1000 kB\nMemAvailable:    2000000 kB\n"
    assert has_room(meminfo, 1_000_000_000)
    assert not has_room(meminfo, 3_000_000_000)
    assert has_room(b"MemTotal: 1 kB\n", 10**12)  # cannot tell: yes
    assert isinstance(room_for_a_copy(), bool)


def test_a_child_that_dies_halfway_through_a_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = feeds.forked._send

    def half(pipe: BinaryIO, piece: object) -> None:
        if piece != "cut":
            whole(pipe, piece)
            return
        data = marshal.dumps(piece)
        pipe.write(len(data).to_bytes(8, "little") + data[:2])
        pipe.flush()
        os._exit(0)

    monkeypatch.setattr(feeds.forked, "_send", half)
    child = Forked(lambda: iter(["whole", "cut", "never"]))
    got: list[str] = []
    with pytest.raises(ChildFailed):
        for piece in child.answers():
            got.append(piece)
    assert got == ["whole"]
