"""What every renderer of one channel needs: its URLs, its sibling formats, entry HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote

from feeds.config import Settings
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.model import Image
from feeds.render.entry_html import summary_text

MEDIA_NS = "http://search.yahoo.com/mrss/"
_IMAGE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml",
}  # fmt: skip


def image_type(url: str) -> str | None:
    """MIME type of an image URL from its file extension, or None when it cannot be told."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if name in ("", ".", ".."):  # what PurePosixPath normalises ("a/b.png/", "a/b.png/.")
        name = PurePosixPath(path).name
    # The suffix as PurePosixPath.suffix has it (called for every entry of every archive).
    dot = name.rfind(".")
    return _IMAGE_TYPES.get(name[dot:].lower()) if 0 < dot < len(name) - 1 else None


def media_content(image: Image) -> dict[str, str]:
    """The attributes of an image's Media RSS ``media:content``: its address, size and type, when
    they are known (https://www.rssboard.org/media-rss)."""
    attributes = {"url": image.url, "medium": "image"}
    sizes = (("width", image.width), ("height", image.height))
    attributes.update((name, str(value)) for name, value in sizes if value)
    media_type = image_type(image.url)
    if media_type:
        attributes["type"] = media_type
    return attributes


def media_xml(image: Image | None, indent: str) -> str:
    """An image as the archives write it when it has no enclosure (its address names no image
    type): its ``media:content``, as the current feeds have it. Archives say each thing once,
    and dropped such an image."""
    if image is None:
        return ""
    attributes = " ".join(f'{name}="{html.escape(value)}"' for name, value in media_content(image).items())
    return f"{indent}<media:content {attributes}/>\n"


def enclosure(image: Image | None) -> tuple[str, str] | None:
    """An image as an enclosure: its URL as an attribute and its type, when the type is known."""
    if image is None:
        return None
    media_type = image_type(image.url)
    return (html.escape(image.url), media_type) if media_type else None


def feed_time(when: datetime) -> str:
    """``when`` in RFC 3339, with at most three digits of a second's fraction: HTML allows no more,
    and ROME (under many Java readers) took six for milliseconds, ``.123000`` for 2 min 3 s later
    (an outside probe). A fraction under a millisecond is left out."""
    return when.isoformat(timespec="milliseconds" if when.microsecond >= 1000 else "seconds")


def url_path(path: str) -> str:
    """An output path as it goes into a URL: percent-encoded, except "/" and the "," that joins the
    topics of a union (``topics/ai,space.atom``)."""
    return quote(path, safe="/,")


def document_path(stem: str, fmt: Format) -> str:
    """Output path of a channel in one format, e.g. ``topics/ai.atom``."""
    return f"{stem}.{fmt.value}"


def document_url(settings: Settings, path: str) -> str:
    """Absolute URL of an output path: what feeds name as their ``self`` and WebSub topic."""
    return settings.url(url_path(path))


def page_path(stem: str) -> str:
    """Output path of a channel's page for people, e.g. ``topics/ai.html``."""
    return f"{stem}.html"


def channel_paths(stem: str, formats: Iterable[Format]) -> list[str]:
    """Every document made from one channel alone: its feeds, then its page."""
    return [*(document_path(stem, fmt) for fmt in formats), page_path(stem)]


@dataclass(frozen=True)
class FeedContext:
    """One channel plus the site-wide facts its documents are rendered with."""

    settings: Settings
    channel: Channel
    contents: Mapping[str, str]  #: entry id → sanitised content HTML, shared by every channel
    generator_version: str  #: our version, for ``<generator>``
    query: str = ""  #: a filtered feed's canonical query string, part of its own and its siblings' URLs
    #: the channel's archive documents, newest first: (label, output path without extension);
    #: the current feeds link the first (RFC 5005 ``prev-archive``), the page all of them
    archives: tuple[tuple[str, str], ...] = ()
    #: entry id → its summary in summary feeds, made once for every channel and format that shares
    #: the dict (it takes a Markdown rendering and a sanitising when the article has no excerpt)
    summaries: dict[str, str] = field(default_factory=dict, compare=False)

    def self_url(self, fmt: Format) -> str:
        url = document_url(self.settings, document_path(self.channel.stem, fmt))
        return f"{url}?{self.query}" if self.query else url

    def archive_url(self, fmt: Format) -> str | None:
        """The newest archive in one format: the current feed's ``prev-archive`` (RFC 5005 §4)."""
        return document_url(self.settings, f"{self.archives[0][1]}.{fmt.value}") if self.archives else None

    @property
    def html_url(self) -> str:
        """The channel's page for people (the feeds' ``alternate``); the index page for ``all``. A
        filtered feed's is its channel's page with the same filter, which lists the same entries."""
        if self.query:
            return f"{self.settings.url(url_path(page_path(self.channel.stem)))}?{self.query}"
        if self.channel.is_everything:
            return self.settings.url()
        return self.settings.url(url_path(page_path(self.channel.stem)))

    def entry_url(self, entry: Entry) -> str | None:
        """Where a reader opens an entry: the story's own URL, or else its page in the site."""
        if entry.url is None and entry.page is not None:
            return self.settings.url(quote(entry.page))
        return entry.url

    @property
    def hubs(self) -> tuple[str, ...]:
        """WebSub hubs the feed names; none for a filtered feed or a union of topics, whose
        content is made per request."""
        return () if self.query or self.channel.is_union else self.settings.hub_urls

    def sibling_urls(self, fmt: Format) -> list[tuple[Format, str]]:
        return [(other, self.self_url(other)) for other in self.settings.formats if other is not fmt]

    @property
    def topic_scheme(self) -> str:
        """Atom category scheme / RSS category domain of topic categories."""
        return self.settings.url("topics/")

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.channel.topic.name,) if self.channel.topic else ()

    @property
    def full_content(self) -> bool:
        """Whether entries carry their content (``entry_content: full``) or only their summary."""
        return self.channel.options.full

    def content_html(self, entry: Entry) -> str:
        return self.contents[entry.id]

    def summary(self, entry: Entry) -> str:
        """An entry's summary: as it is in full-content feeds, never empty in summary feeds."""
        if self.full_content:
            return entry.summary
        made = self.summaries.get(entry.id)
        if made is None:
            made = self.summaries[entry.id] = summary_text(entry)
        return made

    @staticmethod
    def escape(text: str) -> str:
        """Plain text as HTML, for RSS ``<description>``, which readers treat as HTML."""
        return html.escape(text, quote=False)


def rss_description(text: str) -> str:
    """A channel's description for RSS, where readers take it for HTML (feedparser does): text
    with an angle bracket ("about <Topic>") is escaped once more, as entries' descriptions are."""
    return html.escape(text, quote=False) if "<" in text else text


def rss_text(text: str) -> str:
    """Text for an RSS element of plain text (a title, a category, a creator): "&" and "<" as
    hexadecimal character references, as the RSS Profile asks, so that readers that take such
    text for HTML know them for text (the W3C validator warns of "&lt;" there)."""
    return text.replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&gt;")


#: An RSS element of plain text whose text holds an escaped "&" or "<" (lxml writes "&amp;" and
#: "&lt;"), up to its end tag.
_RSS_PLAIN = re.compile(rb"(<(title|category|dc:creator|copyright)(?: [^>]*)?>)([^<]*&[^<]*)(?=</\2>)")


def rss_plain_text(document: bytes) -> bytes:
    """An RSS document with the text of its plain-text elements as ``rss_text`` writes it."""
    if b"&" not in document:
        return document
    return _RSS_PLAIN.sub(
        lambda m: m[1] + m[3].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;"), document
    )
