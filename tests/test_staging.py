"""The site a swap replaces is kept as the next build's staging folder when the build changed
little, and the next build brings it up to date: never touching the site in place, and leaving
exactly the new documents."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from feeds.errors import OutputError
from feeds.output import write as write_module
from feeds.output.staging import MARKER
from feeds.output.staging import marker_text
from feeds.output.staging import others_in
from feeds.output.staging import remove_folder
from feeds.output.write import output_listing
from feeds.output.write import replace_site
from feeds.output.write import write_site
from tests.helpers import build_sample

#: Twenty unchanged pages: one changed document is well under a tenth of the site's bytes.
PAGES = {f"entries/{number:02d}.html": f"page {number:02d}".encode() * 10 for number in range(20)}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def site(**documents: bytes) -> dict[str, bytes]:
    return PAGES | {name.replace("_", "/") + ".atom": data for name, data in documents.items()}


def test_a_small_change_keeps_the_replaced_site_for_the_next_build(tmp_path: Path) -> None:
    out, spare = tmp_path / "public", tmp_path / ".public.new"
    write_site(site(all=b"1", topics_a=b"a"), out)
    first = {name: (out / name).stat().st_ino for name in PAGES}
    write_site(site(all=b"2", topics_a=b"a"), out)
    assert files(spare) == files(out) | {"all.atom": b"1"}  # the site before, sharing its pages
    assert {name: (spare / name).stat().st_ino for name in PAGES} == first

    write_site(site(all=b"3", topics_b=b"b"), out)  # a topic gone, another new
    assert files(out) == site(all=b"3", topics_b=b"b") | {MARKER: (out / MARKER).read_bytes()}
    # The unchanged pages are the same files throughout: updated in place of linked again.
    assert {name: (out / name).stat().st_ino for name in PAGES} == first
    assert files(spare) == site(all=b"2", topics_a=b"a") | {MARKER: (out / MARKER).read_bytes()}


def test_building_into_the_kept_folder_never_changes_the_site_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept folder's files are hard links of the site in place: a changed document is a new
    file there, never the old one written over."""
    out = tmp_path / "public"
    write_site(site(all=b"1"), out)
    write_site(site(all=b"2"), out)
    before = files(out)
    changed = PAGES | {"entries/00.html": b"changed", "all.atom": b"2"}

    def no_exchange(a: Path, b: Path) -> bool:
        raise OutputError(f"{b}: cannot swap in the new site")

    monkeypatch.setattr(write_module, "_exchange", no_exchange)
    with pytest.raises(OutputError):
        write_site(changed, out)
    assert files(out) == before
    monkeypatch.undo()
    write_site(changed, out)
    assert files(out) == changed | {MARKER: before[MARKER]}


def _links_of(site: Path, folder: Path) -> bool:
    """Whether ``folder`` holds exactly hard links of ``site``'s files."""
    names = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    return names == {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()} and all(
        os.path.samefile(site / name, folder / name) for name in names
    )


@pytest.mark.parametrize("first", [True, False])
def test_after_a_big_change_the_kept_folder_is_links_of_the_new_site(tmp_path: Path, first: bool) -> None:
    """A first build, or one that wrote much: the replaced site is deleted, and the next build
    starts from links of the new site (which take no room), as quick as after a small change."""
    out, spare = tmp_path / "public", tmp_path / ".public.new"
    if not first:
        write_site(site(all=b"1"), out)
    new = {name: data + b"!" for name, data in site(all=b"2").items()}
    write_site(new, out)
    assert _links_of(out, spare)
    inodes = {name: (out / name).stat().st_ino for name in PAGES}
    write_site(new | {"all.atom": b"3"}, out)  # one change: everything else stays the same file
    assert {name: (out / name).stat().st_ino for name in PAGES} == inodes
    assert files(out) == new | {"all.atom": b"3", MARKER: (out / MARKER).read_bytes()}


