"""The index of one article file: what planning a build needs, in plain tuples.

A build plans from indexes (which entry wins a duplicate, which topics exist, what each feed holds)
and builds full entries only for what reaches a feed. Indexes are small and cheap to cache, so a
rebuild reads unchanged files' indexes from the cache instead of parsing the files again.
"""

from __future__ import annotations

from typing import Any
from typing import NamedTuple

from .model import Article
from .text import canonical_url
from .text import path_id


class Stub(NamedTuple):
    """One would-be entry of a file: the article itself or one of its related items."""

    key: str  #: the entry id: canonical URL, or the path id of an article without a URL
    timestamp: float  #: published, POSIX seconds (a related item without a date: the article's)
    item: int  #: 0 for the article, n for its n-th related item
    quality: float | None  #: for ``min_quality``
    provider: str  #: casefolded "name\ndomain", "" when unknown: for ``?provider=``
    text: str  #: casefolded "title\nsummary": for ``?q=``


class FileIndex(NamedTuple):
    """One article file, as planning sees it."""

    source: str  #: path relative to the content folder
    digest: str  #: changes whenever anything an entry is built from changes (bytes, file time)
    is_draft: bool
    quality: float | None
    topics: tuple[str, ...]  #: names as written
    stubs: tuple[Stub, ...]  #: the article first, then every related item in file order


def index_article(article: Article, digest: str) -> FileIndex:
    """The index of a loaded article; ``digest`` identifies the file version it came from."""
    stubs = [
        Stub(
            key=canonical_url(article.url) if article.url else path_id(article.source),
            timestamp=article.published.timestamp(),
            item=0,
            quality=article.quality,
            provider=_provider(article.provider.name, article.provider.domain) if article.provider else "",
            text=f"{article.title}\n{article.excerpt}".casefold(),
        )
    ]
    for number, item in enumerate(article.related, 1):
        stubs.append(
            Stub(
                key=canonical_url(item.url),
                timestamp=(item.published or article.published).timestamp(),
                item=number,
                quality=item.quality,
                provider=_provider(item.provider.name, item.provider.domain) if item.provider else "",
                text=f"{item.title}\n{item.excerpt}".casefold(),
            )
        )
    return FileIndex(article.source, digest, article.is_draft, article.quality, article.topics, tuple(stubs))


def _provider(name: str, domain: str | None) -> str:
    return f"{name}\n{domain or ''}".casefold()


def to_plain(index: FileIndex) -> tuple[Any, ...]:
    """Built-in types only, for ``marshal``."""
    return (*index[:5], tuple(tuple(stub) for stub in index.stubs))


def from_plain(plain: tuple[Any, ...]) -> FileIndex:
    """The inverse of ``to_plain``."""
    source, digest, is_draft, quality, topics, stubs = plain
    return FileIndex(source, digest, is_draft, quality, topics, tuple(Stub(*stub) for stub in stubs))
