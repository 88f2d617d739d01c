"""What a memo keeps of the archives, so that a build after a few changes plans only the months
those changes touch (RFC 5005 archives hold every entry: planning them all again took seconds
at 100,000 articles).

For each channel, its months newest first with their number of entries and signature; for each
month, every entry dated in it (``MonthHead``: with its file's digest and its channels, so that
a month is signed and dealt out to channels without any file's index). A month is touched when
a changed file had or has an entry in it, or when the page of one of its articles moved (a new
article can take another's page name); a touched month's entries are the memo's, less the
changed files' old ones, plus their new ones. Every month's references are made only when
something asks for them, one at a time (a file's index is then looked up). Pure: values in,
values out.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final
from typing import TypeVar
from typing import overload

from feeds.config import Settings
from feeds.model import Topic
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import month_of
from feeds.plan.archives import signed
from feeds.plan.channels import ChannelRule
from feeds.plan.planner import EntryRef
from feeds.plan.replan import file_entries
from feeds.source.summary import DIGEST
from feeds.source.summary import ITEM
from feeds.source.summary import ORDER
from feeds.source.summary import SOURCE
from feeds.source.summary import STUBS
from feeds.source.summary import FileIndex

#: A channel's months as a memo keeps them: (label, entries, signature), newest first.
MonthTable = list[tuple[str, int, str]]
#: An entry of a month: (order, key, source, item, topic slugs, its file's digest, the keys of
#: its channels as ``PlannedChannel.key``); they sort like references.
MonthHead = tuple[float, bytes, str, int, tuple[str, ...], str, tuple[str, ...]]
_SOURCE_AT: Final = 2
_SLUGS_AT: Final = 4
_DIGEST_AT: Final = 5
_CHANNELS_AT: Final = 6


@dataclass(frozen=True)
class MonthsMemo:
    """Every channel's months (by stem) and every month's entries (by label, marshalled: read
    when asked for, from wherever the cache keeps them). ``stored`` names, by label, the months
    whose entries the cache already holds as they are (the cache's business: its names for them);
    ``heads`` need then only hold the others."""

    tables: dict[str, MonthTable]
    heads: Mapping[str, bytes]
    stored: dict[str, str] = field(default_factory=dict)

    def to_value(self) -> tuple[Any, ...]:
        return (self.tables, self.heads, self.stored)

    @classmethod
    def from_value(cls, value: Any) -> MonthsMemo | None:
        if not (isinstance(value, tuple) and len(value) == 3):
            return None
        tables, heads, stored = value
        if isinstance(tables, dict) and isinstance(heads, Mapping) and isinstance(stored, dict):
            return cls(tables, heads, stored)
        return None

    def month(self, label: str) -> list[MonthHead]:
        stored = self.heads.get(label)
        return [] if stored is None else [tuple(head) for head in marshal.loads(stored)]


def months_memo(
    months: Mapping[str, Sequence[ArchiveMonth]],
    keys: Mapping[str, str],
    last: MonthsMemo | None = None,
    touched: Mapping[str, list[MonthHead]] | None = None,
) -> MonthsMemo:
    """The memo of a build's months by channel stem (``keys``: each stem's channel key). With
    ``last``, the months ``touched`` have the entries given and the others ``last``'s; without,
    every month's entries are taken from the references."""
    tables = {
        stem: [(month.label, month.entries, month.signature) for month in channel_months]
        for stem, channel_months in months.items()
    }
    if last is not None and touched is not None:
        heads = {label: marshal.dumps(entries, 2) for label, entries in touched.items() if entries}
        stored: dict[str, str] = {}
        for label in {*last.stored, *last.heads}.difference(touched):
            if label in last.stored:
                stored[label] = last.stored[label]
            else:
                heads[label] = last.heads[label]
        return MonthsMemo(tables, heads, stored)
    channels: dict[bytes, list[str]] = {}
    for stem, channel_months in months.items():
        for month in channel_months:
            for key in month.keys:
                channels.setdefault(key, []).append(keys[stem])
    every = next(stem for stem, key in keys.items() if key == "")
    heads = {
        month.label: marshal.dumps([_head(ref, tuple(channels[ref[1]])) for ref in month.refs], 2)
        for month in months.get(every, ())
    }
    return MonthsMemo(tables, heads)


def _head(ref: EntryRef, channels: tuple[str, ...]) -> MonthHead:
    order, key, file, stub, topics = ref
    slugs = tuple(topic.slug for topic in topics)
    return (order, key, file[SOURCE], stub[ITEM], slugs, file[DIGEST], channels)


def touched_months(
    memo: MonthsMemo,
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    moved: Sequence[FileIndex],
    settings: Settings,
    names: Mapping[str, str],
    rules: Sequence[ChannelRule],
) -> dict[str, list[MonthHead]] | None:
    """The entries of every month touched by files that were ``before`` and are ``after`` (see
    ``replan.replan``, which must have accepted the same change) or whose page ``moved``; a
    month left without entries maps to an empty list. None when a file's topic name is new."""
    zone = settings.tz
    files = [index for index in (*before.values(), *after.values(), *moved) if index is not None]
    labels = {month_of(stub[ORDER], zone) for index in files for stub in index[STUBS]}
    changed = before.keys() | after.keys()
    touched = {
        label: [head for head in memo.month(label) if head[_SOURCE_AT] not in changed]
        for label in sorted(labels)
    }
    for source, index in after.items():
        if index is None:
            continue
        entries = file_entries(index, settings, names, rules)
        if entries is None:
            return None
        for order, key, item, slugs, channels in () if isinstance(entries, str) else entries:
            touched[month_of(order, zone)].append((order, key, source, item, slugs, index[DIGEST], channels))
    for heads in touched.values():
        heads.sort()
    return touched


