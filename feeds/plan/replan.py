"""Replanning after a few files changed: the last plan, updated by their entries alone.

``plan_site`` looks at every file's index, which at 100,000 articles means loading 100,000 cached
records and walking 270,000 entries for a build that changed one file. A ``Memo`` keeps what the
last command-line build planned: every channel's total and its first entries (a few more than a
feed shows), every candidate entry's key, the topics, the counts, and the version of every content
file. ``replan`` takes the entries of the changed files out and puts their new ones in. The web
app keeps every entry of every channel and the census in its last plan: ``replan_every_entry``.

It only does so when that provably gives what ``plan_site`` would: no changed entry shares its id
with another copy (the winner of a shared id depends on every copy), no topic name is new (a new
topic, or a name merged into another, depends on which file comes first), no channel loses its
last entry, and every channel still knows at least the entries its feeds show. Otherwise it
returns None and the build plans from every index. Pure: values in, values out.
"""

from __future__ import annotations

import dataclasses
import os
from bisect import bisect_left
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds.config import Settings
from feeds.model import RelatedMode
from feeds.model import SkipCounts
from feeds.model import Topic
from feeds.plan.channels import ChannelRule
from feeds.plan.channels import channel_keys
from feeds.plan.channels import channel_rules
from feeds.plan.channels import planned_channel
from feeds.plan.pages import page_paths
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.plan.planner import entry_stubs
from feeds.source.summary import FILE_QUALITY
from feeds.source.summary import IS_DRAFT
from feeds.source.summary import ITEM
from feeds.source.summary import KEY
from feeds.source.summary import ORDER
from feeds.source.summary import PAGE
from feeds.source.summary import SOURCE
from feeds.source.summary import STUBS
from feeds.source.summary import TOPICS
from feeds.source.summary import FileIndex
from feeds.source.versions import Packed
from feeds.source.versions import check_packed

#: Entries a channel remembers beyond its feeds' ``max_items``: deleting a few leaves it enough.
SPARE = 50
#: More changed files than this: planning from every index is as quick, and simpler.
MAX_CHANGES = 100
#: One remembered entry of a channel: (order, key, source, item, slugs); sorts like references.
Head = tuple[float, bytes, str, int, tuple[str, ...]]
_KEY_SIZE = 16


@dataclass(frozen=True)
class Memo:
    """What a build planned, kept for the next one (``to_value``: plain values for ``marshal``)."""

    settings: str  #: ``repr`` of the settings it was planned with
    versions: Packed  #: every content file's version, in path order
    census: bytes  #: every candidate entry's key (16 bytes each), sorted, repeats included
    names: dict[str, str]  #: topic name as written → slug
    topics: dict[str, tuple[str, str, str, str]]  #: slug → the Topic's fields
    channels: list[tuple[str, int, list[Head]]]  #: (``PlannedChannel.key``, total, first entries)
    files: dict[str, FileIndex]  #: the files those entries come from
    skipped: tuple[int, int, int]  #: drafts, low quality, duplicates
    reports: dict[str, tuple[Any, Any]]  #: source → (error, warnings), for files with either
    pages: list[Head]  #: every article without a URL (``Plan.page_refs``); ``files`` has theirs too
    #: with archives: ``month_memo.MonthsMemo.to_value``, every channel's months and their entries
    months: tuple[Any, ...] | None = None

    def to_value(self) -> tuple[Any, ...]:
        return (
            self.settings, self.versions, self.census, self.names, self.topics,
            self.channels, self.files, self.skipped, self.reports, self.pages, self.months,
        )  # fmt: skip

    @classmethod
    def from_value(cls, value: Any) -> Memo | None:
        try:
            return cls(value[0], check_packed(value[1]), *value[2:11])
        except (TypeError, ValueError, IndexError):
            return None


def settings_key(settings: Settings) -> str:
    """``repr`` of ``settings`` with absolute folders: ``--output public`` and the config's
    ``output: ../public`` are one folder, and a build of either spelling may use the other's memo
    (a build after another spelling started cold: an outside probe)."""
    cache = settings.cache_dir
    return repr(
        dataclasses.replace(
            settings,
            content_dir=Path(os.path.abspath(settings.content_dir)),
            output_dir=Path(os.path.abspath(settings.output_dir)),
            cache_dir=None if cache is None else Path(os.path.abspath(cache)),
        )
    )


