"""Convert: articles → de-duplicated entries, grouped into the ``all`` and per-topic channels.

Two steps. ``plan_site`` decides everything from the small per-file indexes: drafts, quality, which
copy of a duplicate wins, topics, order. ``materialize`` then builds full entries only for what
reaches a feed. Pure: takes values, returns values; no files, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .config import Settings
from .index import FileIndex
from .index import Stub
from .index import index_article
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


class EntryRef(NamedTuple):
    """An entry before it is built: what sorting, grouping and filtering need.

    Tuples sort newest first, then by id, so the order never depends on file order.
    """

    order: float  #: minus the published timestamp
    key: str  #: the entry id
    file: FileIndex  #: the winning copy's file
    stub: Stub  #: the winning copy
    topics: tuple[Topic, ...]  #: every copy's topics, sorted by slug


@dataclass(frozen=True)
class PlannedChannel:
    """A channel whose entries are still references."""

    stem: str
    title: str
    description: str
    refs: tuple[EntryRef, ...]  #: every entry, newest first
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


class _Group:
    """The copies of one entry seen so far: the winner, and every copy's topics."""

    __slots__ = ("file", "stub", "topics")

    def __init__(self, file: FileIndex, stub: Stub, topics: set[Topic]) -> None:
        self.file, self.stub, self.topics = file, stub, set(topics)


def plan_site(files: Sequence[FileIndex], settings: Settings) -> Plan:
    """Drafts and quality, de-duplication, topics and order, for files in sorted path order."""
    topics = _TopicIndex(settings)
    related_entries = settings.related is RelatedMode.ENTRIES
    drafts = low_quality = candidates = 0
    groups: dict[str, _Group] = {}  # first-seen order is path order
    for file in files:
        if file.is_draft and not settings.include_drafts:
            drafts += 1
            continue
        if _below(file.quality, settings):
            low_quality += 1
            continue
        file_topics = {topics.resolve(name, file.source) for name in file.topics}
        for stub in file.stubs if related_entries else file.stubs[:1]:
            if stub.item and _below(stub.quality, settings):
                low_quality += 1
                continue
            candidates += 1
            group = groups.get(stub.key)
            if group is None:
                groups[stub.key] = _Group(file, stub, file_topics)
                continue
            # An article beats a related item with the same URL; otherwise the first file wins.
            if group.stub.item and not stub.item:
                group.file, group.stub = file, stub
            group.topics |= file_topics
    refs = sorted(
        EntryRef(-g.stub.timestamp, key, g.file, g.stub, tuple(sorted(g.topics, key=_slug)))
        for key, g in groups.items()
    )
    members: dict[Topic, list[EntryRef]] = {}
    for ref in refs:
        for topic in ref.topics:
            members.setdefault(topic, []).append(ref)
    channels = [PlannedChannel("all", settings.site.title, settings.site.description, tuple(refs))]
    for topic in sorted(members, key=_slug):
        stem = f"topics/{topic.slug}"
        channels.append(PlannedChannel(stem, topic.title, topic.description, tuple(members[topic]), topic))
    skipped = SkipCounts(drafts=drafts, low_quality=low_quality, duplicates=candidates - len(refs))
    return Plan(tuple(channels), skipped, tuple(topics.warnings))


def materialize(plan: Plan, articles: Mapping[str, Article], settings: Settings) -> Site:
    """The site with full entries for what reaches a feed; ``articles`` must hold their files."""
    built: dict[str, Entry] = {}
    channels = []
    for planned in plan.channels:
        entries = []
        for ref in planned.refs[: settings.max_items]:
            entry = built.get(ref.key)
            if entry is None:
                entry = built[ref.key] = build_entry(ref, articles[ref.file.source], settings)
            entries.append(entry)
        channels.append(
            Channel(
                stem=planned.stem,
                title=planned.title,
                description=planned.description,
                entries=tuple(entries),
                total=len(planned.refs),
                topic=planned.topic,
                refs=planned.refs,
            )
        )
    return Site(channels=tuple(channels), skipped=plan.skipped, warnings=plan.warnings)


def needed_sources(refs: Iterable[EntryRef]) -> set[str]:
    """The files ``build_entry`` needs for these references."""
    return {ref.file.source for ref in refs}


def build_entry(ref: EntryRef, article: Article, settings: Settings) -> Entry:
    """The full entry for a reference: the article itself, or its related item ``ref.stub.item``."""
    if ref.stub.item == 0:
        related = () if settings.related is RelatedMode.OFF else article.related
        return Entry(
            id=ref.key,
            title=article.title,
            published=article.published,
            source=article.source,
            url=article.url,
            summary=article.excerpt,
            body=article.body,
            body_format=article.body_format,
            provider=article.provider,
            topics=ref.topics,
            category=article.category,
            image=_best_image(article.images),
            quality=article.quality,
            related=tuple(Link(r.url, r.title, r.provider.name if r.provider else None) for r in related),
        )
    item = article.related[ref.stub.item - 1]
    via = (
        Link(article.url, article.title, article.provider.name if article.provider else None)
        if article.url
        else None
    )
    return Entry(
        id=ref.key,
        title=item.title,
        published=item.published or article.published,
        source=f"{article.source}#related-{ref.stub.item}",
        url=item.url,
        summary=item.excerpt,
        body_format=BodyFormat.TEXT,
        provider=item.provider,
        topics=ref.topics,
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
