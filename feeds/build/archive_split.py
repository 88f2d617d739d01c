"""Archive months split on two CPUs, as a build with archives does from nothing.

Splitting a month into parts (``render.archive_parts.split_month``) makes the fragments of all its
entries in every format, which is most of the work of a build's archives: at 100,000 articles a
cold build makes over a million fragments. An entry is in one month whatever the channel, so
months with different labels share no fragment, and a forked child can make those of half the
months while the build makes the others."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

from feeds.forked import ChildFailed
from feeds.forked import Forked
from feeds.forked import can_fork
from feeds.forked import room_for_a_copy
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
    forked child splits those of every second label and sends back their parts and fragments, a
    label at a time, while this process splits the others; the result is the same. Not where the
    memory available would not hold a copy of this process (a child's worst case). The months of
    the labels a child could not send (it was not made, or died) are split here too."""
    if len(todo) < MIN_MONTHS or not can_fork() or not room_for_a_copy():
        return split(todo)
    labels = sorted({month.label for _, month in todo})
    theirs = {label: [item for item in todo if item[1].label == label] for label in labels[1::2]}
    child = Forked(lambda: _split_by_label(theirs, split, fragments))
    try:
        counts = split([item for item in todo if item[1].label not in theirs])
    except BaseException:
        child.cancel()  # not left waiting to send what nobody reads
        raise
    try:
        for label, their_counts, made in child.answers():
            counts.update(their_counts)
            fragments.take(made)
            del theirs[label]
    except ChildFailed:
        for months in theirs.values():
            counts.update(split(months))
    return counts


def _split_by_label(
    theirs: dict[str, list[Month]], split: Callable[[list[Month]], Counts], fragments: Fragments
) -> Iterator[tuple[str, Counts, dict[str, dict[str, bytes]]]]:
    """The child's work: each label's months split, with the fragments made for them. All are
    made before the first is sent: the build reads them only once its own months are split, and a
    child waiting for it to read would not be splitting."""
    done = []
    for label, months in theirs.items():
        counts = split(months)
        made = fragments.made()
        done.append((label, counts, dict(made)))  # the fragments themselves are not copied
        made.clear()
    yield from done