def memo_of(plan: Plan, settings: Settings, versions: Packed, reports: dict[str, Any]) -> Memo | None:
    """The memo of a plan made with ``census=True`` and ``spare=SPARE`` (or every entry: each
    channel then remembers as many as with ``spare``); None when topic names were merged (which
    file is first then matters)."""
    if plan.warnings:
        return None
    topics = {}
    channels = []
    files: dict[str, FileIndex] = {}
    for channel in plan.channels:
        if channel.topic is not None:
            topic = channel.topic
            topics[topic.slug] = (topic.slug, topic.name, topic.title, topic.description)
        head = []
        for ref in channel.refs[: channel.options.max_items + SPARE]:
            file = ref[REF_FILE]
            files[file[SOURCE]] = file
            slugs = tuple(topic.slug for topic in ref[REF_TOPICS])
            head.append((ref[0], ref[REF_KEY], file[SOURCE], ref[REF_STUB][ITEM], slugs))
        channels.append((channel.key, channel.total, head))
    pages = []
    for source, ref in plan.page_refs.items():
        files[source] = ref[REF_FILE]
        pages.append((ref[0], ref[REF_KEY], source, 0, tuple(topic.slug for topic in ref[REF_TOPICS])))
    skipped = plan.skipped
    return Memo(
        settings_key(settings), versions, plan.census, dict(plan.names), topics, channels, files,
        (skipped.drafts, skipped.low_quality, skipped.duplicates), reports, pages,
    )  # fmt: skip


def replan(
    memo: Memo,
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    settings: Settings,
) -> tuple[Plan, Memo] | None:
    """The plan ``plan_site`` would make once the files of ``before`` (their indexes in the memo's
    build, None if absent or broken) have become those of ``after``; None when that cannot be
    worked out from the memo (see the module's notes). The new memo keeps the old versions and has
    no reports: the caller replaces both."""
    census = bytearray(memo.census)
    rules = channel_rules(settings)
    found = _entry_changes(census, memo.skipped, before, after, settings, memo.names, rules)
    if found is None:
        return None
    out, put, skipped = found
    channels: dict[str, list[Any]] = {slug: [total, list(head)] for slug, total, head in memo.channels}
    for _, key, targets in out:
        for target in targets:
            channel = channels[target]
            channel[0] -= 1
            channel[1] = [head for head in channel[1] if head[1] != key]
    added: dict[str, FileIndex] = {}
    custom = {rule.stem: rule.options.max_items for rule in rules}
    limits = {**dict.fromkeys(channels, settings.max_items), **custom}  # what each channel shows
    for source, index, order, key, item, slugs, targets in put:
        added[source] = index
        for target in targets:
            if target not in channels:
                return None  # a topic that had no entries: a new channel
            _add(channels[target], (order, key, source, item, slugs), limits[target] + SPARE)
    for target, (total, head) in channels.items():
        if (total <= 0 and target not in custom) or len(head) < min(total, limits[target]):
            return None  # a topic's channel gone, or one that no longer knows what its feeds show
    pages = {head[2]: head for head in memo.pages if head[2] not in before}
    pages.update((head[2], head) for head in _page_heads(put))
    files = {**memo.files, **added}  # the heads no longer hold entries of the files before
    ordered: list[tuple[str, int, list[Head]]] = [
        (slug, channels[slug][0], channels[slug][1]) for slug, _, _ in memo.channels
    ]
    kept = {head[2]: files[head[2]] for _, _, heads in ordered for head in heads}
    kept.update((source, files[source]) for source in pages)
    updated = Memo(
        memo.settings, memo.versions, bytes(census), memo.names, memo.topics, ordered, kept, skipped, {},
        list(pages.values()), memo.months,
    )  # fmt: skip
    return _plan(updated, settings, rules), updated


