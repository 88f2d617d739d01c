"""/healthz follows the content: an error is reported while its cause lasts, and the watcher
follows a content folder that is replaced as a whole."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feeds.serve.app import create_app
from tests.helpers import ARTICLE
from tests.helpers import edit
from tests.helpers import live_site
from tests.helpers import require_file_system_events
from tests.helpers import wait_for
from tests.helpers import wait_until
from tests.helpers import write_config


def test_degraded_clears_when_the_content_folder_comes_back(
    project: Path, app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    live = live_site(app)
    served = client.get("/all.atom").data
    content = project / "content"
    content.rename(project / "away")
    assert live.refresh() is False
    report = client.get("/healthz").get_json()
    assert report["status"] == "degraded"
    # What kind, not the message (anyone may ask; it quotes paths): that goes to the log.
    assert report["last_error"] == "a configuration error (see the log)"
    assert "is not a folder" in (live.last_error or "")
    # Each look finds it again: logged and dated once (a folder gone for minutes logged a line a
    # second, and /healthz never settled).
    first_at = report["last_error_at"]
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="feeds"):
        assert live.refresh() is False and live.refresh() is False
    assert not [r for r in caplog.records if "rebuild failed" in r.getMessage()]
    assert client.get("/healthz").get_json()["last_error_at"] == first_at
    (project / "away").rename(content)
    live.refresh()  # the same files as the site being served: nothing to rebuild
    report = client.get("/healthz").get_json()
    assert report["status"] == "ok"
    assert report["last_error"] is None and report["last_error_at"] is None
    assert client.get("/all.atom").data == served


@pytest.mark.slow
def test_events_follow_a_recreated_content_folder(project: Path) -> None:
    """``rm -rf content && cp -a backup content``: the watch on the old folder is gone with it, so
    the watcher must watch the new one (the next look with no event would be 30 minutes away)."""
    require_file_system_events(project)
    app = create_app(write_config(project, reload_interval=60))
    live = live_site(app)
    client = app.test_client()
    content = project / "content"
    try:
        assert live.watching == "events"
        shutil.copytree(content, project / "backup")
        shutil.rmtree(content)

        def health() -> str:
            status: str = client.get("/healthz").get_json()["status"]
            return status

        wait_until(lambda: health() == "degraded", what="the missing folder noticed")
        shutil.copytree(project / "backup", content)
        wait_until(lambda: health() == "ok", what="the folder's return noticed")
        edit(content / ARTICLE, "title:", "title: Rearmed -")
        wait_for(client, "/all.rss", b"Rearmed -")
        assert client.get("/healthz").get_json()["watching"] == "events"
    finally:
        live.stop()


def test_a_content_folder_of_broken_files_leaves_the_last_site_served(
    project: Path, client: FlaskClient
) -> None:
    """Every file replaced by a broken one (a botched search and replace, a broken sync) made a
    site of no entries, served at once with /healthz "ok" (an outside probe)."""
    live = live_site(client.application)
    before = client.get("/all.atom").data
    assert b"<entry>" in before
    files = [path for path in (project / "content").rglob("*") if path.is_file()]
    for path in files:
        path.write_text("---\ntitle: [unclosed\n---\nbody\n")
    assert not live.refresh()
    assert client.get("/all.atom").data == before
    report = client.get("/healthz").get_json()
    assert report["status"] == "degraded" and report["last_error"] == "a content error (see the log)"
    files[0].write_text("---\ntitle: Mended\ndate: 2021-01-01\n---\nx\n")
    assert live.refresh()
    assert b"Mended" in client.get("/all.atom").data
    assert client.get("/healthz").get_json()["status"] == "ok"
