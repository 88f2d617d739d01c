"""Convert: articles → de-duplicated entries, grouped into the ``all`` and per-topic channels.

Two steps. ``plan_site`` decides everything from the small per-file indexes: drafts, quality, which
copy of a duplicate wins, topics, order. ``materialize`` then builds full entries only for what
reaches a feed. Pure: takes values, returns values; no files, no clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Final

from .config import Settings
from .index import FILE_QUALITY
from .index import IS_DRAFT
from .index import ITEM
from .index import KEY
from .index import QUALITY
from .index import SOURCE
from .index import STUBS
from .index import TIMESTAMP
from .index import TOPICS
from .index import FileIndex
from .index import Stub
from .index import article_id
from .index import index_article
from .index import related_id
from .model import Article
from .model import BodyFormat
from .model import Channel
from .model import Entry
from .model import Image
from .model import Link
from .model import RelatedMode
from .model import Site
from .model import SkipCounts
from .model import Topic
from .text import slugify

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
class PlannedChannel:
    """A channel whose entries are still references."""

    stem: str
    title: str
    description: str
    refs: tuple[EntryRef, ...]  #: newest first: every entry, or only the first ``max_items``
    total: int  #: every entry
    topic: Topic | None = None


@dataclass(frozen=True)
class Plan:
    """What every feed will hold, decided from the file indexes alone."""

    channels: tuple[PlannedChannel, ...]  #: ``all`` first, then one per topic by slug
    skipped: SkipCounts
    warnings: tuple[str, ...]


def convert(articles: Sequence[Article], settings: Settings) -> Site:
    """Build every channel from the loaded articles (given in sorted path order)."""
    plan = plan_site([index_article(a, "") for a in articles], settings)
    return materialize(plan, {a.source: a for a in articles}, settings)


def plan_site(
    files: Sequence[FileIndex],
    settings: Settings,
    every_entry: bool = True,
    previous: Sequence[EntryRef] = (),
) -> Plan:
    """Drafts and quality, de-duplication, topics and order, for files in sorted path order.

    Without ``every_entry``, channels keep only the references to their first ``max_items``
    entries (what a build renders), picked without sorting all of them; the web app's filters
    need them all. Written for speed (it runs over every entry of the site on every build):
    topics are handled by slug, and sets of slugs are sorted once per distinct set.

    ``previous`` is every reference of the last plan (the web app's); a reference that would
    come out the same is taken from it rather than made again. After one edit a server then
    makes a few new references instead of 270,000, and its heap does not fragment with each
    rebuild.
    """
    topics = _TopicIndex(settings)
    related_entries = settings.related is RelatedMode.ENTRIES
    include_drafts = settings.include_drafts
    floor = settings.min_quality
    drafts = low_quality = candidates = 0
    # key → [winning file, winning stub, every copy's topic slugs]; first-seen order is path order.
    groups: dict[bytes, list[Any]] = {}
    find = groups.get
    slug_sets: dict[tuple[str, ...], frozenset[str]] = {}  # names as written → slugs, once per set
    for file in files:
        if file[IS_DRAFT] and not include_drafts:
            drafts += 1
            continue
        quality = file[FILE_QUALITY]
        if floor is not None and quality is not None and quality < floor:
            low_quality += 1
            continue
        names = file[TOPICS]
        slugs = slug_sets.get(names)
        if slugs is None:
            slugs = slug_sets[names] = frozenset(topics.resolve(name, file[SOURCE]).slug for name in names)
        for stub in file[STUBS] if related_entries else file[STUBS][:1]:
            item = stub[ITEM]
            if item and floor is not None and stub[QUALITY] is not None and stub[QUALITY] < floor:
                low_quality += 1
                continue
            candidates += 1
            key = stub[KEY]
            group = find(key)
            if group is None:
                groups[key] = [file, stub, slugs]
                continue
            # An article beats a related item with the same URL; otherwise the first file wins.
            if group[1][ITEM] and not item:
                group[0], group[1] = file, stub
            if not slugs <= group[2]:
                group[2] = group[2] | slugs
    by_slug = topics.by_slug
    ordered: dict[frozenset[str], tuple[Topic, ...]] = {}  # few distinct sets: sort each once
    old_sets = {
        frozenset(topic.slug for topic in old): old
        for old in {id(ref[REF_TOPICS]): ref[REF_TOPICS] for ref in previous}.values()
    }
    old_ref = {ref[REF_KEY]: ref for ref in previous}.get
    refs: list[EntryRef] = []
    for key, (file, stub, slugs) in groups.items():
        entry_topics = ordered.get(slugs)
        if entry_topics is None:
            entry_topics = tuple(by_slug[slug] for slug in sorted(slugs))
            if old_sets.get(slugs) == entry_topics:
                entry_topics = old_sets[slugs]  # the same topics: the old tuple, so refs can match
            ordered[slugs] = entry_topics
        old = old_ref(key)
        if (
            old is not None
            and old[REF_STUB] is stub
            and old[REF_FILE] is file
            and old[REF_TOPICS] is entry_topics
        ):
            refs.append(old)
        else:
            refs.append((-stub[TIMESTAMP], key, file, stub, entry_topics))
    members: dict[str, list[EntryRef]] = {slug: [] for slug in sorted(by_slug)}
    # Each distinct topic tuple's member lists, found once (by identity: one tuple per set above).
    targets = {id(t): [members[topic.slug] for topic in t] for t in ordered.values()}
    for ref in refs:
        for target in targets[id(ref[REF_TOPICS])]:
            target.append(ref)

    def first(entries: list[EntryRef]) -> tuple[EntryRef, ...]:
        if every_entry:
            entries.sort()
            return tuple(entries)
        return tuple(heapq.nsmallest(settings.max_items, entries))  # the same as sorting and cutting

    site = settings.site
    channels = [PlannedChannel("all", site.title, site.description, first(refs), len(refs))]
    for slug, topic_refs in members.items():
        if topic_refs:
            topic = by_slug[slug]
            channels.append(
                PlannedChannel(
                    topic.stem, topic.title, topic.description, first(topic_refs), len(topic_refs), topic
                )
            )
    skipped = SkipCounts(drafts=drafts, low_quality=low_quality, duplicates=candidates - len(refs))
    return Plan(tuple(channels), skipped, tuple(topics.warnings))


def materialize(
    plan: Plan, articles: Mapping[str, Article], settings: Settings, counts: Mapping[str, int] | None = None
) -> Site:
    """The site with full entries for what reaches a feed; ``articles`` must hold their files.

    ``counts`` (channel stem → number) builds fewer than ``max_items`` entries for channels whose
    feeds need not be rendered again.
    """
    built: dict[bytes, Entry] = {}
    channels = []
    for planned in plan.channels:
        entries = []
        count = settings.max_items if counts is None else counts[planned.stem]
        for ref in planned.refs[:count]:
            entry = built.get(ref[REF_KEY])
            if entry is None:
                entry = built[ref[REF_KEY]] = build_entry(ref, articles[ref[REF_FILE][SOURCE]], settings)
            entries.append(entry)
        channels.append(
            Channel(
                stem=planned.stem,
                title=planned.title,
                description=planned.description,
                entries=tuple(entries),
                total=planned.total,
                topic=planned.topic,
                refs=planned.refs,
            )
        )
    return Site(channels=tuple(channels), skipped=plan.skipped, warnings=plan.warnings)


def build_entry(ref: EntryRef, article: Article, settings: Settings) -> Entry:
    """The full entry for a reference: the article itself, or one of its related items."""
    item_number, topics = ref[REF_STUB][ITEM], ref[REF_TOPICS]
    if item_number == 0:
        related = () if settings.related is RelatedMode.OFF else article.related
        return Entry(
            id=article_id(article),
            title=article.title,
            published=article.published,
            source=article.source,
            url=article.url,
            summary=article.excerpt,
            body=article.body,
            body_format=article.body_format,
            provider=article.provider,
            topics=topics,
            category=article.category,
            image=_best_image(article.images),
            quality=article.quality,
            related=tuple(Link(r.url, r.title, r.provider.name if r.provider else None) for r in related),
        )
    item = article.related[item_number - 1]
    via = (
        Link(article.url, article.title, article.provider.name if article.provider else None)
        if article.url
        else None
    )
    return Entry(
        id=related_id(item),
        title=item.title,
        published=item.published or article.published,
        source=f"{article.source}#related-{item_number}",
        url=item.url,
        summary=item.excerpt,
        body_format=BodyFormat.TEXT,
        provider=item.provider,
        topics=topics,
        image=_best_image(item.images),
        via=via,
        quality=item.quality,
    )


def _slug(topic: Topic) -> str:
    return topic.slug


def _below(quality: float | None, settings: Settings) -> bool:
    return settings.min_quality is not None and quality is not None and quality < settings.min_quality


class _TopicIndex:
    """Names as written → Topic, applying config renames and merging names that share a slug."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.by_slug: dict[str, Topic] = {}
        self.by_name: dict[str, Topic] = {}
        self.warnings: list[str] = []

    def resolve(self, name: str, source: str) -> Topic:
        topic = self.by_name.get(name)
        if topic is None:
            options = self.settings.topics.get(name)
            final = options.rename if options is not None and options.rename else name
            slug = slugify(final)
            topic = self.by_slug.get(slug)
            if topic is None:
                topic = self._new(final, slug)
                self.by_slug[slug] = topic
            elif topic.name != final:
                self.warnings.append(
                    f"{source}: topic {final!r} has the same slug {slug!r} as {topic.name!r}; "
                    f"merged into {topic.name!r}"
                )
            self.by_name[name] = topic
        return topic

    def _new(self, name: str, slug: str) -> Topic:
        options = self.settings.topics.get(name)
        return Topic(
            slug=slug,
            name=name,
            title=(options.title if options and options.title else f"{self.settings.site.title}: {name}"),
            description=(
                options.description if options and options.description else f"Latest articles about {name}"
            ),
        )


def _best_image(images: Sequence[Image]) -> Image | None:
    """The largest image by area; the first one wins ties (and when sizes are unknown)."""
    best = None
    for image in images:
        if best is None or image.area > best.area:
            best = image
    return best
