"""A build killed with SIGKILL while its read workers run leaves no process behind: they and their
fork server waited forever, holding the build's output pipes open, so a CI step or
``$(feeds build)`` never ended (found by an outside probe)."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feeds.build.read import PARALLEL_MIN_FILES


def _session(sid: int) -> list[int]:
    """Process ids in session ``sid``."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    members.append(int(entry))
            except OSError:
                pass
    return members


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_nothing_is_left_running(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for number in range(PARALLEL_MIN_FILES + 200):
        (content / f"{number:05d}.txt").write_text(f"Story {number}\n\n" + "Some words. " * 200)
    build = subprocess.Popen(
        [sys.executable, "-m", "feeds", "build", "-q", "--content", str(content), "--output", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(_session(build.pid)) < 4 and build.poll() is None:  # the fork server and workers
            assert time.monotonic() < deadline, "the read workers never started"
            time.sleep(0.02)
        assert build.poll() is None, "the build ended before its workers could be seen"
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while _session(build.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session(build.pid) == []
    finally:
        for pid in _session(build.pid):
            os.kill(pid, signal.SIGKILL)


SCRIPT = """
import os, sys, time
from pathlib import Path
from feeds.output.write import locked
with locked(Path(sys.argv[1])):
    if os.fork() == 0:  # a record writer, say: still at work when the build is killed
        os.write(1, b"child\\n")  # after the fork's hooks have run in it; one write, not interleaved
        time.sleep(5)
        os._exit(0)
    os.write(1, b"locked\\n")
    time.sleep(60)
"""


def test_a_killed_builds_children_do_not_hold_its_lock(tmp_path: Path) -> None:
    build = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "public")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert build.stdout is not None
        assert sorted([build.stdout.readline(), build.stdout.readline()]) == ["child\n", "locked\n"]
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        with open(tmp_path / ".public.lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while a child held it
    finally:
        build.kill()
        build.wait()
        if build.stdout is not None:
            build.stdout.close()
