"""An edit that keeps the file's size, with its modification time put back (``touch -r``, or a
second save within the time stamps' resolution): the change time tells it apart. It was never
read again, by builds or the server; with archives, a build that then had to remake an archive
failed on every later run ("changed while the build was running")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from feeds.build.builder import SiteBuilder
from feeds.model import ArchiveMode
from feeds.source.scan import scan_content
from tests.test_archives import settings_for
from tests.test_archives import write_corpus
from tests.test_archives_in_place import cold
from tests.test_archives_in_place import site_files


def edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` (the same length) and put the modification time back."""
    assert len(old) == len(new)
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


@pytest.mark.parametrize("archives", [ArchiveMode.MONTHLY, ArchiveMode.OFF])
def test_a_same_size_edit_with_its_time_put_back_is_built(tmp_path: Path, archives: ArchiveMode) -> None:
    write_corpus(tmp_path / "content")
    settings = settings_for(tmp_path, archives=archives)
    SiteBuilder(settings).publish()
    edit_in_place(tmp_path / "content" / "007.md", b"Story 7\n", b"Story 8\n")
    publication = SiteBuilder(settings).publish()
    assert publication.result is not None and publication.result.changed == ("007.md",)
    assert site_files(settings.output_dir) == cold(settings, tmp_path)
    if archives is ArchiveMode.MONTHLY:  # archives removed by hand are made again, from the edit
        shutil.rmtree(settings.output_dir / "archives" / "topics")
        assert SiteBuilder(settings).publish().written
        assert site_files(settings.output_dir) == cold(settings, tmp_path)
    assert SiteBuilder(settings).publish().up_to_date


def test_the_scan_tells_the_versions_apart(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"---\ntitle: A\n---\nx\n")
    before = scan_content(tmp_path)
    edit_in_place(tmp_path / "a.md", b"x", b"y")
    assert scan_content(tmp_path) != before
