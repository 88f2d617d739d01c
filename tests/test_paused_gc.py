"""The garbage collector's pause around a build: what it made does not wait as new objects."""

from __future__ import annotations

import gc

import pytest

import feeds.build.collector
from feeds.build import paused_gc


def test_objects_made_in_the_pause_are_not_left_for_the_next_young_collection() -> None:
    gc.collect()  # every generation's count at zero: the next collection is a young one
    with paused_gc():
        made = [(index, str(index)) for index in range(50_000)]
    # Without the thaw every object above counts as young, and the first allocation walks them
    # all, then leaves them in the middle generation.
    assert gc.isenabled()
    assert any(obj is made for obj in gc.get_objects(generation=2))


def test_a_cycle_made_in_the_pause_is_still_collected() -> None:
    class Node:
        pass

    with paused_gc():
        first, second = Node(), Node()
        first.other, second.other = second, first  # type: ignore[attr-defined]
        probe = id(first)
        del first, second
    gc.collect()
    assert all(id(obj) != probe for obj in gc.get_objects() if isinstance(obj, Node))


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            kept = [(index,) for index in range(1_000)]
        assert gc.get_freeze_count() == frozen
        assert len(kept) == 1_000
    finally:
        gc.unfreeze()


def test_a_pause_inside_a_pause_leaves_the_collector_off() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_the_interpreter_froze_before_the_program_do_not_stop_the_thaw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python 3.12.1 starts with a few hundred objects frozen: they are the interpreter's, not a
    host program's, and the pause thaws what it made all the same (it did nothing on 3.12.1)."""
    gc.collect()
    gc.freeze()  # as the interpreter does before any of our code runs
    try:
        monkeypatch.setattr(feeds.build.collector, "_FROZEN_AT_START", gc.get_freeze_count())
        with paused_gc():
            made = [(index, str(index)) for index in range(50_000)]
        assert any(obj is made for obj in gc.get_objects(generation=2))
    finally:
        gc.unfreeze()
