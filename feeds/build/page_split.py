"""Entries' pages made on two CPUs, as a build of many of them does (a first build, or a fresh
checkout that re-dates every article dated by its file's time).

A page costs about 200 µs (its content through Markdown and the sanitiser, then the template),
so 10,000 of them took 2 s of a build on one CPU while the other had nothing to do. Pages are
independent of one another: a forked child makes the second half and sends their bytes back
while the build makes the first half; the bytes are the same either way."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence

from feeds.forked import ChildFailed
from feeds.forked import Forked
from feeds.forked import can_fork
from feeds.forked import room_for_a_copy
from feeds.model import Entry
from feeds.render.site import each_page

#: The pages wanted: (path, entry) each.
Wanted = Sequence[tuple[str, Entry]]
#: Pages below which a second process is not worth its fork and the pages' way back (a build
#: after a few changes makes a handful): 1,000 pages take about 0.2 s, a fork a few milliseconds.
MIN_PAGES = 1_000
#: Pages per piece the child sends: about 3 MB, so that neither side holds a second copy of all.
PIECE = 500


def pages_on_two_cpus(page: Callable[[Entry], bytes], wanted: Wanted) -> dict[str, bytes]:
    """``each_page(page, wanted)``; with many pages, a forked child makes the second half while
    this process makes the first. Not where the memory available would not hold a copy of this
    process (a child's worst case). Pages a child did not send (it was not made, or died) are
    made here."""
    if len(wanted) < MIN_PAGES or not can_fork() or not room_for_a_copy():
        return each_page(page, wanted)
    half = len(wanted) // 2
    theirs = wanted[half:]
    child = Forked(lambda: _in_pieces(page, theirs))
    try:
        made = each_page(page, wanted[:half])
    except BaseException:
        child.cancel()  # not left waiting to send what nobody reads
        raise
    try:
        for piece in child.answers():
            made.update(piece)
    except ChildFailed:
        made.update(each_page(page, [item for item in theirs if item[0] not in made]))
    return made


def _in_pieces(page: Callable[[Entry], bytes], theirs: Wanted) -> Iterator[dict[str, bytes]]:
    """The child's work: its pages, sent ``PIECE`` at a time. All are made before the first is
    sent: the build reads them only once its own half is made, and a child waiting for it to
    read would not be making pages."""
    made = [(path, page(entry)) for path, entry in theirs]
    for start in range(0, len(made), PIECE):
        yield dict(made[start : start + PIECE])
