"""A server's WebSub duties after each rebuild: the built-in hub, and notices to outside hubs.

``LiveSite`` calls ``rebuilt`` after every successful build with the documents before and after.
The feeds whose bytes changed go to the built-in hub's subscribers (``websub.builtin``) and are
named to the outside hubs (``websub.hubs``); both only queue work for their own threads, so a
rebuild never waits for the network. Of several server processes only one delivers and
notifies (``Leadership``); all of them take subscription requests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from feeds.config import Settings
from feeds.render.context import document_url
from feeds.serve.responses import media_type
from feeds.text import shown
from feeds.websub.hub import Hub
from feeds.websub.ping import Pinger
from feeds.websub.store import Leadership
from feeds.websub.store import hub_folder

log = logging.getLogger(__name__)


class ServerWebSub:
    """The built-in hub (made when first configured) and the outside hubs' notifier."""

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.pinger = Pinger()
        self._settings: Settings | None = None
        self._leadership: Leadership | None = None
        #: whether this process, since it began to deliver, compared every feed with what was sent
        self._caught_up = False
        self._lock = threading.Lock()

    def active_hub(self) -> Hub | None:
        """The built-in hub, while the config turns it on."""
        settings = self._settings
        return self.hub if settings is not None and settings.websub.builtin else None

    def rebuilt(
        self,
        settings: Settings,
        feeds: Sequence[str],
        documents: Mapping[str, bytes],
        previous: Mapping[str, bytes],
        since: Collection[str] = (),
    ) -> list[str]:
        """After a build: ``feeds`` are the output paths of its feeds. Returns those that changed.
        ``since``: feeds that changed since the last server process served them, which the
        built-in hub sends (unless it sent that version); outside hubs heard of them from the
        `feeds build` that changed them."""
        websub = settings.websub
        with self._lock:
            self._settings = settings
            if not websub.builtin and not websub.hubs:
                return []
            folder = hub_folder(settings.output_dir)
            if websub.builtin and self.hub is None:
                self.hub = Hub(folder, settings)
            if self.hub is not None:
                self.hub.configure(
                    settings, {document_url(settings, path): path for path in feeds}, documents
                )
            changed = [path for path in feeds if previous.get(path) != documents[path]]
            if not self._leads(folder):
                self._caught_up = False
                return changed
            if websub.builtin and self.hub is not None:
                # Once a process delivers: every feed, against the versions the hub sent last.
                known = set(changed)
                fresh = [*changed, *(path for path in since if path not in known)]
                known.update(fresh)
                others = [] if self._caught_up else [path for path in feeds if path not in known]
                self._caught_up = True
                if fresh or others:

                    def version(path: str) -> tuple[str, bytes, str]:
                        return document_url(settings, path), documents[path], media_type(path)

                    self.hub.distribute(list(map(version, fresh)), list(map(version, others)))
            if changed:
                self.pinger.submit(websub.hubs, [document_url(settings, path) for path in changed])
            return changed

    def _leads(self, folder: Path) -> bool:
        if self._leadership is None:
            self._leadership = Leadership(folder)
        try:
            return self._leadership.held()
        except OSError as e:
            log.warning("websub: cannot take the delivery lock %s: %s", shown(str(folder)), shown(str(e)))
            return False

    def health(self) -> dict[str, Any] | None:
        """What ``/healthz`` says of WebSub; None when it is off."""
        settings = self._settings
        if settings is None or not (settings.websub.builtin or settings.websub.hubs):
            return None
        leading = self._leadership is not None and self._leadership.holding
        report: dict[str, Any] = {"delivering": leading}
        hub = self.active_hub()
        if hub is not None:
            report.update(hub.health())
        if settings.websub.hubs:
            report.update(
                outside_hubs=len(settings.websub.hubs),
                notified=self.pinger.sent,
                pending_notifications=self.pinger.pending,
                failed_notifications=self.pinger.failures,
                last_notification_error=self.pinger.last_error,
            )
        return report

    def stop(self) -> None:
        with self._lock:
            if self.hub is not None:
                self.hub.stop()
                self.hub = None
            if self._leadership is not None:
                self._leadership.release()
                self._leadership = None
