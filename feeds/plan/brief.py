"""Articles in brief: what the web app's filtered feeds are built from, bounded in size.

A filtered feed can show any entry of the site, so the web app needs something to build any entry
from without reading its file again (a file with 100,000 related items took 8 s to parse once per
filter). It keeps a brief of every file instead, made when the file is read, as plain values that
``marshal`` packs: the article's fields less its body, each text cut to a bound, its largest image
and each related item. An entry built from a brief is the entry ``build_entry`` makes (it is made
by it) with these differences, which the filtered feeds' documentation lists:

- no body: the content is the summary, as for an article without a body;
- a title longer than ``TITLE_CHARS`` and a summary longer than ``SUMMARY_CHARS`` are cut at a
  word, with "…";
- at most ``RELATED_LINKS`` related links under an article.

So an entry of a filtered feed takes a few kilobytes at most, whatever its file holds. Pure.
"""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from feeds.config import Settings
from feeds.model import Article
from feeds.model import BodyFormat
from feeds.model import Entry
from feeds.model import Image
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.plan.entries import build_entry
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import EntryRef
from feeds.source.summary import DIGEST
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE
from feeds.text import cut_after_word

TITLE_CHARS = 500
SUMMARY_CHARS = 1000
RELATED_LINKS = 20

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Stands in for the related items before the one an entry is built for (never read).
_FILLER = RelatedItem(title="", url="")


def brief(article: Article, digest: str) -> bytes:
    """The brief of an article read from the file version ``digest``: plain values, marshalled
    (about 1.2 KB for a typical article). Compressing each alone would cost 150 us an article for
    zlib's set-up; a server compresses them in groups instead (``serve.search``)."""
    value = (
        digest,
        (
            cut_after_word(article.title, TITLE_CHARS),
            _microseconds(article.published),
            cut_after_word(article.excerpt, SUMMARY_CHARS),
            article.url,
            _provider_value(article.provider),
            article.category,
            article.body_format.value,
            article.quality,
            _image_value(article.images),
        ),
        # Each item marshalled alone: an entry needs one of them, or the article's first few.
        tuple(marshal.dumps(_item_value(item)) for item in article.related),
    )
    return marshal.dumps(value)


def entries(
    refs: Sequence[EntryRef], briefs: Mapping[str, Any], settings: Settings, pages: Mapping[str, str]
) -> tuple[Entry, ...]:
    """The entries of ``refs`` from their files' briefs (``marshal.loads`` of them), by source;
    ``pages`` is the site's (``Site.pages``), for the links of articles without a URL. An entry
    whose brief is missing or of another version of its file is left out, as when a file changed
    since the build: the rebuild that the change triggers accounts for it."""
    built = []
    articles: dict[str, Article] = {}
    for ref in refs:
        file = ref[REF_FILE]
        value = briefs.get(file[SOURCE])
        if value is None or value[0] != file[DIGEST]:
            continue
        article = articles.get(file[SOURCE])
        if article is None:
            article = articles[file[SOURCE]] = _article(file[SOURCE], value[1], value[2])
        number = ref[REF_STUB][ITEM]
        if number:
            if number > len(value[2]):
                continue
            item = _item(marshal.loads(value[2][number - 1]))
            article = _with_item(article, number, item)
        built.append(build_entry(ref, article, settings, pages))
    return tuple(built)


def _article(source: str, fields: Any, items: Sequence[bytes]) -> Article:
    """The article as ``build_entry`` reads it for its own entry: with its first few items, for
    the related links."""
    title, published, excerpt, url, provider, category, body_format, quality, image = fields
    return Article(
        source=source,
        title=title,
        published=_datetime(published),
        excerpt=excerpt,
        url=url,
        provider=_provider(provider),
        images=(Image(*image),) if image else (),
        related=tuple(_item(marshal.loads(item)) for item in items[:RELATED_LINKS]),
        quality=quality,
        category=category,
        body_format=BodyFormat(body_format),
    )


def _with_item(article: Article, number: int, item: RelatedItem) -> Article:
    """The article as ``build_entry`` reads it for its related item ``number``."""
    return dataclasses.replace(article, related=(_FILLER,) * (number - 1) + (item,))


def _item_value(item: RelatedItem) -> tuple[Any, ...]:
    return (
        cut_after_word(item.title, TITLE_CHARS),
        item.url,
        cut_after_word(item.excerpt, SUMMARY_CHARS),
        None if item.published is None else _microseconds(item.published),
        _provider_value(item.provider),
        _image_value(item.images),
        item.quality,
    )


def _item(fields: Any) -> RelatedItem:
    title, url, excerpt, published, provider, image, quality = fields
    return RelatedItem(
        title=title,
        url=url,
        excerpt=excerpt,
        published=None if published is None else _datetime(published),
        provider=_provider(provider),
        images=(Image(*image),) if image else (),
        quality=quality,
    )


def _microseconds(when: datetime) -> int:
    return (when - _EPOCH) // _MICROSECOND


def _datetime(microseconds: int) -> datetime:
    return _EPOCH + microseconds * _MICROSECOND


def _provider_value(provider: Provider | None) -> tuple[str, str | None] | None:
    return None if provider is None else (provider.name, provider.domain)


def _provider(value: Any) -> Provider | None:
    return None if value is None else Provider(*value)


def _image_value(images: Sequence[Image]) -> tuple[str, int | None, int | None, str] | None:
    """The image ``build_entry`` shows: the largest, the first of equals."""
    if not images:
        return None
    best = max(images, key=lambda image: image.area)
    return (best.url, best.width, best.height, best.alt)
