"""Write: put a rendered site into the output folder atomically.

The new site is written into a sibling folder on the same file system, then exchanged with the old
one in a single ``renameat2(RENAME_EXCHANGE)`` call, so a reader (or a web server) sees the complete
old site or the complete new one, even if the build is killed at any moment. Where the kernel does
not offer that call, two renames are used and an interrupted swap is repaired on the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from feeds.errors import OutputError
from feeds.output.staging import MARKER
from feeds.output.staging import StaleOutput
from feeds.output.staging import discard_folder
from feeds.output.staging import holding
from feeds.output.staging import link_mirror
from feeds.output.staging import others_in
from feeds.output.staging import remove_folder
from feeds.output.staging import write_tree as _write_tree

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_site(
    documents: Mapping[str, bytes],
    output: Path,
    *,
    compare: Iterable[str] = (),
    in_place: Mapping[str, tuple[int, int]] | None = None,
) -> tuple[str, ...]:
    """Replace ``output`` with exactly ``documents`` (relative path → bytes); ``replace_site``'s
    paths among ``compare`` whose bytes changed."""
    return replace_site(documents, output, compare=compare, in_place=in_place).changed


class Replaced(NamedTuple):
    """What ``replace_site`` did."""

    changed: tuple[str, ...]  #: the paths among ``compare`` whose bytes changed
    listing: dict[str, tuple[int, int]]  #: the new site's ``output_listing``, known without listing it


def replace_site(
    documents: Mapping[str, bytes],
    output: Path,
    *,
    compare: Iterable[str] = (),
    in_place: Mapping[str, tuple[int, int]] | None = None,
) -> Replaced:
    """Replace ``output`` with exactly ``documents`` (relative path → bytes).

    ``in_place``: paths of ``documents`` whose file in the site in place is kept as it is, each
    with the (size, modification time in ns) it had when the build checked the folder
    (``output_listing``): the file is hard-linked into the new site, never read, and its bytes
    are never asked of ``documents``. One that is no longer a regular file of the site with that
    size and time, or that cannot be linked, raises StaleOutput, and the site is left as it was.

    Returns the paths among ``compare`` whose bytes differ from the files they replace (all of
    them when there was no output folder), read under the lock, just before the swap.
    An ``output`` that is a symbolic link stays one: the folder it leads to is replaced. Raises
    OutputError when the folder is locked by another build, is not ours to replace, or cannot be
    written; the previous site is then left as it was.
    """
    for name in documents:
        _check_relative(name)
    with locked(output):
        output = target(output)
        _recover(output)
        problem = output_problem(output)
        if problem is not None:
            raise OutputError(problem)
        staging = output.with_name(f".{output.name}.new")
        try:
            written = _write_tree(staging, documents, output, in_place or {})
        except StaleOutput:
            discard_folder(staging)
            raise
        except OutputError:  # the staging folder's name is a folder of someone's: left as it is
            raise
        except OSError as e:
            discard_folder(staging)
            message = (
                f"cannot write the new site ({e.strerror or e}); the previous site is left as it was"
                " (this is where feeds puts the next site together: it may be removed, by its owner)"
            )
            raise OutputError(f"{staging}: {message}") from e
        # Files that writing compared already are not read again.
        changed = tuple(
            name
            for name in compare
            if (not written.held[name] if name in written.held else _differs(output / name, documents[name]))
        )
        _swap_in(staging, output, written.keep_replaced)
    return Replaced(changed, written.listing)


class SiteDocuments(Mapping[str, bytes]):
    """A site's documents (relative path → bytes), some of which are files of the output folder in
    place, ``kept`` with the (size, modification time in ns) they had when the build checked them:
    read only when asked for (StaleOutput when they changed since), and linked unread by
    ``write_site(documents, output, in_place=documents.kept)``."""

    def __init__(self, fresh: Mapping[str, bytes], output: Path, kept: Mapping[str, tuple[int, int]]) -> None:
        self.fresh = fresh
        self.output = output
        self.kept = {name: listed for name, listed in kept.items() if name not in fresh}

    def __getitem__(self, name: str) -> bytes:
        data = self.fresh.get(name)
        if data is not None:
            return data
        path = self.output / name
        data = read_as_listed(path, self.kept[name])
        if data is None:
            raise StaleOutput(f"{path}: changed while the build was running; run it again")
        return data

    def __contains__(self, name: object) -> bool:
        return name in self.fresh or name in self.kept

    def __iter__(self) -> Iterator[str]:
        yield from self.fresh
        yield from self.kept

    def __len__(self) -> int:
        return len(self.fresh) + len(self.kept)


def _differs(path: Path, data: bytes) -> bool:
    """Whether a file is missing or is not a regular file with exactly ``data`` in it."""
    try:
        return holding(os.fspath(path), data) is None
    except OSError:
        return True


def target(output: Path) -> Path:
    """The folder a build replaces: ``output``, or where it leads when it is a symbolic link (a
    link swapped for a folder would break whatever relies on the link)."""
    output = output.absolute()
    if output.is_symlink():
        real = Path(os.path.realpath(output))
        if real.is_symlink():  # the links go round in a circle
            raise OutputError(f"{output}: is a symbolic link that leads nowhere; make it lead to a folder")
        output = real
    if not output.name:  # "/": no folder beside it for the new site, the lock or the cache
        raise OutputError(f"{output}: is the root of the file system; give the site a folder of its own")
    return output


def output_listing(output: Path) -> dict[str, tuple[int, int]]:
    """Every file of an output folder: relative path → (size, modification time in ns)."""
    listing: dict[str, tuple[int, int]] = {}
    if not output.is_dir():
        return listing
    # With scandir and strings rather than Path objects: a site with 10,000 entry pages took
    # 0.7 s to list through rglob.
    folders = [("", os.fspath(output))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file(follow_symlinks=False):  # a build writes no links
                    st = entry.stat(follow_symlinks=False)
                    listing[prefix + entry.name] = (st.st_size, st.st_mtime_ns)
    return listing


def read_as_listed(path: Path, listed: tuple[int, int]) -> bytes | None:
    """The bytes of a file of the output folder when it still has the size and modification time
    (ns) it was listed with; None when it changed or cannot be read."""
    try:
        with open(path, "rb") as file:
            st = os.fstat(file.fileno())
            return file.read() if (st.st_size, st.st_mtime_ns) == tuple(listed) else None
    except OSError:
        return None


def output_matches(output: Path, listing: Mapping[str, tuple[int, int]]) -> bool:
    """Whether ``output`` still holds exactly the files of ``listing``, untouched."""
    return bool(listing) and output.is_dir() and output_listing(output) == dict(listing)


def _check_relative(name: str) -> None:
    # On the strings, not PurePosixPath: a site has 10,000 entry pages and more (0.2 s that way).
    # An empty part (a leading, doubled or trailing slash), "." or ".." could lead elsewhere.
    parts = name.split("/")
    if "\0" in name or any(part in ("", ".", "..") for part in parts):
        raise OutputError(f"refusing to write {name!r}: outside the output folder")


def _swap_in(staging: Path, output: Path, keep_replaced: bool) -> None:
    """Put the site in ``staging`` in place of ``output``; leave in ``staging`` the site replaced
    when it is worth keeping, else links of the new site's files (staging.py)."""
    old = output.with_name(f".{output.name}.old")
    if not output.exists():
        output.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, output)
    elif _exchange(staging, output):
        if keep_replaced:
            return  # the next build updates it
        if not _removed(staging):  # now holds the previous site
            return  # the new site is in place: the next build removes what is left
    else:
        # No atomic exchange here: two renames, and _recover() finishes the job after a crash.
        remove_folder(old)
        os.rename(output, old)
        os.rename(staging, output)
        if not _removed(old):
            return
    link_mirror(output, staging)


