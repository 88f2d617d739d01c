"""Round trips through the parsers people use: every field we map, every feed of the sample site.

feedparser reads each Atom and RSS document and feedparser-rs each JSON Feed (whose JSON is also
checked against the JSON Feed 1.1 spec directly). Every value that comes out is compared with the
model: the channels of ``sample.site`` and the site settings, never another of our outputs. The
site is checked as configured and once more with an icon and a logo, which the config leaves out.
Mismatches are collected, so one failing run names every field that went wrong, not only the first.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import time
from collections.abc import Iterable
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import lxml.html
import pytest

from feeds import __version__
from feeds.build.result import BuildResult
from feeds.config import Settings
from feeds.config import load_settings
from feeds.model import ArchiveMode
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.render.context import image_type
from feeds.render.entry_html import entry_html
from feeds.render.site import render_site

ROOT = Path(__file__).resolve().parent.parent
#: An Atom or RSS feed with no entries is dated this (never the build time).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ICON = "https://feeds.example.org/icon.png"
LOGO = "https://feeds.example.org/logo.png"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: Keys JSON Feed 1.1 defines (https://www.jsonfeed.org/version/1.1/), with 1.0's ``author``,
#: which 1.1 lets a feed keep beside ``authors`` for older readers; others must start with "_".
JSON_FEED_KEYS = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url",
    "icon", "favicon", "author", "authors", "language", "expired", "hubs", "items",
}  # fmt: skip
JSON_ITEM_KEYS = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "author", "authors", "tags", "language",
    "attachments",
}  # fmt: skip
#: RFC 3339, with at most three digits of a second's fraction: readers such as ROME take the
#: fraction for milliseconds.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|[+-]\d\d:\d\d)\Z")
JSON_CONSUMER = "feedparser-rs>=0.7.1,<0.8"
GENERATOR = "feeds"  #: our name in Atom and RSS ``<generator>``
RSS_DOCS = "http://www.rssboard.org/rss-specification"  #: the ``<docs>`` feedgen writes


@dataclasses.dataclass(frozen=True)
class Variant:
    """The sample site rendered with one set of settings."""

    settings: Settings
    documents: dict[str, bytes]
    archived: bool = False  #: built with its archives (the other variant is rendered without them)

    def url(self, channel: Channel, fmt: Format) -> str:
        return f"{self.settings.site.base_url}{channel.stem}.{fmt.value}"

    def page_url(self, channel: Channel) -> str:
        """The channel's page for people; the index page for ``all``."""
        page = f"{channel.stem}.html" if channel.topic is not None else ""
        return self.settings.site.base_url + page

    def entry_link(self, entry: Entry) -> str:
        """Where a reader opens an entry: its story's URL, or else its page in the site."""
        return entry.url or self.settings.site.base_url + quote(entry.page or "")

    @property
    def topic_scheme(self) -> str:
        return self.settings.site.base_url + "topics/"

    @property
    def icon(self) -> str:
        """The large square icon: the configured one, else ours in the site."""
        return self.settings.site.icon or self.settings.site.base_url + "icon.png"

    @property
    def favicon(self) -> str:
        """The small square icon: the configured favicon or icon, else ours in the site."""
        site = self.settings.site
        return site.favicon or site.icon or site.base_url + "favicon.png"

    @property
    def image(self) -> str:
        """The RSS feed image: the wide logo, else the favicon (RSS images are 144 px wide at most)."""
        return self.settings.site.logo or self.favicon


@pytest.fixture(scope="module", params=["as configured", "with icon and logo"])
def variant(request: pytest.FixtureRequest, sample: BuildResult) -> Variant:
    settings = load_settings(ROOT / "config" / "feeds.yaml")
    if request.param == "as configured":
        assert (settings.site.icon, settings.site.logo) == (None, None)  # else the second adds nothing
        return Variant(settings, sample.documents, settings.archives is ArchiveMode.MONTHLY)
    site = dataclasses.replace(settings.site, icon=ICON, logo=LOGO)
    branded = dataclasses.replace(settings, site=site)
    return Variant(branded, render_site(sample.site, branded))


