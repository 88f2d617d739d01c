"""Watching a site's content for changes: file-system events where there are any, looks behind them.

The look, not the event, decides whether to rebuild (``LiveSite.refresh``), so a burst of events
costs one look and a change made during a build is picked up by the next one.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from enum import Enum
from pathlib import Path
from typing import Protocol

import watchfiles

from feeds.build import content_fingerprint
from feeds.config import Settings
from feeds.source.scan import ContentFile
from feeds.source.scan import leads_inside
from feeds.source.scan import scan_content
from feeds.text import shown

log = logging.getLogger(__name__)

#: With file-system events, every this many reload intervals the watcher looks all the same: a
#: safety net for changes no event reports (a network mount written by another machine).
SAFETY_LOOKS = 30
#: Seconds between checks for a missing content folder's return (one stat each).
_FOLDER_CHECK = 0.2


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
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_ctime_ns}"


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of a folder, or None when there is none: a folder made again under the
    same name is another folder, which a watch on the old one never hears from."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def link_out(folder: Path) -> str | None:
    """The first link to a folder outside ``folder`` found in it, if any, hidden ones included
    (the scan never reads them, the events' watch does): watching for events follows links, and
    one to ``/usr`` or ``/`` would take a watch for each folder there, out of a number every
    process of the user shares."""
    root = os.path.realpath(folder)
    pending = [os.fspath(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                if os.path.isdir(entry.path) and not leads_inside(entry.path, root):
                    return entry.path
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return None


class _Outcome(Enum):
    """How a watch with events ended."""

    REARM = "rearm"  #: watch again (a new folder, or the same one made again)
    MISSING = "missing"  #: no content folder to watch
    UNAVAILABLE = "unavailable"  #: no events on this system: poll from now on
    #: a name in the folder that is not UTF-8, which watchfiles cannot report: look, and watch
    #: again after an interval (at once, it may fail again: a folder of that name fails every arm)
    UNDECODABLE = "undecodable"


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
        self._undecodable = ""  #: the last name watchfiles could not report, warned of once

    def watch(self, interval: float, events: bool = True) -> None:
        """Watch for changes in a daemon thread, until ``stop()``.

        With ``events``, where the file system reports changes (inotify and the like, through
        watchfiles), a change in the content folder is looked at as soon as it settles, the config
        file every ``interval`` seconds, and everything every ``SAFETY_LOOKS`` intervals all the
        same; elsewhere, and without ``events``, everything is looked at every ``interval``.
        """
        if interval <= 0 or self._thread is not None:
            return
        self.watching = "events" if events else "polling"  # (until the thread knows better)
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
            outcome = self._follow_events(interval)
            if outcome is _Outcome.UNAVAILABLE:
                break
            if outcome is _Outcome.MISSING:
                self._await_folder(interval)
            if outcome is _Outcome.UNDECODABLE:
                self.watching = "polling"
                self._stop.wait(interval)
        if not self._stop.is_set():
            self.watching = "polling"
            self._poll(interval)

    def _follow_events(self, interval: float) -> _Outcome:
        """Look when the file system reports a change in the content folder (or the config file
        changed, or ``SAFETY_LOOKS`` intervals passed without one), until ``stop()``, until the
        content folder moves, or until it is replaced (``rm -rf content; cp -a backup content``
        leaves the watch on a folder that is gone: the new one is watched in turn)."""
        settings = self.site.settings
        folder = settings.content_dir
        armed = folder_identity(folder)
        if armed is None:
            return _Outcome.MISSING
        link = link_out(folder)
        if link is not None:  # the events' watch would follow it: "content/usr -> /usr" took 16,059 watches
            log.warning(
                "%s leads outside the content folder (the scan skips it); looking every %g s for changes",
                shown(link), interval,
            )  # fmt: skip
            return _Outcome.UNAVAILABLE
        self.watching = "events"
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
                if folder_identity(folder) != armed:  # one stat every 200 ms at most
                    self._refresh_safely()  # report the folder gone, or take in the new one
                    return _Outcome.REARM
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
                        return _Outcome.REARM  # watch the new folder
        except (OSError, RuntimeError) as e:  # no inotify here, its watch limit reached, no folder
            if folder_identity(folder) != armed:
                self._refresh_safely()
                return _Outcome.REARM
            if "decode" in str(e):  # watchfiles: 'Unable to decode path "…\xFF.jpg" to string'
                if str(e) != self._undecodable:
                    self._undecodable = str(e)
                    log.warning(
                        "cannot follow every change in %s (%s); looking every %g s until events work again",
                        shown(str(folder)), shown(str(e)), interval,
                    )  # fmt: skip
                self._refresh_safely()
                return _Outcome.UNDECODABLE
            log.warning(
                "cannot watch %s for changes (%s); looking every %g s instead",
                shown(str(folder)), shown(str(e)), interval,
            )  # fmt: skip
            return _Outcome.UNAVAILABLE
        return _Outcome.REARM

    def _await_folder(self, interval: float) -> None:
        """While the content folder is missing: look every ``interval`` (``/healthz`` reports the
        error and "polling"), and go back to events as soon as a folder is there again."""
        self.watching = "polling"
        self._refresh_safely()
        next_look = time.monotonic() + interval
        while not self._stop.wait(_FOLDER_CHECK):
            if folder_identity(self.site.settings.content_dir) is not None:
                return
            if time.monotonic() >= next_look:
                next_look = time.monotonic() + interval
                self._refresh_safely()

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
