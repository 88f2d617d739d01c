"""Watching a site's content for changes: file-system events where there are any, looks behind them.

The look, not the event, decides whether to rebuild (``LiveSite.refresh``), so a burst of events
costs one look and a change made during a build is picked up by the next one.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Protocol

import watchfiles

from feeds.build import content_fingerprint
from feeds.config import Settings
from feeds.source.scan import ContentFile
from feeds.source.scan import scan_content

log = logging.getLogger(__name__)

#: With file-system events, every this many reload intervals the watcher looks all the same: a
#: safety net for changes no event reports (a network mount written by another machine).
SAFETY_LOOKS = 30


class Watched(Protocol):
    """What a watcher watches: a site that can look at its content and rebuild."""

    @property
    def settings(self) -> Settings: ...

    def refresh(self) -> bool: ...


def look(settings: Settings) -> tuple[str, list[ContentFile]]:
    """The content folder's files, and a fingerprint of them and of the config file."""
    found = scan_content(settings.content_dir)
    return f"{config_version(settings)}/{content_fingerprint(settings, found)}", found


def config_version(settings: Settings) -> str:
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


class Watcher:
    """A daemon thread that calls ``site.refresh()`` when the content or the config may have changed."""

    def __init__(self, site: Watched) -> None:
        self.site = site
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.watching = "off"  #: how changes are noticed: "off", "events" or "polling"

    def watch(self, interval: float, events: bool = True) -> None:
        """Watch for changes in a daemon thread, until ``stop()``.

        With ``events``, where the file system reports changes (inotify and the like, through
        watchfiles), a change in the content folder is looked at as soon as it settles, the config
        file every ``interval`` seconds, and everything every ``SAFETY_LOOKS`` intervals all the
        same; elsewhere, and without ``events``, everything is looked at every ``interval``.
        """
        if interval <= 0 or self._thread is not None:
            return
        self.watching = "events" if events else "polling"
        self._thread = threading.Thread(
            target=self._watch, args=(interval, events), name="feeds-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

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
        settings = self.site.settings
        folder = settings.content_dir
        config = config_version(settings)
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
                    if config_version(settings) != config:
                        next_look = now
                if changes or now >= next_look:
                    self._refresh_safely()
                    settings = self.site.settings
                    config = config_version(settings)
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
            self.site.refresh()
        except Exception:  # never let the watcher die: the next look may succeed
            log.exception("watching for changes failed")
