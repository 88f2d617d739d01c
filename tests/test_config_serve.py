"""The ``serve:`` limits in the config file: defaults, values and the ranges they must keep to."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.config import ServeSettings
from feeds.config import load_settings
from feeds.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_limits_have_defaults(tmp_path: Path) -> None:
    serve = load_settings(write(tmp_path, "serve:\n  max_age: 60\n")).serve
    assert serve == ServeSettings(max_age=60)
    assert (serve.max_connections, serve.backlog, serve.header_timeout) == (1024, 1024, 10.0)
    assert (serve.filter_workers, serve.filter_queue, serve.filter_cache_mb) == (1, 4, 32.0)


def test_limits_are_read(tmp_path: Path) -> None:
    text = (
        "serve:\n  max_connections: 5000\n  backlog: 2048\n  header_timeout: 2.5\n"
        "  filter_workers: 2\n  filter_queue: 0\n  filter_cache_mb: 0.5\n"
    )
    serve = load_settings(write(tmp_path, text)).serve
    assert serve == ServeSettings(
        max_connections=5000, backlog=2048, header_timeout=2.5, filter_workers=2, filter_queue=0,
        filter_cache_mb=0.5,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("max_connections", "0", "at least 1"),
        ("max_connections", "many", "whole number"),
        ("backlog", "64", "at least 128"),
        ("backlog", "100000", "from 128 to 65535"),
        ("header_timeout", "0.5", "at least 1"),
        ("header_timeout", "61", "from 1 to 60"),
        ("header_timeout", "soon", "must be a number"),
        ("filter_workers", "0", "at least 1"),
        ("filter_workers", "17", "from 1 to 16"),
        ("filter_queue", "-1", "at least 0"),
        ("filter_cache_mb", "-1", "at least 0"),
    ],
)
def test_limits_out_of_range_name_the_key(tmp_path: Path, option: str, value: str, message: str) -> None:
    path = write(tmp_path, f"serve:\n  {option}: {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == f"serve.{option}"
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "options",
    [["--max-connections", "0"], ["--backlog", "100"], ["--header-timeout", "0"], ["--header-timeout", "99"]],
)
def test_serve_options_out_of_range_are_usage_errors(options: list[str]) -> None:
    result = CliRunner().invoke(cli, ["serve", *options])
    assert result.exit_code == 2
    assert "Invalid value" in result.output
