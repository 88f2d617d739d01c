"""Where a build may write: a cache folder inside the output folder would be published with the
site (drafts included), and an output folder at the root of the file system has no folder beside
it, and a file in the way of one is no folder; each is refused with a message and an exit status,
before anything is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli

DRAFT = "---\ntitle: Secret draft\ndate: 2021-01-01\npublished: false\n---\nNot yet.\n"
ARTICLE = "---\ntitle: Published\ndate: 2021-01-02\n---\nOut.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "draft.md").write_text(DRAFT)
    (tmp_path / "content" / "a.md").write_text(ARTICLE)
    return tmp_path


def _build(site: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--content", str(site / "content"), *args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("cache", ["public/cache", "public", "public/a/b"])
def test_a_cache_in_the_output_folder_is_refused(site: Path, cache: str) -> None:
    code, err = _build(site, "--output", str(site / "public"), "--cache", str(site / cache))
    assert code == 2, err
    assert "or inside it, where everything is published" in err
    assert not (site / "public").exists()


def test_drafts_never_reach_the_output_through_the_cache(site: Path) -> None:
    """What the refusal prevents: the cache keeps every file's record, drafts' too."""
    code, err = _build(site, "--output", str(site / "public"), "--cache", str(site / "cache"))
    assert code == 0, err
    assert any(b"Secret draft" in p.read_bytes() for p in (site / "cache").rglob("*") if p.is_file())
    assert not any(b"Secret draft" in p.read_bytes() for p in (site / "public").rglob("*") if p.is_file())


def test_a_cache_beside_the_output_through_a_link_is_refused_too(site: Path) -> None:
    (site / "public").mkdir()
    os.symlink(site / "public", site / "elsewhere")
    code, err = _build(site, "--output", str(site / "public"), "--cache", str(site / "elsewhere" / "c"))
    assert code == 2, err


def test_the_root_of_the_file_system_is_refused_as_the_output_folder(site: Path) -> None:
    """A usage error naming the option (exit 2), as every other refused output folder; it was
    exit 3, the status of a folder that could not be written (an outside probe)."""
    code, err = _build(site, "--output", "/", "--cache", str(site / "cache"))
    assert code == 2, err
    assert "--output: /: is the root of the file system; give the site a folder of its own" in err


def test_a_file_in_the_way_of_the_output_folder_is_named(site: Path) -> None:
    """It was 'f/.out.lock: cannot open the lock file (File exists)', exit 3 (an outside probe)."""
    (site / "f").write_text("x")
    code, err = _build(site, "--output", str(site / "f" / "sub" / "out"))
    assert code == 2, err
    assert f"--output: {site / 'f'}: is a file, not a folder" in err
    assert (site / "f").read_text() == "x"


def test_a_file_as_the_output_folder_is_named_as_such(site: Path) -> None:
    """Click's usage text named it for --output, and the config's ``output:`` said it "exists and
    was not made by feeds (no .feeds-output file)" (an outside probe)."""
    (site / "f").write_text("x")
    code, err = _build(site, "--output", str(site / "f"))
    assert code == 2, err
    assert f"Error: --output: {site / 'f'}: is a file, not a folder; give the site a folder of its own" in err
    config = site / "feeds.yaml"
    config.write_text("output: f\n")
    code, err = _build(site, "--config", str(config))
    assert code == 2, err
    assert f"output: {site / 'f'}: is a file, not a folder" in err
    assert (site / "f").read_text() == "x"
