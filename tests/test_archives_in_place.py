"""Archives kept in the output folder: a publish after one change neither holds nor reads the
archive documents that did not change (the cache keeps their signatures only, and the writer links
their files from the site in place), and still gives the bytes of a build from nothing; an archive
file changed by hand is found and written again."""

from __future__ import annotations

import builtins
import dataclasses
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from feeds.build.builder import LiveBuilder
from feeds.build.builder import SiteBuilder
from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.build.pipeline import build_site
from feeds.config import Settings
from feeds.output import write
from feeds.source.scan import scan_content
from tests.test_archives import settings_for
from tests.test_archives import write_corpus


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content")
    return tmp_path


def site_files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name != write.MARKER
    }


def cold(settings: Settings, root: Path) -> dict[str, bytes]:
    shutil.rmtree(root / "cold", ignore_errors=True)
    return dict(build_site(dataclasses.replace(settings, output_dir=root / "cold" / "public")).documents)


def edit(root: Path, number: int = 7) -> None:
    path = root / "content" / f"{number:03d}.md"
    path.write_text(
        path.read_text().replace(f"Story {number}\n", f"Story {number}, edited\n"), encoding="utf-8"
    )


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files opened for reading while the fixture is in use."""
    seen: list[str] = []
    real = builtins.open

    def counting(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "r" in mode and isinstance(file, (str, os.PathLike)):
            seen.append(os.fspath(file))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting)
    monkeypatch.setattr(io, "open", counting)
    yield seen


def test_one_change_reads_no_unchanged_archive_and_gives_the_cold_bytes(
    root: Path, opened: list[str]
) -> None:
    settings = settings_for(root)
    output = settings.output_dir
    SiteBuilder(settings).publish()
    before = site_files(output)
    archives = {p for p in before if p.startswith("archives/")}
    assert len(archives) > 40
    # The cache keeps the archives' signatures, not their bytes: the output folder has them.
    state = read_state(cache_folder(output), cache_context(settings))
    pages = {p for p in before if p.startswith("entries/")}
    assert pages  # entries' pages are kept in the output folder too
    assert {p for p, kept in state.documents.items() if not kept[1]} == archives | pages
    inodes = {p: (output / p).stat().st_ino for p in archives}
    edit(root)
    opened.clear()
    publication = SiteBuilder(settings).publish()
    reads = list(opened)
    assert publication.written and publication.result is not None
    after = site_files(output)
    assert after == cold(settings, root)
    changed = {p for p in archives if after.get(p) != before[p]}
    assert changed and all("2021-02" in p for p in changed)
    read = {Path(p).relative_to(write.target(output)).as_posix() for p in reads if p.startswith(str(output))}
    read_archives = {p for p in read if p.startswith("archives/")}
    # Only the archives of the month the edit changed were read (to compare them); the rest were linked.
    assert read_archives <= changed, read_archives - changed
    assert publication.result.in_place
    assert set(publication.result.in_place) == (archives - changed) | pages
    assert not {p for p in read if p.startswith("entries/")}  # the pages were linked unread
    # Unchanged archives are the same files (linked into the new site), not copies.
    assert all((output / p).stat().st_ino == inodes[p] for p in archives - changed)


def test_a_warm_publish_after_a_build_keeps_the_archives_in_place(root: Path) -> None:
    """``feeds check`` (a build that writes nothing) between two publishes: the second still takes
    the archives from the folder, and a build's documents read them from it when asked."""
    settings = settings_for(root)
    SiteBuilder(settings).publish()
    built = SiteBuilder(settings).build()
    assert built.in_place and built.rendered == 0
    assert dict(built.documents) == cold(settings, root)
    edit(root)
    publication = SiteBuilder(settings).publish()
    assert publication.result is not None and publication.result.in_place
    assert site_files(settings.output_dir) == cold(settings, root)


@pytest.mark.parametrize("change", ["append", "same size", "remove"])
def test_an_archive_changed_by_hand_is_written_again(root: Path, change: str) -> None:
    settings = settings_for(root)
    output = settings.output_dir
    SiteBuilder(settings).publish()
    want = site_files(output)
    victim = output / sorted(p for p in want if p.startswith("archives/all/"))[1]
    if change == "append":
        victim.write_bytes(victim.read_bytes() + b"<!-- mine -->")
    elif change == "same size":
        body = victim.read_bytes()
        victim.write_bytes(body[:-2] + b"XX")
    else:
        victim.unlink()
    publication = SiteBuilder(settings).publish()
    assert not publication.up_to_date and publication.written
    assert publication.result is not None
    assert victim.relative_to(output).as_posix() not in publication.result.in_place
    assert publication.result.in_place  # the others were kept
    assert [w for w in publication.warnings if "checked again" in w] == [
        f"{victim}: not as the last build left it (changed since, or cannot be linked): the output folder in place"
        " was checked again, file by file"
    ]
    assert site_files(output) == want
    assert SiteBuilder(settings).publish().up_to_date


