from __future__ import annotations

import fcntl
import os
import shutil
import stat
from pathlib import Path

import pytest

from feeds.errors import OutputError
from feeds.output import write as write_module
from feeds.output.staging import MARKER
from feeds.output.write import output_listing
from feeds.output.write import write_site


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writes_exactly_the_documents_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site({"all.atom": b"1", "topics/old.atom": b"2"}, out)
    write_site({"all.atom": b"3", "topics/new.atom": b"4"}, out)
    assert files(out) == {"all.atom": b"3", "topics/new.atom": b"4", MARKER: (out / MARKER).read_bytes()}
    # Beside it, the lock and the next build's staging folder (links of this site's files).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.lock", ".public.new", "public"]


def test_unchanged_files_are_linked_from_the_site_in_place(tmp_path: Path) -> None:
    """Most of a rebuild's entry pages are the same bytes: linked, not written again; the site in
    place is never touched, and a changed file is a new one."""
    out = tmp_path / "public"
    write_site({"entries/a.html": b"same", "entries/b.html": b"old", "all.atom": b"1"}, out)
    inodes = {name: (out / name).stat().st_ino for name in ("entries/a.html", "entries/b.html")}
    old_b = (out / "entries" / "b.html").open("rb")  # a reader of the old site
    write_site({"entries/a.html": b"same", "entries/b.html": b"new!", "all.atom": b"1"}, out)
    assert files(out) == {
        "entries/a.html": b"same", "entries/b.html": b"new!", "all.atom": b"1", MARKER: (out / MARKER).read_bytes()
    }  # fmt: skip
    assert (out / "entries" / "a.html").stat().st_ino == inodes["entries/a.html"]
    assert (out / "entries" / "b.html").stat().st_ino != inodes["entries/b.html"]
    with old_b:
        assert old_b.read() == b"old"


def test_files_outside_the_site_are_never_linked(tmp_path: Path) -> None:
    """A folder of the site that links elsewhere (not ours to trust) is written, not linked from."""
    out, elsewhere = tmp_path / "public", tmp_path / "elsewhere"
    write_site({"all.atom": b"1", "entries/y.html": b"y"}, out)  # a name the site wrote, then
    elsewhere.mkdir()
    (elsewhere / "x.html").write_bytes(b"same")
    shutil.rmtree(out / "entries")
    (out / "entries").symlink_to(elsewhere, target_is_directory=True)  # made a link by someone
    write_site({"all.atom": b"1", "entries/x.html": b"same"}, out)
    assert (out / "entries" / "x.html").read_bytes() == b"same"
    assert (out / "entries" / "x.html").stat().st_ino != (elsewhere / "x.html").stat().st_ino


def test_listing_names_every_file_with_its_size_and_time(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert output_listing(out) == {}
    write_site({"all.atom": b"1", "entries/x.html": b"22", "topics/t/a.json": b"333"}, out)
    listing = output_listing(out)
    assert {name: size for name, (size, _) in listing.items()} == {
        MARKER: (out / MARKER).stat().st_size, "all.atom": 1, "entries/x.html": 2, "topics/t/a.json": 3
    }  # fmt: skip
    assert listing["all.atom"][1] == (out / "all.atom").stat().st_mtime_ns


def test_failed_write_leaves_previous_site_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    write_site({"all.atom": b"old", "topics/a.atom": b"old"}, out)
    before = files(out)

    def broken(root: Path, documents: object, previous: Path, in_place: object = None) -> None:
        root.mkdir(exist_ok=True)  # kept for this build by the one before
        (root / "all.atom").unlink(missing_ok=True)  # a link of the site's file: never written over
        (root / "all.atom").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_module, "_write_tree", broken)
    with pytest.raises(OutputError, match="No space left"):
        write_site({"all.atom": b"new"}, out)
    assert files(out) == before
    assert not (tmp_path / ".public.new").exists()


