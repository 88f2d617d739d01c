"""The web app: the documents ``feeds build`` writes, served from memory at the same paths.

``create_app`` builds the site once, keeps it in a ``LiveSite`` (``app.extensions["feeds"]``) and
watches the content folder for changes. Plain GET and HEAD requests for a document are answered by
``_FrontDoor`` before Flask's routing, from headers prepared when the site was built; everything
else (filters, /healthz, errors) goes through the blueprint. Both answer through
``responses.respond``, so they agree byte for byte.
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl
from urllib.parse import unquote_to_bytes
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound
from werkzeug.http import HTTP_STATUS_CODES

from feeds.config import HUB_PATH
from feeds.config import Settings
from feeds.config import WatchMode
from feeds.config import load_settings
from feeds.render.context import document_path
from feeds.render.context import url_path
from feeds.serve.compose import canonical_target
from feeds.serve.compose import parse_union
from feeds.serve.compose import union_stem
from feeds.serve.filters import MAX_TOPICS
from feeds.serve.filters import PARAMETERS
from feeds.serve.filters import FeedFilter
from feeds.serve.filters import FilterError
from feeds.serve.filters import parse_filter
from feeds.serve.limits import HUB_READERS
from feeds.serve.limits import FilterBusy
from feeds.serve.limits import client_key
from feeds.serve.live import LiveSite
from feeds.serve.not_found import not_found
from feeds.serve.responses import NEGOTIATED
from feeds.serve.responses import PreparedDocument
from feeds.serve.responses import prefers_html
from feeds.serve.responses import respond
from feeds.serve.snapshot import Snapshot
from feeds.serve.snapshot import request_path

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

#: Environment variable naming the config file, for servers that import ``feeds.wsgi:app``.
CONFIG_VARIABLE = "FEEDS_CONFIG"
_TEXT = "text/plain; charset=utf-8"
#: Folders the site's documents sit in at most (``archives/<channel>/<month>.atom``, under a
#: channel's folder), with room to spare.
_DEEPEST = 8
#: How long the first build waits, while the content keeps changing, before it tries again.
_SETTLE_SECONDS = 0.2

#: Every document and /healthz answer these (the built-in hub POST too); a method that no route
#: takes gets 405, whatever its target (RFC 9110 §15.5.6).
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")

bp = Blueprint("feeds", __name__)


def create_app(config: str | os.PathLike[str] | Settings | None = None) -> Flask:
    """The Flask app serving the site, built once now and again whenever its content changes.

    ``config`` is a config file, ready-made ``Settings``, or None for the file named by
    ``$FEEDS_CONFIG``, else ``config/feeds.yaml`` when it exists, else the defaults.
    Raises ConfigError for a bad config. When the first build fails, the app answers 503 until a
    build after a change of the content or the config succeeds.

    Example: ``flask --app feeds run``, or ``create_app("config/feeds.yaml")`` in a WSGI file.
    """
    if config is None and os.environ.get(CONFIG_VARIABLE):
        config = os.environ[CONFIG_VARIABLE]
    if isinstance(config, Settings):
        settings = config

        def reload_settings() -> Settings:
            return settings

    else:
        path = Path(config) if config is not None else None
        settings = load_settings(path)  # fail now, with the config's own message

        def reload_settings() -> Settings:
            return load_settings(path)

    live = LiveSite(reload_settings)
    while not live.rebuild():
        if live.last_error is not None:
            # Logged; the app starts without a site (503, /healthz "unavailable") and builds again
            # when the content or the config changes. Raising made feeds serve's worker die at
            # each start, and Granian end the server with tracebacks (an outside probe).
            break
        # No error: files kept changing through every build (a checkout, a sync). There is no
        # site to serve yet, so wait for the content to settle.
        time.sleep(_SETTLE_SECONDS)
    app = Flask(__name__)
    app.extensions["feeds"] = live
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _http_error)
    app.before_request(_known_methods_only)
    app.after_request(_no_sniffing)
    app.wsgi_app = _FrontDoor(app.wsgi_app, live)  # type: ignore[method-assign]
    live.watch(settings.serve.reload_interval, events=settings.serve.watch is WatchMode.EVENTS)
    return app


def get_site() -> LiveSite:
    """The running app's live site."""
    live: LiveSite = current_app.extensions["feeds"]
    return live


