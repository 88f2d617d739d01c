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
from packaging.requirements import Requirement

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


# Licence and dependencies.


def test_the_declared_licence_file_is_there() -> None:
    assert pyproject()["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the feeds authors" in text


@pytest.mark.parametrize("name", ["yaml-rs", "feedparser-rs"])
def test_pre_1_0_dependencies_the_code_relies_on_are_capped(name: str) -> None:
    project = pyproject()["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    (spec,) = [Requirement(r).specifier for r in requirements if Requirement(r).name == name]
    lower = [s.version for s in spec if s.operator == ">="]
    assert lower and lower[0].startswith("0."), spec
    minor = int(lower[0].split(".")[1])
    # The next minor release of a 0.x package may change anything: allow only this one.
    assert spec.contains(f"0.{minor}.999")
    assert not spec.contains(f"0.{minor + 1}.0"), f"{name} {spec} is not capped"


# What git ignores.


def test_no_runtime_lock_file_is_committed() -> None:
    tracked = git("ls-files").stdout.splitlines()
    assert not [name for name in tracked if name.endswith(".lock")]


@pytest.mark.parametrize(
    "path",
    [
        "public/all.atom",
        ".public.lock",
        ".public.new/all.atom",
        ".public.old/all.atom",
        ".feeds-cache/public/summary",
    ],
)
def test_the_sample_output_and_its_siblings_are_ignored(path: str) -> None:
    # config/feeds.yaml writes ../public: the lock and the swap's folders sit beside it.
    assert git("check-ignore", "--no-index", "-q", path).returncode == 0, f"{path} is not ignored"