class Mismatches:
    """Every field of a run that differs from the model, reported together at the end."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, where: str, got: object, expected: object) -> None:
        if got != expected:
            self.found.append(f"{where}: got {got!r}, expected {expected!r}")

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} field(s) lost or changed:\n" + "\n".join(self.found)


def channels(sample: BuildResult) -> list[Channel]:
    channels = list(sample.site.channels)
    assert len(channels) > 1 and channels[0].topic is None
    return channels


def parse_xml_feed(variant: Variant, channel: Channel, fmt: Format) -> tuple[str, Any]:
    name = f"{channel.stem}.{fmt.value}"
    result = feedparser.parse(variant.documents[name])
    assert not result.bozo, (name, result.get("bozo_exception"))
    assert result.version == {Format.ATOM: "atom10", Format.RSS: "rss20"}[fmt], name
    return name, result


def instant(struct: time.struct_time | None) -> datetime | None:
    """A parser's UTC ``*_parsed`` date as an aware datetime, to compare as an instant."""
    return None if struct is None else datetime(*struct[:6], tzinfo=timezone.utc)


def seconds(when: datetime) -> datetime:
    """A date as the XML parsers give it (``time.struct_time``): to the whole second."""
    return when.replace(microsecond=0)


def text(detail: Any) -> str | None:
    """A parsed text construct as the plain text a reader shows: an HTML value is unescaped."""
    if detail is None:
        return None
    value: str = detail.value
    return html.unescape(value) if detail.type == "text/html" else value


def html_tree(fragment: str, ignored_rel: Iterable[str] = ()) -> list[Any]:
    """An HTML fragment as nested (tag, attributes, text, children, tail) tuples: equal for the same
    markup however it is serialised (attribute order and quotes, ``<img>`` or ``<img />``, trailing
    whitespace). ``ignored_rel`` are ``rel`` tokens a consumer's sanitiser may add to links."""
    ignored = set(ignored_rel)

    def node(element: Any) -> tuple[Any, ...]:
        attributes = dict(element.attrib)
        if "rel" in attributes:
            attributes["rel"] = " ".join(t for t in attributes["rel"].split() if t not in ignored)
        children = [node(child) for child in element]
        return (element.tag, sorted(attributes.items()), element.text or "", children, element.tail or "")

    return [
        part if isinstance(part, str) else node(part)
        for part in lxml.html.fragments_fromstring(fragment.strip())
    ]