def _removed(folder: Path) -> bool:
    """Remove the site a swap replaced; False when that failed (the new site is in place, and a
    build that removed nothing of it must not fail for that)."""
    try:
        remove_folder(folder)
    except OSError:
        return False
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ≥ 3.15); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OutputError(f"{b}: cannot swap in the new site: {os.strerror(error)}")


def _recover(output: Path) -> None:
    """Finish a two-rename swap that was interrupted: put the old site back if none is in place."""
    old = output.with_name(f".{output.name}.old")
    if old.is_dir() and not old.is_symlink() and not os.path.lexists(output) and others_in(old) is not None:
        os.rename(old, output)
    else:
        remove_folder(old)


#: The ``all`` feed in each format, and what each of its entries starts with.
_ALL_ENTRIES = (("all.atom", b"<entry>"), ("all.rss", b"<item>"), ("all.json", b'"date_published":'))


def shows_entries(output: Path) -> bool:
    """Whether ``output`` is a site feeds wrote whose ``all`` feed shows an entry."""
    if others_in(output) is None:
        return False
    for name, entry in _ALL_ENTRIES:
        try:
            with open(output / name, "rb") as feed:
                return entry in feed.read(1_000_000)
        except OSError:
            continue
    return False


def file_in_the_way(path: Path) -> Path | None:
    """The nearest of ``path`` and its parents that exists, when it is no folder (a file where a
    folder is needed to write ``path``, or to be ``path``); else None."""
    for parent in (path, *path.parents):
        if os.path.lexists(parent):
            return None if parent.is_dir() else parent
    return None


