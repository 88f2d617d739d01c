"""Convert: articles → de-duplicated entries, grouped into the ``all`` and per-topic channels.

Pure: takes values, returns values; no files, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from .config import Settings
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
from .text import canonical_url
from .text import path_id
from .text import slugify


def convert(articles: Sequence[Article], settings: Settings) -> Site:
    """Build every channel from the loaded articles (given in sorted path order)."""
    kept, skipped = _select(articles, settings)
    topics = _TopicIndex(settings)
    candidates = [c for article in kept for c in _candidates(article, settings, topics)]
    entries, duplicates = _deduplicate(candidates)
    low_quality_related = sum(
        1
        for article in kept
        if settings.related is RelatedMode.ENTRIES
        for item in article.related
        if _below(item.quality, settings)
    )
    skipped = dataclasses.replace(
        skipped, low_quality=skipped.low_quality + low_quality_related, duplicates=duplicates
    )
    channels = [_channel("all", settings.site.title, settings.site.description, entries, settings)]
    members: dict[Topic, list[Entry]] = {}
    for entry in entries:
        for topic in entry.topics:
            members.setdefault(topic, []).append(entry)
    for topic in sorted(members, key=lambda t: t.slug):
        channels.append(
            _channel(f"topics/{topic.slug}", topic.title, topic.description, members[topic], settings, topic)
        )
    return Site(channels=tuple(channels), skipped=skipped, warnings=tuple(topics.warnings))


def sort_key(entry: Entry) -> tuple[float, str]:
    """Newest first; the id breaks ties so the order never depends on file order."""
    return (-entry.published.timestamp(), entry.id)


def _select(articles: Iterable[Article], settings: Settings) -> tuple[list[Article], SkipCounts]:
    kept, drafts, low = [], 0, 0
    for article in articles:
        if article.is_draft and not settings.include_drafts:
            drafts += 1
        elif _below(article.quality, settings):
            low += 1
        else:
            kept.append(article)
    return kept, SkipCounts(drafts=drafts, low_quality=low)


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


@dataclass(frozen=True)
class _Candidate:
    """An entry before de-duplication, with what decides which copy wins."""

    key: str  #: canonical URL or path id
    is_related: bool  #: a related item loses to an article with the same key
    entry: Entry


def _candidates(article: Article, settings: Settings, topics: _TopicIndex) -> list[_Candidate]:
    article_topics = tuple(
        sorted({topics.resolve(n, article.source) for n in article.topics}, key=lambda t: t.slug)
    )
    related = () if settings.related is RelatedMode.OFF else article.related
    key = canonical_url(article.url) if article.url else path_id(article.source)
    parent = Entry(
        id=key,
        title=article.title,
        published=article.published,
        source=article.source,
        url=article.url,
        summary=article.excerpt,
        body=article.body,
        body_format=article.body_format,
        provider=article.provider,
        topics=article_topics,
        category=article.category,
        image=_best_image(article.images),
        quality=article.quality,
        related=tuple(Link(r.url, r.title, r.provider.name if r.provider else None) for r in related),
    )
    found = [_Candidate(key, False, parent)]
    if settings.related is not RelatedMode.ENTRIES:
        return found
    via = (
        Link(article.url, article.title, article.provider.name if article.provider else None)
        if article.url
        else None
    )
    for number, item in enumerate(related, 1):
        if _below(item.quality, settings):
            continue
        item_key = canonical_url(item.url)
        found.append(
            _Candidate(
                item_key,
                True,
                Entry(
                    id=item_key,
                    title=item.title,
                    published=item.published or article.published,
                    source=f"{article.source}#related-{number}",
                    url=item.url,
                    summary=item.excerpt,
                    body_format=BodyFormat.TEXT,
                    provider=item.provider,
                    topics=article_topics,
                    image=_best_image(item.images),
                    via=via,
                    quality=item.quality,
                ),
            )
        )
    return found


def _deduplicate(candidates: Sequence[_Candidate]) -> tuple[list[Entry], int]:
    """One entry per key: the best-ranked copy's fields (articles before related items, then
    path order), with the union of every copy's topics."""
    groups: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.key, []).append(candidate)
    entries = []
    for group in groups.values():
        # min() keeps the first of equals: candidates come in path order.
        winner = min(group, key=lambda c: c.is_related).entry
        merged = {t for c in group for t in c.entry.topics}
        entries.append(dataclasses.replace(winner, topics=tuple(sorted(merged, key=lambda t: t.slug))))
    entries.sort(key=sort_key)
    return entries, len(candidates) - len(entries)


def _channel(
    stem: str,
    title: str,
    description: str,
    entries: Sequence[Entry],
    settings: Settings,
    topic: Topic | None = None,
) -> Channel:
    """A channel of ``entries``, which are already sorted newest first."""
    return Channel(
        stem=stem,
        title=title,
        description=description,
        entries=tuple(entries[: settings.max_items]),
        total=len(entries),
        topic=topic,
        every_entry=tuple(entries),
    )


def _best_image(images: Sequence[Image]) -> Image | None:
    """The largest image by area; the first one wins ties (and when sizes are unknown)."""
    best = None
    for image in images:
        if best is None or image.area > best.area:
            best = image
    return best
