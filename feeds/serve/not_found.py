"""The web app's 404 answer: a page made once per site version, then answered from memory.

Any path reaches it, so its cost is what a client can make the server pay without limit: rendered
per request, a site of 2,432 topics paid 30-50 ms of Jinja and 443 KB for each one, and eight
clients asking random paths slowed every cached feed tenfold (an outside probe). The page depends
only on the site and on the way from the request's path to the site's root, which takes a few
values (``app._to_root``), so each site version keeps those few pages, plain and gzipped.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from flask import Response

from feeds._version import __version__
from feeds.render.pages import HTML_POLICY
from feeds.render.pages import not_found_bytes
from feeds.serve.responses import accepts_gzip
from feeds.serve.responses import gzip_body

if TYPE_CHECKING:
    from feeds.serve.snapshot import Snapshot

#: ``no-store``: a path that is missing now may be a document after the next build (a new topic's
#: feed), and a kept 404 would hide it from a reader or a proxy for as long as it is kept. Caches
#: are not needed to absorb a flood of 404s either: each costs the server a lookup, not a render.
_HEADERS = {
    "Content-Security-Policy": HTML_POLICY,
    "Cache-Control": "no-store",
    "Vary": "Accept-Encoding",
}


@dataclass(frozen=True)
class _Page:
    plain: bytes
    gzipped: bytes | None  #: None when gzip would not make it smaller


class NotFoundPages:
    """One site version's 404 pages, by the way from the request's path to the site's root."""

    def __init__(self) -> None:
        self._pages: dict[str, _Page] = {}
        self._lock = threading.Lock()

    def page(self, snapshot: Snapshot | None, root: str) -> _Page:
        """The page for ``root``, rendered on its first request: one render per site version and
        root, even when many requests come at once. ``root`` takes a few values, so this holds a
        few pages (nine at most: "./", "../" up to seven times, and the base URL's path)."""
        page = self._pages.get(root)
        if page is not None:
            return page
        with self._lock:
            page = self._pages.get(root)
            if page is None:
                topics = snapshot.result.site.topics if snapshot is not None else ()
                formats = snapshot.settings.formats if snapshot is not None else ()
                body = not_found_bytes(topics, formats, root, __version__)
                page = self._pages[root] = _Page(body, gzip_body(body))
        return page


#: The 404 pages while there is no site (the first build failed): no topics to list.
_NO_SITE = NotFoundPages()


def not_found(snapshot: Snapshot | None, root: str, environ: Mapping[str, Any]) -> Response:
    """The 404 answer to a request, gzipped when the client takes gzip."""
    page = (snapshot.not_found if snapshot is not None else _NO_SITE).page(snapshot, root)
    headers = dict(_HEADERS)
    body = page.plain
    if page.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
        body = page.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, 404, headers, content_type="text/html; charset=utf-8")
