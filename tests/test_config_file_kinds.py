"""A config file that is no config (outside probes): a half-saved one (truncated, then written)
was read as every default, so a running server served a site titled "Feeds" with localhost links
and said all was well; a config/feeds.yaml that was a link leading nowhere, or a pipe, was passed
over for the defaults (a pipe would have blocked the read)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.serve.app import create_app
from tests.helpers import live_site


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_an_empty_config_file_is_an_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "feeds.yaml").write_text(text)
    with pytest.raises(ConfigError, match="is empty; write its settings"):
        load_settings(tmp_path / "feeds.yaml")
    (tmp_path / "feeds.yaml").write_text("# the defaults\n")
    assert load_settings(tmp_path / "feeds.yaml").site.title == "Feeds"


@pytest.mark.parametrize("kind", ["dangling link", "pipe", "folder"])
def test_a_default_config_that_is_no_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    default = tmp_path / "config" / "feeds.yaml"
    if kind == "dangling link":
        default.symlink_to(tmp_path / "dotfiles" / "feeds.yaml")
    elif kind == "pipe":
        os.mkfifo(default)
    else:
        default.mkdir()
    with pytest.raises(ConfigError, match="is not a file"):
        load_settings()


def test_a_half_saved_config_keeps_the_last_site_served(project: Path) -> None:
    # Beside the content folder: the defaults' content folder (``content``) is the site's too.
    config = project / "feeds.yaml"
    config.write_text("site:\n  title: Probe site\n  base_url: https://example.org/\n")
    app = create_app(config)
    try:
        client = app.test_client()
        before = client.get("/all.atom").data
        assert b"Probe site" in before
        config.write_text("")
        assert not live_site(app).refresh()
        assert client.get("/all.atom").data == before
        assert client.get("/healthz").get_json()["status"] == "degraded"
    finally:
        app.extensions["feeds"].stop()


def test_a_config_not_in_utf_8_is_named_with_its_line_and_what_to_do(tmp_path: Path) -> None:
    """It was "cannot read config: 'utf-8' codec can't decode byte 0xe9 in position 18" (an
    outside probe), where an article's message says where and to save it as UTF-8."""
    (tmp_path / "feeds.yaml").write_bytes(b"site:\n  title: Caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "feeds.yaml")
    assert info.value.line == 2
    assert info.value.message == "is not UTF-8 (byte 0xe9); save it as UTF-8"


def test_a_content_folder_missing_beside_the_config_says_where_it_was_looked_for(project: Path) -> None:
    """A config in config/ without ``content:`` looks in config/content: the message said only
    that it "is not a folder" (an outside probe followed the defaults there)."""
    (project / "config" / "feeds.yaml").write_text("# the defaults\n")
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "config" / "feeds.yaml")])
    assert result.exit_code == 2
    assert (
        f"content: {project / 'config' / 'content'} is not a folder (from the config's folder)"
        in result.stderr
    )
