"""What a memo keeps of the archives, so that a build after a few changes plans only the months
those changes touch (RFC 5005 archives hold every entry: planning them all again took seconds
at 100,000 articles).

For each channel, its months newest first with their number of entries and signature; for each
month, every entry dated in it as a ``replan.Head`` (the entries of ``all``, which holds every
channel's). A month is touched when a changed file had or has an entry in it, or when the page
of one of its articles moved (a new article can take another's page name); a touched month's
entries are the memo's, less the changed files' old ones, plus their new ones. Every other month
keeps its signature and count, and its references are made only when something asks for them.
Pure: values in, values out.
"""

from __future__ import annotations

import collections
import marshal
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import overload

from feeds.config import Settings
from feeds.model import Topic
from feeds.plan.archives import ArchiveMonth
from feeds.plan.archives import month_of
from feeds.plan.archives import month_signature
from feeds.plan.channels import ChannelRule
from feeds.plan.channels import channel_keys
from feeds.plan.planner import EntryRef
from feeds.plan.replan import Head
from feeds.plan.replan import file_entries
from feeds.source.summary import ITEM
from feeds.source.summary import ORDER
from feeds.source.summary import SOURCE
from feeds.source.summary import STUBS
from feeds.source.summary import FileIndex

#: A channel's months as a memo keeps them: (label, entries, signature), newest first.
MonthTable = list[tuple[str, int, str]]


@dataclass(frozen=True)
class MonthsMemo:
    """Every channel's months (by stem) and every month's entries (by label, marshalled)."""

    tables: dict[str, MonthTable]
    heads: dict[str, bytes]

    def to_value(self) -> tuple[Any, ...]:
        return (self.tables, self.heads)

    @classmethod
    def from_value(cls, value: Any) -> MonthsMemo | None:
        if not (isinstance(value, tuple) and len(value) == 2):
            return None
        tables, heads = value
        return cls(tables, heads) if isinstance(tables, dict) and isinstance(heads, dict) else None


def months_memo(
    months: Mapping[str, Sequence[ArchiveMonth]],
    every: str,
    last: MonthsMemo | None = None,
    touched: Collection[str] = (),
) -> MonthsMemo:
    """The memo of a build's months (``every``: the stem of ``all``); ``last``'s entries are kept
    for the months not ``touched``, which are those the build carried over from it."""
    tables = {
        stem: [(month.label, month.entries, month.signature) for month in channel_months]
        for stem, channel_months in months.items()
    }
    heads: dict[str, bytes] = {}
    for month in months.get(every, ()):
        kept = None if last is None or month.label in touched else last.heads.get(month.label)
        heads[month.label] = kept if kept is not None else marshal.dumps(list(map(_head, month.refs)), 2)
    return MonthsMemo(tables, heads)


def _head(ref: EntryRef) -> Head:
    order, key, file, stub, topics = ref
    return (order, key, file[SOURCE], stub[ITEM], tuple(topic.slug for topic in topics))


def touched_months(
    memo: MonthsMemo,
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    moved: Iterable[FileIndex],
    settings: Settings,
    names: Mapping[str, str],
    rules: Sequence[ChannelRule],
) -> dict[str, list[Head]] | None:
    """The entries of every month touched by files that were ``before`` and are ``after`` (see
    ``replan.replan``, which must have accepted the same change) or whose page ``moved``; a
    month left without entries maps to an empty list. None when a file's topic name is new."""
    zone = settings.tz
    files = [index for index in (*before.values(), *after.values(), *moved) if index is not None]
    labels = {month_of(stub[ORDER], zone) for index in files for stub in index[STUBS]}
    changed = before.keys() | after.keys()
    touched = {
        label: [head for head in _heads(memo, label) if head[2] not in changed] for label in sorted(labels)
    }
    for source, index in after.items():
        if index is None:
            continue
        entries = file_entries(index, settings, names, rules)
        if entries is None:
            return None
        for order, key, item, slugs, _ in () if isinstance(entries, str) else entries:
            touched[month_of(order, zone)].append((order, key, source, item, slugs))
    for heads in touched.values():
        heads.sort()
    return touched


def _heads(memo: MonthsMemo, label: str) -> list[Head]:
    stored = memo.heads.get(label)
    return [] if stored is None else [tuple(head) for head in marshal.loads(stored)]


