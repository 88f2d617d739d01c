"""A content folder that is suddenly empty (a share not mounted, a submodule not checked out in
CI) replaced a site of articles with an empty one, exit status 0 (an outside probe). It is
refused while the site in place shows entries; a site that never had any is built as before."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from feeds.cli import cli
from tests.helpers import live_site


def _build(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "config" / "feeds.yaml"), *args])
    return result.exit_code, result.stderr


def test_an_emptied_content_folder_leaves_the_site_in_place(project: Path) -> None:
    assert _build(project)[0] == 0
    before = (project / "public" / "all.atom").read_bytes()
    assert b"<entry>" in before
    shutil.rmtree(project / "content")
    (project / "content").mkdir()
    for args in ((), ("--no-cache",)):
        code, err = _build(project, *args)
        assert code == 2, err
        assert "content" in err and "holds no articles (no .md or .txt file), and the site in" in err
        assert (project / "public" / "all.atom").read_bytes() == before
    shutil.rmtree(project / "public")  # as the message says, to publish an empty site
    assert _build(project)[0] == 0
    assert b"<entry>" not in (project / "public" / "all.atom").read_bytes()
    assert _build(project)[0] == 0  # and again: it shows no entries


def test_the_web_app_keeps_serving_the_last_site_when_the_content_is_emptied(project: Path, app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    before = client.get("/all.atom").data
    assert b"<entry>" in before
    for path in (project / "content").iterdir():
        path.unlink() if path.is_file() else shutil.rmtree(path)
    assert not live_site(app).refresh()
    assert client.get("/all.atom").data == before
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["last_error"] == "a content error (see the log)"
