"""A build with many archive months to split splits half of them in a forked child: the same site
as one process makes, and as good a site when the child cannot be made or dies."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.build import archive_split
from feeds.build import archives as archives_module
from feeds.build.builder import SiteBuilder
from feeds.model import Entry
from feeds.render.archive import Fragments
from tests.test_archives import published_site
from tests.test_archives import settings_for
from tests.test_archives import write_corpus


@pytest.fixture
def one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    write_corpus(tmp_path / "alone" / "content", count=60)
    with monkeypatch.context() as patch:
        patch.setattr(archive_split, "MIN_MONTHS", 10**9)
        return published_site(tmp_path / "alone")


def _forks_from_the_split(monkeypatch: pytest.MonkeyPatch, die: bool = False) -> list[int]:
    """Count (and maybe kill at once) the children that the months' split forks."""
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        splitting = sys._getframe(2).f_globals["__name__"] == archive_split.__name__
        pid = real_fork()
        if pid == 0 and splitting and die:
            os._exit(1)  # dies before it answers
        if pid and splitting:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(archive_split, "MIN_MONTHS", 1)
    return forks


def test_two_processes_make_the_site_one_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_process: dict[str, bytes]
) -> None:
    forks = _forks_from_the_split(monkeypatch)
    write_corpus(tmp_path / "two" / "content", count=60)
    site = published_site(tmp_path / "two")
    assert len(forks) == 1
    assert sum(name.startswith("archive") or "/archive/" in name for name in site) > 20
    assert site == one_process


def test_a_child_that_dies_costs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_process: dict[str, bytes]
) -> None:
    forks = _forks_from_the_split(monkeypatch, die=True)
    write_corpus(tmp_path / "dying" / "content", count=60)
    assert published_site(tmp_path / "dying") == one_process
    assert len(forks) == 1


def test_no_child_for_a_few_months(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forks = _forks_from_the_split(monkeypatch)
    monkeypatch.setattr(archive_split, "MIN_MONTHS", 10**9)
    write_corpus(tmp_path / "few" / "content", count=60)
    published_site(tmp_path / "few")
    assert forks == []


def test_the_build_makes_only_its_own_months_fragments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, made = os.getpid(), Counter[str]()
    real_make = Fragments._make

    def counted(self: Fragments, entry: Entry, kind: str) -> bytes:
        if os.getpid() == parent:
            made[entry.id] += 1
        return real_make(self, entry, kind)

    monkeypatch.setattr(Fragments, "_make", counted)
    write_corpus(tmp_path / "content", count=60)
    monkeypatch.setattr(archive_split, "MIN_MONTHS", 10**9)
    published_site(tmp_path)
    alone = sum(made.values())
    made.clear()
    shutil.rmtree(tmp_path / "public")
    _forks_from_the_split(monkeypatch)
    SiteBuilder(settings_for(tmp_path), use_cache=False).publish()
    assert 0 < sum(made.values()) < 0.7 * alone


def test_a_child_that_dies_halfway_leaves_the_rest_to_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_process: dict[str, bytes]
) -> None:
    real = archive_split._split_by_label
    sent: list[str] = []

    def dies_after_one(*args: Any) -> Iterator[Any]:
        for piece in real(*args):
            yield piece
            os._exit(1)  # in the child, after its first label went out

    def counted(self: Fragments, made: Any) -> None:
        sent.append("piece")
        real_take(self, made)

    real_take = Fragments.take
    monkeypatch.setattr(archive_split, "_split_by_label", dies_after_one)
    monkeypatch.setattr(Fragments, "take", counted)
    _forks_from_the_split(monkeypatch)
    write_corpus(tmp_path / "halfway" / "content", count=60)
    assert published_site(tmp_path / "halfway") == one_process
    assert sent == ["piece"]


def test_a_build_that_fails_while_the_child_splits_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = archives_module.Archives._split

    def fails_here(self: Any, *args: Any) -> list[int]:
        if os.getpid() == parent:
            raise RuntimeError("the build fails")
        return real(self, *args)

    monkeypatch.setattr(archives_module.Archives, "_split", fails_here)
    forks = _forks_from_the_split(monkeypatch)
    write_corpus(tmp_path / "content", count=60)
    with pytest.raises(RuntimeError, match="the build fails"):
        SiteBuilder(settings_for(tmp_path)).publish()
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # reaped


def test_no_child_without_room_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forks = _forks_from_the_split(monkeypatch)
    monkeypatch.setattr(archive_split, "room_for_a_copy", lambda: False)
    write_corpus(tmp_path / "content", count=60)
    published_site(tmp_path)
    assert forks == []
