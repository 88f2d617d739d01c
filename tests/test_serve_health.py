"""/healthz follows the content: an error is reported while its cause lasts, and no longer."""

from __future__ import annotations

from pathlib import Path

from feeds.serve.app import create_app
from feeds.serve.live import LiveSite
from tests.servesite import sample_site


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
