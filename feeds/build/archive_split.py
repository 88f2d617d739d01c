"""Archive months split on two CPUs, as a build with archives does from nothing.

Splitting a month into parts (``render.archive_parts.split_month``) makes the fragments of all its
entries in every format, which is most of the work of a build's archives: at 100,000 articles a
cold build makes over a million fragments. An entry is in one month whatever the channel, so
months with different labels share no fragment, and a forked child can make those of half the
months while the build makes the others."""

from __future__ import annotations

from collections.abc import Callable

from feeds.forked import Forked
from feeds.forked import can_fork
from feeds.plan.archives import ArchiveMonth
from feeds.render.archive import Fragments
from feeds.render.context import FeedContext

#: A channel's month to split, with its channel's context.
Month = tuple[FeedContext, ArchiveMonth]
#: Each month's parts (how many entries each holds), by (channel stem, label).
Counts = dict[tuple[str, str], list[int]]
#: Months below which a second process is not worth its fork and the fragments' way back (a
#: build after a few changes splits a month or two).
MIN_MONTHS = 24


def split_on_two_cpus(
    todo: list[Month], split: Callable[[list[Month]], Counts], fragments: Fragments
) -> Counts:
    """``split(todo)``, which makes the months' fragments in ``fragments``. With many months, a
    forked child splits those of every second label and sends back their parts and fragments,
    while this process splits the others; the result is the same. Should the child not be made
    or die, this process splits its months too."""
    if len(todo) < MIN_MONTHS or not can_fork():
        return split(todo)
    labels = sorted({month.label for _, month in todo})
    theirs = set(labels[1::2])
    mine = [item for item in todo if item[1].label not in theirs]
    others = [item for item in todo if item[1].label in theirs]
    child = Forked(lambda: (split(others), fragments.made()))
    counts = split(mine)
    answer = child.answer()
    if isinstance(answer, tuple) and len(answer) == 2:
        counts.update(answer[0])
        fragments.take(answer[1])
    else:
        counts.update(split(others))
    return counts