def output_problem(output: Path) -> str | None:
    """Why ``output`` may not be replaced by a site (it holds files feeds did not write, it is the
    root, a file is in its way), or None."""
    try:
        output = target(output)
    except OutputError as e:
        return str(e)
    if (blocking := file_in_the_way(output)) is not None:
        return f"{blocking}: is a file, not a folder; give the site a folder of its own"
    if not os.path.lexists(output):
        return None
    try:
        others = others_in(output)
        if others is None and any(output.iterdir()):
            why = f"exists and was not made by feeds (no {MARKER} file)"
            return f"{output}: {why}; choose an empty or new folder"
    except OSError as e:  # chmod 000 public: it cannot be told, so it is not replaced
        raise OutputError(f"{output}: cannot be read ({e.strerror}); nothing was written") from None
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        return (
            f"{output}: holds {shown}, which feeds did not write (its {MARKER} lists what it wrote), and a"
            " build replaces the folder whole; move them out, or give the site a folder of its own"
        )
    return None


#: Lock files this process holds, and the thread holding each: a build holds its output's lock
#: from start to end, and writes the site under it (``write_site`` takes it again).
_held: dict[Path, int] = {}
#: The descriptors of those lock files, which a forked child closes at once: its copy would hold
#: the lock after the build ended (a build killed while its record writer still ran kept the
#: next one out for as long as the child took). Closing a copy leaves the build's lock alone;
#: unlocking it would not.
_lock_fds: dict[Path, int] = {}


def _close_locks_in_child() -> None:
    for descriptor in _lock_fds.values():
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _lock_fds.clear()
    _held.clear()


os.register_at_fork(after_in_child=_close_locks_in_child)


@contextlib.contextmanager
def locked(output: Path) -> Iterator[None]:
    """One build at a time per output folder (``.<name>.lock`` beside the folder ``target``
    gives); a second one stops at once with OutputError."""
    output = target(output)
    lock_path = output.with_name(f".{output.name}.lock")
    if _held.get(lock_path) == threading.get_ident():
        yield
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a+b")  # noqa: SIM115 - closed below, after the build
    except OSError as e:  # a read-only folder, another user's lock file, a folder in its place
        raise OutputError(f"{lock_path}: cannot open the lock file ({e.strerror or e})") from None
    with lock:
        try:  # another open file, even in this process, is refused the lock: flock(2)
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{output}: another `feeds build` is building it (lock {lock_path}); wait for it to finish"
            ) from None
        _held[lock_path] = threading.get_ident()
        _lock_fds[lock_path] = lock.fileno()
        try:
            yield
        finally:
            del _held[lock_path]
            _lock_fds.pop(lock_path, None)
            fcntl.flock(lock, fcntl.LOCK_UN)
