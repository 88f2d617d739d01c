"""Archive documents (RFC 5005 §4): each month of a channel as Atom, RSS, JSON Feed and a page.

An archive holds every entry of its month, so a site's archives hold every entry of every
channel: at 100,000 articles about 800,000 entries in all, each entry in one to four channels.
So archives are not rendered through feedgen document by document. Each entry's fragment is made
once per format (``Fragments``), as bytes, and every channel's and month's document is a header,
those fragments and a footer. The fragments say what the channels' own feeds say of the entry,
with the same escaping and dates; content is in only where both ``archive_content`` and the
channel's ``entry_content`` are ``full`` (``part_kinds``).
Pure: takes values, returns values.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import quote

from feeds._version import __version__
from feeds.config import Settings
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import EntryContent
from feeds.model import FeedOptions
from feeds.model import Format
from feeds.model import RelatedMode
from feeds.plan.archives import archive_stem
from feeds.render.context import MEDIA_NS
from feeds.render.context import FeedContext
from feeds.render.context import document_url
from feeds.render.context import enclosure
from feeds.render.context import feed_time
from feeds.render.context import media_xml
from feeds.render.context import rss_description
from feeds.render.context import rss_text
from feeds.render.context import url_path
from feeds.render.entry_html import entry_html
from feeds.render.icons import favicon_url
from feeds.render.icons import icon_url
from feeds.render.json_feed import VERSION
from feeds.render.json_feed import json_item
from feeds.render.pages import archive_entry_html
from feeds.render.pages import archive_page_bytes

HISTORY_NS = "http://purl.org/syndication/history/1.0"
_NAMESPACES = {
    Format.ATOM: f'xmlns="http://www.w3.org/2005/Atom" xmlns:fh="{HISTORY_NS}" xmlns:media="{MEDIA_NS}"',
    Format.RSS: (
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:fh="{HISTORY_NS}" xmlns:media="{MEDIA_NS}"'
    ),
}
#: Stands for the way from a page to the site root in a page fragment (pages sit at two depths).
_ROOT = b"\0root\0"
_HTML = "html"
#: After a format's value, the kind of fragment without content (``part_kinds``).
_SUMMARY = "/summary"


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


@dataclass(frozen=True)
class ArchivePart:
    """One archive document's place in its channel's chain (RFC 5005 §4)."""

    stem: str  #: output path without extension (``plan.archives.archive_stem``)
    label: str  #: the month, ``YYYY-MM``
    #: 1 for the month's only or oldest part; 2, 3... for newer ones when the month is split to fit
    #: its budget (``plan.archives.archive_stem``)
    part: int
    entries: tuple[Entry, ...]  #: newest first
    prev: str | None  #: stem of the archive before (older), the ``prev-archive``
    next: str | None  #: stem of the archive after (newer), the ``next-archive``; None for the newest


class Fragments:
    """Each entry's fragment in each format, as bytes, made once for every channel and month."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.full = settings.archive_content is EntryContent.FULL
        self.scheme = _attr(settings.url("topics/"))
        self._made: dict[str, dict[str, bytes]] = {}
        self._contents: dict[str, str] = {}  #: entry id → content HTML, for every format
        self._summaries: dict[str, str] = {}  #: entry id → its summary, for every format
        # Related items are entries of their own in the archives unless they are only links.
        self.related = settings.related is RelatedMode.LINKS
        # The JSON items come from the feeds' own code, through contexts of no channel in particular:
        # one whose entries carry content, one whose do not (``part_kinds``).
        self._contexts: dict[bool, FeedContext] = {}
        for content in EntryContent:
            channel = Channel("", "", "", (), 0, options=FeedOptions(entry_content=content))
            self._contexts[content is EntryContent.FULL] = FeedContext(
                settings, channel, self._contents, __version__, summaries=self._summaries
            )

    def of(self, entry: Entry, kind: str) -> bytes:
        """``kind`` is a format's value (with content when ``archive_content`` is full), that with
        ``/summary`` after it (without; ``part_kinds``), or ``html`` with the page's way to the site
        root after it."""
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = {}
        fragment = made.get(entry.id)
        if fragment is None:
            if kind != _HTML and kind.startswith(_HTML):  # made once for every depth: the root put in after
                fragment = self.of(entry, _HTML).replace(_ROOT, kind[len(_HTML) :].encode())
            else:
                fragment = self._make(entry, kind)
            made[entry.id] = fragment
        return fragment

    def made(self) -> dict[str, dict[str, bytes]]:
        """Every fragment made so far, by kind and entry id (for another process to ``take``)."""
        return self._made

    def take(self, made: Mapping[str, Mapping[str, bytes]]) -> None:
        """Fragments that another process ``made``, as if made here."""
        for kind, fragments in made.items():
            self._made.setdefault(kind, {}).update(fragments)

    def forget(self, entries: Iterable[Entry]) -> None:
        """Let the fragments of ``entries`` go (their months are done)."""
        for entry in entries:
            for made in self._made.values():
                made.pop(entry.id, None)
            self._contents.pop(entry.id, None)
            self._summaries.pop(entry.id, None)

    def _make(self, entry: Entry, kind: str) -> bytes:
        full = self.full and not kind.endswith(_SUMMARY)
        kind = kind_format(kind)
        if kind == Format.ATOM.value:
            return self._atom(entry, full).encode("utf-8")
        if kind == Format.RSS.value:
            return self._rss(entry, full).encode("utf-8")
        if kind == Format.JSON.value:
            if full:
                self.content(entry)
            item = json_item(self._contexts[full], entry)
            # What the feeds' items say twice (summary feeds' content_text is the summary; the
            # dates are one) is said once: archives hold every entry, and bytes add up.
            if "summary" in item and item["summary"] == item.get("content_text"):
                del item["summary"]
            if "date_modified" in item and item["date_modified"] == item.get("date_published"):
                del item["date_modified"]
            item.pop("author", None)  # JSON Feed 1.0's copy of ``authors``
            # One line per item: json's C encoder does not indent.
            return f"    {json.dumps(item, ensure_ascii=False, separators=(',', ': '))}".encode()
        return archive_entry_html(entry, _ROOT.decode(), self.settings.tz).encode("utf-8")

    def content(self, entry: Entry) -> str:
        """The entry's content HTML, made once for every format."""
        made = self._contents.get(entry.id)
        if made is None:
            made = self._contents[entry.id] = entry_html(entry)
        return made

    def summary(self, entry: Entry, full: bool) -> str:
        """The entry's summary, made once for every format (the JSON items' code asks too)."""
        return self._contexts[full].summary(entry)

    def link(self, entry: Entry) -> str:
        if entry.url is None and entry.page is not None:
            return self.settings.url(quote(entry.page))
        return entry.url or self.settings.url()

    def _atom(self, entry: Entry, full: bool) -> str:
        when = feed_time(entry.published)
        out = [f"  <entry>\n    <id>{_text(entry.id)}</id>\n    <title>{_text(entry.title)}</title>\n"]
        out.append(f"    <updated>{when}</updated>\n")
        author = entry.author
        if author is not None:
            uri = f"\n      <uri>{_text(author.url)}</uri>" if author.url else ""
            out.append(f"    <author>\n      <name>{_text(author.name)}</name>{uri}\n    </author>\n")
        if full:
            out.append(f'    <content type="html">{_text(self.content(entry))}</content>\n')
        out.append(f'    <link href="{_attr(self.link(entry))}"/>\n')
        summary = self.summary(entry, full)
        if summary:
            out.append(f"    <summary>{_text(summary)}</summary>\n")
        for topic in entry.topics:
            out.append(f'    <category term="{_attr(topic.name)}" scheme="{self.scheme}"/>\n')
        if entry.own_category:
            out.append(f'    <category term="{_attr(entry.own_category)}"/>\n')
        out.append(f"    <published>{when}</published>\n")
        links = [("related", link.url, link.title) for link in entry.related] if self.related else []
        if entry.via is not None:
            links.append(("via", entry.via.url, entry.via.title))
        for rel, url, title in links:
            out.append(f'    <link rel="{rel}" href="{_attr(url)}" title="{_attr(title)}"/>\n')
        image = enclosure(entry.image)
        if image:
            out.append(f'    <link rel="enclosure" type="{image[1]}" href="{image[0]}"/>\n')
        else:  # of no known type: in Media RSS, as the current feeds have it
            out.append(media_xml(entry.image, "    "))
        out.append("  </entry>\n")
        return "".join(out)

    def _rss(self, entry: Entry, full: bool) -> str:
        out = [f"    <item>\n      <title>{rss_text(entry.title)}</title>\n"]
        out.append(f"      <link>{_text(self.link(entry))}</link>\n")
        summary = self.summary(entry, full)
        if summary:
            out.append(f"      <description>{_text(_text(summary))}</description>\n")
            if full:
                out.append(f"      <content:encoded>{_text(self.content(entry))}</content:encoded>\n")
        elif full:  # as the current feeds have it (feedgen): readers of description only see it
            out.append(f"      <description>{_text(self.content(entry))}</description>\n")
        permalink = "true" if entry.url is not None and entry.url == entry.id else "false"
        out.append(f'      <guid isPermaLink="{permalink}">{_text(entry.id)}</guid>\n')
        for topic in entry.topics:
            out.append(f'      <category domain="{self.scheme}">{rss_text(topic.name)}</category>\n')
        if entry.own_category:
            out.append(f"      <category>{rss_text(entry.own_category)}</category>\n")
        image = enclosure(entry.image)
        if image:  # RSS 2.0 requires a length; 0 when it is unknown (RSS Advisory Board)
            out.append(f'      <enclosure url="{image[0]}" length="0" type="{image[1]}"/>\n')
        else:
            out.append(media_xml(entry.image, "      "))
        out.append(f"      <pubDate>{format_datetime(entry.published)}</pubDate>\n")
        if entry.author is not None:
            out.append(f"      <dc:creator>{rss_text(entry.author.name)}</dc:creator>\n")
        out.append("    </item>\n")
        return "".join(out)


