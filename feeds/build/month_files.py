"""Where the cache keeps a memo's archive months (``plan.month_memo``): each month's entries in a
file of its own, named after its label and a digest of its bytes, so that a build after one edit
writes the one or two months it touched instead of the memo's 50 MB again (at 100,000 articles).

The memo names the files it was made with. A build writes the new files before its memo and
removes those no memo names after it: a build stopped half way leaves the last memo whole."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The folder of the month files, in the cache's folder.
MONTHS = "months"


def stored_months(
    folder: Path, months: tuple[Any, ...], write: Callable[[Path, bytes], object]
) -> tuple[Any, ...]:
    """``months`` (``MonthsMemo.to_value``) as the memo stores it: each month's entries replaced
    by the name of its file, which is written unless it exists (``write(path, bytes)``)."""
    tables, heads = months
    names = {}
    for label, body in heads.items():
        name = f"{label}-{hashlib.blake2b(body, digest_size=10).hexdigest()}"
        path = folder / MONTHS / name
        if not path.exists():
            write(path, body)
        names[label] = name
    return (tables, names)


def loaded_months(folder: Path, stored: Any, read: Callable[[Path], Any]) -> tuple[Any, ...] | None:
    """The memo's months with each month's entries read from its file (``read(path)``); None when
    one is missing or damaged (the memo then cannot replan archives)."""
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict)):
        return None
    tables, names = stored
    heads = {}
    for label, name in names.items():
        path = folder / MONTHS / str(name)
        body = read(path)
        if not isinstance(body, bytes):
            with contextlib.suppress(OSError):
                path.unlink()  # damaged: the next memo with these entries writes it again
            return None
        heads[label] = body
    return (tables, heads)


def prune_months(folder: Path, stored: tuple[Any, ...] | None) -> None:
    """Remove the month files that the memo just stored (``stored_months``'s) does not name."""
    named = set(stored[1].values()) if stored is not None else set()
    with contextlib.suppress(OSError):
        for path in (folder / MONTHS).iterdir():
            if path.name not in named:
                path.unlink()