class _FrontDoor:
    """Answers a plain GET or HEAD of a known document straight from the snapshot.

    This is the hot path of a feed server (readers poll the same URLs with the same validators),
    so it does one dict lookup and hands over ready-made headers; see docs/design.md.
    """

    def __init__(self, app: WSGIApplication, live: LiveSite) -> None:
        self._app = app
        self._live = live

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        snapshot = self._live.snapshot
        if snapshot is not None and not environ.get("QUERY_STRING"):
            path = environ.get("PATH_INFO", "")
            doc = snapshot.documents.get(path)
            if doc is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                if path in snapshot.views and prefers_html(environ.get("HTTP_ACCEPT", "")):
                    doc = snapshot.views[path]
                status, headers, body = respond(doc, environ)
                start_response(status, list(headers))  # a copy: servers may append to it
                return body
        return self._app(environ, start_response)


@bp.get("/healthz")
def healthz() -> Response:
    report = get_site().health()
    status = 503 if report["status"] == "unavailable" else 200
    headers = {"Cache-Control": "no-store"}
    return Response(json.dumps(report, indent=1) + "\n", status, headers, content_type="application/json")


#: The longest subscription request body the built-in hub reads.
MAX_HUB_REQUEST = 8192


@bp.post(f"/{HUB_PATH}")
def websub() -> Response:
    """The built-in WebSub hub (``websub.builtin``): subscription requests (WebSub §5.1)."""
    hub = get_site().websub.active_hub()
    if hub is None:
        raise NotFound()
    if request.content_length is not None and request.content_length > MAX_HUB_REQUEST:
        return Response(f"413 request over {MAX_HUB_REQUEST} bytes\n", 413, content_type=_TEXT)
    if request.mimetype != "application/x-www-form-urlencoded":
        message = "415 a subscription request is a form (application/x-www-form-urlencoded)\n"
        return Response(message, 415, content_type=_TEXT)
    # A chunked body has no length to check first: read one byte past the limit, and refuse it
    # when there is one (Werkzeug's own limit cut such a body short, and the cut form was used).
    request.max_content_length = MAX_HUB_REQUEST + 1
    client = client_key(request.remote_addr or "")
    with HUB_READERS.turn(client) as reading:
        if not reading:
            busy = {"Retry-After": "10", "Cache-Control": "no-store"}
            text = "503 the hub is reading other requests; try again\n"
            return Response(text, 503, busy, content_type=_TEXT)
        body = request.stream.read(MAX_HUB_REQUEST + 1)
    if len(body) > MAX_HUB_REQUEST:
        return Response(f"413 request over {MAX_HUB_REQUEST} bytes\n", 413, content_type=_TEXT)
    try:
        form = dict(reversed(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))  # the first
    except UnicodeDecodeError:
        return Response("400 a subscription request is text in UTF-8\n", 400, content_type=_TEXT)
    reply = hub.answer(form, client)
    headers = {"Cache-Control": "no-store", **dict(reply.headers)}
    text = f"{reply.status} {HTTP_STATUS_CODES[reply.status]}: {reply.text}\n"
    return Response(text, reply.status, headers, content_type=_TEXT)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def document(path: str) -> Response:
    """A document of the site, or a union of topics; feeds also take filter parameters, and Atom
    and RSS feeds are their channel's page to a browser."""
    snapshot = get_site().snapshot
    key = request.environ.get("PATH_INFO", "")
    if snapshot is None:  # the first build failed: the log says why
        later = {"Retry-After": "30", "Cache-Control": "no-store"}
        text = "503 Service Unavailable: the site is not built yet\n"
        return Response(text, 503, later, content_type=_TEXT)
    # A folder's address is its index.html, as static servers answer it (a topic or an entry
    # titled "index" puts one in topics/ or entries/), filters and all; without its slash, a
    # redirect to it, so that the page's relative links resolve.
    if key.endswith("/") and f"{key}index.html" in snapshot.documents:
        key += "index.html"
    elif f"{key}/index.html" in snapshot.documents:
        query = request.query_string.decode("latin-1")
        return _moved(snapshot, f"{_beside(url_path(path))}/" + (f"?{query}" if query else ""))
    doc = snapshot.documents.get(key)
    if doc is None:
        return _composed(snapshot, key) or _union(snapshot, path)
    view = negotiated = key in snapshot.views and prefers_html(request.headers.get("Accept", ""))
    if view:
        doc = snapshot.views[key]
    filtering = any(name in request.args for name in PARAMETERS)
    if filtering and key in snapshot.page_feeds:  # a channel's page takes its feeds' filters
        key, view = snapshot.page_feeds[key], True
    if filtering and key in snapshot.feeds:
        try:  # a custom channel may show more entries than the site's max_items
            feed_filter = parse_filter(_filter_args(), snapshot.feeds[key].channel.options.max_items)
        except FilterError as e:
            return _bad_request(e.message)
        moved = _canonical(snapshot, feed_filter, url_path(path), path_is_canonical=True)
        if moved is not None:
            return moved
        if feed_filter:
            found = _filtered(snapshot, key, feed_filter, view, negotiated)
            if isinstance(found, Response):
                return found
            doc = found or doc
    status, headers, body = respond(doc, request.environ)
    return Response(body, status, headers)


