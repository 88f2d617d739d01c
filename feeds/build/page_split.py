"""Entries' pages made on two CPUs, as a build of many of them does (a first build, or a fresh
checkout that re-dates every article dated by its file's time).

A page costs about 200 µs (its content through Markdown and the sanitiser, then the template),
so 10,000 of them took 2 s of a build on one CPU while the other had nothing to do. Pages are
independent of one another: a forked child makes them from the last one backwards from the moment
the render starts, while the build makes the feeds and then the pages from the first one onwards;
each stops where the other has been, so both finish at about the same time however long the feeds
took. The bytes are the same either way."""

from __future__ import annotations

import mmap
import struct
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


class _Fronts:
    """How far each process has got, in memory that a forked child shares: the build claims pages
    from the first upwards, the child from the last downwards, each writing only its own front and
    claiming a page only below (or above) the other's. Claims are not atomic, so both may make the
    page where they meet (the same bytes); neither skips one, since each makes every page it claimed."""

    _BUILD, _CHILD = 0, 4  # offsets of the build's next page and the child's lowest claimed page

    def __init__(self, count: int) -> None:
        self._memory = mmap.mmap(-1, 8)  # anonymous, shared with a child forked after this
        self._put(self._BUILD, 0)
        self._put(self._CHILD, count)

    def build_claims(self, page: int) -> bool:
        if page >= self._get(self._CHILD):
            return False
        self._put(self._BUILD, page + 1)
        return True

    def child_claims(self, page: int) -> bool:
        if page < self._get(self._BUILD):
            return False
        self._put(self._CHILD, page)
        return True

    def _get(self, offset: int) -> int:
        return int(struct.unpack_from("<i", self._memory, offset)[0])

    def _put(self, offset: int, value: int) -> None:
        struct.pack_into("<i", self._memory, offset, value)


class PageSplit:
    """Entries' pages for one render: ``start`` is its ``make_pages``; ``cancel`` afterwards, in
    any case, kills and reaps a child whose pages were not taken (the render failed before)."""

    def __init__(self) -> None:
        self._child: Forked | None = None

    def start(self, page: Callable[[Entry], bytes], wanted: Wanted) -> Callable[[], dict[str, bytes]]:
        """``each_page(page, wanted)``; with many pages, a forked child starts making them now
        from the last one, and the build makes the rest once asked for. Not where the memory
        available would not hold a copy of this process (a child's worst case). Pages a child
        did not send (it was not made, or died) are made by the build."""
        if len(wanted) < MIN_PAGES or not can_fork() or not room_for_a_copy():
            return each_page(page, wanted)
        fronts = _Fronts(len(wanted))
        self._child = child = Forked(lambda: _from_the_end(page, wanted, fronts))

        def made() -> dict[str, bytes]:
            pages = {}
            for number, (path, entry) in enumerate(wanted):
                if not fronts.build_claims(number):
                    break
                pages[path] = page(entry)
            self._child = None  # its answers are taken now, whatever comes
            try:
                for piece in child.answers():
                    pages.update(piece)
            except ChildFailed:
                pages.update(each_page(page, [item for item in wanted if item[0] not in pages])())
            return pages

        return made

    def cancel(self) -> None:
        if self._child is not None:
            self._child.cancel()
            self._child = None


def _from_the_end(
    page: Callable[[Entry], bytes], wanted: Wanted, fronts: _Fronts
) -> Iterator[dict[str, bytes]]:
    """The child's work: pages from the last one backwards until it meets the build, then sent
    ``PIECE`` at a time (the build reads them only once it has met the child)."""
    made = []
    for number in range(len(wanted) - 1, -1, -1):
        if not fronts.child_claims(number):
            break
        path, entry = wanted[number]
        made.append((path, page(entry)))
    for start in range(0, len(made), PIECE):
        yield dict(made[start : start + PIECE])