def media(entry: Entry) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The Media RSS ``media:content`` and ``media:thumbnail`` of an entry, as feedparser reads them."""
    image = entry.image
    if image is None:
        return [], []
    size = {k: str(v) for k, v in (("width", image.width), ("height", image.height)) if v}
    kind = image_type(image.url)
    content = {"url": image.url, "medium": "image", **size, **({"type": kind} if kind else {})}
    return [content], [{"url": image.url, **size}]


def enclosure(entry: Entry) -> tuple[str, str] | None:
    """The image as an enclosure: (URL, media type), only when its type can be told."""
    if entry.image is None or image_type(entry.image.url) is None:
        return None
    return entry.image.url, str(image_type(entry.image.url))


def check_xml_feed(m: Mismatches, name: str, feed: Any, v: Variant, channel: Channel, fmt: Format) -> None:
    """Feed-level fields common to Atom and RSS."""
    m.check(f"{name} title", (feed.title_detail.type, feed.get("title")), ("text/plain", channel.title))
    m.check(f"{name} subtitle", text(feed.get("subtitle_detail")), channel.description)
    m.check(f"{name} link", feed.get("link"), v.page_url(channel))
    links = [(link.get("rel"), link.get("href"), link.get("type")) for link in feed.get("links", [])]
    # The newest archive (RFC 5005), when the config has archives: its month is archives' business.
    archive = [
        (href.rsplit("/", 1)[0], href.rsplit(".", 1)[1], kind)
        for rel, href, kind in links
        if rel == "prev-archive"
    ]
    links = [link for link in links if link[0] != "prev-archive"]
    folder = v.settings.url(f"archives/{channel.stem}")
    on = v.archived and channel.total > 1  # a channel of one entry has no archive
    m.check(f"{name} prev-archive", archive, [(folder, fmt.value, fmt.media_type)] if on else [])
    expected = [
        ("self", v.url(channel, fmt), fmt.media_type),
        ("alternate", v.page_url(channel), "text/html"),  # its one alternate: readers take it for the site
    ]
    m.check(f"{name} links", sorted(links), sorted(expected))
    m.check(f"{name} language", feed.get("language"), v.settings.site.language)
    m.check(f"{name} updated", instant(feed.get("updated_parsed")), seconds(channel.updated or EPOCH))
    if fmt is Format.RSS:  # pubDate too: XML::Feed reads the channel's date from it alone
        m.check(f"{name} pubDate", instant(feed.get("published_parsed")), seconds(channel.updated or EPOCH))
    # Atom's generator has the version in an attribute; RSS's is plain text.
    m.check(
        f"{name} generator",
        feed.get("generator"),
        GENERATOR if fmt is Format.ATOM else f"{GENERATOR} {__version__}",
    )
    tags = [(t.get("term"), t.get("scheme"), t.get("label")) for t in feed.get("tags", [])]
    topic = [(channel.topic.name, None, None)] if channel.topic is not None else []
    m.check(f"{name} categories", tags, topic)


def check_entries(m: Mismatches, name: str, entries: list[Any], channel: Channel) -> None:
    """The entries' ids in order: this is what reports a missing or extra entry, since the loops over
    entries zip without ``strict`` so that every other mismatch is reported too."""
    m.check(f"{name} entry ids", [e.get("id") for e in entries], [e.id for e in channel.entries])


def test_atom_round_trips_through_feedparser(sample: BuildResult, variant: Variant) -> None:
    """Every feed and entry field of every Atom document, as feedparser hands it to a reader."""
    m = Mismatches()
    site = variant.settings.site
    for channel in channels(sample):
        name, result = parse_xml_feed(variant, channel, Format.ATOM)
        feed = result.feed
        check_xml_feed(m, name, feed, variant, channel, Format.ATOM)
        m.check(f"{name} id", feed.get("id"), variant.url(channel, Format.ATOM))
        m.check(f"{name} subtitle type", feed.subtitle_detail.type, "text/plain")
        author = feed.get("author_detail", {})
        m.check(
            f"{name} author", (author.get("name"), author.get("href")), (variant.settings.author_name(), None)
        )
        m.check(f"{name} generator version", feed.generator_detail.get("version"), __version__)
        m.check(f"{name} icon", feed.get("icon"), variant.favicon)  # Atom's icon is the small one
        m.check(f"{name} logo", feed.get("logo"), site.logo)
        check_entries(m, name, result.entries, channel)
        for index, (got, entry) in enumerate(zip(result.entries, channel.entries, strict=False)):
            check_atom_entry(m, f"{name}[{index}]", got, entry, variant)
    m.assert_none()


def check_atom_entry(m: Mismatches, where: str, got: Any, entry: Entry, v: Variant) -> None:
    m.check(f"{where} title", (got.title_detail.type, got.get("title")), ("text/plain", entry.title))
    m.check(f"{where} published", instant(got.get("published_parsed")), seconds(entry.published))
    m.check(f"{where} updated", instant(got.get("updated_parsed")), seconds(entry.published))
    # An entry without a URL of its own links to its page in the site.
    m.check(f"{where} link", got.get("link"), v.entry_link(entry))
    links = [(link.get("rel"), link.get("href"), link.get("title")) for link in got.get("links", [])]
    expected_links: list[tuple[str, str | None, str | None]] = [("alternate", v.entry_link(entry), None)]
    expected_links += [("related", link.url, link.title) for link in entry.related]
    expected_links += [("via", entry.via.url, entry.via.title)] if entry.via is not None else []
    image = enclosure(entry)
    expected_links += [("enclosure", image[0], None)] if image else []
    m.check(f"{where} links", links, expected_links)
    enclosures = [(e.get("href"), e.get("type"), e.get("length")) for e in got.get("enclosures", [])]
    m.check(f"{where} enclosures", enclosures, [(*image, None)] if image else [])
    content = entry_html(entry)
    got_content = [(c.get("type"), html_tree(c.get("value", ""))) for c in got.get("content", [])]
    m.check(f"{where} content", got_content, [("text/html", html_tree(content))])
    if entry.summary:
        m.check(
            f"{where} summary", (got.summary_detail.type, got.get("summary")), ("text/plain", entry.summary)
        )
    else:  # no <summary>: feedparser shows the content in its place
        m.check(f"{where} summary", html_tree(got.get("summary", "")), html_tree(content))
    provider = entry.provider
    author = got.get("author_detail", {})
    m.check(
        f"{where} author",
        (author.get("name"), author.get("href"), len(got.get("authors", []))),
        (provider.name, provider.url, 1) if provider else (None, None, 0),
    )
    tags = [(t.get("term"), t.get("scheme"), t.get("label")) for t in got.get("tags", [])]
    expected_tags: list[tuple[str, str | None, str | None]] = []
    expected_tags += [(t.name, v.topic_scheme, None) for t in entry.topics]
    expected_tags += [(entry.category, None, None)] if entry.category else []
    m.check(f"{where} categories", tags, expected_tags)
    check_media(m, where, got, entry)


def check_media(m: Mismatches, where: str, got: Any, entry: Entry) -> None:
    """Media RSS elements, the same in Atom and RSS."""
    content_media, thumbnails = media(entry)
    m.check(f"{where} media:content", got.get("media_content", []), content_media)
    m.check(f"{where} media:thumbnail", got.get("media_thumbnail", []), thumbnails)


def test_rss_round_trips_through_feedparser(sample: BuildResult, variant: Variant) -> None:
    """Every channel and item field of every RSS document, as feedparser hands it to a reader."""
    m = Mismatches()
    for channel in channels(sample):
        name, result = parse_xml_feed(variant, channel, Format.RSS)
        feed = result.feed
        check_xml_feed(m, name, feed, variant, channel, Format.RSS)
        m.check(f"{name} docs", feed.get("docs"), RSS_DOCS)
        image = feed.get("image", {})
        m.check(
            f"{name} image",
            (image.get("href"), image.get("title"), image.get("link")),
            (variant.image, channel.title, variant.page_url(channel)),
        )
        check_entries(m, name, result.entries, channel)
        for index, (got, entry) in enumerate(zip(result.entries, channel.entries, strict=False)):
            check_rss_item(m, f"{name}[{index}]", got, entry, variant)
    m.assert_none()


def check_rss_item(m: Mismatches, where: str, got: Any, entry: Entry, v: Variant) -> None:
    m.check(f"{where} title", (got.title_detail.type, got.get("title")), ("text/plain", entry.title))
    # An entry without a URL of its own links to its page in the site; its guid (isPermaLink="false")
    # is not taken for a link.
    m.check(f"{where} link", got.get("link"), v.entry_link(entry))
    m.check(f"{where} published", instant(got.get("published_parsed")), seconds(entry.published))
    image = enclosure(entry)
    links = [(link.get("rel"), link.get("href")) for link in got.get("links", [])]
    expected_links = [("alternate", v.entry_link(entry))]
    m.check(f"{where} links", links, expected_links + ([("enclosure", image[0])] if image else []))
    enclosures = [(e.get("href"), e.get("type"), e.get("length")) for e in got.get("enclosures", [])]
    # RSS 2.0 requires a length; "0" stands for unknown.
    m.check(f"{where} enclosures", enclosures, [(*image, "0")] if image else [])
    content = entry_html(entry)
    description = got.get("summary_detail") or {"type": None, "value": ""}
    got_content = [(c.get("type"), html_tree(c.get("value", ""))) for c in got.get("content", [])]
    if entry.summary:
        # <description> is HTML: the plain-text excerpt, escaped; the content is <content:encoded>.
        plain = (description["type"], html.unescape(description["value"]))
        m.check(f"{where} description", plain, ("text/html", entry.summary))
        m.check(f"{where} content:encoded", got_content, [("text/html", html_tree(content))])
    else:  # no excerpt: the content is the <description>, and there is no <content:encoded>
        markup = (description["type"], html_tree(description["value"]))
        m.check(f"{where} description", markup, ("text/html", html_tree(content)))
        m.check(f"{where} content:encoded", got_content, [])
    provider = entry.provider
    m.check(f"{where} dc:creator", got.get("author"), provider.name if provider else None)
    tags = [(t.get("term"), t.get("scheme"), t.get("label")) for t in got.get("tags", [])]
    expected_tags: list[tuple[str, str | None, None]] = []
    expected_tags += [(t.name, v.topic_scheme, None) for t in entry.topics]
    expected_tags += [(entry.category, None, None)] if entry.category else []
    m.check(f"{where} categories", tags, expected_tags)
    check_media(m, where, got, entry)


def test_rss_carries_the_feed_author(sample: BuildResult, variant: Variant) -> None:
    """As a channel-level dc:creator: RSS's own element (managingEditor) needs an e-mail address."""
    m = Mismatches()
    for channel in channels(sample):
        name, result = parse_xml_feed(variant, channel, Format.RSS)
        m.check(f"{name} author", result.feed.get("author"), variant.settings.author_name())
    m.assert_none()


