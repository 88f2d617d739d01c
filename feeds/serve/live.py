"""The site a running server answers from: the last good build, rebuilt when content changes.

A ``Snapshot`` is one build, frozen, with every document prepared for HTTP. ``LiveSite`` holds the
current snapshot and swaps in a new one when a rebuild succeeds; a request reads the reference
once, so it sees the old site or the new one, never a mix. A failed rebuild leaves the old one in
place and is reported on ``/healthz``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

import watchfiles

from feeds.build.cache import BuildState
from feeds.build.cache import cache_folder
from feeds.build.cache import paused_gc
from feeds.build.cache import read_search_texts
from feeds.build.cache import read_state
from feeds.build.cache import write_state
from feeds.build.pipeline import BuildResult
from feeds.build.pipeline import build_entries
from feeds.build.pipeline import build_site
from feeds.build.pipeline import content_fingerprint
from feeds.config import Settings
from feeds.errors import FeedsError
from feeds.model import Channel
from feeds.model import Format
from feeds.render.atom_rss import EMPTY_FEED_DATE
from feeds.render.context import channel_paths
from feeds.render.context import document_path
from feeds.render.context import page_path
from feeds.render.site import INDEX
from feeds.render.site import render_feed
from feeds.render.site import render_page
from feeds.serve.filters import FeedFilter
from feeds.serve.responses import NEGOTIATED
from feeds.serve.responses import PreparedDocument
from feeds.serve.responses import prepare
from feeds.serve.search import SearchText
from feeds.source.scan import ContentFile
from feeds.source.scan import scan_content

log = logging.getLogger(__name__)

#: Filtered feeds kept per snapshot; the least recently asked for goes first.
FILTERED_CACHE_SIZE = 256
#: With file-system events, every this many reload intervals the watcher looks all the same: a
#: safety net for changes no event reports (a network mount written by another machine).
SAFETY_LOOKS = 30


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
    search: SearchText  #: the filters' text (shared with later snapshots: it follows the files)
    _filtered: OrderedDict[tuple[str, str, bool], PreparedDocument] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def filtered(self, path: str, feed_filter: FeedFilter, view: bool = False) -> PreparedDocument | None:
        """The feed at ``path`` with ``feed_filter`` applied, or its page with ``view``: rendered
        once, then cached."""
        feed = self.feeds.get(path)
        if feed is None:
            return None
        key = (path, feed_filter.query, view)
        with self._lock:
            cached = self._filtered.get(key)
            if cached is not None:
                self._filtered.move_to_end(key)
                return cached
        shown, total = feed_filter.select(feed.channel.refs, self.settings.max_items, self.search)
        _return_free_memory()  # the unpacked search text is gone again
        entries = build_entries(self.settings, shown, self.result.site.pages)
        channel = dataclasses.replace(feed.channel, entries=entries, total=total, refs=())
        if view:
            body = render_page(channel, self.settings, feed_filter.query)
        else:
            body = render_feed(channel, self.settings, feed.fmt, feed_filter.query)
        # Derived from the unfiltered feed, so it changes no later than that one does.
        modified, max_age = self.documents[path].modified, self.settings.serve.max_age
        doc = prepare(page_path(channel.stem) if view else path, body, modified, max_age, view=view)
        with self._lock:
            self._filtered[key] = doc
            while len(self._filtered) > FILTERED_CACHE_SIZE:
                self._filtered.popitem(last=False)
        return doc


def request_path(output_path: str) -> str:
    """The WSGI ``PATH_INFO`` of an output path: UTF-8 bytes read as Latin-1 (PEP 3333)."""
    return "/" + output_path.encode("utf-8").decode("latin-1")


def make_snapshot(
    result: BuildResult,
    settings: Settings,
    previous: Snapshot | None,
    now: datetime,
    seconds: float,
    search: SearchText,
) -> Snapshot:
    """Prepare every document of a build; ``previous`` keeps Last-Modified honest across rebuilds."""
    site = result.site
    newest = site.everything.updated or EMPTY_FEED_DATE
    content_dates = {path: newest for path in result.documents}  # the index and the OPML lists
    feeds: dict[str, _Feed] = {}
    shown_as: dict[str, list[str]] = {}  #: a page → the feeds a browser gets it for
    for channel in site.channels:
        for fmt in settings.formats:
            path = document_path(channel.stem, fmt)
            feeds[request_path(path)] = _Feed(channel, fmt)
            if path.endswith(NEGOTIATED):
                shown_as.setdefault(page_path(channel.stem), []).append(request_path(path))
        for path in channel_paths(channel.stem, settings.formats):
            content_dates[path] = channel.updated or EMPTY_FEED_DATE
    max_age = settings.serve.max_age  # the config may have changed it

    def prepared(path: str, body: bytes, old: PreparedDocument | None, view: bool) -> PreparedDocument:
        modified = content_dates[path].replace(microsecond=0)  # as HTTP dates, and ``old.modified``
        if old is not None:
            if old.body == body and old.max_age == max_age:
                return old  # same bytes, same headers: hashed and gzipped already
            if old.body == body:
                modified = old.modified
            elif modified <= old.modified:
                # The bytes changed but the newest date did not move (an edit, a deletion):
                # a client asking If-Modified-Since must still get the new version.
                modified = max(now, old.modified + timedelta(seconds=1))
        return prepare(path, body, modified, max_age, view=view)

    documents: dict[str, PreparedDocument] = {}
    views: dict[str, PreparedDocument] = {}
    for path, body in result.documents.items():
        key = request_path(path)
        documents[key] = prepared(path, body, previous.documents.get(key) if previous else None, False)
        feed_keys = shown_as.get(path, ())
        if feed_keys:
            old = previous.views.get(feed_keys[0]) if previous else None
            view = prepared(path, body, old, True)
            views.update(dict.fromkeys(feed_keys, view))  # one prepared page for Atom and RSS
    documents["/"] = documents[request_path(INDEX)]
    return Snapshot(result, settings, documents, feeds, views, now, seconds, search)


def _look(settings: Settings) -> tuple[str, list[ContentFile]]:
    """The content folder's files, and a fingerprint of them and of the config file."""
    found = scan_content(settings.content_dir)
    return f"{_config_version(settings)}/{content_fingerprint(settings, found)}", found


