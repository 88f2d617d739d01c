"""The package as people install it: version, licence, dependency caps, what git ignores, and
every file the package reads at run time inside the sdist and the wheel."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

import feeds.build.cache_files
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
    assert feeds.build.cache_files.__version__ is __version__
    before = feeds.build.cache_files.program_version()
    monkeypatch.setattr(feeds.build.cache_files, "__version__", __version__ + ".post1")
    feeds.build.cache_files.program_version.cache_clear()
    try:
        assert feeds.build.cache_files.program_version() != before
    finally:
        monkeypatch.undo()
        feeds.build.cache_files.program_version.cache_clear()


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
    # The output folder's lock is ".<output name>.lock" beside it (feeds/output/write.py).
    tracked = git("ls-files").stdout.splitlines()
    assert not [name for name in tracked if re.fullmatch(r"(.*/)?\.[^/]+\.lock", name)]


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


# What the sdist and the wheel carry.


def package_files() -> list[str]:
    """Every file of the package in the source tree, all of which it may read at run time:
    modules, templates, the pages' script, the starter site."""
    found = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "feeds").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]
    assert "feeds/render/templates/copy.js" in found and "feeds/starter/files/gitignore" in found
    return sorted(found)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout as a fresh clone would have it, plus files not yet committed: no
    feeds.egg-info or build/ left by earlier installs, whose lists setuptools would reuse."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout.split("\0")
    copy = tmp_path_factory.mktemp("source")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def sdist(source: Path) -> Path:
    """The sdist, made by setuptools' own build hook (what pip and `python -m build` call)."""
    build = "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))"
    out = source.parent / "sdist"
    # In a copy of its own: the build leaves feeds.egg-info behind, which a wheel built from the
    # checkout would reuse.
    folder = shutil.copytree(source, source.parent / "sdist-source")
    done = subprocess.run(
        [sys.executable, "-c", build, str(out)], cwd=folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return out / done.stdout.splitlines()[-1]


def pip_wheel(folder: Path, out: Path) -> zipfile.ZipFile:
    """The wheel pip builds from ``folder``, offline: no dependencies, no build environment."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            ".",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("feeds-*.whl")
    assert wheel.name == f"feeds-{__version__}-py3-none-any.whl"
    return zipfile.ZipFile(wheel)


def test_the_sdist_has_every_package_file_and_what_its_tests_need(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        top = f"feeds-{__version__}/"
        names = {name.removeprefix(top) for name in archive.getnames()}
    assert not [name for name in package_files() if name not in names]
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names
    needed = [
        path.relative_to(ROOT).as_posix()
        for folder in ("tests", "config", "content")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert not [name for name in needed if name not in names]


@pytest.mark.slow
@pytest.mark.parametrize("built_from", ["checkout", "sdist"])
def test_the_wheel_has_every_package_file(built_from: str, source: Path, sdist: Path, tmp_path: Path) -> None:
    # `pip install .` builds from the checkout; `pip install feeds-*.tar.gz` and `python -m build`
    # from the unpacked sdist. A file left out on either way shows here.
    folder = source
    if built_from == "sdist":
        with tarfile.open(sdist) as archive:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # 3.10.12+, 3.11.4+
            archive.extractall(tmp_path / "src", **safe)
        folder = tmp_path / "src" / f"feeds-{__version__}"
    with pip_wheel(folder, tmp_path) as archive:
        names = set(archive.namelist())
        info = f"feeds-{__version__}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert not [name for name in package_files() if name not in names]
    assert not [name for name in names if name.startswith(("tests/", "config/", "content/"))]
    assert f"{info}/licenses/LICENSE" in names
    assert f"\nVersion: {__version__}\n" in metadata
    assert "feeds = feeds.command:main" in entry_points
