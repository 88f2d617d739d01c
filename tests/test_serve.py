"""``feeds serve`` as a user runs it: a real server process on 127.0.0.1, fetched with urllib."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.serve.logs import ShownFormatter
from feeds.serve.server import WORKER_STOP_SECONDS
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.helpers import running_server
from tests.helpers import unused_port
from tests.helpers import wait_until
from tests.helpers import wait_until_up
from tests.helpers import write_config


def test_feeds_serve_answers_over_http(tmp_path: Path) -> None:
    pinned_copy(ROOT / "content", tmp_path / "content")
    with running_server(write_config(tmp_path)) as base:
        with urllib.request.urlopen(f"{base}/topics/ai.atom", timeout=5) as response:
            assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
            body = response.read()
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == "Artificial intelligence"
        assert len(feed.entries) >= 3
        request = urllib.request.Request(
            f"{base}/topics/ai.atom", headers={"If-None-Match": response.headers["ETag"]}
        )
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("expected 304")
        except urllib.error.HTTPError as e:
            assert e.code == 304


def test_serve_refuses_a_bad_config(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("max_items: lots\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--config", str(bad)])
    assert result.exit_code == 2
    assert "max_items" in result.output
    missing = CliRunner().invoke(cli, ["serve", "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "no such config file" in missing.output


def test_serve_names_a_bad_config_even_on_a_port_taken(tmp_path: Path) -> None:
    """The config is read before the port is tried: a port another server holds (an outside probe's
    nginx, during the test run) made the config's own error go unsaid."""
    bad = tmp_path / "feeds.yaml"
    bad.write_text("max_items: lots\n", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = CliRunner().invoke(
            cli, ["serve", "--config", str(bad), "--host", "127.0.0.1", "--port", port]
        )
    assert result.exit_code == 2, result.output
    assert "max_items" in result.output


def test_answers_stay_whole_while_content_churns(tmp_path: Path) -> None:
    """A real server, four threads polling over HTTP while an article changes ten times: every
    answer is 200 or 304, a complete feed whose ETag is the hash of its bytes; never a 5xx."""
    import hashlib
    import threading

    content = pinned_copy(ROOT / "content", tmp_path / "content")
    problems: list[str] = []
    counts = {"200": 0, "304": 0}
    done = threading.Event()

    def poll() -> None:
        etag = ""
        for _ in range(400):  # bounded: at most 400 requests a thread
            if done.is_set():
                return
            request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = response.read()
                    etag = response.headers["ETag"]
                    if etag != f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"':
                        problems.append(f"ETag {etag} does not match the body")
                    if feedparser.parse(body).bozo:
                        problems.append("not a well-formed feed")
                    counts["200"] += 1
            except urllib.error.HTTPError as e:
                if e.code != 304:
                    problems.append(f"status {e.code}")
                counts["304"] += 1
            time.sleep(0.01)

    with running_server(write_config(tmp_path, reload_interval=0.2)) as base:
        url = f"{base}/topics/ai.atom"
        threads = [threading.Thread(target=poll) for _ in range(4)]
        for thread in threads:
            thread.start()
        article = content / "010_1f3b4be2c661303f.md"
        original = article.read_text(encoding="utf-8")
        for number in range(10):
            builds = health_of(base)["builds"]
            article.write_text(original.replace("title: ", f"title: Churn {number} ", 1), encoding="utf-8")
            # The next edit waits for this one's rebuild, so the requests see ten versions.
            wait_until(
                lambda before=builds: health_of(base)["builds"] > before,
                30,
                f"the rebuild after edit {number}",
            )
        done.set()
        for thread in threads:
            thread.join(timeout=60)
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            health = json.loads(response.read())
    print(f"{sum(counts.values())} answers ({counts}) over {health['builds']} builds, problems: {problems}")
    assert problems == []
    assert counts["200"] > 10
    assert health["status"] == "ok"
    assert (
        health["builds"] >= 11
    )  # the first build, then one per edit: the content changed under the requests


def health_of(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
        health: dict[str, Any] = json.loads(response.read())
        return health


@pytest.mark.slow
def test_ctrl_c_stops_the_server_and_its_worker(tmp_path: Path) -> None:
    """Ctrl-C signals the whole process group; Granian's worker missed its stop about half of the
    time, and the server waited for it forever. Three tries: each has about even odds to hit it.
    Nor does the server start with Granian's warning that its threads are many (they are, on
    purpose), which every start printed."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path)
    for _ in range(3):
        port = unused_port()
        command = [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(port)]
        log = tmp_path / "serve.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            assert wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
            os.killpg(server.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
            server.wait(timeout=WORKER_STOP_SECONDS + 15)
            time.sleep(0.5)
            with pytest.raises(ProcessLookupError):  # nothing of the group is left
                os.killpg(server.pid, 0)
            printed = log.read_text()
            assert "Listening at" in printed and "Configuration allows spawning" not in printed, printed
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextlib.contextmanager
def server_with_log(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path, int]]:
    """``feeds serve`` in a session of its own, its output in a log: (process, port, log, the
    first worker's process id) once it answers; the whole session is killed at the end."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path)
    port = unused_port()
    command = [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        worker = int(re.findall(r"Spawning worker-1 with PID: (\d+)", log.read_text())[-1])
        yield server, port, log, worker
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_a_worker_that_dies_is_started_again_and_the_server_serves_on(tmp_path: Path) -> None:
    """Granian shut the whole server down when a worker died (``kill -9``, as the out-of-memory
    killer does): every request then went unanswered (an outside probe)."""
    with server_with_log(tmp_path) as (server, port, log, worker):
        os.kill(worker, signal.SIGKILL)
        wait_until(
            lambda: "Started worker-1" in log.read_text().rpartition("Respawning")[2], 30, "a new worker"
        )
        assert wait_until_up(f"http://127.0.0.1:{port}/all.atom", server)
        assert server.poll() is None


def test_the_workers_die_with_a_server_that_is_killed(tmp_path: Path) -> None:
    """SIGKILL of `feeds serve` left its worker serving the port on its own (an outside probe)."""
    with server_with_log(tmp_path) as (server, _, _, worker):
        server.kill()
        server.wait()

        def gone() -> bool:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                return True
            with open(f"/proc/{worker}/stat") as stat:  # a zombie: dead, its parent not there to reap it
                return stat.read().rsplit(")", 1)[1].split()[0] == "Z"

        wait_until(gone, 10, "the worker's end")


def test_a_worker_whose_server_died_before_it_started_ends_at_once(tmp_path: Path) -> None:
    """Killed just as it spawned its workers, the server left one serving the port: it had not yet
    asked to die with its parent (an outside probe, 6 of 20 tries)."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    environment = {**os.environ, "FEEDS_SERVER_PID": "1", "FEEDS_CONFIG": str(write_config(tmp_path))}
    started = time.monotonic()
    code = subprocess.run([sys.executable, "-c", "import feeds.wsgi"], env=environment, timeout=60).returncode
    assert code == 1 and time.monotonic() - started < 30


def test_a_config_that_is_a_link_is_read_as_feeds_build_reads_it(tmp_path: Path) -> None:
    """A config linked from elsewhere (a ConfigMap, a dotfile manager): the server took its paths
    from the linked file's folder, failed to find the content and ended; and it did not see the
    link pointed at another file (both found by an outside probe)."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path, reload_interval=0.2)
    versions = tmp_path / "deploy" / "v1"
    versions.mkdir(parents=True)
    text = config.read_text(encoding="utf-8")  # content: ../content, from config/
    (versions / "a.yaml").write_text(text.replace("title:", "title: Linked A", 1), encoding="utf-8")
    (versions / "b.yaml").write_text(text.replace("title:", "title: Linked B", 1), encoding="utf-8")
    config.unlink()
    config.symlink_to(Path("..", "deploy", "v1", "a.yaml"))
    with running_server(config) as base:
        with urllib.request.urlopen(f"{base}/index.html", timeout=5) as response:
            assert b"Linked A" in response.read()
        pointed = config.with_name("next.yaml")
        pointed.symlink_to(Path("..", "deploy", "v1", "b.yaml"))
        pointed.replace(config)  # as a ConfigMap's update swaps a link

        def shows_b() -> bool:
            with urllib.request.urlopen(f"{base}/index.html", timeout=5) as response:
                return b"Linked B" in response.read()

        wait_until(shows_b, 20, "the config the link leads to now")


def test_the_servers_log_escapes_what_would_steer_a_terminal() -> None:
    """feeds serve logs its INFO lines now, WebSub's among them, which quote callbacks and topics
    that strangers send: none reaches the terminal raw."""
    record = logging.LogRecord(
        "feeds.websub.hub", logging.INFO, "", 0, "websub: %s subscribed", ("\x1b[2J",), None
    )
    assert (
        ShownFormatter("[%(levelname)s] %(message)s").format(record) == "[INFO] websub: \\x1b[2J subscribed"
    )


def test_the_access_log_escapes_what_a_request_path_holds(tmp_path: Path) -> None:
    """Granian's access lines quote the path percent-decoded: a line break in it forged a line of
    its own, an ESC coloured the terminal (an outside probe)."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    log = tmp_path / "server.log"
    with running_server(write_config(tmp_path), "--access-log", log=log) as base:
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/x%0a%5BWARNING%5D%20forged%1b%5B31m", timeout=5)
        wait_until(lambda: b"forged" in log.read_bytes(), 10, "the request logged")
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert not [line for line in lines if line.startswith("[WARNING] forged")]
    assert "\x1b" not in log.read_text(encoding="utf-8", errors="replace")
    assert any("/x\\x0a[WARNING] forged\\x1b[31m" in line for line in lines), lines
