"""Pages for people: the index (topics, counts, latest titles), one page per channel, and one per
entry that has no URL of its own.

Pages link to each other and to feeds by relative URLs, so the site also works opened from disk
and under any base path; the addresses offered for copying are absolute.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import tzinfo
from importlib.resources import files
from urllib.parse import quote
from urllib.parse import unquote_plus

import jinja2
from markupsafe import Markup

from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.model import Topic
from feeds.render.context import FeedContext
from feeds.render.context import document_path
from feeds.render.context import document_url
from feeds.render.context import feed_time
from feeds.render.context import page_path
from feeds.render.context import url_path
from feeds.render.entry_html import page_html
from feeds.render.opml import OPML
from feeds.render.opml import opml_paths

LATEST_TITLES = 5


def shown_time(when: datetime, zone: tzinfo) -> str:
    """``when`` for people, in the site's zone (that of its archive months): ``2024-12-31 23:59
    EST``, or ``UTC+05:45`` where the zone's abbreviation is only a number."""
    local = when.astimezone(zone)
    name = local.tzname() or ""
    if not name.isalpha():
        offset = local.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:5]}" if offset not in ("", "+0000") else "UTC"
    return f"{local:%Y-%m-%d %H:%M} {name}"


_TEMPLATE_FILES = files("feeds.render.templates")
#: The package's templates, read when it is imported: a server that runs while ``pip`` upgrades
#: the package in place then keeps the templates that go with the code it runs (a template read
#: from disk on first use was the new version's, and named a filter the old code has not).
TEMPLATES = jinja2.DictLoader(
    {
        item.name: item.read_text(encoding="utf-8")
        for item in _TEMPLATE_FILES.iterdir()
        if item.name.endswith(".html")
    }
)
_templates = jinja2.Environment(
    loader=TEMPLATES,
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
    # The templates are the package's own and do not change while it runs; checking each one's
    # file for changes took a tenth of an entry page's time.
    auto_reload=False,
)
_templates.filters["html_datetime"] = feed_time
_templates.filters["shown_time"] = shown_time
_templates.filters["shown_query"] = lambda query: unquote_plus(query).replace("&", " & ")
_templates.filters["shown_date"] = lambda when, zone: f"{when.astimezone(zone):%Y-%m-%d}"
COPY_SCRIPT = _TEMPLATE_FILES.joinpath("copy.js").read_text(encoding="utf-8")
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(COPY_SCRIPT.encode()).digest()).decode()
#: Our pages have inline CSS and one inline script (by its hash): no other scripts, frames, forms,
#: plugins or images. Pages carry it in a <meta> tag too, so static hosting gets it without config.
PAGE_POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
    "base-uri 'none'; form-action 'none'"
)
#: The same as an HTTP header, which can also forbid framing (a <meta> policy cannot).
HTML_POLICY = PAGE_POLICY + "; frame-ancestors 'none'"


@dataclass(frozen=True)
class _FeedLink:
    label: str
    media_type: str
    title: str
    url: str  #: absolute, to copy and for autodiscovery
    href: str  #: relative to the page
    field: str  #: id of the address field


@dataclass(frozen=True)
class _TopicView:
    name: str
    anchor: str
    page: str  #: the channel's page, relative to the index
    total: int
    updated: datetime | None
    feeds: list[_FeedLink]
    latest: tuple[Entry, ...]


def _feed_links(ctx: FeedContext, root: str) -> list[_FeedLink]:
    """The channel's feeds, each with its address; ``root`` leads from the page to the site root."""
    anchor = _anchor(ctx.channel)
    query = f"?{ctx.query}" if ctx.query else ""
    return [
        _FeedLink(
            label=fmt.label,
            media_type=fmt.media_type,
            title=ctx.channel.title,
            url=ctx.self_url(fmt),
            href=root + url_path(document_path(ctx.channel.stem, fmt)) + query,
            field=f"address_{anchor}_{fmt.value}",  # "_": in no slug or stem, so in no section's id
        )
        for fmt in ctx.settings.formats
    ]


def _anchor(channel: Channel) -> str:
    """A topic's slug, "all", or the stem of another channel (which a slug never equals)."""
    return channel.topic.slug if channel.topic else channel.stem


