"""Where a build may write: a cache folder inside the output folder would be published with the
site (drafts included), and an output folder at the root of the file system has no folder beside
it, and a file in the way of one is no folder; each is refused with a message and an exit status,
before anything is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def test_a_site_copied_into_a_folder_of_other_files_is_not_built_over(site: Path) -> None:
    """``cp -a public/. www/`` brought the marker into a folder of the user's, and a build into
    that folder then deleted everything else in it, with exit status 0 (an outside probe)."""
    assert _build(site, "--output", str(site / "public"))[0] == 0
    www = site / "www"
    (www / "blog").mkdir(parents=True)
    (www / "blog" / "post.html").write_text("mine")
    (www / "CNAME").write_text("example.org")
    shutil.copytree(site / "public", www, dirs_exist_ok=True)
    code, err = _build(site, "--output", str(www))
    assert code == 2, err
    assert f"{www}: holds CNAME, blog, which feeds did not write" in err
    assert (www / "blog" / "post.html").read_text() == "mine" and (www / "CNAME").exists()
    assert _build(site, "--output", str(site / "public"))[0] == 0  # its own folder: as before


def test_an_empty_path_is_refused(site: Path) -> None:
    """``--content "$UNSET"`` read every file of the current folder as an article, and so did
    ``content: ""`` in the config (of the config's folder)."""
    for option in ("--content", "--output", "--cache", "--config"):
        result = CliRunner().invoke(cli, ["build", option, ""])
        assert result.exit_code == 2
        assert f"Invalid value for '{option}': is empty (an unset variable?)" in result.stderr
    (site / "feeds.yaml").write_text('content: ""\n')
    code, err = _build(site, "--config", str(site / "feeds.yaml"))
    assert code == 2 and "content: is empty; name a folder (the default is content)" in err


def test_another_tool_s_cache_folder_is_not_taken_for_the_build_cache(site: Path) -> None:
    """Any CACHEDIR.TAG was taken for ours: cargo's target/ had its files replaced (an outside probe)."""
    target = site / "target"
    (target / "months").mkdir(parents=True)
    (target / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n# cargo\n")
    (target / "summary").write_text("cargo's")
    code, err = _build(site, "--output", str(site / "public"), "--cache", str(target))
    assert code == 2 and f"{target}: holds other files and no CACHEDIR.TAG of feeds" in err
    assert (target / "summary").read_text() == "cargo's" and (target / "months").is_dir()
    mine = site / "mine"
    assert _build(site, "--output", str(site / "public"), "--cache", str(mine))[0] == 0
    assert _build(site, "--output", str(site / "public"), "--cache", str(mine))[0] == 0  # its own tag


@pytest.mark.parametrize("option", ["--content", "--output", "--config"])
def test_a_path_the_system_refuses_is_an_error_not_a_traceback(site: Path, option: str) -> None:
    """A name longer than the system allows (ENAMETOOLONG) was a traceback (an outside probe)."""
    long = str(site / ("x" * 300))
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "build", "--content", str(site / "content"), option, long],
        capture_output=True, text=True, timeout=120, cwd=site,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "File name too long" in done.stderr