def _filter_args() -> dict[str, list[str]]:
    """The query's parameters, for filters. Raises FilterError for escapes that are no UTF-8:
    Werkzeug keeps ``%FF`` as those three characters, so ``?q=%ff`` searched for the text "%FF"
    and its feed's self link named another address (an outside probe)."""
    try:
        unquote_to_bytes(request.query_string).decode("utf-8")
    except UnicodeDecodeError:
        raise FilterError("q", "the query must be UTF-8, each byte of a character escaped (%C3%A9)") from None
    return request.args.to_dict(flat=False)


def _known_methods_only() -> None:
    """405 for a method that no route takes, whatever the target: routing alone gives 404 to a
    target that is no path at all (``CONNECT host:port`` reaches WSGI with an empty ``PATH_INFO``).
    Routing's own 405 (POST to a document) already names the target's methods. Method names are
    case-sensitive (RFC 9110 §9.1): Werkzeug routed ``get`` as GET, and ``head`` got the body."""
    if request.environ.get("REQUEST_METHOD") != request.method:
        raise MethodNotAllowed(valid_methods=list(ALLOWED_METHODS))
    if not isinstance(request.routing_exception, NotFound):
        return
    routed = {method for rule in current_app.url_map.iter_rules() for method in rule.methods or ()}
    if request.method not in routed:
        raise MethodNotAllowed(valid_methods=list(ALLOWED_METHODS))


def _union(snapshot: Snapshot, path: str) -> Response:
    """``/topics/<slug>,<slug>….<ext>``: the entries of any of those topics (see ``compose``);
    a 404 listing the topics for a slug that is none, a 301 to the slugs' canonical order."""
    parsed = parse_union(path)
    formats = {fmt.value: fmt for fmt in snapshot.settings.formats}
    if parsed is None or (parsed[1] != "html" and parsed[1] not in formats):
        raise NotFound()
    slugs, extension = parsed
    topics = snapshot.topic_channels()
    canonical = sorted({unicodedata.normalize("NFC", slug) for slug in slugs})  # as paths are (_composed)
    if not all(slug in topics for slug in canonical):
        raise NotFound()
    if len(canonical) > MAX_TOPICS:
        return _bad_request(f"a union may have at most {MAX_TOPICS} topics")
    try:
        feed_filter = parse_filter(_filter_args(), snapshot.settings.max_items)
    except FilterError as e:
        return _bad_request(e.message)
    stem = union_stem(canonical) if len(canonical) > 1 else topics[canonical[0]].stem
    target = url_path(f"{stem}.{extension}")
    moved = _canonical(snapshot, feed_filter, target, path_is_canonical=canonical == slugs)
    if moved is not None:
        return moved
    fmt = formats.get(extension, snapshot.settings.formats[0])
    negotiated = f".{extension}" in NEGOTIATED and prefers_html(request.headers.get("Accept", ""))
    view = extension == "html" or negotiated
    doc = _filtered(snapshot, request_path(document_path(stem, fmt)), feed_filter, view, negotiated)
    if doc is None:
        raise NotFound()
    if isinstance(doc, Response):
        return doc
    status, headers, body = respond(doc, request.environ)
    return Response(body, status, headers)