def _shared(ctx: FeedContext) -> dict[str, object]:
    """What every page of the site shows alike: its title and language, the footer's lists."""
    return {
        "site": ctx.settings.site,
        "zone": ctx.settings.tz,
        "version": ctx.generator_version,
        "policy": PAGE_POLICY,
        "script": Markup(COPY_SCRIPT),
        "opml_format": ctx.settings.formats[0].label,
        "opml_lists": [(fmt.label, path) for path, fmt in opml_paths(ctx.settings).items() if path != OPML],
    }


def _render(template: str, ctx: FeedContext, **values: object) -> bytes:
    return _templates.get_template(template).render(_shared(ctx), **values).encode("utf-8")


def index_bytes(contexts: list[FeedContext], sections: Sequence[str]) -> bytes:
    """The index page; ``contexts`` has ``all`` first, then the topics and custom channels, and
    ``sections`` is each one's ``index_section``."""
    alternates = [feed for ctx in contexts for feed in _feed_links(ctx, "")]
    shown = [Markup(section) for section in sections]
    return _render("index.html", contexts[0], sections=shown, alternates=alternates, root="")


def index_section(ctx: FeedContext, everything: FeedContext) -> str:
    """A channel's part of the index page: its name, size, feeds and newest titles. A build keeps
    it with the channel's feeds, so that a site of thousands of topics makes only the changed
    channels' parts, and reads their newest entries only (``build.documents``)."""
    topic = _TopicView(
        name=ctx.channel.name,
        anchor=_anchor(ctx.channel),
        page=url_path(page_path(ctx.channel.stem)),
        total=ctx.channel.total,
        updated=ctx.channel.updated,
        feeds=_feed_links(ctx, ""),
        latest=ctx.channel.entries[:LATEST_TITLES],
    )
    return _templates.get_template("index_section.html").render(_shared(everything), topic=topic, root="")


class EntryPages:
    """The pages of entries without a URL of their own (``entry.page``), made one after another
    for one site: what they all share is worked out once (a site can have 100,000 of them).

    ``everything`` is the ``all`` channel's context, whose feeds each page offers.
    """

    def __init__(self, everything: FeedContext) -> None:
        self._everything = everything
        self._template = _templates.get_template("entry.html")
        self._shared = _shared(everything)
        self._feeds: dict[str, list[_FeedLink]] = {}  # by the path from a page to the site root
        self._topic_feeds: dict[tuple[str, str], list[_FeedLink]] = {}  # by that path and the topic's stem

    def __call__(self, entry: Entry) -> bytes:
        """An entry's page: its title, date, outlet and topics, then its content as the feeds
        carry it, without images (the page policy loads nothing from elsewhere). It offers the
        feeds of everything and of its topics for autodiscovery."""
        root = "../" * (entry.page or "").count("/")
        feeds = self._feeds.get(root)
        if feeds is None:
            feeds = self._feeds[root] = _feed_links(self._everything, root)
        if entry.topics:
            feeds = feeds + [link for topic in entry.topics for link in self._topic_links(topic, root)]
        content = Markup(page_html(entry))
        page = self._template.render(self._shared, entry=entry, content=content, alternates=feeds, root=root)
        return page.encode("utf-8")

    def _topic_links(self, topic: Topic, root: str) -> list[_FeedLink]:
        links = self._topic_feeds.get((root, topic.stem))
        if links is None:
            settings = self._everything.settings
            links = self._topic_feeds[root, topic.stem] = [
                _FeedLink(
                    label=fmt.label,
                    media_type=fmt.media_type,
                    title=topic.title,
                    url=document_url(settings, document_path(topic.stem, fmt)),
                    href=root + url_path(document_path(topic.stem, fmt)),
                    field="",  # autodiscovery only: no address field
                )
                for fmt in settings.formats
            ]
        return links


def channel_page_bytes(ctx: FeedContext) -> bytes:
    """One channel's page: how to subscribe, then its entries as the feeds carry them."""
    root = "../" * ctx.channel.stem.count("/")
    feeds = _feed_links(ctx, root)
    archives = [(label, root + url_path(f"{stem}.html")) for label, stem in ctx.archives]
    return _render(
        "channel.html", ctx, channel=ctx.channel, feeds=feeds, alternates=feeds, root=root, query=ctx.query,
        archives=archives,
    )  # fmt: skip


#: Topics the web app's 404 page lists at most. Every unknown path gets that page, so its size is
#: paid on each of them: listing all of a site's 2,432 topics made a 443 KB page (a flood of 404s
#: sent 138 MB in 10 s). Fifty names are what one scans on a screen or two, about 200 bytes each
#: with three formats, so the page stays near 10 KB (1 KB gzipped); the index page lists them all.
NOT_FOUND_TOPICS = 50