def test_rss_generator_names_our_version(sample: BuildResult, variant: Variant) -> None:
    """RSS's <generator> is plain text; Atom's has a version attribute."""
    m = Mismatches()
    for channel in channels(sample):
        name, result = parse_xml_feed(variant, channel, Format.RSS)
        m.check(f"{name} generator has version", __version__ in result.feed.get("generator", ""), True)
    m.assert_none()


def test_json_feed_follows_the_spec_and_the_model(sample: BuildResult, variant: Variant) -> None:
    """JSON Feed 1.1 field by field on the plain JSON, which is lossless: exact values throughout."""
    m = Mismatches()
    site = variant.settings.site
    for channel in channels(sample):
        name = f"{channel.stem}.json"
        feed = json.loads(variant.documents[name])
        unknown = {k for k in feed if k not in JSON_FEED_KEYS and not k.startswith("_")}
        m.check(f"{name} keys outside the spec", unknown, set())
        m.check(f"{name} version", feed.get("version"), JSON_FEED_VERSION)
        m.check(f"{name} title", feed.get("title"), channel.title)
        m.check(f"{name} home_page_url", feed.get("home_page_url"), variant.page_url(channel))
        m.check(f"{name} feed_url", feed.get("feed_url"), variant.url(channel, Format.JSON))
        m.check(f"{name} description", feed.get("description"), channel.description)
        m.check(f"{name} icon", feed.get("icon"), variant.icon)
        m.check(f"{name} favicon", feed.get("favicon"), variant.favicon)
        m.check(f"{name} authors", feed.get("authors"), [{"name": variant.settings.author_name()}])
        m.check(f"{name} author", feed.get("author"), {"name": variant.settings.author_name()})
        m.check(f"{name} language", feed.get("language"), site.language)
        alternates = [
            {"type": fmt.media_type, "url": variant.url(channel, fmt)}
            for fmt in variant.settings.formats
            if fmt is not Format.JSON
        ]
        m.check(f"{name} _feeds", feed.get("_feeds"), {"alternates": alternates})
        items = feed.get("items", [])
        m.check(f"{name} item ids", [i.get("id") for i in items], [e.id for e in channel.entries])
        for index, (item, entry) in enumerate(zip(items, channel.entries, strict=False)):
            check_json_item(m, f"{name}[{index}]", item, entry, variant)
    m.assert_none()


