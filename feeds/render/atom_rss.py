"""Atom 1.0 and RSS 2.0 documents through feedgen: the only module that imports it.

feedgen 1.0.0 needs care, and every workaround lives here:

* ``updated`` and ``lastBuildDate`` default to the build time, so we always set them from entries;
* ``add_entry()`` prepends by default, so we append entries that are already sorted;
* the RSS channel ``<link>`` is the last ``link()`` added, so ``rel="self"`` goes first and the
  HTML ``rel="alternate"`` last;
* ``id()`` makes an RSS guid with ``isPermaLink="false"``, so we call ``guid()`` with the truth;
* each ``category()`` call rebuilds the RSS list from all categories so far (quadratic: an entry
  with 1,000 topics took minutes), so an entry's categories go in with one call;
* Atom entry links lose ``rel``/``type``/``title`` (``link`` is rebound in ``entry.py``), and its
  media extension wraps images in ``media:group``; so only the story's own link (no rel, which
  RFC 4287 §4.2.7.2 reads as ``alternate``) goes through feedgen, and related, via and enclosure
  links, ``media:*`` and ``dc:creator`` are added by our extension below, which also puts the
  HTML page's link first in Atom;
* ``link()`` refuses ``rel="hub"``, so WebSub hubs are added by the extension too;
* dates are written with ``isoformat()``'s six digits of a second's fraction, which the
  extensions write again with ``feed_time``'s three;
* RSS's plain-text elements get "&amp;" and "&lt;", which ``rss_plain_text`` writes again as the
  RSS Profile's hexadecimal references.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone
from typing import Any

from feedgen.ext.base import BaseEntryExtension
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.model import Entry
from feeds.model import Format
from feeds.model import Image
from feeds.render.context import MEDIA_NS
from feeds.render.context import FeedContext
from feeds.render.context import feed_time
from feeds.render.context import image_type
from feeds.render.context import media_content
from feeds.render.context import rss_description
from feeds.render.context import rss_plain_text
from feeds.render.icons import favicon_url
from feeds.render.icons import rss_image_url

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
#: ``updated`` of a feed with no entries: a fixed date, never the build time.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)


def feed_bytes(ctx: FeedContext, fmt: Format) -> bytes:
    """The Atom or RSS document of one channel."""
    channel = ctx.channel
    fg = FeedGenerator()
    fg.register_extension("feeds", _FeedExtension, _EntryExtension, atom=True, rss=True)
    fg.feeds.configure(ctx, fmt)
    fg.id(ctx.self_url(Format.ATOM))
    fg.title(channel.title)
    fg.subtitle(rss_description(channel.description) if fmt is Format.RSS else channel.description)
    fg.link(href=ctx.self_url(fmt), rel="self", type=fmt.media_type)
    fg.link(href=ctx.html_url, rel="alternate", type="text/html")  # last: the RSS <link>
    fg.language(ctx.settings.site.language)
    fg.updated(channel.updated or EMPTY_FEED_DATE)
    if fmt is Format.RSS:  # the channel's date as XML::Feed and others read it, beside lastBuildDate
        fg.pubDate(channel.updated or EMPTY_FEED_DATE)
    fg.author(name=ctx.settings.author_name())
    fg.generator(generator="feeds", version=ctx.generator_version)
    site = ctx.settings.site
    # Atom's icon is small and square (RFC 4287 §4.2.5), its logo twice as wide as tall (§4.2.8):
    # the favicon and the logo. RSS's image is ``rss_image_url``; feedgen's image() would also
    # make it the Atom logo, so it is only called for RSS.
    if fmt is Format.ATOM:
        fg.icon(favicon_url(ctx.settings))
        if site.logo:
            fg.logo(site.logo)
    else:
        image = rss_image_url(ctx.settings)
        if image is not None:
            fg.image(url=image, title=channel.title, link=ctx.html_url)
    for category in ctx.categories:
        fg.category(term=category)
    for entry in channel.entries:
        _add_entry(fg, ctx, entry, fmt)
    if fmt is Format.ATOM:
        data: bytes = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    else:
        data = rss_plain_text(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
    return data


def _add_entry(fg: FeedGenerator, ctx: FeedContext, entry: Entry, fmt: Format) -> None:
    fe = fg.add_entry(order="append")  # entries arrive sorted newest first
    fe.feeds.configure(ctx, entry, fmt)
    # A guid is a permalink only when it is the very URL a reader should open.
    fe.guid(entry.id, permalink=entry.url is not None and entry.url == entry.id)
    fe.title(entry.title)
    fe.published(entry.published)
    fe.updated(entry.published)
    link = ctx.entry_url(entry)
    if link:
        fe.link(href=link)
    elif fmt is Format.ATOM and not ctx.full_content:
        # An Atom entry without content needs an alternate link (RFC 4287 §4.1.1): its channel's
        # page, for an entry with no address of its own (nor a page: a union's, a filter's).
        fe.link(href=ctx.html_url)
    summary = ctx.summary(entry)
    if summary:
        fe.summary(summary if fmt is Format.ATOM else ctx.escape(summary))
    if ctx.full_content:
        fe.content(ctx.content_html(entry), type="html" if fmt is Format.ATOM else None)
    if entry.author is not None:
        author: dict[str, str] = {"name": entry.author.name}
        if entry.author.url:
            author["uri"] = entry.author.url
        fe.author(author)
    # The topic's name as the term, as RSS and JSON Feed say it: gofeed, feedjira and ROME showed
    # the term alone, which was its slug (an outside probe).
    categories = [{"term": t.name, "scheme": ctx.topic_scheme} for t in entry.topics]
    if entry.own_category:
        categories.append({"term": entry.own_category})
    if categories:
        fe.category(categories)  # all at once: each call redoes every category before it
    image = entry.image
    if fmt is Format.RSS and image is not None and image_type(image.url):
        # RSS 2.0 requires a length; 0 is the RSS Advisory Board's advice when it is unknown.
        fe.enclosure(url=image.url, length="0", type=image_type(image.url))


class _FeedExtension(BaseExtension):  # type: ignore[misc]
    """Feed-level additions: namespaces and links to the same feed in the other formats."""

    def configure(self, ctx: FeedContext, fmt: Format) -> None:
        self.ctx = ctx
        self.fmt = fmt

    def extend_ns(self) -> dict[str, str]:
        if self.fmt is Format.RSS:
            return {"media": MEDIA_NS, "dc": DC_NS}
        return {"media": MEDIA_NS}

    def extend_atom(self, feed: Any) -> Any:
        feed.find("updated").text = feed_time(self.ctx.channel.updated or EMPTY_FEED_DATE)
        self_link = next(link for link in feed.iterfind("link") if link.get("rel") == "self")
        archive = self.ctx.archive_url(self.fmt)
        if archive:  # RFC 5005 §4: the current feed names its newest archive
            self_link.addnext(
                etree.Element("link", rel="prev-archive", href=archive, type=self.fmt.media_type)
            )
        for url in reversed(self.ctx.hubs):
            # WebSub §4: rel="hub" beside rel="self" (RFC 5988 Appendix B), first hub first.
            self_link.addnext(etree.Element("link", rel="hub", href=url))
        # The HTML page's link is the feed's one alternate link, and its first link: readers take
        # the last alternate (newsboat), the first (rss-parser, fastfeedparser) or the first link
        # of any kind (feed-extractor) for the feed's website, whatever its type; links to the
        # other formats as alternates sent them to an RSS or JSON document (outside probes).
        page = next(link for link in feed.iterfind("link") if link.get("type") == "text/html")
        first = next(feed.iterfind("link"))
        if first is not page:
            first.addprevious(page)
        return feed

    def extend_rss(self, rss: Any) -> Any:
        channel = rss[0]
        self_link = channel.find(f"{{{ATOM_NS}}}link[@rel='self']")
        archive = self.ctx.archive_url(self.fmt)
        if archive:
            link = etree.Element(
                f"{{{ATOM_NS}}}link", rel="prev-archive", href=archive, type=self.fmt.media_type
            )
            self_link.addnext(link)
        for url in reversed(self.ctx.hubs):
            self_link.addnext(etree.Element(f"{{{ATOM_NS}}}link", rel="hub", href=url))
        # RSS has no author element without an e-mail address (managingEditor), and feedgen's
        # <generator> drops the version that Atom's carries: say both as Atom and JSON Feed do.
        etree.SubElement(channel, f"{{{DC_NS}}}creator").text = self.ctx.settings.author_name()
        channel.find("generator").text = f"feeds {self.ctx.generator_version}"
        return rss


class _EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Entry-level additions feedgen cannot express correctly (see the module docstring)."""

    def configure(self, ctx: FeedContext, entry: Entry, fmt: Format) -> None:
        self.ctx = ctx
        self.entry = entry
        self.fmt = fmt

    def extend_atom(self, element: Any) -> Any:
        entry = self.entry
        for name in ("updated", "published"):  # feedgen writes isoformat()'s six digits
            element.find(name).text = feed_time(entry.published)
        links = [("related", link.url, link.title) for link in entry.related]
        if entry.via is not None:
            links.append(("via", entry.via.url, entry.via.title))
        for rel, url, title in links:
            etree.SubElement(element, "link", rel=rel, href=url, title=title)
        enclosure_type = image_type(entry.image.url) if entry.image is not None else None
        if entry.image is not None and enclosure_type:
            etree.SubElement(element, "link", rel="enclosure", type=enclosure_type, href=entry.image.url)
        _add_media(element, entry.image)
        return element

    def extend_rss(self, item: Any) -> Any:
        if self.entry.author is not None:
            etree.SubElement(item, f"{{{DC_NS}}}creator").text = self.entry.author.name
        _add_media(item, self.entry.image)
        return item


def _add_media(element: Any, image: Image | None) -> None:
    """Media RSS (https://www.rssboard.org/media-rss): the image and its thumbnail, no group."""
    if image is None:
        return
    content = media_content(image)
    etree.SubElement(element, f"{{{MEDIA_NS}}}content", content)
    thumbnail = {name: value for name, value in content.items() if name in ("url", "width", "height")}
    etree.SubElement(element, f"{{{MEDIA_NS}}}thumbnail", thumbnail)
