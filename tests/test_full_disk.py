"""A build that cannot write its output (a full disk): the old site and the old cache stay as they
were, and the command exits with status 3.

The file records a forked child stores while the build renders used to stay behind after a failed
write, keeping the disk full for the next build; and the exit status was 1, which means "some files
were skipped".
"""

from __future__ import annotations

import errno
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.build.builder import SiteBuilder
from feeds.build.cache import CACHE_FOLDER
from feeds.build.cache_tag import CACHE_TAG
from feeds.build.records import RecordWriter
from feeds.cli import cli
from feeds.errors import OutputError
from feeds.output import write as write_module
from tests.conftest import make_settings

ARTICLE = "---\ntitle: {title}\npublishedDateTime: 2021-02-{day:02d}T10:00:00Z\ntopics: [AI]\n---\n{body}\n"


def _write(content: Path, count: int, body: str = "Body.") -> None:
    content.mkdir(exist_ok=True)
    for n in range(count):
        (content / f"a{n:03d}.md").write_text(ARTICLE.format(title=f"Article {n}", day=n % 28 + 1, body=body))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _no_space(root: Path, documents: object, previous: Path, in_place: object = None) -> None:
    root.mkdir(exist_ok=True)  # a build keeps the folder for the next one
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("warm", [False, True])
def test_a_failed_write_leaves_the_cache_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    content = tmp_path / "content"
    _write(content, 30)
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    # Store the records from a forked child, as a build of 2,000 changed files or more does.
    monkeypatch.setattr(RecordWriter, "MIN_FILES", 1)
    if warm:
        SiteBuilder(settings).publish()
        _write(content, 40, body="Changed.")
    cache = tmp_path / CACHE_FOLDER
    before = _files(cache) if warm else {}
    site = _files(tmp_path / "public") if warm else {}
    monkeypatch.setattr(write_module, "_write_tree", _no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        SiteBuilder(settings).publish()
    # The same files; a new cache folder is marked as the build's own (``RecordWriter``).
    assert {name: data for name, data in _files(cache).items() if not name.endswith(CACHE_TAG)} == {
        name: data for name, data in before.items() if not name.endswith(CACHE_TAG)
    }
    assert _files(tmp_path / "public") == site
    assert not (tmp_path / ".public.new").exists()
    monkeypatch.undo()
    assert SiteBuilder(settings).publish().written  # and the next build works


def _limited_build(project: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """``feeds build`` in a process that may write no file larger than ``limit`` bytes: a write
    beyond fails with EFBIG, as one on a full disk fails with ENOSPC (Python ignores SIGXFSZ)."""

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "feeds", "build", "--content", "content", "--output", "public"]
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=120, preexec_fn=limit_files
    )


def test_the_command_exits_with_status_3_and_changes_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "content", 3)
    first = _limited_build(tmp_path, 1 << 30)
    assert first.returncode == 0, first.stderr
    site, cache = _files(tmp_path / "public"), _files(tmp_path / CACHE_FOLDER)
    _write(tmp_path / "content", 3, body="Long. " * 20_000)  # 120 KB in every feed
    failed = _limited_build(tmp_path, 100_000)
    assert failed.returncode == 3, failed.stderr
    assert failed.stderr.startswith(
        f"Error: {tmp_path / '.public.new'}: cannot write the new site (File too large)"
    )
    assert "the previous site is left as it was" in failed.stderr
    assert _files(tmp_path / "public") == site
    assert _files(tmp_path / CACHE_FOLDER) == cache
    assert sorted(p.name for p in tmp_path.iterdir()) == [".feeds-cache", ".public.lock", "content", "public"]


def test_the_exit_statuses_are_documented() -> None:
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "3 when the output folder cannot be written" in " ".join(help_text.split())
