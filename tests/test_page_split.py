"""A build with many entries' pages makes half of them in a forked child: the same pages as one
process makes, and all of them when the child cannot be made, dies, or the build fails."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.build import page_split
from feeds.build.builder import SiteBuilder
from feeds.build.page_split import PageSplit
from feeds.forked import Forked
from feeds.render import site
from tests.test_archives import published_site
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


def _split(page: Any) -> Any:
    """``PageSplit().start(page, WANTED)``, and the split to cancel."""
    split = PageSplit()
    return split.start(page, WANTED), split


def _child_ended(pid: int) -> None:
    """Wait until the child ``pid`` has ended, without reaping it (its answers are still to read)."""
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


def test_the_build_and_the_child_meet(forks: list[int]) -> None:
    made, _ = _split(_page)
    pages = made()
    _check_all(pages)
    makers = [_makers(pages)[path] for path, _ in WANTED]
    assert len(forks) == 1
    # The build's pages first, then the child's (the one where they met may be either's).
    assert makers == sorted(makers, key=lambda maker: maker != os.getpid())
    assert set(makers) <= {os.getpid(), forks[0]}


def test_the_child_starts_at_once(forks: list[int]) -> None:
    made, _ = _split(_page)
    _child_ended(forks[0])  # while the build made the rest of the site
    assert set(_makers(made()).values()) == {forks[0]}


def test_no_child_for_a_few_pages_or_without_room(forks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_split, "MIN_PAGES", 41)
    pages = _split(_page)[0]()
    monkeypatch.setattr(page_split, "MIN_PAGES", 1)
    monkeypatch.setattr(page_split, "room_for_a_copy", lambda: False)
    pages.update(_split(_page)[0]())
    _check_all(pages)
    assert forks == []
    assert set(_makers(pages).values()) == {os.getpid()}


def test_a_child_that_dies_leaves_its_pages_to_the_build(forks: list[int]) -> None:
    parent = os.getpid()

    def dies_in_the_child(entry: Any) -> bytes:
        if os.getpid() != parent and entry == "entry 30":
            os._exit(1)  # after it made 39 to 31, and claimed 30
        return _page(entry)

    made, _ = _split(dies_in_the_child)
    _child_ended(forks[0])
    pages = made()
    _check_all(pages)
    assert set(_makers(pages).values()) == {parent}


def test_a_child_that_dies_halfway_sends_what_it_sent(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = page_split._from_the_end

    def dies_after_one(*args: Any) -> Iterator[dict[str, bytes]]:
        for piece in real(*args):
            yield piece
            os._exit(1)  # in the child, after its first piece went out

    monkeypatch.setattr(page_split, "_from_the_end", dies_after_one)
    monkeypatch.setattr(page_split, "PIECE", 5)
    made, _ = _split(_page)
    _child_ended(forks[0])  # it made every page, and sent the last five
    pages = made()
    _check_all(pages)
    makers = _makers(pages)
    assert [path for path, _ in WANTED if makers[path] == forks[0]] == [path for path, _ in WANTED[35:]]


def test_a_build_that_fails_leaves_no_child(forks: list[int]) -> None:
    parent = os.getpid()

    held: list[bool] = []

    def fails_in_the_build(entry: Any) -> bytes:
        if os.getpid() == parent:
            raise RuntimeError("the build fails")
        if not held:
            # The child holds its first page, so the build surely has pages of its own to fail on
            # (a child that ran ahead claimed all 40 once, and the build made none); cancel kills it.
            held.append(True)
            time.sleep(10)
        return _page(entry)

    made, split = _split(fails_in_the_build)
    with pytest.raises(RuntimeError, match="the build fails"):
        made()
    split.cancel()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped


def test_a_render_that_fails_before_the_pages_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    def fails(*args: Any) -> bytes:
        raise RuntimeError("the render fails")

    monkeypatch.setattr(site, "index_bytes", fails)  # after the pages' child started
    write_corpus(tmp_path / "content", count=60)
    with pytest.raises(RuntimeError, match="the render fails"):
        SiteBuilder(settings_for(tmp_path)).publish()
    for pid in forks:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped


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
        two = published_site(tmp_path / "two")
    assert len(children) == 1
    monkeypatch.setattr(page_split, "MIN_PAGES", 10**9)
    one = published_site(tmp_path / "one")
    assert sum(path.startswith("entries/") for path in two) >= 10
    assert two == one