def test_without_hard_links_no_folder_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    out = tmp_path / "public"
    write_site(site(all=b"1"), out)
    write_site(site(all=b"2"), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.lock", "public"]
    assert files(out) == site(all=b"2") | {MARKER: (out / MARKER).read_bytes()}


@pytest.mark.parametrize(
    "spoil",
    [
        "a file where a folder is needed",
        "a folder where a file is needed",
        "a link to a folder elsewhere",
        "a link to a file elsewhere",
        "a stray file",
    ],
)
def test_a_kept_folder_in_any_state_gives_exactly_the_new_site(tmp_path: Path, spoil: str) -> None:
    out, spare = tmp_path / "public", tmp_path / ".public.new"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(b"not ours")
    write_site(site(all=b"1"), out)
    write_site(site(all=b"2"), out)
    assert spare.is_dir()
    if spoil == "a file where a folder is needed":
        for page in (spare / "entries").iterdir():
            page.unlink()
        (spare / "entries").rmdir()
        (spare / "entries").write_bytes(b"x")
    elif spoil == "a folder where a file is needed":
        (spare / "all.atom").unlink()
        (spare / "all.atom").mkdir()
        (spare / "all.atom" / "inner").write_bytes(b"x")
    elif spoil == "a link to a folder elsewhere":
        for page in (spare / "entries").iterdir():
            page.unlink()
        (spare / "entries").rmdir()
        (spare / "entries").symlink_to(elsewhere)
    elif spoil == "a link to a file elsewhere":
        (spare / "entries" / "00.html").unlink()
        (spare / "entries" / "00.html").symlink_to(elsewhere / "keep.txt")
    else:
        (spare / "topics").mkdir()
        (spare / "topics" / "stray.atom").write_bytes(b"stray")
    new = site(all=b"3") | {"entries/00.html": b"new page"}
    write_site(new, out)
    assert files(out) == new | {MARKER: (out / MARKER).read_bytes()}
    assert files(elsewhere) == {"keep.txt": b"not ours"}
    assert not any(path.is_symlink() for path in out.rglob("*"))


@pytest.mark.parametrize("name", [".public.new", ".public.old"])
def test_a_folder_of_someone_s_by_the_name_of_a_staging_folder_is_left_alone(
    tmp_path: Path, name: str
) -> None:
    """A folder the user made by that name (no marker) was deleted by the next build, or put in
    place of the site when none was there (an outside probe)."""
    out, theirs = tmp_path / "public", tmp_path / name
    for first in (True, False):
        theirs.mkdir()
        (theirs / "keep.txt").write_bytes(b"mine")
        with pytest.raises(OutputError, match=f"{name}: was not made by feeds .* move it away"):
            write_site(site(all=b"2"), out)
        assert files(theirs) == {"keep.txt": b"mine"}
        assert not first or not out.exists()
        shutil.rmtree(theirs)
        if first:
            write_site(site(all=b"1"), out)
            write_site(site(all=b"1"), out)  # leaves a staging folder to take the next site
            shutil.rmtree(tmp_path / ".public.new", ignore_errors=True)
    assert files(out) == site(all=b"1") | {MARKER: (out / MARKER).read_bytes()}


def test_a_kept_folder_is_removed_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    write_site(site(all=b"1"), out)
    write_site(site(all=b"2"), out)
    real_open = open

    def full_disk(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "x" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", full_disk)
    with pytest.raises(OutputError, match="No space left"):
        write_site(site(all=b"3"), out)
    monkeypatch.undo()
    assert not (tmp_path / ".public.new").exists()
    assert files(out)["all.atom"] == b"2"


def test_hard_links_are_what_the_kept_folder_shares(tmp_path: Path) -> None:
    out, spare = tmp_path / "public", tmp_path / ".public.new"
    write_site(site(all=b"1"), out)
    write_site(site(all=b"2"), out)
    assert all(os.path.samefile(out / name, spare / name) for name in PAGES)
    assert not os.path.samefile(out / "all.atom", spare / "all.atom")


def test_the_listing_of_the_new_site_is_known_without_listing_it(tmp_path: Path) -> None:
    out = tmp_path / "public"
    first = replace_site(site(all=b"1"), out)
    assert first.listing == output_listing(out)
    kept = {name: first.listing[name] for name in PAGES}
    second = replace_site(site(all=b"22", topics_a=b"a"), out, in_place=kept)  # pages linked unread
    assert second.listing == output_listing(out)
    third = replace_site(site(all=b"333"), out)  # in the kept folder: pages compared, then kept
    assert third.listing == output_listing(out)
    assert (tmp_path / ".public.new").is_dir()


def test_a_folder_of_ours_loses_its_marker_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed while removing a site it replaced (or its staging folder) left a folder of
    files without its marker, which the next build then refused as someone else's (the kill test)."""
    out, spare = tmp_path / "public", tmp_path / ".public.new"
    write_site(site(all=b"1", topics_a=b"a"), out)
    write_site(site(all=b"2", topics_a=b"a"), out)
    assert (spare / MARKER).is_file()
    removed: list[str] = []
    real_unlink = os.unlink

    def unlink(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        removed.append(os.fspath(path))
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink)
    remove_folder(spare)
    monkeypatch.undo()
    assert not spare.exists() and len(removed) > 2
    assert removed[-1] == os.fspath(spare / MARKER)
    # Stopped after its first file: still ours, and the next build takes it as its staging folder.
    write_site(site(all=b"3", topics_a=b"a"), out)
    monkeypatch.setattr(os, "unlink", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        remove_folder(spare)
    monkeypatch.undo()
    write_site(site(all=b"4", topics_a=b"a"), out)
    assert files(out) == site(all=b"4", topics_a=b"a") | {MARKER: (out / MARKER).read_bytes()}


def test_what_a_file_manager_adds_and_names_any_build_writes_are_not_someone_s(tmp_path: Path) -> None:
    """Opening the site in Finder (.DS_Store) made every build refuse it; so did a site that an
    older version built over with more formats, keeping this version's marker (outside probes)."""
    out = tmp_path / "public"
    write_site(site(all=b"1"), out)
    for name in (
        ".DS_Store",
        "._index.html",
        "Thumbs.db",
        "desktop.ini",
        ".directory",
        "all.rss",
        "feeds-json.opml",
    ):
        (out / name).write_bytes(b"x")
    for name in ("channels", "archives", "entries"):
        (out / name).mkdir(exist_ok=True)
    assert others_in(out) == []
    (out / "CNAME").write_text("example.org")
    assert others_in(out) == ["CNAME"]
    with pytest.raises(OutputError, match="holds CNAME, which feeds did not write"):
        write_site(site(all=b"2"), out)
    (out / "CNAME").unlink()
    write_site(site(all=b"2"), out)
    assert files(out) == site(all=b"2") | {MARKER: (out / MARKER).read_bytes()}


def test_every_name_at_the_top_of_a_full_site_is_known_as_a_site_s(tmp_path: Path) -> None:
    """The names a build may write, whatever the settings, are those of the sample site with every
    format, archives, channels and entries' pages (a new one must be added to ``_SITE_NAMES``)."""
    result = build_sample(tmp_path)
    tops = {path.partition("/")[0] for path in result.documents}
    assert {"archives", "entries", "topics", "feeds-rss.opml", "icon.png"} <= tops
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / MARKER).write_text(marker_text([]))
    for name in tops:
        (folder / name).write_bytes(b"")
    assert others_in(folder) == []


def test_a_file_by_the_name_of_a_staging_folder_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".public.new").write_text("mine")
    with pytest.raises(OutputError, match=r"\.public\.new: is a file, which feeds did not make"):
        write_site(site(all=b"1"), tmp_path / "public")
    assert (tmp_path / ".public.new").read_text() == "mine"
