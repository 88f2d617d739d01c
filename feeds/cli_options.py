"""The options every ``feeds`` command reads its settings from, and the one way they are read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

import click

from feeds.config import Settings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.exits import ConfigProblem

F = TypeVar("F", bound=Callable[..., Any])


class GivenPath(click.Path):
    """A path that is not empty: ``--content "$UNSET"`` read the current folder's every file
    as an article (click makes ``.`` of the empty string)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("is empty (an unset variable?); name a path", param, ctx)
        return super().convert(value, param, ctx)


config_option = click.option(
    "--config", "config_path", type=GivenPath(dir_okay=False, path_type=Path),
    help="Configuration file. Default: config/feeds.yaml when it exists.",
)  # fmt: skip
content_option = click.option(
    "--content", "content_dir", type=GivenPath(file_okay=False, path_type=Path),
    help="Folder of articles (overrides the config's `content`).",
)  # fmt: skip


def settings_options(function: F) -> F:
    """``--config``, ``--content`` and ``--drafts``, turned into one ``settings`` argument."""

    @config_option
    @content_option
    @click.option("--drafts", is_flag=True, help="Include articles marked `published: false`.")
    @functools.wraps(function)
    def wrapper(config_path: Path | None, content_dir: Path | None, drafts: bool, **kwargs: Any) -> Any:
        output_dir = kwargs.pop("output_dir", None)
        cache_dir = kwargs.pop("cache_dir", None)
        settings = read_settings(config_path, content_dir, output_dir, drafts, cache_dir)
        return function(settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


def read_settings(
    config_path: Path | None,
    content_dir: Path | None,
    output_dir: Path | None = None,
    drafts: bool = False,
    cache_dir: Path | None = None,
) -> Settings:
    """The settings every command reads the same way, or exit status 2 naming the file and key."""
    if config_path is not None and not config_path.is_file():
        if not config_path.exists():
            raise ConfigProblem(f"{config_path}: no such config file")
        # A pipe (``--config <(...)``) or a device: the config's relative paths count from its folder.
        raise ConfigProblem(
            f"{config_path}: not a regular file (a pipe or a device); write the config to a file,"
            " as its relative paths count from the file's folder"
        )
    try:
        paths = {"content_dir": content_dir, "output_dir": output_dir, "cache_dir": cache_dir}
        return load_settings(config_path, include_drafts=drafts, **paths)
    except ConfigError as e:
        raise ConfigProblem(str(e)) from e
