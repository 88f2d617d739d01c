"""Materialize: full entries for what a plan shows, from the articles of their files.

``planner.plan_site`` decides what every feed holds from the small per-file indexes; this builds
the ``Entry`` values for the entries that reach a document (a feed, a channel's page, an entry's
own page) and no others. Pure: takes values, returns values; no files, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from urllib.parse import quote

from feeds.config import Settings
from feeds.model import EVERYTHING
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
from feeds.source.match import match_spec
from feeds.source.match import matcher_of
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE
from feeds.source.summary import article_id
from feeds.source.summary import index_article
from feeds.source.summary import related_id


def convert(articles: Sequence[Article], settings: Settings) -> Site:
    """Build every channel from the loaded articles (given in sorted path order)."""
    matcher = matcher_of(match_spec(settings))
    plan = plan_site([index_article(a, "", matcher) for a in articles], settings)
    return materialize(plan, {a.source: a for a in articles}, settings)


def materialize(
    plan: Plan,
    articles: Mapping[str, Article],
    settings: Settings,
    counts: Mapping[str, int] | None = None,
    pages: Iterable[str] | None = None,
) -> Site:
    """The site with full entries for what reaches a feed; ``articles`` must hold their files.

    ``counts`` (channel stem → number) builds fewer than ``max_items`` entries for channels whose
    feeds need not be rendered again, and ``pages`` (sources) the entries of only those of
    ``plan.pages`` whose pages must be rendered (default: all of them).
    """
    built: dict[bytes, Entry] = {}

    def entry_of(ref: EntryRef) -> Entry:
        entry = built.get(ref[REF_KEY])
        if entry is None:
            entry = built[ref[REF_KEY]] = build_entry(
                ref, articles[ref[REF_FILE][SOURCE]], settings, plan.pages
            )
        return entry

    # A channel without entries is dated by the site's newest entry: a date from the articles
    # (never the clock) that validators find plausible, where 1970 was not (an outside probe).
    newest = plan_newest(plan)
    site_updated = entry_of(newest[0]).published if newest else None
    channels = []
    for planned in plan.channels:
        count = planned.options.max_items if counts is None else counts[planned.stem]
        entries = list(map(entry_of, planned.refs[:count]))
        channels.append(
            Channel(
                stem=planned.stem,
                title=planned.title,
                description=planned.description,
                entries=tuple(entries),
                total=planned.total,
                topic=planned.topic,
                refs=planned.refs,
                custom=planned.custom,
                options=planned.options,
                # also what a feed cut to its byte budget shows when no entry fits
                since=entries[0].published if entries else site_updated,
            )
        )
    page_entries = {
        plan.pages[source]: entry_of(plan.page_refs[source])
        for source in (plan.pages if pages is None else pages)
    }
    return Site(tuple(channels), plan.skipped, plan.warnings, plan.pages, page_entries)


#: An article's entry links at most this many of its related items ("More coverage" and
#: rel="related" links), so that one article with thousands of them cannot make every feed it is
#: in megabytes longer; each related item is still an entry of its own.
MAX_RELATED_LINKS = 100


def plan_newest(plan: Plan) -> tuple[EntryRef, ...]:
    """The newest entry of the site (none when it has none), which dates channels without any."""
    return next((planned.refs[:1] for planned in plan.channels if planned.stem == EVERYTHING), ())


def build_entry(ref: EntryRef, article: Article, settings: Settings, pages: Mapping[str, str]) -> Entry:
    """The full entry for a reference: the article itself, or one of its related items.

    ``pages`` is ``Plan.pages``: an article without a URL links to its page there, and so do its
    related items' ``via`` links.
    """
    item_number, topics = ref[REF_STUB][ITEM], ref[REF_TOPICS]
    page = None if article.url else pages.get(article.source)
    if item_number == 0:
        return Entry(
            id=article_id(article),
            title=article.title,
            published=article.published,
            source=article.source,
            url=article.url,
            page=page,
            summary=article.excerpt,
            body=article.body,
            body_format=article.body_format,
            provider=article.provider,
            topics=topics,
            category=article.category,
            image=_best_image(article.images),
            quality=article.quality,
            related=_related_links(article, settings),
        )
    item = article.related[item_number - 1]
    via = None
    provider = article.provider.name if article.provider else None
    if article.url:
        via = Link(article.url, article.title, provider)
    elif page is not None:
        via = Link(settings.url(quote(page)), article.title, provider, page)
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


def _related_links(article: Article, settings: Settings) -> tuple[Link, ...]:
    """An article's links to its related items ("More coverage", ``rel="related"``): each story
    once, not the article itself, none that ``min_quality`` leaves out, at most
    ``MAX_RELATED_LINKS``."""
    if settings.related is RelatedMode.OFF:
        return ()
    floor = settings.min_quality
    seen = {article_id(article)}
    links: list[Link] = []
    for item in article.related:
        if floor is not None and item.quality is not None and item.quality < floor:
            continue
        key = related_id(item)
        if key not in seen:
            seen.add(key)
            links.append(Link(item.url, item.title, item.provider.name if item.provider else None))
            if len(links) == MAX_RELATED_LINKS:
                break
    return tuple(links)


def _best_image(images: Sequence[Image]) -> Image | None:
    """The largest image by area; the first one wins ties (and when sizes are unknown)."""
    best = None
    for image in images:
        if best is None or image.area > best.area:
            best = image
    return best