def replan_every_entry(
    plan: Plan,
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    settings: Settings,
) -> Plan | None:
    """The web app's plan (every entry of every channel, with ``census``) once the files of
    ``before`` (their indexes in ``plan``'s build, None if absent or broken) have become those of
    ``after``: the changed files' references taken out of their channels and the new ones put in,
    where they sort. None in the cases ``replan`` cannot know either; then plan from every index.
    """
    if plan.warnings or not plan.census:
        return None
    census = bytearray(plan.census)
    counts = plan.skipped
    skipped = (counts.drafts, counts.low_quality, counts.duplicates)
    rules = channel_rules(settings)
    found = _entry_changes(census, skipped, before, after, settings, plan.names, rules)
    if found is None:
        return None
    out, put, skipped = found
    channels: dict[str, list[EntryRef]] = {channel.key: list(channel.refs) for channel in plan.channels}
    for order, key, targets in out:
        for target in targets:
            refs = channels.get(target)
            at = bisect_left(refs, (order, key)) if refs is not None else -1
            if refs is None or at >= len(refs) or refs[at][REF_KEY] != key:
                return None
            del refs[at]
    topics = {channel.topic.slug: channel.topic for channel in plan.channels if channel.topic}
    tuples: dict[tuple[str, ...], tuple[Topic, ...]] = {}
    page_refs = {source: ref for source, ref in plan.page_refs.items() if source not in before}
    for source, index, order, key, item, slugs, targets in put:
        if any(slug not in topics for slug in slugs):
            return None  # a topic that had no entries: a new channel
        entry_topics = tuples.get(slugs)
        if entry_topics is None:
            entry_topics = tuples[slugs] = tuple(topics[slug] for slug in slugs)
        ref = (order, key, index, index[STUBS][item], entry_topics)
        for target in targets:
            refs = channels[target]
            refs.insert(bisect_left(refs, (order, key)), ref)
        if item == 0 and index[PAGE] is not None:
            page_refs[source] = ref
    if any(not channels[channel.key] for channel in plan.channels if channel.custom is None):
        return None  # a topic's channel gone
    planned = tuple(
        dataclasses.replace(channel, refs=tuple(refs), total=len(refs))
        for channel, refs in zip(plan.channels, channels.values(), strict=True)
    )
    pages = page_paths((source, ref[REF_FILE][PAGE]) for source, ref in page_refs.items())
    return Plan(planned, SkipCounts(*skipped), (), plan.names, bytes(census), pages, page_refs)


#: An entry a changed file takes out of a plan: (order, key, the keys of its channels).
_Out = tuple[float, bytes, tuple[str, ...]]
#: An entry a changed file puts in: (source, index, order, key, item, topic slugs, channel keys).
_In = tuple[str, FileIndex, float, bytes, int, tuple[str, ...], tuple[str, ...]]
#: A file's entry: (order, key, item, topic slugs, the keys of its channels: ``channel_keys``).
_Entry = tuple[float, bytes, int, tuple[str, ...], tuple[str, ...]]


def _entry_changes(
    census: bytearray,
    skipped: tuple[int, int, int],
    before: Mapping[str, FileIndex | None],
    after: Mapping[str, FileIndex | None],
    settings: Settings,
    names: Mapping[str, str],
    rules: Sequence[ChannelRule],
) -> tuple[list[_Out], list[_In], tuple[int, int, int]] | None:
    """The entries the files of ``before`` take out and those of ``after`` put in, with
    ``census`` updated in place and the new skip counts (drafts, low quality, duplicates); None
    when the result depends on more than these files (see the module's notes)."""
    keys = _Keys(census)
    drafts, low_quality, duplicates = skipped
    out: list[_Out] = []
    for index in before.values():
        if index is None:
            continue
        entries = file_entries(index, settings, names, rules)
        if isinstance(entries, str):
            drafts -= entries == "draft"
            low_quality -= entries == "low"
            continue
        if entries is None:
            return None
        low_quality -= _dropped(index, entries, settings)
        for order, key, _, _, targets in entries:
            position = bisect_left(keys, key)
            if position >= len(keys) or keys[position] != key:
                return None  # the plan does not know this entry: not the build it came from
            if position + 1 < len(keys) and keys[position + 1] == key:
                return None  # a shared id: its winner depends on every copy
            del census[position * _KEY_SIZE : (position + 1) * _KEY_SIZE]
            out.append((order, key, targets))
    put: list[_In] = []
    for source, index in after.items():
        if index is None:
            continue
        entries = file_entries(index, settings, names, rules)
        if isinstance(entries, str):
            drafts += entries == "draft"
            low_quality += entries == "low"
            continue
        if entries is None:
            return None
        low_quality += _dropped(index, entries, settings)
        for order, key, item, slugs, targets in entries:
            position = bisect_left(keys, key)
            if position < len(keys) and keys[position] == key:
                return None  # shares its id with another copy
            census[position * _KEY_SIZE : position * _KEY_SIZE] = key
            put.append((source, index, order, key, item, slugs, targets))
    return out, put, (drafts, low_quality, duplicates)