def test_interrupted_two_rename_swap_is_repaired(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site({"all.atom": b"old"}, out)
    os.rename(out, tmp_path / ".public.old")  # as if killed between the two renames
    write_site({"all.atom": b"new"}, out)
    assert (out / "all.atom").read_bytes() == b"new"
    assert not (tmp_path / ".public.old").exists()


def test_fallback_without_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "public"
    write_site({"a.atom": b"1"}, out)
    monkeypatch.setattr(write_module, "_exchange", lambda a, b: False)
    write_site({"b.atom": b"2"}, out)
    assert set(files(out)) == {"b.atom", MARKER}


def test_refuses_folder_not_made_by_feeds(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="not made by feeds"):
        write_site({"all.atom": b"x"}, out)
    assert (out / "thesis.tex").read_text() == "years of work"


@pytest.mark.parametrize("name", ["../escape.atom", "/etc/passwd", "a/../../b", ""])
def test_refuses_paths_outside_output(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="outside the output folder"):
        write_site({name: b"x"}, tmp_path / "public")
    assert not (tmp_path / "escape.atom").exists()


def test_second_build_refused_while_locked(tmp_path: Path) -> None:
    out = tmp_path / "public"
    with open(tmp_path / ".public.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another `feeds build`"):
            write_site({"all.atom": b"x"}, out)
    write_site({"all.atom": b"x"}, out)
    assert (out / "all.atom").read_bytes() == b"x"


def test_the_changed_paths_are_the_same_whether_a_file_was_compared_for_linking_or_not(
    tmp_path: Path,
) -> None:
    """``compare`` (the feeds to tell WebSub hubs about) takes the answer of the comparison made for
    linking where there was one, and reads the file itself where there was none (a folder that
    links out of the site is never linked from)."""
    out, elsewhere = tmp_path / "public", tmp_path / "elsewhere"
    write_site({"all.atom": b"1", "all.rss": b"2", "topics/c.atom": b"c"}, out)
    elsewhere.mkdir()
    (elsewhere / "a.atom").write_bytes(b"same")
    (elsewhere / "b.atom").write_bytes(b"old")
    shutil.rmtree(out / "topics")
    (out / "topics").symlink_to(elsewhere, target_is_directory=True)
    documents = {
        "all.atom": b"1", "all.rss": b"2!", "new.json": b"3", "topics/a.atom": b"same", "topics/b.atom": b"new"
    }  # fmt: skip
    changed = write_site(documents, out, compare=sorted(documents))
    assert changed == ("all.rss", "new.json", "topics/b.atom")
    assert write_site(documents, out, compare=sorted(documents)) == ()


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../outside.xml", "topics/../../x.xml", "a//b.xml", "a/./b.xml", "dir/", "", "a\0b"],
)
def test_a_path_that_could_lead_elsewhere_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="outside the output folder"):
        write_site({"index.html": b"ok", name: b"x"}, tmp_path / "public")
    assert not (tmp_path / "public").exists()


def test_nested_paths_are_written(tmp_path: Path) -> None:
    write_site({"index.html": b"ok", "archives/topics/ai/2021-02.atom": b"<feed/>"}, tmp_path / "public")
    assert (tmp_path / "public" / "archives" / "topics" / "ai" / "2021-02.atom").read_bytes() == b"<feed/>"


@pytest.mark.parametrize("exchange", [True, False])
def test_a_read_only_site_is_replaced_and_the_next_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    """``chmod 555 public``: the new site went live, then removing the old one raised (a
    traceback, exit 1) and the read-only folder it left blocked every later build (found by an
    outside probe). Root ignores permissions, so the refusal is made here as a user gets it."""
    out = tmp_path / "public"
    write_site({"a.atom": b"1", "sub/b.atom": b"2"}, out)
    if not exchange:
        monkeypatch.setattr(write_module, "_exchange", lambda a, b: False)
    real_rmtree = shutil.rmtree

    def rmtree(path: str | Path, *args: object, **kwargs: object) -> None:
        if os.stat(path).st_mode & stat.S_IWUSR == 0:  # what a user other than root meets
            raise PermissionError(13, "Permission denied", str(path))
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    os.chmod(out / "sub", 0o555)
    os.chmod(out, 0o555)
    write_site({"a.atom": b"new", "sub/b.atom": b"2"}, out)
    assert (out / "a.atom").read_bytes() == b"new"
    write_site({"a.atom": b"newer", "sub/b.atom": b"3"}, out)
    assert set(files(out)) == {"a.atom", "sub/b.atom", MARKER}
    assert (out / "sub" / "b.atom").read_bytes() == b"3"
    assert not (tmp_path / ".public.old").exists()


def test_a_lock_file_that_cannot_be_opened_is_an_output_error(tmp_path: Path) -> None:
    """A folder in its place (or another user's file, or a read-only folder) gave a traceback."""
    (tmp_path / ".public.lock").mkdir()
    with pytest.raises(OutputError, match=r"\.public\.lock: cannot open the lock file \(Is a directory\)"):
        write_site({"all.atom": b"x"}, tmp_path / "public")
