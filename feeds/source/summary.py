"""The index of one article file: what planning a build needs, as plain tuples.

A build plans from indexes (which entry wins a duplicate, which topics exist, what each feed holds)
and builds full entries only for what reaches a feed. Indexes are plain tuples of built-in types on
purpose: ``marshal`` stores and loads them at C speed, and at 100,000 files creating even a light
object per stub costs more than the rest of a rebuild. The field positions below name them.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from feeds.model import Article
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.names import path_id
from feeds.names import slugify
from feeds.text import fold
from feeds.urls import canonical_url

if TYPE_CHECKING:
    from feeds.source.match import Matcher

#: One would-be entry of a file, the article itself or one of its related items:
#: (order, key, item, quality, marks). Stubs sort the way feeds list entries: newest first, then
#: by key.
Stub = tuple[float, bytes, int, "float | None", tuple[str, ...]]
ORDER: Final = 0  #: minus the published time in POSIX seconds (of an undated related item: index_article)
KEY: Final = 1  #: ``entry_key`` of the entry id
ITEM: Final = 2  #: 0 for the article, n for its n-th related item
QUALITY: Final = 3  #: for ``min_quality``
MARKS: Final = 4  #: slugs of the custom channels whose provider and word conditions it meets

#: One article file as planning sees it: (source, digest, is_draft, quality, topics, stubs, page).
FileIndex = tuple[str, str, bool, "float | None", tuple[str, ...], tuple[Stub, ...], "str | None"]
SOURCE: Final = 0  #: path relative to the content folder
DIGEST: Final = 1  #: changes whenever anything an entry is built from changes (bytes, file time)
IS_DRAFT: Final = 2
FILE_QUALITY: Final = 3
TOPICS: Final = 4  #: names as written, then the keyword topics' names (``match.Matcher.topics``)
STUBS: Final = 5  #: the article first, then every related item in file order
#: An article without a URL gets a page of its own: the slug of its title, which its page's slug
#: starts from (``plan.pages``); None for an article with a URL.
PAGE: Final = 6


def article_id(article: Article) -> str:
    """An article's entry id: its canonical URL, or the path id of an article without a URL."""
    return canonical_url(article.url) if article.url else path_id(article.source)


def related_id(item: RelatedItem) -> str:
    """A related item's entry id: its canonical URL."""
    return canonical_url(item.url)


def entry_key(entry_id: str) -> bytes:
    """What planning knows an entry by: 16 bytes of BLAKE2b of its id. Equal ids, equal keys (and
    a collision is as unlikely as any of 2**128); a URL would take about 140 bytes of memory for
    each of the 270,000 entries of a big site, and of its cache."""
    return hashlib.blake2b(entry_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def index_article(article: Article, digest: str, matcher: Matcher | None = None) -> FileIndex:
    """The index of a loaded article; ``digest`` identifies the file version it came from, and
    ``matcher`` (``match.matcher_of`` the settings' spec) adds keyword topics and channel marks.

    A related item without a date shows its article's, and sorts as if the smallest step a float
    allows older: right after its article, never before it (ties go by key, and 100,000 undated
    items used to push their article out of its own feed), and before anything truly older.
    """
    marks: tuple[str, ...] = ()
    topics = article.topics
    if matcher is not None:
        marks, topics = matcher.article(article)
    order = -article.published.timestamp()
    undated = math.nextafter(order, math.inf)
    stubs: list[Stub] = [(order, entry_key(article_id(article)), 0, article.quality, marks)]
    for number, item in enumerate(article.related, 1):
        item_order = undated if item.published is None else -item.published.timestamp()
        if matcher is not None:
            marks = matcher.marks(item.provider, item.title, item.excerpt)
        stubs.append((item_order, entry_key(related_id(item)), number, item.quality, marks))
    page = None if article.url else slugify(article.title, "entry")
    return (article.source, digest, article.is_draft, article.quality, topics, tuple(stubs), page)


def search_text(article: Article) -> str:
    """What the web app's filters match, for the article and each related item in stub order.

    One string per file, kept apart from the index because only the web app needs it: per stub
    the folded provider "name\ndomain", a tab, the folded "title summary" (``text.fold``: case,
    Latin and Greek accents and compatibility forms ignored, so ``café`` typed decomposed, as
    macOS may send it, or ``cafe`` find it); stubs are separated by ``\x1e``. Tabs and \x1e never
    occur in the plain text fields.
    """
    parts = [_searchable(article.provider, article.title, article.excerpt)]
    parts.extend(_searchable(item.provider, item.title, item.excerpt) for item in article.related)
    return "\x1e".join(parts)


def search_items(search: str) -> list[tuple[str, str]]:
    """(provider, text) of each stub, from a ``search_text``."""
    return [(provider, text) for provider, _, text in (part.partition("\t") for part in search.split("\x1e"))]


def _searchable(provider: Provider | None, title: str, summary: str) -> str:
    # The provider as channels' ``providers`` compare it (``?provider=le monde numerique``).
    who = f"{fold(provider.name)}\n{fold(provider.domain or '')}" if provider else ""
    text = fold(f"{title}\n{summary}")
    return f"{who}\t{text}".replace("\x1e", " ")


def compact_index(source: str, indexed: FileIndex, pool: dict[tuple[type, Any], Any]) -> FileIndex:
    """The same index, with equal values that many files have (topic lists and names, quality
    scores, the source that is also the record's key) made one object each. marshal stores such
    an object once per shard and loads it shared: about 15 MB less at 100,000 files."""

    def one(value: Any) -> Any:
        return value if value is None else pool.setdefault((type(value), value), value)

    names = indexed[TOPICS]
    topics = pool.get((tuple, names))
    if topics is None:
        topics = pool[(tuple, names)] = tuple(one(name) for name in names)
    stubs = tuple(
        (order, key, item, one(quality), one(marks)) for order, key, item, quality, marks in indexed[STUBS]
    )
    own = source if indexed[SOURCE] == source else indexed[SOURCE]
    return (own, indexed[DIGEST], indexed[IS_DRAFT], one(indexed[FILE_QUALITY]), topics, stubs, indexed[PAGE])
