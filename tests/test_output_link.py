"""An output folder that is a symbolic link.

``ln -s real public; feeds build --output public`` exchanged the link itself with the new site:
``OSError: Cannot call rmtree on a symbolic link``, every later build failed the same way, and
``real/`` was never written. The site is now written where the link leads, atomically there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from feeds.cli import cli
from feeds.errors import OutputError
from feeds.output.staging import MARKER
from feeds.output.write import write_site

ARTICLE = "---\ntitle: {title}\npublishedDateTime: 2021-02-01T10:00:00Z\ntopics: [AI]\n---\nBody.\n"


def _build(tmp_path: Path, output: str) -> tuple[int, str]:
    content = tmp_path / "content"
    if not content.exists():
        content.mkdir()
        (content / "a.md").write_text(ARTICLE.format(title="First"))
    result = CliRunner().invoke(cli, ["build", "--content", str(content), "--output", str(tmp_path / output)])
    return result.exit_code, result.output


def test_the_site_is_written_where_the_link_leads(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink("real", tmp_path / "public")
    for title in ("First", "Second"):  # and again: the first build used to break every later one
        (tmp_path / "content").mkdir(exist_ok=True)
        (tmp_path / "content" / "a.md").write_text(ARTICLE.format(title=title))
        code, output = _build(tmp_path, "public")
        assert code == 0, output
        assert os.readlink(tmp_path / "public") == "real"
        assert title in (tmp_path / "real" / "all.atom").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".feeds-cache",
        ".real.lock",
        ".real.new",  # the next build's staging folder, beside the folder the link leads to
        "content",
        "public",
        "real",
    ]


def test_write_site_swaps_the_folder_the_link_leads_to(tmp_path: Path) -> None:
    os.symlink(tmp_path / "elsewhere" / "site", tmp_path / "public")  # leads to nothing yet
    write_site({"all.atom": b"1"}, tmp_path / "public")
    write_site({"all.atom": b"2"}, tmp_path / "public")
    assert (tmp_path / "elsewhere" / "site" / "all.atom").read_bytes() == b"2"
    assert (tmp_path / "elsewhere" / "site" / MARKER).is_file()
    assert (tmp_path / "public").is_symlink()


def test_the_state_an_older_version_left_is_repaired(tmp_path: Path) -> None:
    """What the failed swap left: the link moved to ``.public.new``, the site in ``public``."""
    (tmp_path / "real").mkdir()
    write_site({"all.atom": b"old"}, tmp_path / "public")
    shutil.rmtree(tmp_path / ".public.new")  # what this version keeps there, an older did not
    os.symlink("real", tmp_path / ".public.new")
    write_site({"all.atom": b"new"}, tmp_path / "public")
    assert (tmp_path / "public" / "all.atom").read_bytes() == b"new"
    assert not (tmp_path / ".public.new").is_symlink()
    assert (tmp_path / "real").is_dir() and not any((tmp_path / "real").iterdir())  # left alone


@pytest.mark.parametrize(
    ("target", "message", "status", "said"),
    [
        ("a-file", "is a file, not a folder", 2, "is a file"),
        ("public", "a symbolic link that leads nowhere", 2, "a symbolic link that leads nowhere"),
    ],
)
def test_a_link_to_what_cannot_be_a_site_is_refused(
    tmp_path: Path, target: str, message: str, status: int, said: str
) -> None:
    (tmp_path / "a-file").write_text("keep me")
    os.symlink(target, tmp_path / "public")
    with pytest.raises(OutputError, match=message):
        write_site({"all.atom": b"x"}, tmp_path / "public")
    code, output = _build(tmp_path, "public")
    assert code == status and said in output and "Traceback" not in output
    assert (tmp_path / "a-file").read_text() == "keep me"
