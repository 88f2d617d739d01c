"""The memo stores every file's version as four columns: the same versions come back."""

from __future__ import annotations

import marshal

import pytest

from feeds.plan.replan import Memo
from feeds.source.scan import ContentFile
from feeds.source.scan import pack_versions
from feeds.source.scan import unpack_versions

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
    with pytest.raises(ValueError):
        unpack_versions((text + "\0extra.md", sizes, times, inodes))
    with pytest.raises(ValueError):
        unpack_versions((text, sizes[:-8], times, inodes))
    with pytest.raises(ValueError):
        unpack_versions((text, sizes, times, inodes[:-3]))  # not a whole number of inodes


def test_a_memo_round_trips_through_marshal() -> None:
    memo = Memo("settings", list(VERSIONS), b"", {}, {}, [], {}, (0, 0, 0), {}, [])
    again = Memo.from_value(marshal.loads(marshal.dumps(memo.to_value(), 2)))
    assert again == memo
    broken = list(memo.to_value())
    broken[1] = ("a.md", b"", b"", b"")
    assert Memo.from_value(tuple(broken)) is None