class MonthMaker:
    """Makes a month's references per channel from its heads, with the same signatures as
    ``archive_months`` (the settings that shape archives: ``shaping``)."""

    def __init__(
        self,
        memo: MonthsMemo,
        files: Callable[[], dict[str, FileIndex]],
        topics: Mapping[str, Topic],
        stems: Mapping[str, str],
        settings: Settings,
        rules: Sequence[ChannelRule],
        pages: Mapping[str, str],
        shaping: str,
    ) -> None:
        self.memo, self._files, self.topics, self.stems = memo, files, topics, stems
        self.settings, self.rules, self.pages, self.shaping = settings, rules, pages, shaping
        self._tuples: dict[tuple[str, ...], tuple[Topic, ...]] = {}
        self._made: dict[str, dict[str, list[EntryRef]]] = {}
        self._slugs_of: dict[int, str] = {}

    def refs(
        self,
        label: str,
        heads: Iterable[Head] | None = None,
        before: Mapping[str, FileIndex | None] | None = None,
    ) -> dict[str, list[EntryRef]]:
        """Each channel's references of a month (by stem; channels without any left out), from
        ``heads`` or else the memo's; with ``before``, the changed files' indexes as they were
        (the month as the last build had it, not kept)."""
        made = self._made.get(label)
        if made is not None and heads is None and before is None:
            return made
        every = self._files()
        files: Mapping[str, FileIndex] = every
        if before is not None:
            files = collections.ChainMap({s: i for s, i in before.items() if i is not None}, every)
        made = {}
        for order, key, source, item, slugs in _heads(self.memo, label) if heads is None else heads:
            file = files[source]
            stub = file[STUBS][item]
            entry_topics = self._tuples.get(slugs)
            if entry_topics is None:
                entry_topics = self._tuples[slugs] = tuple(self.topics[slug] for slug in slugs)
            ref = (order, key, file, stub, entry_topics)
            for target in channel_keys(self.rules, slugs, stub):
                made.setdefault(self.stems[target], []).append(ref)
        if before is None:
            self._made[label] = made
        return made

    def month(
        self,
        label: str,
        refs: list[EntryRef],
        last: tuple[str, list[EntryRef]] | None,
        remade: frozenset[bytes],
    ) -> ArchiveMonth:
        """A touched month; ``last``: its signature and references in the last build."""
        signature = month_signature(refs, self.pages, self.shaping, self._slugs_of)
        if last is None:
            return ArchiveMonth(label, refs, signature, len(refs))
        keys = tuple(ref[1] for ref in last[1])
        return ArchiveMonth(label, refs, signature, len(refs), last[0], keys, remade)

    def carried(self, stem: str, label: str, entries: int, signature: str) -> ArchiveMonth:
        """A month unchanged since the memo: its references are made when first looked at."""
        return ArchiveMonth(label, _Later(lambda: self.refs(label).get(stem, [])), signature, entries)


def replanned_months(
    maker: MonthMaker,
    touched: Mapping[str, list[Head]],
    before: Mapping[str, FileIndex | None],
    remade: Collection[str],
) -> dict[str, list[ArchiveMonth]]:
    """Every channel's months once the ``touched`` ones have the entries given: ``before`` are
    the changed files' old indexes, ``remade`` the files whose entries' fragments changed."""
    fresh = {label: maker.refs(label, heads) for label, heads in touched.items()}
    last = {label: maker.refs(label, None, before) for label in touched}
    remade_keys = {
        label: frozenset(head[1] for head in heads if head[2] in remade) for label, heads in touched.items()
    }
    months: dict[str, list[ArchiveMonth]] = {}
    for stem in dict.fromkeys(maker.stems.values()):
        table = {label: (entries, signature) for label, entries, signature in maker.memo.tables.get(stem, [])}
        labels = sorted(table.keys() | touched.keys(), reverse=True)
        channel: list[ArchiveMonth] = []
        for label in labels:
            if label in touched:
                refs = fresh[label].get(stem)
                old = last[label].get(stem)
                if refs:
                    then = (table[label][1], old) if label in table and old else None
                    channel.append(maker.month(label, refs, then, remade_keys[label]))
            else:
                channel.append(maker.carried(stem, label, *table[label]))
        months[stem] = channel
    return months


class _Later(Sequence[EntryRef]):
    """References made the first time they are looked at."""

    def __init__(self, make: Callable[[], list[EntryRef]]) -> None:
        self._make = make
        self._refs: list[EntryRef] | None = None

    def _made(self) -> list[EntryRef]:
        if self._refs is None:
            self._refs = self._make()
        return self._refs

    @overload
    def __getitem__(self, index: int) -> EntryRef: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[EntryRef]: ...
    def __getitem__(self, index: int | slice) -> EntryRef | Sequence[EntryRef]:
        return self._made()[index]

    def __len__(self) -> int:
        return len(self._made())

    def __iter__(self) -> Iterator[EntryRef]:
        return iter(self._made())
