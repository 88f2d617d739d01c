"""A build killed with SIGKILL while its read workers run leaves no process behind: they and their
fork server waited forever, holding the build's output pipes open, so a CI step or
``$(feeds build)`` never ended (found by an outside probe)."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from feeds.build.read import PARALLEL_MIN_FILES
from feeds.build.workers import _BUILD_PID
from feeds.build.workers import start_read_workers
from feeds.build.workers import worker_pool


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


def _wait_for_workers(build: subprocess.Popen[bytes]) -> None:
    """Until the build's fork server and read workers run (in its session)."""
    deadline = time.monotonic() + 60
    while len(_session(build.pid)) < 4 and build.poll() is None:
        assert time.monotonic() < deadline, "the read workers never started"
        time.sleep(0.02)
    assert build.poll() is None, "the build ended before its workers could be seen"


def _wait_until_all_gone(sid: int) -> None:
    deadline = time.monotonic() + 10
    while _session(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session(sid) == []


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
        _wait_for_workers(build)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        _wait_until_all_gone(build.pid)
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


FORK_SERVER = """
import os, subprocess, sys
# Started by a build (the parent named in the variable): dies with it, and is gone at once if it is
# gone already. Printed only by a process that goes on.
os.environ["FEEDS_BUILD_PID"] = sys.argv[1]
subprocess.run([sys.executable, "-c", "import feeds.build.read; print('went on')"], check=False)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
@pytest.mark.parametrize("started_by_parent", [True, False])
def test_a_fork_server_whose_build_is_gone_leaves_at_once(started_by_parent: bool) -> None:
    """The build killed between starting its fork server and the server's import of the reading
    code: the server used to go on without its parent, and the workers it forked waited forever
    (found by an outside probe: 11 of 24 kills between 0.6 and 1.3 s into a cold build)."""
    script = FORK_SERVER.replace("sys.argv[1]", "str(os.getpid())") if started_by_parent else FORK_SERVER
    done = subprocess.run(
        [sys.executable, "-c", script, "1"], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == ("went on\n" if started_by_parent else "")


def test_no_other_process_takes_the_fork_servers_variable() -> None:
    start_read_workers()
    assert _BUILD_PID not in os.environ


def test_read_workers_leave_ctrl_c_to_the_build() -> None:
    """Ctrl-C reaches the whole process group; a worker it stopped while sending its result left
    half a message in the pipe, and the build waited for the rest forever (seen once in 14
    interrupted cold builds of 3,500 articles). The workers ignore it; the build stops them."""
    with worker_pool(1) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60) == signal.SIG_IGN


def test_a_stopped_build_cancels_the_batches_not_started() -> None:
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), worker_pool(1) as pool:
        futures = [pool.submit(time.sleep, 0.5) for _ in range(20)]
        futures[0].result(timeout=60)
        raise KeyboardInterrupt
    assert time.monotonic() - started < 5  # not the 10 s that every batch takes
    assert sum(future.done() and not future.cancelled() for future in futures) <= 5  # the rest never ran
    # Nothing left running: a forked child (the entry pages' split) is made only without threads.
    assert threading.active_count() == 1


FORK_SERVER_AT_ONCE = """
import multiprocessing.forkserver, os, signal, sys, time
from feeds.build.workers import start_read_workers, worker_pool
start_read_workers()
server = multiprocessing.forkserver._forkserver._forkserver_pid
os.kill(server, signal.SIGINT)  # while it starts Python and imports the reading code
time.sleep(0.5)
with worker_pool(1) as pool:
    print(pool.submit(os.getppid).result(timeout=60) == server)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is started the Linux way")
def test_ctrl_c_while_the_fork_server_starts_leaves_it_running() -> None:
    """Ctrl-C in the first moments of a cold build reached the fork server before it ignored it
    (it does so only after importing the reading code): it printed a traceback and died, and the
    build's workers with it. It starts with Ctrl-C held off."""
    done = subprocess.run(
        [sys.executable, "-c", FORK_SERVER_AT_ONCE], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.stdout, done.stderr) == ("True\n", "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
@pytest.mark.parametrize("to_group", [False, True])
def test_sigterm_ends_a_build_leaving_nothing_behind(tmp_path: Path, to_group: bool) -> None:
    """SIGTERM (systemd's stop, a CI timeout) ended the build at once, and each left its fork
    server's /tmp/pymp-* folder (an outside probe found 26). It still ends at once (stopping as
    Ctrl-C does hung one build in twenty when the group's workers died with it, in the standard
    library's pool), status 143, with nothing left running or lying in TMPDIR; the next build works."""
    content = tmp_path / "content"
    content.mkdir()
    for number in range(PARALLEL_MIN_FILES + 200):
        (content / f"{number:05d}.txt").write_text(f"Story {number}\n\n" + "Some words. " * 200)
    (tmp_path / "tmp").mkdir()
    command = [
        sys.executable,
        "-m",
        "feeds",
        "build",
        "-q",
        "--content",
        str(content),
        "--output",
        str(tmp_path / "out"),
    ]
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        build = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True, cwd=tmp_path,
            env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        )  # fmt: skip
    try:
        _wait_for_workers(build)
        if to_group:
            os.killpg(build.pid, signal.SIGTERM)
        else:
            os.kill(build.pid, signal.SIGTERM)
        assert build.wait(timeout=60) == 128 + signal.SIGTERM, errors.read_text()
        _wait_until_all_gone(build.pid)
        assert list((tmp_path / "tmp").iterdir()) == []
        assert not (tmp_path / "out").exists()
    finally:
        for pid in _session(build.pid):
            os.kill(pid, signal.SIGKILL)
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