def _config_version(settings: Settings) -> str:
    if settings.config_path is None:
        return ""
    try:
        st = os.stat(settings.config_path)
    except OSError:
        return "missing"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _shown_to_the_scan(change: object, path: str) -> bool:
    """Events worth a look: hidden files (editors' swap files) and folders are never read."""
    return not os.path.basename(path).startswith(".")


class LiveSite:
    """The current snapshot, a rebuild on demand, and a thread that watches for changes."""

    def __init__(self, load_settings: Callable[[], Settings]) -> None:
        self._load_settings = load_settings
        self._rebuild_lock = threading.Lock()
        self._fingerprint: str | None = None
        self._state: BuildState | None = None  #: what the last build learned, for the next one
        self.search = SearchText()  #: the filters' text, packed
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.snapshot: Snapshot | None = None  #: read once per request; replaced whole
        self.last_error: str | None = None  #: why the last rebuild failed; None after a success
        self.last_error_at: datetime | None = None
        self.builds = 0  #: successful builds since start
        self.watching = "off"  #: how changes are noticed: "off", "events" or "polling"
        _map_large_blocks()

    @property
    def settings(self) -> Settings:
        if self.snapshot is None:
            return self._load_settings()
        return self.snapshot.settings

    def rebuild(self, looked: tuple[str, list[ContentFile]] | None = None) -> bool:
        """Build now and swap the result in; on failure keep the old site. True on success.

        ``looked`` is a fresh ``_look`` at the content, when the caller has one.
        """
        try:
            with paused_gc():
                return self._rebuild(looked)
        finally:
            _return_free_memory()  # after the build's locals are gone

    def _rebuild(self, looked: tuple[str, list[ContentFile]] | None) -> bool:
        with self._rebuild_lock:
            started = time.perf_counter()
            try:
                settings = self._load_settings()
                fingerprint, found = looked or _look(settings)
                if self._state is None:  # first build: start from the cache a CLI build left
                    folder = cache_folder(settings.output_dir)
                    self._state = read_state(folder, settings.timezone)
                    self.search.load(read_search_texts(folder, settings.timezone, self._state))
                last = self.snapshot
                result = build_site(
                    settings,
                    self._state,
                    found=found,
                    previous_refs=last.result.site.everything.refs if last else (),
                    replannable=True,
                    # A plan is updated only for the settings it was made with.
                    previous_plan=last.result.plan if last and last.settings == settings else None,
                )
            except FeedsError as e:
                self._failed(str(e))
                return False
            except Exception as e:  # a bug: log it with its traceback, and keep serving
                log.exception("rebuild failed")
                self._failed(f"internal error: {type(e).__name__}: {e}")
                return False
            now = datetime.now(timezone.utc)
            seconds = time.perf_counter() - started
            self.snapshot = make_snapshot(result, settings, self.snapshot, now, seconds, self.search)
            self._fingerprint = fingerprint
            self._state = result.state
            changed = (*result.changed, *result.removed)
            write_state(cache_folder(settings.output_dir), settings.timezone, result.state, changed)
            self.search.update(result.state.files, result.changed, result.removed)
            _freeze_survivors()
            self.last_error = self.last_error_at = None
            self.builds += 1
            log.info(
                "built %d documents from %d files in %.2f s",
                len(result.documents), result.files, self.snapshot.seconds,
            )  # fmt: skip
            return True

    def refresh(self) -> bool:
        """Rebuild if the config or any content file changed since the last build. True if rebuilt."""
        try:
            settings = self._load_settings()
        except FeedsError as e:
            # A broken config is reported once per change of the file, not once per look.
            failed = f"{e}"
            if failed != self.last_error:
                self._failed(failed)
            return False
        with paused_gc():
            looked = _look(settings)
        if looked[0] == self._fingerprint:
            return False
        return self.rebuild(looked)

    def watch(self, interval: float, events: bool = True) -> None:
        """Watch for changes in a daemon thread, until ``stop()``.

        With ``events``, where the file system reports changes (inotify and the like, through
        watchfiles), a change in the content folder is looked at as soon as it settles, the config
        file every ``interval`` seconds, and everything every ``SAFETY_LOOKS`` intervals all the
        same; elsewhere, and without ``events``, everything is looked at every ``interval``.
        """
        if interval <= 0 or self._watcher is not None:
            return
        self.watching = "events" if events else "polling"
        self._watcher = threading.Thread(
            target=self._watch, args=(interval, events), name="feeds-watch", daemon=True
        )
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
            self._watcher = None

    def _watch(self, interval: float, events: bool) -> None:
        while events and not self._stop.is_set():
            events = self._follow_events(interval)
        if not self._stop.is_set():
            self.watching = "polling"
            self._poll(interval)

    def _follow_events(self, interval: float) -> bool:
        """Look when the file system reports a change in the content folder (or the config file
        changed, or ``SAFETY_LOOKS`` intervals passed without one), until ``stop()`` or until the
        content folder moves. False when this file system cannot report changes."""
        settings = self.settings
        folder = settings.content_dir
        config = _config_version(settings)
        next_config = next_look = time.monotonic()  # a first look once the watch is up: what changed before
        try:
            for changes in watchfiles.watch(
                folder,
                watch_filter=_shown_to_the_scan,
                debounce=500,  # at most this long gathering one burst of changes
                step=50,  # a burst ends after this long without a change
                stop_event=self._stop,
                rust_timeout=200,  # then an empty set: time to see whether a look is due
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                now = time.monotonic()
                if now >= next_config:
                    next_config = now + interval
                    if _config_version(settings) != config:
                        next_look = now
                if changes or now >= next_look:
                    self._refresh_safely()
                    settings = self.settings
                    config = _config_version(settings)
                    next_look = time.monotonic() + SAFETY_LOOKS * interval
                    if settings.content_dir != folder:
                        return True  # watch the new folder
        except (OSError, RuntimeError) as e:  # no inotify here, its watch limit reached, no folder
            log.warning("cannot watch %s for changes (%s); looking every %g s instead", folder, e, interval)
            return False
        return True

    def _poll(self, interval: float) -> None:
        # Looks start every ``interval`` seconds, not ``interval`` after the last one ended: at
        # 100,000 files a look takes about 0.7 s, and a rebuild two more, which would otherwise
        # delay the next look by as much again.
        next_look = time.monotonic() + interval
        while not self._stop.wait(max(0.0, next_look - time.monotonic())):
            next_look = time.monotonic() + interval
            self._refresh_safely()

    def _refresh_safely(self) -> None:
        try:
            self.refresh()
        except Exception:  # never let the watcher die: the next look may succeed
            log.exception("watching for changes failed")

    def _failed(self, message: str) -> None:
        log.error("rebuild failed; still serving the last good build: %s", message)
        self.last_error = message
        self.last_error_at = datetime.now(timezone.utc)

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports."""
        snapshot = self.snapshot
        report: dict[str, Any] = {
            # degraded: the last rebuild failed, and the build before it is still being served
            "status": "ok" if self.last_error is None else "degraded",
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "watching": self.watching,
        }
        if snapshot is None:
            report["status"] = "unavailable"
            return report
        result = snapshot.result
        report.update(
            files=result.files,
            articles=result.articles,
            entries=result.entries,
            topics=len(result.site.topics),
            feeds=result.feeds,
            skipped_files=len(result.errors),
            file_errors=[str(e) for e in result.errors[:20]],
            last_build=_iso(snapshot.built_at),
            last_build_seconds=round(snapshot.seconds, 3),
            builds=self.builds,
        )
        return report


def _return_free_memory() -> None:
    """Give memory that Python freed back to the system. glibc keeps freed heap memory for reuse,
    which would leave a server's resident size at its peak (120 MB more at 100,000 articles)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _freeze_survivors() -> None:
    """Take what is alive now out of the cyclic collector's sight, after collecting the rest.

    A site lives until the next rebuild and holds no reference cycles (a test checks), so the
    collector has nothing to find in it, yet every full collection walked all of it: at 100,000
    articles 0.4-0.9 s, every other rebuild, and 1.3 s of a server's start. Frozen objects are
    still freed by reference counting as usual. The collection first (0.1 s after a rebuild,
    which walks only what it made) keeps garbage cycles from being frozen with the site.
    """
    gc.collect()
    gc.freeze()


_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def _map_large_blocks() -> None:
    """Keep glibc giving each large block (128 KiB and up) its own mapping, returned to the system
    when freed. By default it raises that threshold to the largest block freed so far, after
    which a rebuild's big tables and lists land in the heap among small objects and pin it: at
    100,000 articles a server with concurrent rebuilds and filters then settled 30-40 MB higher."""
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z") if when else None