def archive_title(channel: Channel, part: ArchivePart) -> str:
    more = f", part {part.part}" if part.part > 1 else ""
    return f"{channel.title}: archive of {part.label}{more}"


@dataclass(frozen=True)
class _Head:
    """What an archive document's head says, whatever its format."""

    channel: Channel
    part: ArchivePart
    fmt: Format
    settings: Settings

    def url(self, stem: str) -> str:
        return document_url(self.settings, f"{stem}.{self.fmt.value}")

    @property
    def page(self) -> str:
        return self.settings.url(url_path(f"{self.part.stem}.html"))

    @property
    def title(self) -> str:
        return archive_title(self.channel, self.part)

    @property
    def links(self) -> list[tuple[str, str]]:
        """RFC 5005 §4: itself, the current feed, and the archives before and after it."""
        part = self.part
        links = [("self", self.url(part.stem)), ("current", self.url(self.channel.stem))]
        if part.prev:
            links.append(("prev-archive", self.url(part.prev)))
        if part.next:
            links.append(("next-archive", self.url(part.next)))
        return links


def _feed_head(
    channel: Channel, part: ArchivePart, fmt: Format, settings: Settings, body: Sequence[bytes]
) -> list[bytes]:
    """The document around ``body`` (the entries' fragments)."""
    head = _Head(channel, part, fmt, settings)
    if fmt is Format.JSON:
        return _json(head, body)
    if fmt is Format.ATOM:
        return [_atom_head(head).encode("utf-8"), *body, b"</feed>\n"]
    return [_rss_head(head).encode("utf-8"), *body, b"  </channel>\n</rss>\n"]