def check_json_item(m: Mismatches, where: str, item: dict[str, Any], entry: Entry, v: Variant) -> None:
    unknown = {k for k in item if k not in JSON_ITEM_KEYS and not k.startswith("_")}
    m.check(f"{where} keys outside the spec", unknown, set())
    m.check(f"{where} url", item.get("url"), v.entry_link(entry))
    m.check(f"{where} title", item.get("title"), entry.title)
    m.check(f"{where} content_html", item.get("content_html"), entry_html(entry))
    m.check(f"{where} summary", item.get("summary"), entry.summary or None)
    m.check(f"{where} image", item.get("image"), entry.image.url if entry.image else None)
    for key in ("date_published", "date_modified"):  # the model has one date: both are it
        value = item.get(key, "")
        m.check(f"{where} {key} is RFC 3339", bool(RFC3339.match(value)), True)
        m.check(f"{where} {key}", datetime.fromisoformat(value) if value else None, to_ms(entry.published))
    provider = entry.provider
    authors = None
    if provider is not None:
        authors = [{"name": provider.name, **({"url": provider.url} if provider.url else {})}]
    m.check(f"{where} authors", item.get("authors"), authors)
    m.check(f"{where} author", item.get("author"), authors[0] if authors else None)
    tags = [t.name for t in entry.topics] + ([entry.category] if entry.category else [])
    m.check(f"{where} tags", item.get("tags"), tags or None)


