"""A content folder or subfolder that cannot be read stops the build, which names it: its articles
were left out without a word, and a site whose content folder lost its permissions was replaced
by an empty one, by `feeds build` and `feeds serve` alike (found by an outside probe)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from feeds.cli import cli
from feeds.serve.app import create_app
from tests.helpers import live_site


def _unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` answers as one without read permission does (tests may run as root, whom
    permissions do not stop)."""
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("which", ["sub", ""])
def test_a_build_stops_and_keeps_the_last_site(
    project: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    (project / "content" / "sub").mkdir()
    (project / "content" / "sub" / "a.txt").write_text("Only in the subfolder\n\nBody.\n", encoding="utf-8")
    config = str(project / "config" / "feeds.yaml")
    assert CliRunner().invoke(cli, ["build", "--config", config, "-q"]).exit_code == 0
    before = (project / "public" / "all.atom").read_bytes()
    assert b"Only in the subfolder" in before
    folder = project / "content" / which if which else project / "content"
    _unreadable(monkeypatch, folder)
    result = CliRunner().invoke(cli, ["build", "--config", config, "--no-cache"])
    assert result.exit_code == 1
    assert f"{folder}: cannot read this folder (Permission denied); nothing was built" in result.stderr
    assert (project / "public" / "all.atom").read_bytes() == before
    result = CliRunner().invoke(cli, ["check", "--config", config])
    assert result.exit_code == 1 and "cannot read this folder" in result.stderr


def test_the_server_keeps_serving_and_says_why(
    project: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = live_site(client.application)
    before = client.get("/all.atom").data
    (project / "content" / "sub").mkdir()
    _unreadable(monkeypatch, project / "content" / "sub")
    assert live.refresh() is False
    assert client.get("/all.atom").data == before
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert health["last_error"] == "a content folder that cannot be read (see the log)"
    assert "sub: cannot read this folder (Permission denied)" in (live.last_error or "")


def test_a_folder_that_can_be_listed_but_not_entered_stops_the_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 444: its names can be read, its files not; they were skipped without a word."""
    (project / "content" / "sub").mkdir()
    (project / "content" / "sub" / "a.txt").write_text("Only in the subfolder\n\nBody.\n", encoding="utf-8")
    real_access = os.access
    folder = project / "content" / "sub"
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != folder and real_access(path, mode))
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 1
    assert (
        f"{folder}: cannot read this folder (Permission denied: its names can be read, not its files)"
        in result.stderr
    )


def test_a_server_whose_first_build_fails_answers_503_and_builds_once_it_can(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """create_app raised, so feeds serve's worker died at each start and Granian ended the server
    with tracebacks (an outside probe): the app starts without a site and builds after a change."""
    (project / "content" / "sub").mkdir()
    _unreadable(monkeypatch, project / "content" / "sub")
    app = create_app(project / "config" / "feeds.yaml")
    try:
        client = app.test_client()
        answer = client.get("/all.atom")
        assert (answer.status_code, answer.headers["Retry-After"]) == (503, "30")
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
        assert "build failed; nothing is served until a build succeeds: " in caplog.text
        monkeypatch.undo()  # the folder can be read again
        (project / "content" / "sub" / "a.txt").write_text("Readable again\n\nBody.\n", encoding="utf-8")
        assert live_site(app).refresh() is True
        assert b"Readable again" in client.get("/all.atom").data
        assert client.get("/healthz").get_json()["status"] == "ok"
    finally:
        live_site(app).stop()
