"""Links in the content folder: folder links that loop, and files swapped for links mid-build.

``sub/loop -> ..`` made the scan follow links until the kernel's limit (41 copies of every article
with one loop, no end with two); a file swapped for a link between the scan and the read was read
wherever the link led. Each real folder is now read once, and the read itself checks where the file
it opened is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import feeds.source.scan as scan_module
from feeds.build.builder import SiteBuilder
from feeds.build.pipeline import build_site
from feeds.errors import ContentChanged
from feeds.source.scan import content_root
from feeds.source.scan import read_file
from feeds.source.scan import scan_content
from tests.conftest import make_settings

ARTICLE = (
    "---\ntitle: {title}\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\n---\nBody of {title}.\n"
)


def _article(path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title))
    return path


def test_a_folder_link_back_to_an_ancestor_is_skipped_with_a_warning(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content / "a.md", "A")
    _article(content / "sub" / "b.md", "B")
    os.symlink("..", content / "sub" / "loop")  # one loop: 41 copies of each article; two: no end
    found = scan_content(content)
    assert [f.source for f in found] == ["a.md", "sub/b.md"]
    assert found.warnings == (f"{content / 'sub' / 'loop'}: links to a folder that is read already; skipped",)


def test_every_real_folder_is_read_once_through_its_own_path(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content / "real" / "c.md", "C")
    _article(content / "real" / "deeper" / "d.md", "D")
    os.symlink("real", content / "a-link")  # sorts first, but the real path wins
    os.symlink("real/deeper", content / "z-link")
    outside = _article(tmp_path / "shared" / "e.md", "E").parent
    os.symlink(outside, content / "m-outside")  # outside: never read
    found = scan_content(content)
    assert [f.source for f in found] == ["real/c.md", "real/deeper/d.md"]
    assert [w.rsplit("/", 1)[1] for w in found.warnings] == [
        "a-link: links to a folder that is read already; skipped",
        "m-outside: leads outside the content folder; skipped",
        "z-link: links to a folder that is read already; skipped",
    ]


def test_a_linked_folder_read_once_is_read_by_its_link(tmp_path: Path) -> None:
    """A link to a folder inside the content folder that nothing else reaches (a hidden one)."""
    content = tmp_path / "content"
    _article(content / ".drafts" / "f.md", "F")
    os.symlink(".drafts", content / "one")
    os.symlink(".drafts", content / "two")
    found = scan_content(content)
    assert [f.source for f in found] == ["one/f.md"]
    assert found.warnings == (f"{content / 'two'}: links to a folder that is read already; skipped",)


def test_the_build_reports_the_loop_and_publishes_each_article_once(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content / "a.md", "A")
    (content / "sub").mkdir()
    os.symlink("..", content / "sub" / "loop")
    settings = make_settings(content_dir=content, output_dir=tmp_path / "out")
    result = build_site(settings)
    assert result.entries == 1
    assert f"{content / 'sub' / 'loop'}: links to a folder that is read already; skipped" in result.warnings
    first = SiteBuilder(settings).publish()
    assert first.warnings == result.warnings
    # An up-to-date build repeats the warning; removing the loop is a change.
    assert SiteBuilder(settings).publish().warnings == result.warnings
    (content / "sub" / "loop").unlink()
    after = SiteBuilder(settings).publish()
    assert not after.up_to_date and after.warnings == ()


def test_a_build_with_two_loops_ends(tmp_path: Path) -> None:
    """The command itself, in a process of its own: before, it never finished."""
    content = tmp_path / "content"
    _article(content / "a.md", "A")
    (content / "sub").mkdir()
    os.symlink("..", content / "sub" / "loop")
    os.symlink("../..", content / "sub" / "up")  # outside: skipped quietly
    os.symlink(".", content / "sub" / "self")
    command = [
        sys.executable,
        "-m",
        "feeds",
        "build",
        "--content",
        str(content),
        "--output",
        str(tmp_path / "o"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Read 1 file: 1 article, 0 errors. 1 entry" in done.stdout
    assert done.stderr.count("links to a folder that is read already") == 2


# A file swapped for a link between the scan and the read.


@pytest.fixture
def private(tmp_path: Path) -> Path:
    return _article(tmp_path / "private" / "secret.md", "SECRET")


def _swap_file(content: Path, private: Path) -> None:
    (content / "sub" / "a.md").unlink()
    os.symlink(private, content / "sub" / "a.md")


def _swap_folder(content: Path, private: Path) -> None:
    (content / "sub" / "a.md").unlink()
    (content / "sub").rmdir()
    os.symlink(private.parent, content / "sub")
    os.link(private, private.parent / "a.md")


@pytest.mark.parametrize("swap", [_swap_file, _swap_folder])
@pytest.mark.parametrize("workers", [False, True])
def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(
    tmp_path: Path, private: Path, monkeypatch: pytest.MonkeyPatch, swap: object, workers: bool
) -> None:
    content = tmp_path / "content"
    _article(content / "sub" / "a.md", "A")
    _article(content / "b.md", "B")
    settings = make_settings(content_dir=content, output_dir=tmp_path / "out")
    if workers:
        from feeds.build import read as read_module

        monkeypatch.setattr(read_module, "PARALLEL_MIN_FILES", 2)
    found = scan_content(content)
    assert [f.source for f in found] == ["b.md", "sub/a.md"]
    swap(content, private)  # type: ignore[operator]
    # The read refuses the file it opened, which is not the version the scan saw: the build is
    # made again (``SiteBuilder.publish``), and its scan leaves the link out.
    with pytest.raises(ContentChanged, match="sub/a.md: changed while the build was running"):
        build_site(settings, found=found, jobs=2)
    publication = SiteBuilder(settings).publish()
    assert publication.result is not None and publication.result.articles == 1
    assert not any(b"SECRET" in path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file())


def test_links_inside_the_content_folder_still_read(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content / "real" / "a.md", "A")
    os.symlink("real/a.md", content / "b.md")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"))
    assert result.errors == () and result.files == 2


def test_a_file_replaced_by_an_editor_during_the_build_is_read(tmp_path: Path) -> None:
    """Saved by writing a new file and renaming it over the old one: a new inode, same place."""
    content = tmp_path / "content"
    _article(content / "a.md", "A")
    found = scan_content(content)
    _article(content / "new.tmp", "A2").rename(content / "a.md")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "out"), found=found)
    assert result.errors == () and b"A2" in result.documents["all.atom"]


def test_a_file_saved_again_between_its_open_and_its_check_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor saving by rename twice in a row: the path led to a newer file than the one opened,
    which read as "it leads outside the content folder now" (an outside probe: 4 builds in 20)."""
    content = tmp_path / "content"
    _article(content / "a.md", "A")
    found = scan_content(content)
    _article(content / "new.tmp", "A2").rename(content / "a.md")  # the scan's identity is gone
    real = os.path.realpath
    saves = [_article(content / "newer.tmp", "A3")]

    def saving_realpath(path: str | os.PathLike[str]) -> str:
        while saves:  # once, just after the open: the next save renames over the file opened
            saves.pop().rename(content / "a.md")
        return real(path)

    within = content_root(content)
    monkeypatch.setattr(scan_module.os.path, "realpath", saving_realpath)
    data, _ = read_file(content / "a.md", within, found[0].identity)
    assert b"A3" in data


def test_read_file_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    """A file swapped for a FIFO: opening it waited for a writer, forever."""
    fifo = tmp_path / "a.md"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            from feeds.source.scan import read_file
            try:
                read_file({str(fifo)!r})
            except OSError as e:
                print(e.strerror)
        """)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.stdout == "not a regular file\n", done.stderr
    with pytest.raises(OSError, match="not a regular file"):
        read_file(tmp_path)
