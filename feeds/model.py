"""The domain model: frozen values passed from one stage of the pipeline to the next."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from feeds.urls import host_url


class Format(str, Enum):
    """An output feed format; the value is the file extension."""

    ATOM = "atom"
    RSS = "rss"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_MEDIA_TYPES = {
    Format.ATOM: "application/atom+xml",
    Format.RSS: "application/rss+xml",
    Format.JSON: "application/feed+json",
}
_LABELS = {Format.ATOM: "Atom", Format.RSS: "RSS", Format.JSON: "JSON Feed"}


class BodyFormat(str, Enum):
    """How an article's body text is turned into HTML."""

    MARKDOWN = "markdown"  #: files with front matter
    TEXT = "text"  #: plain-text files: blank-line separated paragraphs


class RelatedMode(str, Enum):
    """What ``related`` items become (config ``related``)."""

    ENTRIES = "entries"  #: an entry of their own, plus a link from the parent
    LINKS = "links"  #: only links from the parent
    OFF = "off"  #: ignored


class EntryContent(str, Enum):
    """What a feed's entries carry (config ``entry_content``)."""

    FULL = "full"  #: the article's text as content, plus its summary
    SUMMARY = "summary"  #: the summary, image and links only: no content element


class ArchiveMode(str, Enum):
    """Whether channels get archive documents (config ``archives``, RFC 5005 §4)."""

    MONTHLY = "monthly"  #: one archive per calendar month of the entries' dates
    OFF = "off"  #: the current feeds only


#: ``max_bytes`` when the config does not say: 1 MB (10**6 bytes) per document.
DEFAULT_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class FeedOptions:
    """How one channel's documents are cut and what their entries carry: the site's settings,
    or a topic's or a custom channel's own."""

    max_items: int = 50  #: entries in each document, newest first
    entry_content: EntryContent = EntryContent.FULL
    max_bytes: int = DEFAULT_MAX_BYTES  #: most bytes of each document; 0 means no limit
    budget_key: str = "max_bytes"  #: the config key that set ``max_bytes``, for messages

    @property
    def full(self) -> bool:
        return self.entry_content is EntryContent.FULL


@dataclass(frozen=True)
class Image:
    """An image of an article, as given in its ``images`` list."""

    url: str  #: absolute http(s) URL
    width: int | None = None  #: pixels, when known
    height: int | None = None  #: pixels, when known
    alt: str = ""  #: its text alternative, plain text, when given (``alt``)

    @property
    def area(self) -> int:
        return (self.width or 0) * (self.height or 0)


@dataclass(frozen=True)
class Provider:
    """Who published an article: a news outlet, a blog."""

    name: str  #: display name, e.g. "TechCrunch"
    domain: str | None = None  #: bare host name, e.g. "techcrunch.com"

    @property
    def url(self) -> str | None:
        return host_url(self.domain) if self.domain else None


@dataclass(frozen=True)
class RelatedItem:
    """Another outlet's coverage of the same story, listed under an article."""

    title: str  #: plain text
    url: str  #: absolute http(s) URL
    excerpt: str = ""  #: plain text
    published: datetime | None = None  #: aware UTC; None means "the parent's date"
    provider: Provider | None = None
    images: tuple[Image, ...] = ()
    quality: float | None = None  #: editorial score, higher is better


@dataclass(frozen=True)
class Article:
    """One content file, validated and normalised."""

    source: str  #: path relative to the content folder, with forward slashes
    title: str  #: plain text
    published: datetime  #: aware UTC
    excerpt: str = ""  #: plain text
    url: str | None = None  #: absolute http(s) URL of the article on the web
    provider: Provider | None = None
    topics: tuple[str, ...] = ()  #: topic names as written (before renames and slugs)
    images: tuple[Image, ...] = ()
    related: tuple[RelatedItem, ...] = ()
    is_draft: bool = False  #: ``published: false``
    quality: float | None = None  #: editorial score, higher is better
    category: str | None = None  #: a section such as "news"
    kind: str | None = None  #: the ``type`` field, e.g. "article"
    body: str = ""  #: Markdown or plain text, see ``body_format``
    body_format: BodyFormat = BodyFormat.MARKDOWN
    dated_from_file: bool = False  #: no date in the file: ``published`` is its modification time


@dataclass(frozen=True)
class Topic:
    """A topic feed."""

    slug: str  #: URL path segment, e.g. "computer-vision"
    name: str  #: display name, e.g. "Computer Vision"
    title: str  #: feed title
    description: str  #: feed subtitle

    @property
    def stem(self) -> str:
        """Output path of the topic's documents without extension."""
        return f"topics/{self.slug}"


@dataclass(frozen=True)
class CustomChannel:
    """A channel defined in the config (``channels:``): the entries that meet its conditions."""

    slug: str  #: URL path segment, e.g. "robots-and-rules"
    name: str  #: the config's key, e.g. "Robots and rules"

    @property
    def stem(self) -> str:
        return f"channels/{self.slug}"


@dataclass(frozen=True)
class Link:
    """A link from one entry to another story."""

    url: str
    title: str
    provider: str | None = None  #: the outlet's name, shown beside the title
    page: str | None = None  #: our page for a story without a URL of its own (``url`` is its address)