def _canonical(
    snapshot: Snapshot, feed_filter: FeedFilter, target: str, *, path_is_canonical: bool
) -> Response | None:
    """A 404 when ``exclude`` names a topic there is not; a 301 to ``target`` (the URL-encoded
    canonical path) when the path or ``exclude`` is not in canonical order; else None."""
    topics = snapshot.topic_channels()
    if not all(slug in topics for slug in feed_filter.exclude):
        raise NotFound()
    excluded = request.args.get("exclude")
    if path_is_canonical and (excluded is None or excluded == ",".join(feed_filter.exclude)):
        return None
    pairs = list(request.args.items(multi=True))
    return _moved(snapshot, canonical_target(_beside(target), pairs, feed_filter.exclude))


def _composed(snapshot: Snapshot, key: str) -> Response | None:
    """A 301 to the document whose path is ``key`` with its accents composed (NFC, as the site's
    paths are): a name typed or copied on macOS comes decomposed, and was 404 (an outside probe)."""
    written = key.encode("latin-1", "replace").decode("utf-8", "replace")  # as PEP 3333 hands it over
    composed = unicodedata.normalize("NFC", written)
    if composed == written or request_path(composed[1:]) not in snapshot.documents:
        return None
    query = request.query_string.decode("latin-1")
    return _moved(snapshot, _to_root(snapshot) + url_path(composed[1:]) + (f"?{query}" if query else ""))


def _beside(target: str) -> str:
    """A reference to ``target`` (a URL-encoded path from the site's root) from the request's path,
    in the same folder as every redirect's target is: relative, so that a site under a sub-path
    (``base_url: https://example.org/blog/``) served behind a proxy that takes the sub-path off stays
    under it, and by name alone, so that a path with an encoded "/" (``topics%2Fa,b.atom``, one
    segment to the client, two to the server) cannot lead out of it."""
    return "./" + target.rsplit("/", 1)[-1]


def _to_root(snapshot: Snapshot | None) -> str:
    """The way from the request's path to the site's root, for the 404 page's links: relative
    (``../`` once a folder), so that a site under a sub-path (``base_url:
    https://example.org/blog/``) served behind a proxy that takes the sub-path off stays under it;
    for a path deeper than any of the site's, the base URL's path, so that the page does not grow
    with the path's."""
    depth = request.environ.get("PATH_INFO", "").count("/") - 1
    if depth >= _DEEPEST:
        return urlsplit(snapshot.settings.site.base_url).path if snapshot is not None else "/"
    return "../" * depth if depth > 0 else "./"


def _moved(snapshot: Snapshot, location: str) -> Response:
    """301 to ``location``, cacheable as long as the documents are."""
    headers = {"Location": location, "Cache-Control": f"public, max-age={snapshot.settings.serve.max_age}"}
    return Response(f"301 Moved Permanently: {location}\n", 301, headers, content_type=_TEXT)


def _filtered(
    snapshot: Snapshot, key: str, feed_filter: FeedFilter, view: bool, negotiated: bool
) -> PreparedDocument | Response | None:
    """``Snapshot.filtered``, or a 503 answer when too many new filters are being made."""
    try:
        return snapshot.filtered(key, feed_filter, view, negotiated)
    except FilterBusy as e:
        busy = {"Retry-After": str(e.retry_after), "Cache-Control": "no-store"}
        return Response(f"503 Service Unavailable: {e}\n", 503, busy, content_type=_TEXT)


def _bad_request(message: str) -> Response:
    return Response(f"400 Bad Request: {message}\n", 400, content_type=_TEXT)


def _no_sniffing(response: Response) -> Response:
    """Every answer says what it is, and browsers are told not to guess (OPTIONS included)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _http_error(error: HTTPException) -> Response:
    """Short answers for errors: a page listing the topics for a 404, a line of text otherwise."""
    code = error.code or 500
    if code == 404:
        snapshot = get_site().snapshot
        return not_found(snapshot, _to_root(snapshot), request.environ)
    response = Response(f"{code} {error.name}: {error.description}\n", code, content_type=_TEXT)
    for name, value in error.get_headers():
        if name.lower() == "allow":  # a 405 says which methods are allowed
            response.headers[name] = value
    return response
