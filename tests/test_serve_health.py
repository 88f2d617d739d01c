"""/healthz follows the content: an error is reported while its cause lasts, and no longer."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import watchfiles
from flask.testing import FlaskClient

from feeds.serve.app import create_app
from feeds.serve.live import LiveSite
from tests.servesite import sample_site

#: A sample article in the AI topic.
ARTICLE = "010_1f3b4be2c661303f.md"


def test_degraded_clears_when_the_content_folder_comes_back(tmp_path: Path) -> None:
    app = create_app(sample_site(tmp_path))
    live: LiveSite = app.extensions["feeds"]
    client = app.test_client()
    try:
        served = client.get("/all.atom").data
        content = tmp_path / "content"
        content.rename(tmp_path / "away")
        assert live.refresh() is False
        report = client.get("/healthz").get_json()
        assert report["status"] == "degraded"
        assert "is not a folder" in report["last_error"]
        (tmp_path / "away").rename(content)
        live.refresh()  # the same files as the site being served: nothing to rebuild
        report = client.get("/healthz").get_json()
        assert report["status"] == "ok"
        assert report["last_error"] is None and report["last_error_at"] is None
        assert client.get("/all.atom").data == served
    finally:
        live.stop()


def require_file_system_events(folder: Path) -> None:
    """Skip unless this machine reports file-system changes (inotify and the like) to watchfiles."""
    try:
        next(iter(watchfiles.watch(folder, rust_timeout=1, yield_on_timeout=True)))
    except (OSError, RuntimeError) as e:
        pytest.skip(f"no file-system events here: {e}")


def wait_for(client: FlaskClient, path: str, text: bytes, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while text not in client.get(path).data:
        assert time.monotonic() < deadline, f"{text!r} not in {path} within {seconds} s"
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    """Change a content file and move its time on, as an editor saving it would."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.mark.slow
def test_events_follow_a_recreated_content_folder(tmp_path: Path) -> None:
    """``rm -rf content && cp -a backup content``: the watch on the old folder is gone with it, so
    the watcher must watch the new one (the next look with no event would be 30 minutes away)."""
    require_file_system_events(tmp_path)
    app = create_app(sample_site(tmp_path, reload_interval=60))
    live: LiveSite = app.extensions["feeds"]
    client = app.test_client()
    content = tmp_path / "content"
    try:
        assert live.watching == "events"
        shutil.copytree(content, tmp_path / "backup")
        shutil.rmtree(content)
        deadline = time.monotonic() + 10
        while client.get("/healthz").get_json()["status"] != "degraded":
            assert time.monotonic() < deadline, "the missing folder was not noticed within 10 s"
            time.sleep(0.05)
        shutil.copytree(tmp_path / "backup", content)
        deadline = time.monotonic() + 10
        while client.get("/healthz").get_json()["status"] != "ok":
            assert time.monotonic() < deadline, "the folder's return was not noticed within 10 s"
            time.sleep(0.05)
        edit(content / ARTICLE, "title:", "title: Rearmed -")
        wait_for(client, "/all.rss", b"Rearmed -")
        assert client.get("/healthz").get_json()["watching"] == "events"
    finally:
        live.stop()
