"""Two builds on one output folder: the second stops at once, before it reads anything.

The lock used to be taken only around the final write, so both builds ran to the end (and the
second failed only then); the README promises that the second stops at once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.build import builder as builder_module
from feeds.build.builder import SiteBuilder
from feeds.cli import cli
from feeds.errors import OutputError
from tests.conftest import make_settings

ARTICLE = "---\ntitle: A\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\n---\nBody.\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text(ARTICLE)
    return folder


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """The lock of ``tmp_path / "public"``, held as a running build holds it."""
    with open(tmp_path / ".public.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield tmp_path / ".public.lock"


def test_a_second_build_stops_before_reading(
    tmp_path: Path, content: Path, locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scan(root: Path) -> object:
        raise AssertionError("the second build scanned the content folder")

    monkeypatch.setattr(builder_module, "scan_content", scan)
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    with pytest.raises(OutputError, match=f"another `feeds build` is building it \\(lock {locked}\\)"):
        SiteBuilder(settings).publish()
    assert not (tmp_path / ".feeds-cache").exists()


def test_the_command_exits_at_once_with_status_3(tmp_path: Path, content: Path, locked: Path) -> None:
    args = ["build", "--content", str(content), "--output", str(tmp_path / "public")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3
    assert result.output == (
        f"Error: {tmp_path / 'public'}: another `feeds build` is building it (lock {locked}); "
        "wait for it to finish\n"
    )
    assert not (tmp_path / "public").exists()


def test_a_build_through_a_link_takes_the_lock_of_the_folder_it_leads_to(
    tmp_path: Path, content: Path, locked: Path
) -> None:
    os.symlink("public", tmp_path / "via-link")
    settings = make_settings(content_dir=content, output_dir=tmp_path / "via-link")
    with pytest.raises(OutputError, match="another `feeds build`"):
        SiteBuilder(settings).publish()


def test_the_lock_is_released_after_a_build(tmp_path: Path, content: Path) -> None:
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    assert SiteBuilder(settings).publish().written
    assert SiteBuilder(settings).publish().up_to_date
    with open(tmp_path / ".public.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free
