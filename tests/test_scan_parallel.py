"""The scan stats files in forked children when there are many: same answer as one process."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from feeds.source import scan


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("a", "a/b", "c", "d"):
        (root / folder).mkdir(parents=True)
    for number in range(40):
        folder = ("a", "a/b", "c", "d")[number % 4]
        (root / folder / f"{number:02d}.md").write_text("x" * number)
    (root / "a" / "b.md").write_text("sorts before a/b/")
    (root / "c" / "notes.json").write_text("{}")  # not an article file
    return root


def _serial(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[scan.ContentFile]:
    with monkeypatch.context() as patch:
        patch.setattr(scan, "STATS_PER_PROCESS", 10**9)
        return list(scan.scan_content(root))


def test_children_find_what_one_process_finds(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _serial(content, monkeypatch)
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(scan, "STATS_PER_PROCESS", 5)
    monkeypatch.setattr(scan, "_cpus", lambda: 4)
    monkeypatch.setattr(os, "fork", counting_fork)
    found = scan.scan_content(content)
    assert len(forks) == 3  # four shares: three children and the scan's own process
    assert list(found) == serial
    assert all(type(file) is scan.ContentFile for file in found)
    assert [file.source for file in found] == sorted(file.source for file in serial)
    assert len(found) == 41
    assert {file.size for file in found if file.source != "a/b.md"} == set(range(40))


def test_a_child_that_cannot_be_made_or_dies_costs_nothing(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serial(content, monkeypatch)
    monkeypatch.setattr(scan, "STATS_PER_PROCESS", 5)
    monkeypatch.setattr(scan, "_cpus", lambda: 3)

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    assert list(scan.scan_content(content)) == serial

    real_fork = os.fork

    def dying_fork() -> int:
        pid = real_fork()
        if pid == 0:
            os._exit(1)  # dies before it answers
        return pid

    monkeypatch.setattr(os, "fork", dying_fork)
    assert list(scan.scan_content(content)) == serial


def test_no_children_beside_other_threads(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan, "STATS_PER_PROCESS", 5)
    monkeypatch.setattr(scan, "_cpus", lambda: 4)
    monkeypatch.setattr(threading, "active_count", lambda: 2)

    def refused() -> int:
        raise AssertionError("forked beside another thread")

    monkeypatch.setattr(os, "fork", refused)
    assert len(scan.scan_content(content)) == 41
