"""Planning: which entries each channel holds, in what order, decided from the per-file summaries.

``plan_site`` decides everything from the small per-file indexes: drafts, quality, which copy of a
duplicate wins, topics, order, the pages of articles without a URL. ``entries.materialize`` then
builds full entries only for what reaches a document. Pure: takes values, returns values; no files,
no clock.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from itertools import accumulate
from itertools import chain
from itertools import compress
from itertools import islice
from itertools import repeat
from operator import itemgetter
from typing import Any
from typing import Final

from feeds.config import Settings
from feeds.model import RelatedMode
from feeds.model import SkipCounts
from feeds.model import Topic
from feeds.plan.channels import ChannelRule
from feeds.plan.channels import PlannedChannel
from feeds.plan.channels import channel_rules
from feeds.plan.channels import planned_channel
from feeds.plan.pages import page_paths
from feeds.plan.topics import TopicIndex
from feeds.source.summary import FILE_QUALITY
from feeds.source.summary import IS_DRAFT
from feeds.source.summary import ITEM
from feeds.source.summary import KEY
from feeds.source.summary import ORDER
from feeds.source.summary import PAGE
from feeds.source.summary import QUALITY
from feeds.source.summary import SOURCE
from feeds.source.summary import STUBS
from feeds.source.summary import TOPICS
from feeds.source.summary import FileIndex
from feeds.source.summary import Stub

#: An entry before it is built: (order, key, file, stub, topics), where order is minus the
#: published timestamp, key the entry's ``index.entry_key``, file and stub the winning copy's, and
#: topics every copy's topics sorted by slug. These tuples sort newest first, then by key, so the
#: order never depends on file order. Plain tuples, like the indexes: there is one per entry of the
#: site.
EntryRef = tuple[float, bytes, FileIndex, Stub, tuple[Topic, ...]]
REF_KEY: Final = 1
REF_FILE: Final = 2
REF_STUB: Final = 3
REF_TOPICS: Final = 4


@dataclass(frozen=True)
class Plan:
    """What every feed will hold, decided from the file indexes alone."""

    channels: tuple[PlannedChannel, ...]  #: ``all``, one per topic by slug, one per custom channel
    skipped: SkipCounts
    warnings: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)  #: every topic name as written → its slug
    census: bytes = b""  #: with ``census``: every candidate entry's key, sorted, repeats included
    #: every article without a URL, by source: its page's path (``pages.page_paths``)
    pages: Mapping[str, str] = field(default_factory=dict)
    page_refs: Mapping[str, EntryRef] = field(default_factory=dict)  #: the same articles' references
    #: each channel's archive months (``plan.archives.ArchiveMonth``) by stem, when a replan knows
    #: them; otherwise they are made from every reference of the channels
    months: Mapping[str, Sequence[Any]] | None = None


def plan_site(
    files: Sequence[FileIndex],
    settings: Settings,
    every_entry: bool = True,
    previous: Sequence[EntryRef] = (),
    spare: int = 0,
    census: bool = False,
) -> Plan:
    """Drafts and quality, de-duplication, topics and order, for files in sorted path order.

    Without ``every_entry``, channels keep only the references to their first ``max_items`` +
    ``spare`` entries (what a build renders, and a few more for ``replan``), and only those are
    made; the web app's filters need them all. With ``census``, the plan carries every candidate
    key (for ``replan``). Custom channels come last, each with the entries it takes.

    ``previous`` is every reference of the last plan (the web app's); a reference that would
    come out the same is taken from it rather than made again. After one edit a server then
    makes a few new references instead of 270,000, and its heap does not fragment with each
    rebuild.

    Written for speed, because it runs over every entry of the site on every build: Python loops
    run once per file, per set of topics or per shared id, and the work per entry is done by C
    loops (``map``, ``compress``, ``chain``, ``sorted``) over stubs, which sort like entries.
    Files are grouped by their set of topics, because all their entries belong to the same
    channels, except the few ids that several copies share, which are settled apart.
    """
    topics = TopicIndex(settings)
    rules = channel_rules(settings)
    kept, skipped = _kept_files(files, settings)
    names_of, slug_sets = _slug_sets(kept, topics)
    stubs_of = entry_stubs(kept, settings)
    if settings.min_quality is not None and settings.related is RelatedMode.ENTRIES:
        skipped["low_quality"] += sum(map(len, map(_STUBS, kept))) - sum(map(len, stubs_of))
    candidates = _Candidates(kept, stubs_of)
    winners = candidates.settle_shared(slug_sets)
    groups = _groups(kept, candidates.stubs_of, map(slug_sets.__getitem__, names_of), winners)
    make = _References(topics.by_slug, previous)
    if every_entry:
        picked = _every_reference(groups, make, sorted(topics.by_slug), rules)
    else:
        picked = _first_references(groups, make, spare, candidates, slug_sets, winners, rules, settings)
    channels = _channels(picked, settings)
    skipped["duplicates"] = len(candidates.keys) - picked[0][2]
    names = {name: topic.slug for name, topic in topics.by_name.items()}
    every_key = b"".join(sorted(candidates.keys)) if census else b""
    # Every article without a URL gets a page, shown in a feed or not: filtered feeds can show any.
    page_refs = {
        file[SOURCE]: make.ref(file[STUBS][0], file, make.topics(slug_sets[file[TOPICS]]))
        for file in compress(kept, map(_PAGE, kept))
    }
    pages = page_paths((source, ref[REF_FILE][PAGE]) for source, ref in page_refs.items())
    return Plan(channels, SkipCounts(**skipped), tuple(topics.warnings), names, every_key, pages, page_refs)


#: Per set of topic slugs, its files and their candidate stubs.
_Groups = dict[frozenset[str], tuple[list[FileIndex], list[tuple[Stub, ...]]]]
#: A channel picked: its topic or custom channel (None for ``all``), its references, its total.
_Picked = list[tuple["Topic | ChannelRule | None", list[Any], int]]
#: A shared id's winning copy: [file, stub, slugs of every copy].
_Winner = list[Any]


def _kept_files(files: Sequence[FileIndex], settings: Settings) -> tuple[list[FileIndex], dict[str, int]]:
    """The files that are neither drafts (unless included) nor below ``min_quality``, and the
    counts of those left out."""
    floor = settings.min_quality
    kept = list(files) if settings.include_drafts else [file for file in files if not file[IS_DRAFT]]
    skipped = {"drafts": len(files) - len(kept), "low_quality": 0}
    if floor is not None:
        good = [file for file in kept if file[FILE_QUALITY] is None or file[FILE_QUALITY] >= floor]
        skipped["low_quality"], kept = len(kept) - len(good), good
    return kept, skipped


def _slug_sets(
    kept: list[FileIndex], topics: TopicIndex
) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], frozenset[str]]]:
    """Each file's topic names, and each distinct list of names → its set of slugs.

    Resolved once per distinct list of names, in the order files first use them (which decides
    the name a merged topic keeps; its warning names the first such file).
    """
    names_of = list(map(_NAMES, kept))
    distinct = dict.fromkeys(names_of)

    def first_with(name: str) -> Callable[[], str]:
        return lambda: next(file[SOURCE] for file in kept if name in file[TOPICS])

    slug_of = {
        name: topics.resolve(name, first_with(name)).slug
        for name in dict.fromkeys(chain.from_iterable(distinct))
    }
    return names_of, {names: frozenset(map(slug_of.__getitem__, names)) for names in distinct}


class _Candidates:
    """Every candidate stub of the kept files, flat, with its key and the file it came from."""

    def __init__(self, kept: list[FileIndex], stubs_of: list[tuple[Stub, ...]]) -> None:
        self.kept = kept
        self.stubs_of = stubs_of
        self.flat = list(chain.from_iterable(stubs_of))
        self.keys = list(map(_KEY, self.flat))
        self.ends = list(accumulate(map(len, stubs_of)))  # where each file's stubs end in ``flat``

    def file_at(self, position: int) -> FileIndex:
        return self.kept[bisect_right(self.ends, position)]

    def settle_shared(self, slug_sets: Mapping[tuple[str, ...], frozenset[str]]) -> dict[bytes, _Winner]:
        """The entry of each id that several copies share, taken out of its files' stubs.

        An article beats a related item, then the first file in path order wins; the entry
        belongs to every copy's topics.
        """
        shared = _repeated(self.keys)
        winners: dict[bytes, _Winner] = {}
        if not shared:
            return winners
        for position in compress(range(len(self.keys)), map(shared.__contains__, self.keys)):
            number = bisect_right(self.ends, position)
            file, stub = self.kept[number], self.flat[position]
            self.stubs_of[number] = tuple(s for s in self.stubs_of[number] if s[KEY] not in shared)
            winner = winners.get(stub[KEY])
            if winner is None:
                winners[stub[KEY]] = [file, stub, slug_sets[file[TOPICS]]]
                continue
            if winner[1][ITEM] and not stub[ITEM]:
                winner[0], winner[1] = file, stub
            winner[2] = winner[2] | slug_sets[file[TOPICS]]
        return winners


def _groups(
    kept: list[FileIndex],
    stubs_of: list[tuple[Stub, ...]],
    slugs_of_files: Iterable[frozenset[str]],
    winners: Mapping[bytes, _Winner],
) -> _Groups:
    """Each entry once, under the set of slugs it belongs to (its file's, unless its id is shared)."""
    groups: _Groups = defaultdict(lambda: ([], []))
    for slugs, file, stubs in zip(slugs_of_files, kept, stubs_of, strict=True):
        group = groups[slugs]
        group[0].append(file)
        group[1].append(stubs)
    for file, stub, slugs in winners.values():
        groups[slugs][0].append(file)
        groups[slugs][1].append((stub,))
    return groups


def _first_references(
    groups: _Groups,
    make: _References,
    spare: int,
    candidates: _Candidates,
    slug_sets: Mapping[tuple[str, ...], frozenset[str]],
    winners: Mapping[bytes, _Winner],
    rules: Sequence[ChannelRule],
    settings: Settings,
) -> _Picked:
    """Every channel with references to its first ``max_items`` + ``spare`` entries only, and
    its total."""
    by_slug = make.by_slug
    # Each group's stubs sorted (in C): a channel's first entries are a short merge of them.
    members = [(slugs, sorted(chain.from_iterable(group[1]))) for slugs, group in groups.items()]
    # Each topic's groups, found once: looking through every group for each topic took seconds at
    # thousands of topics, where nearly every file has a set of topics of its own.
    lists_of: dict[str, list[list[Stub]]] = defaultdict(list)
    for slugs, stubs in members:
        for slug in slugs:
            lists_of[slug].append(stubs)
    picked: _Picked = []
    for topic in (None, *(by_slug[slug] for slug in sorted(by_slug))):
        lists = [stubs for _, stubs in members] if topic is None else lists_of.get(topic.slug, [])
        first = list(islice(heapq.merge(*lists), settings.max_items + spare))
        picked.append((topic, first, sum(map(len, lists))))
    for rule in rules:
        lists = [rule.stubs(stubs) for slugs, stubs in members if rule.takes_topics(slugs)]
        first = list(islice(heapq.merge(*lists), rule.options.max_items + spare))
        picked.append((rule, first, sum(map(len, lists))))
    # References for the stubs picked, only.
    wanted = {stub[KEY] for _, stubs, _ in picked for stub in stubs}
    ref_of: dict[bytes, EntryRef] = {}
    keys = candidates.keys
    for position in compress(range(len(keys)), map(wanted.__contains__, keys)):
        file, stub = candidates.file_at(position), candidates.flat[position]
        ref_of[stub[KEY]] = make.ref(stub, file, make.topics(slug_sets[file[TOPICS]]))
    for key, (file, stub, slugs) in winners.items():
        if key in wanted:
            ref_of[key] = make.ref(stub, file, make.topics(slugs))
    return [(topic, list(map(ref_of.__getitem__, map(_KEY, stubs))), n) for topic, stubs, n in picked]


def _channels(picked: _Picked, settings: Settings) -> tuple[PlannedChannel, ...]:
    """``all``, then each topic that has entries, then every custom channel."""
    return tuple(
        planned_channel(key, tuple(refs), total, settings)
        for key, refs, total in picked
        if total or not isinstance(key, Topic)
    )


_NAMES = itemgetter(TOPICS)
_PAGE = itemgetter(PAGE)
_STUBS = itemgetter(STUBS)
_ORDER = itemgetter(ORDER)
_KEY = itemgetter(KEY)
_REF_KEY = itemgetter(REF_KEY)


def entry_stubs(files: list[FileIndex], settings: Settings) -> list[tuple[Stub, ...]]:
    """Per file, the stubs that are candidate entries: the article, and its related items when
    they are entries and not below ``min_quality``."""
    if settings.related is not RelatedMode.ENTRIES:
        return [stubs[:1] for stubs in map(_STUBS, files)]
    if settings.min_quality is None:
        return list(map(_STUBS, files))
    return [
        tuple(stub for stub in stubs if not (stub[ITEM] and _below(stub[QUALITY], settings)))
        for stubs in map(_STUBS, files)
    ]


def _repeated(keys: list[bytes]) -> set[bytes]:
    """The keys that occur more than once."""
    seen: set[bytes] = set()
    see = seen.add
    return {key for key in keys if key in seen or see(key)}


def _every_reference(
    groups: _Groups,
    make: _References,
    slugs: list[str],
    rules: Sequence[ChannelRule],
) -> _Picked:
    """Every channel with every reference, in order: all of them sorted once, then dealt out to
    their topics' channels (cheaper than sorting each channel), then picked by each custom
    channel."""
    everything = sorted(chain.from_iterable(make.refs(*group, make.topics(s)) for s, group in groups.items()))
    members: dict[str, list[EntryRef]] = {slug: [] for slug in slugs}
    custom: list[list[EntryRef]] = [[] for _ in rules]
    # Per topics tuple (one per set of slugs): its topics' channels, and the custom channels whose
    # topic conditions it meets (their other conditions are the stub's).
    targets: dict[int, tuple[list[list[EntryRef]], list[tuple[ChannelRule, list[EntryRef]]]]] = {}
    for ref in everything:
        found = targets.get(id(ref[REF_TOPICS]))
        if found is None:
            slugs_of = {topic.slug for topic in ref[REF_TOPICS]}
            found = targets[id(ref[REF_TOPICS])] = (
                [members[slug] for slug in slugs_of],
                [
                    (rule, refs)
                    for rule, refs in zip(rules, custom, strict=True)
                    if rule.takes_topics(slugs_of)
                ],
            )
        for channel in found[0]:
            channel.append(ref)
        for rule, channel in found[1]:
            if rule.takes_stub(ref[REF_STUB]):
                channel.append(ref)
    topics = make.by_slug
    picked: _Picked = [(None, everything, len(everything))]
    picked.extend((topics[slug], refs, len(refs)) for slug, refs in members.items())
    picked.extend((rule, refs, len(refs)) for rule, refs in zip(rules, custom, strict=True))
    return picked


class _References:
    """Makes a plan's references, with one topics tuple per set of slugs; given the last plan's
    references, takes each from there when it would come out the same."""

    def __init__(self, by_slug: Mapping[str, Topic], previous: Sequence[EntryRef]) -> None:
        self.by_slug = by_slug
        self.old_sets = {
            frozenset(topic.slug for topic in old): old
            for old in {id(ref[REF_TOPICS]): ref[REF_TOPICS] for ref in previous}.values()
        }
        self.old_ref = dict(zip(map(_REF_KEY, previous), previous, strict=True)).get if previous else None
        self.ordered: dict[frozenset[str], tuple[Topic, ...]] = {}

    def topics(self, slugs: frozenset[str]) -> tuple[Topic, ...]:
        entry_topics = self.ordered.get(slugs)
        if entry_topics is None:
            entry_topics = tuple(self.by_slug[slug] for slug in sorted(slugs))
            if self.old_sets.get(slugs) == entry_topics:
                entry_topics = self.old_sets[slugs]  # the same topics: the old tuple, so refs match
            self.ordered[slugs] = entry_topics
        return entry_topics

    def refs(
        self, files: list[FileIndex], stubs_of: list[tuple[Stub, ...]], topics: tuple[Topic, ...]
    ) -> list[EntryRef]:
        """References for the stubs of ``files``, all in ``topics``."""
        owners = chain.from_iterable(map(repeat, files, map(len, stubs_of)))
        stubs = list(chain.from_iterable(stubs_of))
        if self.old_ref is None:  # made in C
            return list(zip(map(_ORDER, stubs), map(_KEY, stubs), owners, stubs, repeat(topics)))  # noqa: B905
        return list(map(self.ref, stubs, owners, repeat(topics)))

    def ref(self, stub: Stub, file: FileIndex, topics: tuple[Topic, ...]) -> EntryRef:
        old: EntryRef | None = None if self.old_ref is None else self.old_ref(stub[KEY])
        if old is not None and old[REF_STUB] is stub and old[REF_FILE] is file and old[REF_TOPICS] is topics:
            return old
        return (stub[ORDER], stub[KEY], file, stub, topics)


def _below(quality: float | None, settings: Settings) -> bool:
    return settings.min_quality is not None and quality is not None and quality < settings.min_quality
