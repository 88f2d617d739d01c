"""Finding the article files of a content folder, with what tells their versions apart, and reading them."""

from __future__ import annotations

import errno
import functools
import heapq
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import NamedTuple

from feeds.errors import ContentFolderError
from feeds.forked import Forked
from feeds.forked import can_fork
from feeds.names import composed
from feeds.source.versions import Packed
from feeds.source.versions import pack_versions

CONTENT_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")


#: What other tools' posts are named (jekyll-import writes WordPress posts as .html): such a file
#: with front matter is named in a warning, where it was left out without a word.
_POSTS_ELSEWHERE = (".html", ".htm", ".mdx", ".textile", ".rst", ".adoc", ".markdn", ".qmd", ".rmd")
_NOT_AN_ARTICLE = (
    "has front matter, but only .md (.markdown, .mdown, .mkd, .mkdn) and .txt files are articles; skipped"
    " (rename it to read it)"
)


def _post_elsewhere(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a file named as other tools name posts, with front matter that has a
    title (a Jekyll layout's has none; an RST title between --- lines is no front matter)."""
    if not entry.name.lower().endswith(_POSTS_ELSEWHERE) or not entry.is_file():
        return False
    try:  # not blocking: a FIFO put in its place meanwhile would block a read forever
        descriptor = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        head = os.read(descriptor, 4096) if stat.S_ISREG(os.fstat(descriptor).st_mode) else b""
    except OSError:
        head = b""
    finally:
        os.close(descriptor)
    return _TITLED_FRONT_MATTER.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


#: Front matter with a title key among its first lines.
_TITLED_FRONT_MATTER = re.compile(rb"---[ \t]*\r?\n(?:(?!---)[^\n]*\n){0,40}?title[ \t]*:", re.IGNORECASE)


def _holds_articles(folder: str, budget: int = 1_000) -> bool:
    """Whether a folder (outside the content folder) has an article's name among its first
    ``budget`` names, at any depth: a link to a folder of images needs no word."""
    pending = [folder]
    while pending and budget > 0:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    budget -= 1
                    if entry.name.lower().endswith(CONTENT_SUFFIXES):
                        return True
                    if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                        pending.append(entry.path)
                    if budget <= 0:
                        break
        except OSError:
            continue
    return False


class ContentFile(NamedTuple):
    """An article file found in the content folder, with what tells its versions apart."""

    source: str  #: path relative to the content folder, with forward slashes
    size: int
    mtime_ns: int
    identity: int  #: ``file_identity``: its inode and change time


#: Makes a ContentFile from a tuple without the Python-level ``__new__`` of a NamedTuple: this runs
#: once per content file on every build and every look of the server's watcher.
_new = tuple.__new__


class Found(list[ContentFile]):
    """``scan_content``'s answer: the article files, and what the scan left out and why."""

    warnings: tuple[str, ...] = ()  #: ``path: message`` of each folder link skipped
    packed: Packed | None = None  #: ``packed_versions``, once asked for (the list never changes)


def scan_content(root: Path) -> Found:
    """Every article file under ``root``, recursively, in sorted order of relative path.

    Hidden files and folders are skipped, and so is anything reached through a symlink whose real
    path is outside ``root``. A folder that cannot be read raises ContentFolderError. Each real
    folder is read once: folders are read in order of their path, those reached through a link
    after all others, and a link to a folder read already (a loop such as ``sub/up -> ..``, or a
    second way to one folder) is skipped with a warning.
    """
    real_root = os.path.realpath(root)
    found = Found()
    warnings: list[str] = []
    seen: set[tuple[int, int]] = set()
    sources: list[str] = []  # the article files found, and their paths to stat
    paths: list[str] = []
    # (through a link, relative path, path): real folders first, each kind in path order, so the
    # way by which a folder is read never depends on the order the file system lists entries in.
    pending = [(False, "", str(root))]
    while pending:
        linked, prefix, folder = heapq.heappop(pending)
        try:
            status = os.stat(folder)
            # In name order: the files found are then runs in path order, which sort below in
            # a few milliseconds (0.2 s at 100,000 files in the order the file system lists them).
            entries = sorted(os.scandir(folder), key=_name)
        except FileNotFoundError:  # gone while we looked (the content folder is checked before)
            continue
        except OSError as e:  # not ours to read: its articles would vanish from the site unseen
            raise ContentFolderError(folder, e.strerror or type(e).__name__) from None
        if entries and not os.access(folder, os.X_OK):  # listed, but its files cannot be reached
            raise ContentFolderError(folder, "Permission denied: its names can be read, not its files")
        if (status.st_dev, status.st_ino) in seen:
            warnings.append(f"{folder}: links to a folder that is read already; skipped")
            continue
        seen.add((status.st_dev, status.st_ino))
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                link = entry.is_symlink()
                article = name.lower().endswith(CONTENT_SUFFIXES)
                if link and not leads_inside(entry.path, real_root):
                    # Never read (no path leaves the content folder), but said: articles put in
                    # by a link were left out without a word (an outside probe).
                    if article or (entry.is_dir() and _holds_articles(entry.path)):
                        warnings.append(f"{entry.path}: leads outside the content folder; skipped")
                    continue
                if entry.is_dir():
                    heapq.heappush(pending, (link, f"{prefix}{name}/", entry.path))
                    continue
                if not article:
                    if _post_elsewhere(entry):
                        warnings.append(f"{entry.path}: {_NOT_AN_ARTICLE}")
                    continue
                if not entry.is_file():  # an article's name on a FIFO, a device, a link to nothing
                    what = "links to nothing" if link and not os.path.exists(entry.path) else "is not a file"
                    warnings.append(f"{entry.path}: {what}; skipped")
                    continue
            except OSError as e:  # gone while we looked; or links in a loop, which is said
                if e.errno == errno.ELOOP and name.lower().endswith(CONTENT_SUFFIXES):
                    warnings.append(f"{entry.path}: links in a loop, to itself at last; skipped")
                continue
            sources.append(prefix + name)
            paths.append(entry.path)
    if not all(map(str.isascii, sources)):
        sources, paths = _one_per_composed_name(sources, paths, warnings)
    found.extend(_stat_files(sources, paths))
    found.sort()  # by source: tuples compare their first field first, and sources are unique
    found.warnings = tuple(sorted(warnings))
    return found


def _one_per_composed_name(
    sources: list[str], paths: list[str], warnings: list[str]
) -> tuple[list[str], list[str]]:
    """The files of ``sources`` without those whose path is another's in another Unicode form
    (``résumé.txt`` written with a separate accent, as macOS writes names): an article without a
    URL is known by its composed path (``names.path_id``), so the two would be one entry, the other
    left out unsaid. The first in path order is kept; each other is skipped with a warning."""
    kept: dict[str, str] = {}
    keep_sources, keep_paths = [], []
    for source, path in sorted(zip(sources, paths, strict=True)):
        first = kept.setdefault(composed(source), path)
        if first is path:
            keep_sources.append(source)
            keep_paths.append(path)
        else:
            warnings.append(
                f"{path}: its name, with {_form(source)}, is that of {first} with {_form(first)}: one id"
                " for both; skipped"
            )
    return keep_sources, keep_paths


def _form(name: str) -> str:
    """Which Unicode form a name is in, in words: the two forms of one name look alike."""
    if unicodedata.is_normalized("NFD", name):
        return "accents apart (NFD)"
    if unicodedata.is_normalized("NFC", name):
        return "accents composed (NFC)"
    return "accents composed and apart"


#: Files each process of a scan stats at least: a fork and the answer's way back through a pipe
#: cost a few milliseconds, what some 2,000 stats take.
STATS_PER_PROCESS = 10_000


def _stat_files(sources: list[str], paths: list[str]) -> list[ContentFile]:
    """The ContentFile of each of ``sources`` (at ``paths``) that is still there, in order.

    A stat takes 5 µs of a system call here and 2 µs of Python around it, and nothing else in a
    build with few changes costs as much at 100,000 files; so with many files, forked children
    stat parts of the list on the other CPUs. Only from a process without other threads (one may
    hold a lock at the fork that the child then waits for forever) and where ``fork`` exists.
    """
    processes = min(_cpus(), len(paths) // STATS_PER_PROCESS)
    if processes < 2 or not can_fork():
        return _stat_each(sources, paths, ContentFile)
    share = -(-len(paths) // processes)
    parts = [
        (sources[start : start + share], paths[start : start + share])
        for start in range(share, len(paths), share)
    ]
    children = [Forked(functools.partial(_stat_one_piece, *part)) for part in parts]
    files = _stat_each(sources[:share], paths[:share], ContentFile)
    for child, part in zip(children, parts, strict=True):
        answer = child.answer()
        if not isinstance(answer, list):  # the child died or could not be made
            answer = _stat_each(*part, tuple)
        files.extend(map(_as_content_file, answer))
    return files


def _stat_each(sources: list[str], paths: list[str], kind: type[Any]) -> list[Any]:
    """``kind`` (ContentFile, or tuple for marshal) of each file still there."""
    files = []
    for source, path in zip(sources, paths, strict=True):
        try:
            st = os.stat(path)
        except OSError:
            continue  # gone while we looked
        mtime_ns = st.st_mtime_ns
        if not _FIRST_NS <= mtime_ns <= _LAST_NS:
            mtime_ns = as_int64(mtime_ns)
        files.append(_new(kind, (source, st.st_size, mtime_ns, file_identity(st))))
    return files


def file_identity(status: os.stat_result) -> int:
    """What tells a file's versions apart beside its size and modification time: its inode (a
    copy is another file), and its change time, which every write sets and no tool sets back. An
    edit that keeps the size, with the modification time put back (``touch -r``, or a second save
    within the time stamps' resolution), was never read again. One unsigned 64-bit number, for
    the versions' column."""
    return (status.st_ino * _MIX + status.st_ctime_ns) & _UNSIGNED_64


_MIX = 0x9E3779B97F4A7C15  # odd: inodes that differ stay apart for any change time
_UNSIGNED_64 = (1 << 64) - 1


#: The times a signed 64-bit count of nanoseconds holds (1677-09-21 to 2262-04-11), as the
#: versions' columns do; a file can be dated later (``touch -d 2300-01-01``).
_FIRST_NS, _LAST_NS = -(1 << 63), (1 << 63) - 1


def as_int64(number: int) -> int:
    """``number`` wrapped into a signed 64-bit integer (itself when it fits): a file time past
    2262 still tells versions apart, and no longer overflows the columns (``OverflowError``)."""
    return (number + (1 << 63)) % (1 << 64) - (1 << 63)


_as_content_file = functools.partial(_new, ContentFile)


def _stat_one_piece(sources: list[str], paths: list[str]) -> list[list[tuple[str, int, int, int]]]:
    """A child's answer: its files' versions, as tuples (which marshal takes), in one piece."""
    return [_stat_each(sources, paths, tuple)]


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system
        return os.cpu_count() or 1


def packed_versions(found: Sequence[ContentFile]) -> Packed:
    """``found``'s versions as columns (``pack_versions``), packed once for a scan's answer: the
    fingerprint, the memo and the comparison with the last build all use them."""
    if not isinstance(found, Found):
        return pack_versions(found)
    if found.packed is None:
        found.packed = pack_versions(found)
    return found.packed


def scan_warnings(found: Sequence[ContentFile]) -> tuple[str, ...]:
    """What a ``scan_content`` left out (nothing, for a list made otherwise)."""
    return found.warnings if isinstance(found, Found) else ()


def file_path(root: str | Path, source: str) -> str:
    """A content file's path, as the scan of ``root`` reached it (for opening and for messages).

    Not kept in ``ContentFile``: at 100,000 files that would be 11 MB more on every look.
    """
    return os.path.join(root, *source.split("/"))


class ContentRoot(NamedTuple):
    """A content folder as ``read_file`` checks against it."""

    real: str  #: its real path (no links)
    device: int  #: its file system's device number (-1 when it cannot be found)


def content_root(root: str | Path) -> ContentRoot:
    real = os.path.realpath(root)
    try:
        return ContentRoot(real, os.stat(real).st_dev)
    except OSError:
        return ContentRoot(real, -1)


def read_file(
    path: str | Path, within: ContentRoot | None = None, identity: int | None = None
) -> tuple[bytes, int]:
    """A file's bytes and modification time, with a few system calls (pathlib takes ten
    microseconds more, which a build pays once per article).

    With ``within``, the file opened must be inside that content folder: the scan checked the
    path, but a file may have been swapped for a link (or a folder on the way for a link to
    another folder) since, so the check is made on the file actually opened. ``identity`` is the
    one the scan saw (``file_identity``): the same file on the content folder's device needs no
    further check. Raises OSError, also for what is not a regular file (a FIFO would block the
    read forever). An editor that saves by writing a new file and renaming it over the old one can
    replace the file between the open and the check; the file is then opened again, a few times.
    """
    for _ in range(_OPEN_TRIES - 1):
        try:
            return _read_once(path, within, identity)
        except _Replaced:
            continue
    return _read_once(path, within, identity)


#: Opens of a file that is replaced between the open and the check, before the read gives up
#: ("replaced again and again"; the build then starts over, ``read.changed_since_scan``).
_OPEN_TRIES = 3


class _Replaced(OSError):
    """The path no longer leads to the file that was opened (saved again, or swapped for a link)."""


def _read_once(path: str | Path, within: ContentRoot | None, identity: int | None) -> tuple[bytes, int]:
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if within is not None and (file_identity(status) != identity or status.st_dev != within.device):
            _check_inside(path, status, within)
        # On to the end: the file may have grown since fstat, or a read come back short.
        chunks = [os.read(handle, status.st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(handle, 1 << 20))
    finally:
        os.close(handle)
    return b"".join(chunks), status.st_mtime_ns


def _check_inside(path: str | Path, opened: os.stat_result, within: ContentRoot) -> None:
    """Raise OSError unless a path inside ``within`` leads to the file ``opened`` now. Sound
    however the links change meanwhile: the file is known by its device and inode, which the
    opened descriptor holds on to."""
    real = os.path.realpath(path)
    try:
        now = os.stat(real)
    except OSError:
        now = None
    if not _inside_real(real, within.real):
        raise OSError(errno.EACCES, "it leads outside the content folder now")
    if now is None or (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
        raise _Replaced(errno.EAGAIN, "it was replaced again and again while it was read")


def leads_inside(path: str, real_root: str) -> bool:
    """Whether ``path``, links followed, is ``real_root`` (a real path) or inside it."""
    return _inside_real(os.path.realpath(path), real_root)


def _inside_real(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