@dataclass(frozen=True)
class Entry:
    """One item of a feed: an article or a related item, after de-duplication."""

    id: str  #: stable id (Atom id, RSS guid, JSON Feed id)
    title: str
    published: datetime  #: aware UTC
    source: str  #: the content file it came from
    url: str | None = None  #: the story's link
    page: str | None = (
        None  #: the entry's own page in the site (``entries/<slug>.html``), when ``url`` is None
    )
    summary: str = ""  #: plain text
    body: str = ""
    body_format: BodyFormat = BodyFormat.TEXT
    provider: Provider | None = None
    topics: tuple[Topic, ...] = ()  #: sorted by slug
    category: str | None = None
    image: Image | None = None  #: the best (largest) image
    related: tuple[Link, ...] = ()  #: "More coverage" of an article
    via: Link | None = None  #: the article a related item was listed under
    quality: float | None = None  #: editorial score, for the ``?min_quality=`` filter

    @property
    def own_category(self) -> str | None:
        """``category``, unless one of the entry's topics has that name: one category for
        ``category: AI`` in topic AI, in every format (a reader listed "AI" twice)."""
        if self.category is None or any(topic.name == self.category for topic in self.topics):
            return None
        return self.category

    @property
    def author(self) -> Provider | None:
        """Whom the feeds credit with the entry: its provider, else the host of its link (a
        related item from ``analysts.example.net``). Without an author of its own an entry is the
        feed's author's (RFC 4287 §4.2.1), and readers credited the site with other outlets'
        stories; only the site's own pages (entries without a link) are left to it."""
        if self.provider is not None or self.url is None:
            return self.provider
        host = (urlsplit(self.url).hostname or "").removeprefix("www.").rstrip(".")
        if not host:
            return None
        try:  # a name for people: bücher.example, not xn--bcher-kva.example
            name = host.encode("ascii").decode("idna") if "xn--" in host else host
        except UnicodeError:
            name = host
        # A name only: an outlet's address is not known from one link (its scheme, its port, the
        # "www." left out of the name).
        return Provider(name=name)


@dataclass(frozen=True)
class Channel:
    """One feed's content, whatever its format: everything (``all``), one topic, one custom
    channel, or (in the web app) a union of topics."""

    stem: str  #: output path without extension: "all", "topics/<slug>" or "channels/<slug>"
    title: str
    description: str
    entries: tuple[Entry, ...]  #: newest first, at most ``options.max_items``
    total: int  #: entries before the ``max_items`` cut
    topic: Topic | None = None  #: the topic of a topic's channel
    refs: Sequence[Any] = ()  #: every entry as a ``planner.EntryRef``, newest first: for filters
    custom: CustomChannel | None = None  #: the definition of a custom channel
    options: FeedOptions = FeedOptions()
    #: its ``updated`` when it shows no entry: its newest entry's date (a filtered feed's, its
    #: channel's), or the site's newest for a channel without any (a feed dated 1970 is one
    #: validators call implausible)
    since: datetime | None = None

    @property
    def updated(self) -> datetime | None:
        """Newest entry's date: the feed's ``updated``, never the build time."""
        return self.entries[0].published if self.entries else self.since

    @property
    def is_everything(self) -> bool:
        return self.stem == EVERYTHING

    @property
    def is_union(self) -> bool:
        """A union of topics, made by the web app per request (``serve.compose``)."""
        return self.topic is None and self.custom is None and not self.is_everything

    @property
    def name(self) -> str:
        """What people call it: the topic's or custom channel's name, "Everything" for ``all``."""
        if self.topic is not None:
            return self.topic.name
        if self.custom is not None:
            return self.custom.name
        return "Everything" if self.is_everything else self.title


#: The stem of the channel of every entry.
EVERYTHING = "all"


@dataclass(frozen=True)
class SkipCounts:
    """What the converter left out, and why."""

    drafts: int = 0  #: draft articles (their related items go with them)
    low_quality: int = 0  #: articles and related items below ``min_quality``
    duplicates: int = 0  #: items merged into another entry with the same URL


@dataclass(frozen=True)
class Site:
    """Everything to render: the ``all`` channel first, then one per topic by slug, then one per
    custom channel by slug."""

    channels: tuple[Channel, ...]
    skipped: SkipCounts
    warnings: tuple[str, ...] = ()  #: ``path:line: message`` lines from conversion
    #: every article without a URL, by source: the path of its own page (``entries/<slug>.html``)
    pages: Mapping[str, str] = field(default_factory=dict)
    #: page path → its entry, for the pages to render (all of them, unless a cache has some)
    page_entries: Mapping[str, Entry] = field(default_factory=dict)

    @property
    def everything(self) -> Channel:
        return self.channels[0]

    @property
    def topics(self) -> tuple[Channel, ...]:
        return tuple(channel for channel in self.channels if channel.topic is not None)

    @property
    def custom(self) -> tuple[Channel, ...]:
        return tuple(channel for channel in self.channels if channel.custom is not None)
