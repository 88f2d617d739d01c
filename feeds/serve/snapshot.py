"""A snapshot: one successful build, frozen, with every document prepared for HTTP.

Requests read a snapshot and never change it; filtered feeds are rendered on first request, one
turn at a time (``limits.FilterGate``), from the entries' briefs, and kept in a cache bounded in
bytes that dies with the snapshot.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from feeds.build import BuildResult
from feeds.config import Settings
from feeds.model import Channel
from feeds.model import Format
from feeds.plan.archives import archive_paths
from feeds.plan.archives import month_label
from feeds.render.atom_rss import EMPTY_FEED_DATE
from feeds.render.context import channel_paths
from feeds.render.context import document_path
from feeds.render.context import document_url
from feeds.render.context import page_path
from feeds.render.pages import archive_page_date
from feeds.render.site import INDEX
from feeds.render.site import render_feed
from feeds.render.site import render_page
from feeds.serve.compose import parse_union
from feeds.serve.compose import union_channel
from feeds.serve.filters import FeedFilter
from feeds.serve.limits import FilterCache
from feeds.serve.limits import FilterGate
from feeds.serve.memory import return_free_memory
from feeds.serve.not_found import NotFoundPages
from feeds.serve.responses import NEGOTIATED
from feeds.serve.responses import PreparedDocument
from feeds.serve.responses import body_tag
from feeds.serve.responses import prepare
from feeds.serve.responses import websub_link
from feeds.serve.search import SearchText
from feeds.serve.served_dates import ServedDates


@dataclass(frozen=True)
class _Feed:
    channel: Channel
    fmt: Format


@dataclass(frozen=True)
class Snapshot:
    """One successful build, ready to serve."""

    result: BuildResult
    settings: Settings
    documents: dict[str, PreparedDocument]  #: request path ("/", "/topics/ai.atom") → document
    feeds: dict[str, _Feed]  #: request path of each feed → what it was rendered from
    views: dict[str, PreparedDocument]  #: request path of an Atom or RSS feed → its page, for browsers
    built_at: datetime  #: when this build finished (for /healthz; never written into a document)
    seconds: float  #: how long it took
    #: the filters' text and the entries' briefs (shared with later snapshots: it follows the files)
    search: SearchText
    gate: FilterGate = field(default_factory=lambda: FilterGate(1, 0))  #: shared with later snapshots
    _filtered: FilterCache = field(default_factory=lambda: FilterCache(0))  #: filtered feeds made
    #: request path of a channel's page → of its first feed, whose filters the page takes too
    page_feeds: dict[str, str] = field(default_factory=dict)
    #: request key → (ETag, Last-Modified) of each document, which the next process starts from
    served: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: channel stem → when any of its entries (or the settings) last changed: what its filters search
    entries_changed: dict[str, datetime] = field(default_factory=dict)
    #: the 404 pages, made on first request: they depend on the site alone
    not_found: NotFoundPages = field(default_factory=NotFoundPages, compare=False, repr=False)

    def filtered(
        self, path: str, feed_filter: FeedFilter, view: bool = False, negotiated: bool = False
    ) -> PreparedDocument | None:
        """The feed at ``path`` with ``feed_filter`` applied, or its page with ``view`` (served at
        the feed's address to a browser with ``negotiated``, at its own ``.html`` one without):
        rendered once, then cached. Raises ``limits.FilterBusy`` when it is not cached and too
        many new filters are being made already."""
        feed = self.feed(path)
        if feed is None:
            return None
        key = (path, feed_filter.query, view, negotiated)
        cached = self._filtered.get(key)
        if cached is not None:
            return cached
        with self.gate.turn():
            cached = self._filtered.get(key)  # made while this request waited for its turn
            if cached is not None:
                return cached
            doc = self._render_filtered(path, feed, feed_filter, view, negotiated)
        self._filtered.put(key, doc)
        return doc

    def _render_filtered(
        self, path: str, feed: _Feed, feed_filter: FeedFilter, view: bool, negotiated: bool
    ) -> PreparedDocument:
        shown, total = feed_filter.select(feed.channel.refs, feed.channel.options.max_items, self.search)
        return_free_memory()  # the unpacked search text is gone again
        entries = self.search.entries(shown, self.settings, self.result.site.pages)
        since = feed.channel.updated  # the unfiltered feed's: dates a filtered feed without entries
        channel = dataclasses.replace(feed.channel, entries=entries, total=total, refs=(), since=since)
        if view:
            body = render_page(channel, self.settings, feed_filter.query)
        else:
            body = render_feed(channel, self.settings, feed.fmt, feed_filter.query)
        shown_at = page_path(channel.stem) if view else path
        modified, max_age = self._filtered_modified(path), self.settings.serve.max_age
        return prepare(shown_at, body, modified, max_age, view=view and negotiated)

    def topic_channels(self) -> dict[str, Channel]:
        """The site's topics' channels by slug."""
        return {channel.topic.slug: channel for channel in self.result.site.topics if channel.topic}

    def feed(self, path: str) -> _Feed | None:
        """The feed at a request path: one the build made, or a union of its topics in canonical
        order (``compose``), whose entries are merged only when they are needed."""
        feed = self.feeds.get(path)
        if feed is not None:
            return feed
        union = self._union(path)
        return None if union is None else _Feed(union_channel(union[0], self.settings), union[1])

    def _filtered_modified(self, path: str) -> datetime:
        """Last-Modified of the feed at ``path`` with a filter: its unfiltered feed's (a union's,
        its newest topic feed's), or when any entry of its channels last changed, whichever is
        later. A filter searches every entry, not only those the unfiltered feed shows: an older
        entry's edit changes it while the unfiltered feed stays as it was."""
        feed = self.feeds.get(path)
        found = ([feed.channel], feed.fmt) if feed is not None else self._union(path)
        if found is None:
            raise KeyError(path)
        channels, fmt = found
        feeds = [self.documents[request_path(document_path(c.stem, fmt))].modified for c in channels]
        entries = [self.entries_changed.get(c.stem, self.built_at) for c in channels]
        return max(*feeds, *entries)

    def _union(self, path: str) -> tuple[list[Channel], Format] | None:
        try:
            parsed = parse_union(path.encode("latin-1").decode("utf-8").removeprefix("/"))
        except UnicodeError:
            return None
        if parsed is None or parsed[1] not in {fmt.value for fmt in self.settings.formats}:
            return None
        slugs, topics = parsed[0], self.topic_channels()
        if slugs != sorted(set(slugs)) or not all(slug in topics for slug in slugs):
            return None  # only the canonical form of a union of topics there are
        return [topics[slug] for slug in slugs], Format(parsed[1])


def request_path(output_path: str) -> str:
    """The WSGI ``PATH_INFO`` of an output path: UTF-8 bytes read as Latin-1 (PEP 3333)."""
    return "/" + output_path.encode("utf-8").decode("latin-1")


#: The served dates' key of when a channel's entries last changed (its filters' Last-Modified).
ENTRIES_CHANGED = "entries:"


#: Documents gone from the site whose served dates are kept (``make_snapshot``).
MAX_GONE = 10_000


def make_snapshot(
    result: BuildResult,
    settings: Settings,
    previous: Snapshot | None,
    now: datetime,
    seconds: float,
    search: SearchText,
    gate: FilterGate | None = None,
    served: ServedDates | None = None,
    fingerprint: str = "",
    changed_at: datetime | None = None,
) -> Snapshot:
    """Prepare every document of a build; ``previous`` keeps Last-Modified honest across rebuilds,
    and ``served`` (the dates given out before, by ``previous`` or by an earlier process) across
    restarts, for documents ``previous`` does not hold; ``fingerprint`` (the config's and content's,
    ``watch.look``) tells a restart that nothing changed while it was stopped. ``changed_at``:
    when the content changed (``served_dates.change_time``; default ``now``), the date of bytes
    that changed without a newer entry. ``gate`` gives new filtered feeds their turns (default: one
    at a time, none waiting)."""
    changed_at = now if changed_at is None else min(changed_at, now)
    site = result.site
    newest = site.everything.updated or EMPTY_FEED_DATE
    content_dates = {path: newest for path in result.documents}  # the index and the OPML lists
    feeds: dict[str, _Feed] = {}
    shown_as: dict[str, list[str]] = {}  #: a page → the feeds a browser gets it for
    page_feeds: dict[str, str] = {}
    for channel in site.channels:
        for fmt in settings.formats:
            path = document_path(channel.stem, fmt)
            feeds[request_path(path)] = _Feed(channel, fmt)
            page_feeds.setdefault(request_path(page_path(channel.stem)), request_path(path))
            if path.endswith(NEGOTIATED):
                shown_as.setdefault(page_path(channel.stem), []).append(request_path(path))
        for path in channel_paths(channel.stem, settings.formats):
            content_dates[path] = channel.updated or EMPTY_FEED_DATE
    # Archives: a browser gets an archive feed's page; a closed month's archive changes rarely.
    archived = archive_paths(result.documents, month_label(now.astimezone(settings.tz)))
    archive_dates = {
        path[: -len(".html")]: archive_page_date(result.documents[path])
        for path in archived
        if path.endswith(".html")
    }
    for path in archived:
        content_dates[path] = archive_dates.get(path.rsplit(".", 1)[0]) or EMPTY_FEED_DATE
        if path.endswith(NEGOTIATED):
            shown_as.setdefault(f"{path.rsplit('.', 1)[0]}.html", []).append(request_path(path))
    ages = {path: settings.serve.archive_max_age for path, closed in archived.items() if closed}
    hubs = settings.hub_urls

    given: dict[str, tuple[str, int]] = {}  #: each document's ETag and Last-Modified, for restarts

    def prepared(
        path: str, body: bytes, old: PreparedDocument | None, view: bool, key: str
    ) -> PreparedDocument:
        max_age = ages.get(path, settings.serve.max_age)  # the config may have changed it
        # Never after the answer's Date (RFC 9110 §8.8.2.1), as a future-dated entry's date would be.
        modified = min(content_dates[path], now).replace(microsecond=0)
        link = (
            "" if view or request_path(path) not in feeds else websub_link(hubs, document_url(settings, path))
        )
        if old is not None:
            if old.body == body and old.max_age == max_age and old.link == link:
                document = old  # same bytes, same headers: hashed and gzipped already
            else:
                modified = _moved_on(modified, old.modified, old.body == body, changed_at)
                document = prepare(path, body, modified, max_age, view=view, link=link)
        else:
            if served and key in served:  # an earlier process's date, and the bytes it was for
                tag, seconds = served[key]
                same = body_tag(body) == tag
                modified = _moved_on(
                    modified, datetime.fromtimestamp(seconds, timezone.utc), same, changed_at
                )
            document = prepare(path, body, modified, max_age, view=view, link=link)
        given[key] = (document.etag.strip('"'), int(document.modified.timestamp()))
        return document

    documents: dict[str, PreparedDocument] = {}
    views: dict[str, PreparedDocument] = {}
    for path, body in result.documents.items():
        key = request_path(path)
        old = previous.documents.get(key) if previous else None
        documents[key] = prepared(path, body, old, False, key)
        feed_keys = shown_as.get(path, ())
        if feed_keys:
            old = previous.views.get(feed_keys[0]) if previous else None
            view = prepared(path, body, old, True, f"view:{feed_keys[0]}")
            views.update(dict.fromkeys(feed_keys, view))  # one prepared page for Atom and RSS
    documents["/"] = documents[request_path(INDEX)]
    gate = gate or FilterGate(1, 0)
    # The same entries as in the last snapshot (references name their file's digest) and the same
    # settings: what the channel's filters search has not changed since.
    stamp = changed_at.replace(microsecond=0)
    earlier = previous.entries_changed if previous is not None and previous.settings == settings else {}
    before = {c.stem: c.refs for c in previous.result.site.channels} if previous and earlier else {}
    entries_changed: dict[str, datetime] = {}
    for c in site.channels:
        last, key = earlier.get(c.stem), f"{ENTRIES_CHANGED}{c.stem}"
        if last is not None:
            entries_changed[c.stem] = _moved_on(stamp, last, before[c.stem] == c.refs, changed_at)
        elif previous is None and served and fingerprint and served.get(key, ("",))[0] == fingerprint:
            # A restart with the config and content as the last process served them.
            entries_changed[c.stem] = datetime.fromtimestamp(served[key][1], timezone.utc)
        else:
            entries_changed[c.stem] = stamp
        given[key] = (fingerprint, int(entries_changed[c.stem].timestamp()))
    if served:
        # A document gone from this build keeps the date it was last served with: one that comes
        # back (a month emptied and filled again, archives off and on) must not go back in time,
        # or a client asking If-Modified-Since with that date would get 304 for bytes it never saw.
        # The latest MAX_GONE of them: a site whose topics come and go would grow the file forever.
        gone = sorted(((v[1], k) for k, v in served.items() if k not in given), reverse=True)[:MAX_GONE]
        given.update((key, served[key]) for _, key in gone)
    cache = FilterCache(int(settings.serve.filter_cache_mb * 1_000_000))
    return Snapshot(
        result, settings, documents, feeds, views, now, seconds, search, gate, cache, page_feeds=page_feeds,
        served=given, entries_changed=entries_changed,
    )  # fmt: skip


def _moved_on(modified: datetime, before: datetime, same_bytes: bool, changed_at: datetime) -> datetime:
    """Last-Modified of a document last served as of ``before``."""
    if same_bytes:
        return before
    if modified <= before:
        # The bytes changed but the newest date did not move (an edit, a deletion): a client
        # asking If-Modified-Since must still get the new version.
        return max(changed_at, before + timedelta(seconds=1)).replace(microsecond=0)
    return modified
