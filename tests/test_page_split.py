"""A build with many entries' pages makes half of them in a forked child: the same pages as one
process makes, and all of them when the child cannot be made, dies, or the build fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.build import page_split
from feeds.build.builder import SiteBuilder
from feeds.build.page_split import pages_on_two_cpus
from feeds.forked import Forked
from tests.test_archives import settings_for
from tests.test_archives import write_corpus

WANTED = [(f"entry/{number}.html", f"entry {number}") for number in range(40)]


def _page(entry: Any) -> bytes:
    """A page that says which process made it."""
    return f"{entry} by {os.getpid()}".encode()


def _makers(made: dict[str, bytes]) -> dict[str, int]:
    """path → the process that made the page."""
    return {path: int(page.rsplit(b" by ", 1)[1]) for path, page in made.items()}


def _check_all(made: dict[str, bytes]) -> None:
    assert sorted(made) == sorted(path for path, _ in WANTED)
    for path, entry in WANTED:
        assert made[path].startswith(f"{entry} by ".encode())


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The children forked from here on (the page split's threshold lowered to 1 page)."""
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(page_split, "MIN_PAGES", 1)
    return forked


def test_the_child_makes_the_second_half(forks: list[int]) -> None:
    made = pages_on_two_cpus(_page, WANTED)
    _check_all(made)
    makers = _makers(made)
    assert len(forks) == 1
    assert {makers[path] for path, _ in WANTED[:20]} == {os.getpid()}
    assert {makers[path] for path, _ in WANTED[20:]} == {forks[0]}


def test_no_child_for_a_few_pages_or_without_room(forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_split, "MIN_PAGES", 41)
    made = pages_on_two_cpus(_page, WANTED)
    monkeypatch.setattr(page_split, "MIN_PAGES", 1)
    monkeypatch.setattr(page_split, "room_for_a_copy", lambda: False)
    made.update(pages_on_two_cpus(_page, WANTED))
    _check_all(made)
    assert forks == []
    assert set(_makers(made).values()) == {os.getpid()}


def test_a_child_that_dies_leaves_its_pages_to_the_build(forks: list[int]) -> None:
    parent = os.getpid()

    def dies_in_the_child(entry: Any) -> bytes:
        if os.getpid() != parent:
            os._exit(1)
        return _page(entry)

    made = pages_on_two_cpus(dies_in_the_child, WANTED)
    _check_all(made)
    assert len(forks) == 1
    assert set(_makers(made).values()) == {parent}


def test_a_child_that_dies_halfway_sends_what_it_sent(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = page_split._in_pieces

    def dies_after_one(*args: Any) -> Iterator[dict[str, bytes]]:
        for piece in real(*args):
            yield piece
            os._exit(1)  # in the child, after its first piece went out

    monkeypatch.setattr(page_split, "_in_pieces", dies_after_one)
    monkeypatch.setattr(page_split, "PIECE", 5)
    made = pages_on_two_cpus(_page, WANTED)
    _check_all(made)
    makers = _makers(made)
    assert [path for path, _ in WANTED if makers[path] == forks[0]] == [path for path, _ in WANTED[20:25]]


def test_a_build_that_fails_leaves_no_child(forks: list[int]) -> None:
    parent = os.getpid()

    def fails_in_the_build(entry: Any) -> bytes:
        if os.getpid() == parent:
            raise RuntimeError("the build fails")
        return _page(entry)

    with pytest.raises(RuntimeError, match="the build fails"):
        pages_on_two_cpus(fails_in_the_build, WANTED)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped


def _site(root: Path) -> dict[str, bytes]:
    SiteBuilder(settings_for(root)).publish()
    public = root / "public"
    return {
        str(path.relative_to(public)): path.read_bytes()
        for path in sorted(public.rglob("*"))
        if path.is_file()
    }


def test_a_site_made_on_two_cpus_is_the_site_one_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    children: list[Forked] = []

    def counted(work: Any) -> Forked:
        children.append(Forked(work))
        return children[-1]

    write_corpus(tmp_path / "two" / "content", count=60)
    write_corpus(tmp_path / "one" / "content", count=60)
    with monkeypatch.context() as patch:
        patch.setattr(page_split, "Forked", counted)
        two = _site(tmp_path / "two")
    assert len(children) == 1
    monkeypatch.setattr(page_split, "MIN_PAGES", 10**9)
    one = _site(tmp_path / "one")
    assert sum(path.startswith("entries/") for path in two) >= 10
    assert two == one
