"""The site a running server answers from: the last good build, rebuilt when content changes.

``LiveSite`` holds the current ``Snapshot`` and swaps in a new one when a rebuild succeeds; a
request reads the reference once, so it sees the old site or the new one, never a mix. A failed
rebuild leaves the old one in place and is reported on ``/healthz``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

from feeds.build import BuildResult
from feeds.build import LiveBuilder
from feeds.build import cache_of
from feeds.build import paused_gc
from feeds.config import ServeSettings
from feeds.config import Settings
from feeds.errors import ConfigError
from feeds.errors import ContentChanged
from feeds.errors import ContentError
from feeds.errors import ContentFolderError
from feeds.errors import FeedsError
from feeds.output.check import dated_ahead
from feeds.output.check import future_warnings
from feeds.render.context import document_path
from feeds.serve.limits import FilterGate
from feeds.serve.memory import freeze_survivors
from feeds.serve.memory import map_large_blocks
from feeds.serve.memory import return_free_memory
from feeds.serve.search import SearchText
from feeds.serve.served_dates import ServedDates
from feeds.serve.served_dates import change_time
from feeds.serve.served_dates import load_served_dates
from feeds.serve.served_dates import store_served_dates
from feeds.serve.snapshot import Snapshot
from feeds.serve.snapshot import make_snapshot
from feeds.serve.snapshot import request_path
from feeds.serve.watch import Watcher
from feeds.serve.watch import look
from feeds.serve.websub import ServerWebSub
from feeds.source.scan import ContentFile
from feeds.text import shown

log = logging.getLogger(__name__)


class LiveSite:
    """The current snapshot, a rebuild on demand, and a thread that watches for changes."""

    def __init__(self, load_settings: Callable[[], Settings]) -> None:
        self._load_settings = load_settings
        self._rebuild_lock = threading.Lock()
        self._fingerprint: str | None = None
        self._builder = LiveBuilder()
        self.search = SearchText()  #: the filters' text and the entries' briefs, packed
        self.gate = FilterGate(1, 0)  #: turns for new filtered feeds (from ``serve.filter_*``)
        self._watcher = Watcher(self)
        self.websub = ServerWebSub()  #: the built-in hub and the outside hubs' notifier
        self.snapshot: Snapshot | None = None  #: read once per request; replaced whole
        self.last_error: str | None = None  #: why the last rebuild failed; None after a success
        self.last_error_at: datetime | None = None
        self.last_error_kind = ""
        self.builds = 0  #: successful builds since start
        self._started_with: ServeSettings | None = None  #: the serve settings of the first build
        self._ahead: frozenset[str] = frozenset()  #: the warnings of entries dated ahead, logged
        self._changed_start: list[str] = []  #: those of START_SETTINGS changed since, last logged
        map_large_blocks()

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
            return_free_memory()  # after the build's locals are gone

    def _rebuild(self, looked: tuple[str, list[ContentFile]] | None) -> bool:
        with self._rebuild_lock:
            started = time.perf_counter()
            try:
                for attempt in range(1, ContentChanged.ATTEMPTS + 1):
                    settings = self._load_settings()
                    fingerprint, found = looked or look(settings)
                    if not self._builder.opened:  # first build: from the cache a CLI build left
                        self.search.load(self._builder.open(settings))
                    before = self._builder.last_documents()
                    try:
                        result = self._builder.build(settings, found)
                        break
                    except ContentChanged as e:  # saved while the build read it: look again
                        if attempt == ContentChanged.ATTEMPTS:
                            # Files still changing is no failure: the next change's look builds
                            # again, and the site served meanwhile is the last whole one.
                            log.info("%s: changed while the build was running; waiting", shown(e.path))
                            return False
                        log.info("%s: changed while the build was running; building again", shown(e.path))
                        looked = None
            except FeedsError as e:
                self._failed(str(e), _kind(e))
                return False
            except Exception as e:  # a bug: log it with its traceback, and keep serving
                log.exception("rebuild failed")
                self._failed(f"internal error: {type(e).__name__}: {e}", "internal error")
                return False
            if result.unpublishable:  # as `feeds build` keeps the site in place
                self._failed(f"every one of the {result.files} content files has an error", "a content error")
                return False
            if (
                not result.files and self.snapshot is not None and self.snapshot.result.files
            ):  # as `feeds build`
                self._failed("the content folder holds no articles (a share not mounted?)", "a content error")
                return False
            now = datetime.now(timezone.utc)
            seconds = time.perf_counter() - started
            serve = settings.serve
            if (self.gate.workers, self.gate.queue) != (serve.filter_workers, serve.filter_queue):
                self.gate = FilterGate(serve.filter_workers, serve.filter_queue)
            last = self.snapshot
            # /healthz names the files; the log says what is wrong, what is new of it only.
            logged = set() if last is None else {str(e) for e in last.result.errors}
            _log_new([f"skipped {e}" for e in result.errors if str(e) not in logged])
            warned = frozenset() if last is None else frozenset(last.result.warnings)
            _log_new([warning for warning in result.warnings if warning not in warned])
            # As `feeds build` warns of them: entries dated more than a day after the clock.
            ahead = future_warnings(dated_ahead(result.site.everything.refs, settings.content_dir, now), now)
            _log_new([warning for warning in ahead if warning not in self._ahead])
            self._ahead = frozenset(ahead)
            self._note_start_settings(serve)
            served = load_served_dates(cache_of(settings)) if last is None else last.served
            # The new files' text first: a filter the new site makes at once searches it (and
            # keeps what it found for as long as that site is served).
            self.search.update(result.state.files, result.changed, result.removed)
            changed_at = change_time(
                settings.content_dir, settings.config_path, result.changed, result.removed
            )
            snapshot = make_snapshot(
                result, settings, last, now, seconds, self.search, self.gate, served, fingerprint, changed_at
            )
            self.snapshot, self.builds = snapshot, self.builds + 1  # /healthz reads both
            if snapshot.served != served:
                store_served_dates(cache_of(settings), snapshot.served)
            self._fingerprint = fingerprint
            self._published(settings, result, before, served, snapshot.served, first=last is None)
            freeze_survivors()
            self.last_error = self.last_error_at = None
            log.info(
                "built %d documents from %d files in %.2f s",
                len(result.documents), result.files, self.snapshot.seconds,
            )  # fmt: skip
            return True

    def _note_start_settings(self, serve: ServeSettings) -> None:
        """Log once which of the settings read only at the start differ from those it started with."""
        if self._started_with is None:
            self._started_with = serve
        changed = [
            f"serve.{name}"
            for name in START_SETTINGS
            if getattr(serve, name) != getattr(self._started_with, name)
        ]
        if changed and changed != self._changed_start:
            log.warning(
                "%s %s effect when the server starts again",
                ", ".join(changed),
                "take" if len(changed) > 1 else "takes",
            )
        self._changed_start = changed

    def _published(
        self,
        settings: Settings,
        result: BuildResult,
        before: Mapping[str, bytes],
        served: ServedDates,
        current: ServedDates,
        first: bool = False,
    ) -> None:
        """Hand the changed feeds to WebSub; its failures are logged, never the build's. A feed the
        last build left no bytes of (a first build with another config's cache: no cache) changed
        unless the last server process served it with the same ETag (``served``; ``current`` holds
        this build's, which its snapshot worked out). ``first``: the process's
        first build, where a feed the last server process served with another ETag changed too,
        for the built-in hub (a `feeds build` ran meanwhile; the hub's record of what it sent
        tells the rest)."""
        try:
            feeds = [document_path(c.stem, fmt) for c in result.site.channels for fmt in settings.formats]
            documents = result.documents
            unknown = [path for path in feeds if path not in before]  # none after the first build
            if unknown:
                served_so = [path for path in unknown if _served_as(served, current, path)]
                before = {**before, **{path: documents[path] for path in served_so}}
            # For the built-in hub only: `feeds build` told the outside hubs of these itself.
            since = (
                [p for p in feeds if request_path(p) in served and not _served_as(served, current, p)]
                if first and served
                else []
            )
            self.websub.rebuilt(settings, feeds, documents, before, since)
        except Exception:
            log.exception("websub: could not hand over the changed feeds")

    def refresh(self) -> bool:
        """Rebuild if the config or any content file changed since the last build. True if rebuilt."""
        try:
            settings = self._load_settings()
            with paused_gc():
                looked = look(settings)
        except FeedsError as e:
            self._failed(str(e), _kind(e))
            return False
        if looked[0] == self._fingerprint:
            # The config and content are those of the site being served: whatever failed since
            # (a folder moved away and back, a file broken and restored) is gone.
            if self.last_error is not None:
                with self._rebuild_lock:
                    if self._fingerprint == looked[0]:
                        log.info("content is back to what is served; the last error no longer applies")
                        self.last_error = self.last_error_at = None
            return False
        return self.rebuild(looked)

    @property
    def watching(self) -> str:
        """How changes are noticed: "off", "events" or "polling"."""
        return self._watcher.watching

    def watch(self, interval: float, events: bool = True) -> None:
        """Watch for changes in a daemon thread (``watch.Watcher``), until ``stop()``."""
        self._watcher.watch(interval, events)

    def stop(self) -> None:
        self._watcher.stop()
        self.websub.stop()

    def _failed(self, message: str, kind: str) -> None:
        # The same failure again (a broken config, a content folder gone: each look finds it) is
        # logged and dated once, not once per look: a folder gone for 6 minutes logged 460 lines,
        # and /healthz's last_error_at never settled (an outside probe).
        if message == self.last_error:
            return
        if self.snapshot is None:  # the first build
            log.error("build failed; nothing is served until a build succeeds: %s", shown(message))
        else:
            log.error("rebuild failed; still serving the last good build: %s", shown(message))
        self.last_error = message
        self.last_error_kind = kind  # what /healthz says: anyone may ask, the log says the rest
        self.last_error_at = datetime.now(timezone.utc)

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports."""
        snapshot = self.snapshot
        report: dict[str, Any] = {
            # degraded: the last rebuild failed, and the build before it is still being served
            "status": "ok" if self.last_error is None else "degraded",
            "last_error": None if self.last_error is None else f"{self.last_error_kind} (see the log)",
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
            # Where, not what: the messages quote the files (a draft's fields among them), and
            # anyone may ask; `feeds check` gives them in full.
            file_errors=[_where(e, snapshot.settings.content_dir) for e in result.errors[:20]],
            last_build=_iso(snapshot.built_at),
            last_build_seconds=round(snapshot.seconds, 3),
            builds=self.builds,
        )
        websub = self.websub.health()
        if websub is not None:
            report["websub"] = websub
        return report


def _iso(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z") if when else None


def _where(error: ContentError, content_dir: Path) -> str:
    """``path:line`` of a file's error, the path relative to the content folder."""
    path = os.path.relpath(error.path, content_dir) if os.path.isabs(error.path) else error.path
    return path if error.line is None else f"{path}:{error.line}"


def _kind(error: FeedsError) -> str:
    """What kind of failure ``error`` is, without its message (which quotes paths and values)."""
    if isinstance(error, ConfigError):
        return "a configuration error"
    if isinstance(error, ContentFolderError):
        return "a content folder that cannot be read"
    return "a build error"


def _served_as(served: ServedDates, current: ServedDates, path: str) -> bool:
    """Whether an earlier server process (``served``) served at output ``path`` the bytes served
    now (``current``: the snapshot's ETags, not worked out again)."""
    key = request_path(path)
    earlier = served.get(key)
    return earlier is not None and earlier[0] == current[key][0]


#: The serve settings read when the server starts (by the watcher and by Granian), not at a rebuild.
START_SETTINGS = ("reload_interval", "watch", "max_connections", "backlog", "header_timeout")
#: New errors and warnings a rebuild logs at most; ``feeds check`` lists them all.
LOGGED_PROBLEMS = 20


def _log_new(problems: list[str]) -> None:
    for problem in problems[:LOGGED_PROBLEMS]:
        log.warning("%s", shown(problem))
    if len(problems) > LOGGED_PROBLEMS:
        log.warning("and %d more (feeds check lists every one)", len(problems) - LOGGED_PROBLEMS)