def test_without_hard_links_the_archives_are_rendered_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)  # from the first build on, as on such a file system
    settings = settings_for(root)
    SiteBuilder(settings).publish()
    assert not (settings.output_dir.parent / f".{settings.output_dir.name}.new").exists()
    edit(root)
    real = write.replace_site
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> write.Replaced:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("feeds.build.builder.replace_site", counted)
    publication = SiteBuilder(settings).publish()
    assert publication.written and publication.result is not None
    assert not publication.result.in_place
    assert len(calls) == 2  # no second try at keeping files that cannot be linked
    assert site_files(settings.output_dir) == cold(settings, root)
    # The next publish knows the file system has no hard links: it builds once.
    calls.clear()
    edit(root, 8)
    publication = SiteBuilder(settings).publish()
    assert publication.written and len(calls) == 1
    assert site_files(settings.output_dir) == cold(settings, root)


def test_a_file_changed_during_the_build_is_not_linked(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the build's look at the folder and the swap, an archive file changes: the publish
    renders every archive again rather than keep a file it did not check."""
    settings = settings_for(root)
    output = settings.output_dir
    SiteBuilder(settings).publish()
    want = site_files(output)
    edit(root)
    victim = output / sorted(p for p in want if p.startswith("archives/topics/"))[0]
    real = write.replace_site
    calls: list[int] = []

    def tampering(*args: Any, **kwargs: Any) -> write.Replaced:
        if not calls:
            victim.write_bytes(b"x" + victim.read_bytes())
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("feeds.build.builder.replace_site", tampering)
    publication = SiteBuilder(settings).publish()
    # Built again, checking the folder this time: the file changed is rendered, the others kept.
    assert len(calls) == 2 and publication.result is not None and publication.result.in_place
    assert victim.relative_to(output).as_posix() not in publication.result.in_place
    assert site_files(output) == cold(settings, root)


def test_a_server_starts_from_a_cache_without_archive_bytes(root: Path) -> None:
    settings = settings_for(root)
    SiteBuilder(settings).publish()
    want = cold(settings, root)
    served = LiveBuilder().build(settings, scan_content(settings.content_dir))
    assert isinstance(served.documents, dict) and not served.in_place
    assert served.documents == want
    assert served.rendered < sum(p.startswith("archives/") for p in want)  # taken from the folder
    edit(root)
    again = LiveBuilder().build(settings, scan_content(settings.content_dir))
    assert again.documents == cold(settings, root)
    # With the output folder gone, the archives are rendered.
    shutil.rmtree(settings.output_dir)
    fresh = LiveBuilder().build(settings, scan_content(settings.content_dir))
    assert fresh.documents == cold(settings, root)


@pytest.mark.parametrize("where", ["store", "load"])
def test_a_months_folder_that_cannot_be_looked_into_is_a_cache_warning(
    root: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A cache's ``months`` folder of another user (chmod 000) ended the build with a traceback
    and left the site as it was (an outside probe): the cache is a shortcut, and such a folder
    is one it cannot take."""
    settings = settings_for(root)
    SiteBuilder(settings).publish()
    edit(root)
    real_is_file = Path.is_file

    def refused(path: Path) -> bool:
        if "months" in path.parts:
            raise PermissionError(13, "Permission denied", str(path))
        return real_is_file(path)

    if where == "store":
        monkeypatch.setattr("feeds.build.cache.stored_months", lambda *a: refused(root / "months" / "x"))
    else:
        monkeypatch.setattr(Path, "is_file", refused)
    publication = SiteBuilder(settings).publish()
    assert publication.written and site_files(settings.output_dir) == cold(settings, root)
    if where == "store":
        assert any("the build cache could not be written" in w for w in publication.warnings)
    monkeypatch.undo()
    edit(root, 8)
    SiteBuilder(settings).publish()
    assert site_files(settings.output_dir) == cold(settings, root)
