"""The package as people install it: version, licence, dependency caps, what git ignores, and
every file the package reads at run time inside the sdist and the wheel."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import feeds.build.cache
from feeds._version import __version__
from feeds.cli import cli
from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest needs tomli on Python 3.10
    import tomli as tomllib


def pyproject() -> dict[str, Any]:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


# Version: written once, in feeds/_version.py.


def test_version_is_written_only_in_feeds_version_py() -> None:
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "feeds._version.__version__"}


def test_installed_metadata_has_the_same_version() -> None:
    assert importlib.metadata.version("feeds") == __version__


def test_version_option_prints_the_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"feeds, version {__version__}\n"


def test_the_build_cache_is_keyed_on_the_same_version(monkeypatch: pytest.MonkeyPatch) -> None:
    assert feeds.build.cache.__version__ is __version__
    before = feeds.build.cache.program_version()
    monkeypatch.setattr(feeds.build.cache, "__version__", __version__ + ".post1")
    feeds.build.cache.program_version.cache_clear()
    try:
        assert feeds.build.cache.program_version() != before
    finally:
        monkeypatch.undo()
        feeds.build.cache.program_version.cache_clear()
