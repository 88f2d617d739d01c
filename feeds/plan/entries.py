"""Full entries for the references a plan picked: the article itself, or one of its related items."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from feeds.config import Settings
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Image
from feeds.model import Link
from feeds.model import RelatedMode
from feeds.model import Site
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.plan.planner import plan_site
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE
from feeds.source.summary import article_id
from feeds.source.summary import index_article
from feeds.source.summary import related_id


def convert(articles: Sequence[Article], settings: Settings) -> Site:
    """Build every channel from the loaded articles (given in sorted path order)."""
    plan = plan_site([index_article(a, "") for a in articles], settings)
    return materialize(plan, {a.source: a for a in articles}, settings)


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


def _best_image(images: Sequence[Image]) -> Image | None:
    """The largest image by area; the first one wins ties (and when sizes are unknown)."""
    best = None
    for image in images:
        if best is None or image.area > best.area:
            best = image
    return best
