"""``feeds serve`` as a user runs it: a real server process on 127.0.0.1, fetched with urllib."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import feedparser
from click.testing import CliRunner

from feeds.cli import cli
from tests.sitebuild import ROOT
from tests.sitebuild import pinned_copy
from tests.test_web import write_config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert server.poll() is None, "server exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"{url} not up after {seconds} s"
            time.sleep(0.1)


def test_feeds_serve_answers_over_http(tmp_path: Path) -> None:
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "feeds", "serve", "--config", str(config), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/topics/ai.atom", timeout=5) as response:
            assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
            body = response.read()
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == "Artificial intelligence"
        assert len(feed.entries) >= 3
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/topics/ai.atom", headers={"If-None-Match": response.headers["ETag"]}
        )
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("expected 304")
        except urllib.error.HTTPError as e:
            assert e.code == 304
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        assert server.stderr is not None
        server.stderr.close()


def test_serve_refuses_a_bad_config(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("max_items: lots\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--config", str(bad)])
    assert result.exit_code == 2
    assert "max_items" in result.output
    missing = CliRunner().invoke(cli, ["serve", "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "no such config file" in missing.output