def not_found_bytes(topics: Sequence[Channel], formats: Sequence[Format], root: str, version: str) -> bytes:
    """The web app's 404 page: the feeds of the ``NOT_FOUND_TOPICS`` topics with the most entries,
    in the site's order (by slug), and links to the index and the OPML list, which have them all.
    ``root`` leads from the request's path to the site's root."""
    by_size = sorted(range(len(topics)), key=lambda n: -topics[n].total)  # stable: ties by slug
    shown = [topics[n] for n in sorted(by_size[:NOT_FOUND_TOPICS])]
    listed = [
        (c.name, [(fmt.label, root + url_path(document_path(c.stem, fmt))) for fmt in formats]) for c in shown
    ]
    page = _templates.get_template("not_found.html").render(
        root=root, topics=listed, total=len(topics), version=version
    )
    return page.encode("utf-8")


def archive_page_bytes(
    ctx: FeedContext,
    stem: str,
    title: str,
    label: str,
    older: str | None,
    newer: str | None,
    entries: list[bytes],
    part: int = 0,
) -> bytes:
    """The page of one archive document (``stem``): its feeds and the channel's, then its entries
    (``entries``: their fragments, ``render.archive``), with links to the archives around it.
    ``part`` is its number among the parts of a month split to fit its budget, 0 when not split.

    The page's autodiscovery links name the channel's current feeds: a reader that subscribes
    from an archive's page wants the feed that goes on, not the month that no longer changes
    (RFC 5005, section 4). The archive's own documents are among the addresses shown."""
    root = "../" * stem.count("/")
    anchor = _anchor(ctx.channel)
    feeds = [
        _FeedLink(
            label=f"{fmt.label} (archive)", media_type=fmt.media_type, title=title,
            url=ctx.settings.url(url_path(document_path(stem, fmt))),
            href=root + url_path(document_path(stem, fmt)),
            field=f"archive_{anchor}_{fmt.value}",
        )
        for fmt in ctx.settings.formats
    ]  # fmt: skip
    current = _feed_links(ctx, root)
    return _render(
        "archive.html", ctx, channel=ctx.channel, title=title, label=label, root=root,
        channel_page=url_path(page_path(ctx.channel.stem)), feeds=feeds + current, alternates=current,
        count=len(entries), part=part, older=older and root + url_path(f"{older}.html"),
        newer=newer and root + url_path(f"{newer}.html"), entries=Markup(b"".join(entries).decode("utf-8")),
    )  # fmt: skip


def archive_entry_html(entry: Entry, root: str, zone: tzinfo) -> str:
    """An entry on an archive's page, as channels' pages show it (``channel.html``), without
    Jinja: an archive page lists a month's entries, and every entry is on a few of them."""
    if entry.url:
        title = f'<a href="{_attr(entry.url)}">{_text(entry.title)}</a>'
    elif entry.page:
        title = f'<a href="{root}{_attr(quote(entry.page))}">{_text(entry.title)}</a>'
    else:
        title = _text(entry.title)
    meta = [f'<time datetime="{feed_time(entry.published)}">{shown_time(entry.published, zone)}</time>']
    if author := entry.author:  # as the feeds credit it: the provider, else the link's host
        meta.append(f"<bdi>{_text(author.name)}</bdi>")
    if entry.via:
        href = f"{root}{quote(entry.via.page)}" if entry.via.page else entry.via.url
        meta.append(f'via <a href="{_attr(href)}" dir="auto">{_text(entry.via.title)}</a>')
    meta.extend(
        f'<a href="{root}{_attr(quote(topic.stem))}.html" dir="auto">{_text(topic.name)}</a>'
        for topic in entry.topics
    )
    summary = f'<p dir="auto">{_text(entry.summary)}</p>\n' if entry.summary else ""
    heading = f'<h2 dir="auto">{title}</h2>'
    return f'<article>\n{heading}\n<p class="muted">{" · ".join(meta)}</p>\n{summary}</article>\n'


def archive_page_date(page: bytes) -> datetime | None:
    """The newest entry's date on an archive page: the first entry's ``<time>``
    (``archive_entry_html``; its title before it is escaped, so holds no tag)."""
    start = page.find(b"<article>\n")
    start = page.find(b'<time datetime="', start) if start >= 0 else -1
    if start < 0:
        return None
    start += len(b'<time datetime="')
    return datetime.fromisoformat(page[start : page.find(b'"', start)].decode("ascii"))


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)