def _json(head: _Head, body: Sequence[bytes]) -> list[bytes]:
    settings, part = head.settings, head.part
    feed: dict[str, object] = {
        "version": VERSION, "title": head.title, "home_page_url": head.page, "feed_url": head.url(part.stem),
        "description": head.channel.description,
    }  # fmt: skip
    if part.prev:
        feed["next_url"] = head.url(part.prev)  # JSON Feed pages go from newer to older
    feed.update(
        icon=icon_url(settings), favicon=favicon_url(settings), author={"name": settings.author_name()},
        authors=[{"name": settings.author_name()}], language=settings.site.language,
    )  # fmt: skip
    # Custom extension (names start with "_"): that this is an archive, and of which feed.
    feed["_feeds"] = {"archive": True, "current": head.url(head.channel.stem)}
    start = json.dumps(feed, ensure_ascii=False, indent=2)[:-2].encode("utf-8")
    end = b"\n  ]\n}\n" if body else b"  ]\n}\n"
    return [start, b',\n  "items": [\n', b",\n".join(body), end]


def _atom_head(head: _Head) -> str:
    settings = head.settings
    entries = head.part.entries
    when = feed_time(entries[0].published) if entries else "1970-01-01T00:00:00+00:00"
    links = "".join(
        f'  <link href="{_attr(href)}" rel="{rel}" type="{head.fmt.media_type}"/>\n'
        for rel, href in head.links
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<feed {_NAMESPACES[Format.ATOM]} xml:lang="{_attr(settings.site.language)}">\n'
        f"  <id>{_text(head.url(head.part.stem))}</id>\n"
        f"  <title>{_text(head.title)}</title>\n"
        f"  <updated>{when}</updated>\n"
        f"  <author>\n    <name>{_text(settings.author_name())}</name>\n  </author>\n"
        # The page's link first: some readers take a feed's first link for its website.
        f'  <link href="{_attr(head.page)}" rel="alternate" type="text/html"/>\n{links}'
        f'  <generator version="{__version__}">feeds</generator>\n'
        f"  <icon>{_text(favicon_url(settings))}</icon>\n"
        f"  <subtitle>{_text(head.channel.description)}</subtitle>\n"
        "  <fh:archive/>\n"
    )