def file_entries(
    index: FileIndex, settings: Settings, names: Mapping[str, str], rules: Sequence[ChannelRule]
) -> str | list[_Entry] | None:
    """A file's part in a plan: "draft", "low" (below min_quality), its candidate entries, or
    None when one of its topic names is new."""
    if index[IS_DRAFT] and not settings.include_drafts:
        return "draft"
    floor = settings.min_quality
    if floor is not None and index[FILE_QUALITY] is not None and index[FILE_QUALITY] < floor:
        return "low"
    if any(name not in names for name in index[TOPICS]):
        return None
    slugs = tuple(sorted({names[name] for name in index[TOPICS]}))
    stubs = entry_stubs([index], settings)[0]
    return [(stub[ORDER], stub[KEY], stub[ITEM], slugs, channel_keys(rules, slugs, stub)) for stub in stubs]


def _dropped(index: FileIndex, entries: list[Any], settings: Settings) -> int:
    """Related items of a kept file (whose ``entries`` those are) left out for their quality."""
    if settings.min_quality is None or settings.related is not RelatedMode.ENTRIES:
        return 0
    return len(index[STUBS]) - len(entries)


def _add(channel: list[Any], head: Head, size: int) -> None:
    """Count an entry into a channel, and remember it when it is among the first ``size``.

    The remembered entries are always exactly the channel's first ones: a new entry joins them
    when they are all of the channel's entries or when it sorts before the last of them.
    """
    total, heads = channel
    channel[0] = total + 1
    if len(heads) == total or (heads and head < heads[-1]):
        position = bisect_left(heads, head)
        heads.insert(position, head)
        del heads[size:]


def _page_heads(put: list[_In]) -> list[Head]:
    """The heads of the articles without a URL among the entries that changed files put in."""
    return [
        (order, key, source, 0, slugs)
        for source, index, order, key, item, slugs, _ in put
        if item == 0 and index[PAGE] is not None
    ]


def _plan(memo: Memo, settings: Settings, rules: Sequence[ChannelRule]) -> Plan:
    topics = {slug: Topic(*fields) for slug, fields in memo.topics.items()}
    tuples: dict[tuple[str, ...], tuple[Topic, ...]] = {}

    def refs_of(heads: list[Head]) -> list[EntryRef]:
        refs: list[EntryRef] = []
        for order, key, source, item, slugs in heads:
            entry_topics = tuples.get(slugs)
            if entry_topics is None:
                entry_topics = tuples[slugs] = tuple(topics[s] for s in slugs)
            file = memo.files[source]
            refs.append((order, key, file, file[STUBS][item], entry_topics))
        return refs

    customs = {rule.stem: rule for rule in rules}
    channels = [
        planned_channel(customs.get(slug) or topics.get(slug), tuple(refs_of(heads)), total, settings)
        for slug, total, heads in memo.channels
    ]
    drafts, low_quality, duplicates = memo.skipped
    page_refs = {ref[REF_FILE][SOURCE]: ref for ref in refs_of(memo.pages)}
    pages = page_paths((source, ref[REF_FILE][PAGE]) for source, ref in page_refs.items())
    return Plan(
        tuple(channels), SkipCounts(drafts, low_quality, duplicates), (), memo.names, memo.census, pages,
        page_refs,
    )  # fmt: skip


class _Keys(Sequence[bytes]):
    """A sorted run of 16-byte keys as a sequence, for ``bisect``, without a bytes object per key."""

    def __init__(self, data: bytearray) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data) // _KEY_SIZE

    def __getitem__(self, position: int) -> bytes:  # type: ignore[override]
        return bytes(self.data[position * _KEY_SIZE : (position + 1) * _KEY_SIZE])