def test_json_feed_round_trips_through_feedparser_rs(sample: BuildResult, variant: Variant) -> None:
    """Every JSON Feed as a JSON Feed 1.1 consumer reads it.

    feedparser-rs 0.7.1 reads JSON Feed's plain-text title, summary and description as HTML: it says
    so (type text/html) and escapes "&" accordingly, so those are compared by their declared type.
    Its sanitiser adds "nofollow" to every link's rel; the content is compared without that token.
    """
    feedparser_rs = pytest.importorskip(
        "feedparser_rs", reason=f"the JSON Feed consumer is not installed: pip install '{JSON_CONSUMER}'"
    )
    m = Mismatches()
    for channel in channels(sample):
        name = f"{channel.stem}.json"
        result = feedparser_rs.parse(variant.documents[name])
        assert not result.bozo, (name, result.bozo_exception)
        m.check(f"{name} version", result.version, "json11")
        feed = result.feed
        m.check(f"{name} title", text(feed.title_detail), channel.title)
        m.check(f"{name} description", text(feed.subtitle_detail), channel.description)
        m.check(f"{name} home page", feed.link, variant.page_url(channel))
        links = [(link.rel, link.href, link.type) for link in feed.links]
        m.check(f"{name} links", links, [("self", variant.url(channel, Format.JSON), Format.JSON.media_type)])
        m.check(f"{name} language", feed.language, variant.settings.site.language)
        author = feed.author_detail
        m.check(f"{name} author", (author.name, author.href), (variant.settings.author_name(), None))
        # Which of its fields it files JSON Feed's icon and favicon under is the consumer's business;
        # the plain-JSON test checks which is which.
        images = {feed.icon, feed.logo, feed.image.href if feed.image else None} - {None}
        m.check(f"{name} icon and favicon", images, {variant.icon, variant.favicon})
        alternates = feed.json_extensions.get("_feeds", {}).get("alternates")
        expected = [
            {"type": fmt.media_type, "url": variant.url(channel, fmt)}
            for fmt in variant.settings.formats
            if fmt is not Format.JSON
        ]
        m.check(f"{name} _feeds alternates", alternates, expected)
        check_entries(m, name, list(result.entries), channel)
        for index, (got, entry) in enumerate(zip(result.entries, channel.entries, strict=False)):
            check_json_entry(m, f"{name}[{index}]", got, entry, variant)
    m.assert_none()


def check_json_entry(m: Mismatches, where: str, got: Any, entry: Entry, v: Variant) -> None:
    m.check(f"{where} title", text(got.title_detail), entry.title)
    m.check(f"{where} link", got.link, v.entry_link(entry))
    links = [(link.rel, link.href) for link in got.links]
    expected_links = [("alternate", v.entry_link(entry))]
    # JSON Feed's ``image`` comes out as an enclosure link (of type "image/*", the consumer's guess).
    expected_links += [("enclosure", entry.image.url)] if entry.image else []
    m.check(f"{where} links", links, expected_links)
    m.check(f"{where} attachments", list(got.enclosures), [])
    contents = [(c.type, html_tree(c.value, ignored_rel={"nofollow"})) for c in got.content]
    m.check(f"{where} content", contents, [("text/html", html_tree(entry_html(entry)))])
    m.check(f"{where} summary", text(got.summary_detail), entry.summary or None)
    m.check(f"{where} published", instant(got.published_parsed), seconds(entry.published))
    m.check(f"{where} modified", instant(got.updated_parsed), seconds(entry.published))
    provider = entry.provider
    author = got.author_detail
    m.check(
        f"{where} author",
        (author.name, author.href) if author else None,
        (provider.name, provider.url) if provider else None,
    )
    tags = [(t.term, t.scheme, t.label) for t in got.tags]
    expected_tags = [(t.name, None, None) for t in entry.topics]
    expected_tags += [(entry.category, None, None)] if entry.category else []
    m.check(f"{where} tags", tags, expected_tags)


def to_ms(when: datetime) -> datetime:
    """``when`` as the feeds write it: to the millisecond, cut, not rounded."""
    return when.replace(microsecond=when.microsecond // 1000 * 1000)
