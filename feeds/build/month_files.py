"""Where the cache keeps a memo's archive months (``plan.month_memo``): each month's entries in a
file of its own, named after its label and a digest of its bytes, so that a build after one edit
reads and writes the one or two months it touched instead of 50 MB (at 100,000 articles).

The memo names the files it was made with. A build writes the new files before its memo and
removes those no memo names after it: a build stopped half way leaves the last memo whole. A
month's file is read when its entries are first asked for; a missing one makes the memo unable to
replan archives, and a damaged one is removed and reported (``MonthLost``): the build then plans
every entry and writes it again."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from feeds.errors import FeedsError

#: The folder of the month files, in the cache's folder.
MONTHS = "months"


class MonthLost(FeedsError):
    """What the archive months of a replan need could not be read from the cache (a month's file,
    a file's record): the build plans every entry instead."""


def stored_months(
    folder: Path, months: tuple[Any, ...], write: Callable[[Path, bytes], object], stamp: bytes
) -> tuple[Any, ...]:
    """``months`` (``MonthsMemo.to_value``) as the memo stores it: the months already stored keep
    their file's name, the others get a file (``write(path, bytes)``) unless one has their bytes.

    ``stamp`` names what a file is valid for (the cache's program version and context): it is in
    the name too, so that a file another version left, which reading would refuse, is never
    taken for this version's."""
    tables, heads, names = months
    names = dict(names)
    for label, body in heads.items():
        digest = hashlib.blake2b(stamp, digest_size=10)
        digest.update(body)
        name = f"{label}-{digest.hexdigest()}"
        path = folder / MONTHS / name
        if not path.exists():
            write(path, body)
        names[label] = name
    return (tables, names)


def loaded_months(folder: Path, stored: Any, read: Callable[[Path], Any]) -> tuple[Any, ...] | None:
    """The memo's months with each month's entries to be read from its file when asked for
    (``read(path)``); None when a file is missing (the memo then cannot replan archives)."""
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict)):
        return None
    tables, names = stored
    try:
        if not all((folder / MONTHS / str(name)).is_file() for name in names.values()):
            return None
    except OSError:  # the folder cannot be looked into
        return None
    return (tables, _MonthFiles(folder / MONTHS, names, read), dict(names))


def prune_months(folder: Path, stored: tuple[Any, ...] | None) -> None:
    """Remove the month files that the memo just stored (``stored_months``'s) does not name."""
    named = set(stored[1].values()) if stored is not None else set()
    with contextlib.suppress(OSError):
        for path in (folder / MONTHS).iterdir():
            if path.name not in named:
                path.unlink()


class _MonthFiles(Mapping[str, bytes]):
    """Each month's entries, by label, read from its file the first time they are asked for."""

    def __init__(self, folder: Path, names: dict[str, str], read: Callable[[Path], Any]) -> None:
        self._folder, self._names, self._read = folder, names, read
        self._bodies: dict[str, bytes] = {}

    def __getitem__(self, label: str) -> bytes:
        body = self._bodies.get(label)
        if body is None:
            path = self._folder / self._names[label]
            found = self._read(path)
            if not isinstance(found, bytes):
                with contextlib.suppress(OSError):
                    path.unlink()  # damaged: the next build plans every entry and writes it again
                raise MonthLost(f"{path}: damaged build cache; run the build again")
            body = self._bodies[label] = found
        return body

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