def _rss_head(head: _Head) -> str:
    settings = head.settings
    entries = head.part.entries
    when = format_datetime(entries[0].published) if entries else "Thu, 01 Jan 1970 00:00:00 +0000"
    links = "".join(
        f'    <atom:link href="{_attr(href)}" rel="{rel}" type="{head.fmt.media_type}"/>\n'
        for rel, href in head.links
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<rss {_NAMESPACES[Format.RSS]} version="2.0">\n  <channel>\n'
        f"    <title>{rss_text(head.title)}</title>\n"
        f"    <link>{_text(head.page)}</link>\n"
        f"    <description>{_text(rss_description(head.channel.description))}</description>\n"
        f"{links}    <fh:archive/>\n"
        "    <docs>http://www.rssboard.org/rss-specification</docs>\n"
        f"    <generator>feeds {__version__}</generator>\n"
        f"    <language>{_text(settings.site.language)}</language>\n"
        f"    <pubDate>{when}</pubDate>\n    <lastBuildDate>{when}</lastBuildDate>\n"
        f"    <dc:creator>{rss_text(settings.author_name())}</dc:creator>\n"
    )


def part_documents(
    ctx: FeedContext, part: ArchivePart, fragments: Fragments, bodies: Mapping[str, list[bytes]] | None = None
) -> dict[str, bytes]:
    """Every document of one archive part: each configured format and its page. ``bodies``: each
    kind's fragments (``part_kinds``), when they do not all come from ``part.entries`` (which then
    need only hold the part's first entry: the heads show its date)."""
    kinds = part_kinds(ctx.settings, part.stem, ctx.channel.options)
    if bodies is None:
        bodies = {kind: [fragments.of(e, kind) for e in part.entries] for kind in kinds}
    documents = {
        f"{part.stem}.{fmt.value}": b"".join(_feed_head(ctx.channel, part, fmt, ctx.settings, bodies[kind]))
        for fmt, kind in zip(ctx.settings.formats, kinds[:-1], strict=True)
    }
    documents[f"{part.stem}.html"] = _page(ctx, part, bodies[kinds[-1]])
    return documents


def part_kinds(settings: Settings, stem: str, options: FeedOptions) -> list[str]:
    """The kinds of fragment the documents of archive ``stem`` of a channel of ``options`` hold:
    formats', then its page's. Content is in only when both ``archive_content`` and the channel's
    ``entry_content`` say ``full``: an archive never shows more than its channel's feeds (a
    summary channel's partners walking the archives get no full text)."""
    plain = options.full or settings.archive_content is not EntryContent.FULL
    return [*(fmt.value + ("" if plain else _SUMMARY) for fmt in settings.formats), _page_kind(stem)]


def kind_format(kind: str) -> str:
    """The format's value of a kind of fragment (``part_kinds``), with content or without; a
    page's kind as it is."""
    return kind.removesuffix(_SUMMARY)


def _page(ctx: FeedContext, part: ArchivePart, body: list[bytes]) -> bytes:
    title = archive_title(ctx.channel, part)
    # A split month's oldest part links on to the month's second.
    split = part.part > 1 or part.next == archive_stem(ctx.channel.stem, part.label, 2)
    return archive_page_bytes(
        ctx, part.stem, title, part.label, part.prev, part.next, body, part.part if split else 0
    )


def _page_kind(stem: str) -> str:
    return _HTML + "../" * stem.count("/")
