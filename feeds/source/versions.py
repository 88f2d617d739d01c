"""What tells the content files' versions apart, for a whole folder at once.

Every build compares the scan's (source, size, time, identity) of each file with the last build's. At
100,000 files, keeping them as tuples cost 0.18 s a build (packing them for marshal, loading them
back, copying the scan's); as four columns (the sources joined by NUL, the numbers as machine
integers) they load, store and compare in a few tens of milliseconds, and tuples are made only for
the stretch between the first and the last difference.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Sequence
from itertools import compress
from itertools import count
from operator import itemgetter
from operator import ne

#: (source, size, mtime_ns, identity) of a content file (``scan.file_identity``).
Version = tuple[str, int, int, int]
#: Versions as columns: the sources joined by NUL (no path holds one), then the sizes, the times
#: and the identities, each an array's bytes.
Packed = tuple[str, bytes, bytes, bytes]
_CODES = ("q", "q", "Q")
#: (sources new or changed, sources gone, versions before of the files compared)
Changes = tuple[tuple[str, ...], tuple[str, ...], dict[str, Version]]


def pack_versions(files: Sequence[Version]) -> Packed:
    return (
        "\0".join(map(itemgetter(0), files)),
        array("q", map(itemgetter(1), files)).tobytes(),
        array("q", map(itemgetter(2), files)).tobytes(),
        array("Q", map(itemgetter(3), files)).tobytes(),
    )


def unpack_versions(packed: Packed) -> list[Version]:
    """``pack_versions``'s versions again. Raises ValueError when the columns do not agree."""
    sources, *columns = _columns(packed)
    return list(zip(sources, *columns, strict=True))


def check_packed(value: object) -> Packed:
    """``value``, when it is four columns of versions that agree; else raises ValueError."""
    if not (
        isinstance(value, tuple)
        and len(value) == 4
        and isinstance(value[0], str)
        and all(isinstance(data, bytes) for data in value[1:])
    ):
        raise ValueError("not packed versions")
    files = value[0].count("\0") + 1 if value[0] else 0
    if any(len(data) != files * array(code).itemsize for code, data in zip(_CODES, value[1:], strict=True)):
        raise ValueError("columns of different lengths")
    return value


@functools.lru_cache(maxsize=1)  # a build asks twice: to start its workers, then to replan
def version_changes(before: Packed, now: Packed) -> Changes:
    """(sources new or changed, sources gone, versions before of the files compared) between two
    scans in path order. Raises ValueError when a pack's columns do not agree.

    Compares in C from both ends, column by column, so only the stretch between the first and the
    last difference is looked at in Python. The answer is shared: do not change it.
    """
    if before == now:
        return (), (), {}
    old, new = _columns(before), _columns(now)
    old_files, new_files = len(old[0]), len(new[0])
    shorter = min(old_files, new_files)
    start = min(_same_run(a, b, shorter) for a, b in zip(old, new, strict=True))
    end = min(_same_run(a[::-1], b[::-1], shorter) for a, b in zip(old, new, strict=True))
    end = min(end, shorter - start)
    earlier = list(zip(*(column[start : old_files - end] for column in old), strict=True))
    later = list(zip(*(column[start : new_files - end] for column in new), strict=True))
    known = set(earlier)
    changed = tuple(version[0] for version in later if version not in known)
    present = {version[0] for version in later}
    gone = tuple(version[0] for version in earlier if version[0] not in present)
    return changed, gone, {version[0]: version for version in earlier}


def _columns(packed: Packed) -> tuple[Sequence[str], Sequence[int], Sequence[int], Sequence[int]]:
    text, sizes, times, identities = check_packed(packed)
    sources = text.split("\0") if text else []
    return sources, array("q", sizes), array("q", times), array("Q", identities)


def _same_run(a: Sequence[object], b: Sequence[object], shorter: int) -> int:
    """How many items ``a`` and ``b`` have alike from their starts (at most ``shorter``)."""
    return next(compress(count(), map(ne, a, b)), shorter)
