"""Every file's version is kept as four columns: the same versions come back, and two scans are
compared on them as they were on tuples."""

from __future__ import annotations

import marshal
import random

import pytest

from feeds.plan.replan import Memo
from feeds.source.scan import ContentFile
from feeds.source.versions import Version
from feeds.source.versions import check_packed
from feeds.source.versions import pack_versions
from feeds.source.versions import unpack_versions
from feeds.source.versions import version_changes

VERSIONS = [
    ContentFile("a.md", 0, -1_000_000_000, 1),  # a file dated before 1970
    ContentFile("dossier/été 東京.md", 123_456, 1_733_300_000_123_456_789, 2**64 - 1),
    ContentFile("z/line\nbreak.txt", 2**40, 0, 0),
]


def test_versions_come_back_as_they_were() -> None:
    packed = marshal.loads(marshal.dumps(pack_versions(VERSIONS), 2))
    assert unpack_versions(packed) == [tuple(version) for version in VERSIONS]
    assert unpack_versions(pack_versions([])) == []


def test_columns_that_disagree_are_refused() -> None:
    text, sizes, times, inodes = pack_versions(VERSIONS)
    for broken in [
        (text + "\0extra.md", sizes, times, inodes),
        (text, sizes[:-8], times, inodes),
        (text, sizes, times, inodes[:-3]),
        (text, sizes, times),
        [text, sizes, times, inodes],
        (1, sizes, times, inodes),
    ]:
        with pytest.raises(ValueError):
            check_packed(broken)
        if isinstance(broken, tuple):  # a memo's versions are checked before they are compared
            with pytest.raises(ValueError):
                version_changes(pack_versions(VERSIONS), broken)  # type: ignore[arg-type]


def test_a_memo_round_trips_through_marshal() -> None:
    memo = Memo("settings", pack_versions(VERSIONS), b"", {}, {}, [], {}, (0, 0, 0), {}, [])
    again = Memo.from_value(marshal.loads(marshal.dumps(memo.to_value(), 2)))
    assert again == memo
    broken = list(memo.to_value())
    broken[1] = ("a.md", b"", b"", b"")
    assert Memo.from_value(tuple(broken)) is None


def _changes_of_tuples(before: list[Version], now: list[Version]) -> tuple[set[str], set[str]]:
    """What changed between two scans, worked out the plain way."""
    old = {version[0]: version for version in before}
    new = {version[0]: version for version in now}
    changed = {source for source, version in new.items() if old.get(source) != version}
    return changed, old.keys() - new.keys()


@pytest.mark.parametrize("seed", range(40))
def test_changes_are_those_of_the_tuples(seed: int) -> None:
    rng = random.Random(seed)
    before = sorted(
        (
            f"{rng.randrange(30):02d}/{rng.randrange(1000):04d}.md",
            rng.randrange(9),
            rng.randrange(9),
            rng.randrange(9),
        )
        for _ in range(rng.randrange(0, 60))
    )
    before = list({version[0]: version for version in before}.values())  # one version per source
    now = list(before)
    for _ in range(rng.randrange(0, 6)):
        kind = rng.choice(["edit", "add", "delete", "touch"])
        if kind == "add":
            now.append((f"{rng.randrange(30):02d}/{rng.randrange(1000):04d}.md", 1, 2, 3))
        elif now and kind == "delete":
            now.pop(rng.randrange(len(now)))
        elif now:
            at = rng.randrange(len(now))
            source, size, mtime, inode = now[at]
            now[at] = (source, size + (kind == "edit"), mtime + 1, inode)
    now = sorted({version[0]: version for version in now}.values())
    changed, gone, earlier = version_changes(pack_versions(before), pack_versions(now))
    assert (set(changed), set(gone)) == _changes_of_tuples(before, now)
    assert len(changed) == len(set(changed)) and len(gone) == len(set(gone))
    old = dict((version[0], version) for version in before)
    assert all(earlier[source] == old[source] for source in (*changed, *gone) if source in old)