class MonthMaker:
    """Makes a month's channels from its entries: signed as ``archive_months`` signs references,
    and with references made one at a time when asked for (``files`` looks up a file's index)."""

    def __init__(
        self,
        memo: MonthsMemo,
        files: Callable[[str], FileIndex],
        topics: Mapping[str, Topic],
        keys: Mapping[str, str],
        pages: Mapping[str, str],
        shaping: str,
    ) -> None:
        self.memo, self._files, self.topics, self.keys = memo, files, topics, keys
        self.pages, self.shaping = pages, shaping
        self._tuples: dict[tuple[str, ...], tuple[Topic, ...]] = {}
        self._texts: dict[tuple[str, ...], str] = {}
        self._decoded: dict[str, list[MonthHead]] = {}

    def last(self, label: str, key: str) -> list[MonthHead]:
        """The entries of channel ``key`` in month ``label`` in the memo."""
        heads = self._decoded.get(label)
        if heads is None:
            heads = self._decoded[label] = self.memo.month(label)
        return [head for head in heads if key in head[_CHANNELS_AT]]

    def month(
        self,
        label: str,
        heads: list[MonthHead],
        last: tuple[str, list[MonthHead]] | None,
        remade: frozenset[bytes],
    ) -> ArchiveMonth:
        """A touched month of a channel; ``last``: its signature and entries in the last build."""
        texts = self._texts
        for slugs in {head[_SLUGS_AT] for head in heads}.difference(texts):
            texts[slugs] = ",".join(f"{slug}={self.topics[slug].name}" for slug in slugs)
        keys = [head[1] for head in heads]
        signature = signed(
            keys,
            [head[_DIGEST_AT] for head in heads],
            [head[3] for head in heads],
            [texts[head[_SLUGS_AT]] for head in heads],
            [self.pages.get(head[_SOURCE_AT], "") for head in heads],
            self.shaping,
        )
        refs = _Refs(heads, self._ref)
        if last is None:
            return ArchiveMonth(label, refs, signature, len(heads), keys)
        then = tuple(head[1] for head in last[1])
        return ArchiveMonth(label, refs, signature, len(heads), keys, last[0], then, remade)

    def carried(self, stem: str, label: str, entries: int, signature: str) -> ArchiveMonth:
        """A month unchanged since the memo: its entries are read from it when first looked at."""
        heads = _Later(lambda: self.last(label, self.keys[stem]))
        keys = _Later(lambda: [head[1] for head in heads])
        return ArchiveMonth(label, _Refs(heads, self._ref), signature, entries, keys)

    def _ref(self, head: MonthHead) -> EntryRef:
        order, key, source, item, slugs = head[:5]
        file = self._files(source)
        entry_topics = self._tuples.get(slugs)
        if entry_topics is None:
            entry_topics = self._tuples[slugs] = tuple(self.topics[slug] for slug in slugs)
        return (order, key, file, file[STUBS][item], entry_topics)


def replanned_months(
    maker: MonthMaker, touched: Mapping[str, list[MonthHead]], remade: Collection[str]
) -> dict[str, list[ArchiveMonth]]:
    """Every channel's months (by stem) once the ``touched`` ones have the entries given;
    ``remade``: the files whose entries' fragments changed."""
    remade_keys = {
        label: frozenset(head[1] for head in heads if head[_SOURCE_AT] in remade)
        for label, heads in touched.items()
    }
    months: dict[str, list[ArchiveMonth]] = {}
    for stem, key in maker.keys.items():
        table = {label: (entries, signature) for label, entries, signature in maker.memo.tables.get(stem, [])}
        channel: list[ArchiveMonth] = []
        for label in sorted(table.keys() | touched.keys(), reverse=True):
            if label not in touched:
                channel.append(maker.carried(stem, label, *table[label]))
                continue
            heads = [head for head in touched[label] if key in head[_CHANNELS_AT]]
            if heads:
                old = maker.last(label, key)
                then = (table[label][1], old) if label in table and old else None
                channel.append(maker.month(label, heads, then, remade_keys[label]))
        months[stem] = channel
    return months


_T = TypeVar("_T")


class _Later(Sequence[_T]):
    """A list made the first time it is looked at."""

    def __init__(self, make: Callable[[], list[_T]]) -> None:
        self._make = make
        self._items: list[_T] | None = None

    def _made(self) -> list[_T]:
        if self._items is None:
            self._items = self._make()
        return self._items

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_T]: ...
    def __getitem__(self, index: int | slice) -> _T | Sequence[_T]:
        return self._made()[index]

    def __len__(self) -> int:
        return len(self._made())

    def __iter__(self) -> Iterator[_T]:
        return iter(self._made())


class _Refs(Sequence[EntryRef]):
    """A month's references, each made the first time it is looked at: a build after one edit
    needs a few of a touched month's (its changed entries, the first of each part)."""

    def __init__(self, heads: Sequence[MonthHead], make: Callable[[MonthHead], EntryRef]) -> None:
        self._heads = heads
        self._make = make
        self._made: dict[int, EntryRef] = {}

    @overload
    def __getitem__(self, index: int) -> EntryRef: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[EntryRef]: ...
    def __getitem__(self, index: int | slice) -> EntryRef | Sequence[EntryRef]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self._heads)))]
        position = index + len(self._heads) if index < 0 else index
        ref = self._made.get(position)
        if ref is None:
            ref = self._made[position] = self._make(self._heads[position])
        return ref

    def __len__(self) -> int:
        return len(self._heads)

    def __iter__(self) -> Iterator[EntryRef]:
        return (self[position] for position in range(len(self._heads)))
