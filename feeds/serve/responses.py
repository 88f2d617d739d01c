"""HTTP responses for built documents, worked out once per document version, not per request.

Pure: ``prepare`` turns bytes into a ``PreparedDocument`` (headers, validators and a gzipped copy),
and ``respond`` picks the answer to one request from a WSGI environ: 200, 304, with or without gzip,
with or without a body. The web app and its hot path both use it, so their answers cannot differ.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from email.utils import format_datetime
from email.utils import formatdate
from pathlib import PurePosixPath
from typing import Any

from feeds.render.pages import HTML_POLICY
from feeds.serve.conditions import evaluate

#: Content-Type by file extension; the README's nginx example uses the same table.
MEDIA_TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",  # feeds' own icons (render/icons.py)
}
#: Feeds that a browser gets as their channel's page instead (see ``prefers_html``).
NEGOTIATED = (".atom", ".rss")
#: Bodies smaller than this are sent as they are: gzip would save less than its own overhead.
GZIP_MIN_BYTES = 512

Headers = list[tuple[str, str]]
Answer = tuple[str, Headers, list[bytes]]


@dataclass(frozen=True)
class _Variant:
    """One representation (plain or gzipped) with its ready-made headers."""

    body: bytes
    etag: str
    ok_headers: Headers  #: for 200, and for HEAD
    not_modified_headers: Headers  #: for 304


@dataclass(frozen=True)
class PreparedDocument:
    """A document and everything needed to answer a request for it."""

    body: bytes  #: the bytes ``feeds build`` writes
    modified: datetime  #: ``Last-Modified``, UTC, whole seconds
    max_age: int  #: ``Cache-Control: max-age``
    plain: _Variant
    gzipped: _Variant | None  #: None when gzip would not make it smaller
    link: str = ""  #: the ``Link`` header, if any

    @property
    def etag(self) -> str:
        return self.plain.etag


def media_type(path: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(path).suffix, "application/octet-stream")


def prepare(
    path: str, body: bytes, modified: datetime, max_age: int, *, view: bool = False, link: str = ""
) -> PreparedDocument:
    """Headers and a gzipped copy of ``body``, served as output path ``path``.

    ``link`` is a ``Link`` header to send with it (a feed's WebSub hubs and self URL).

    ``view`` marks a channel's page served at one of its feeds' URLs to a browser. Shared caches
    must not keep it (``private``): one that ignores ``Vary`` could otherwise hand the page to a
    feed reader.
    """
    modified = modified.astimezone(timezone.utc).replace(microsecond=0)
    tag = body_tag(body)
    negotiated = view or path.endswith(NEGOTIATED)
    common = [
        ("Last-Modified", format_datetime(modified, usegmt=True)),
        ("Cache-Control", f"{'private' if view else 'public'}, max-age={max_age}"),
        ("Vary", "Accept, Accept-Encoding" if negotiated else "Accept-Encoding"),
    ]
    kind = media_type(path)
    extra = [("X-Content-Type-Options", "nosniff")]
    if link:
        extra.append(("Link", link))
    if kind.startswith("text/html"):
        extra.append(("Content-Security-Policy", HTML_POLICY))

    def variant(data: bytes, etag: str, coding: Headers) -> _Variant:
        validators = [("ETag", etag), *common]
        return _Variant(
            body=data,
            etag=etag,
            ok_headers=[
                ("Content-Type", kind),
                ("Content-Length", str(len(data))),
                *coding,
                *validators,
                *extra,
            ],
            not_modified_headers=[*validators, ("X-Content-Type-Options", "nosniff")],
        )

    plain = variant(body, f'"{tag}"', [])
    gzipped = None
    packed = gzip_body(body)
    if packed is not None:
        gzipped = variant(packed, f'"{tag}-gz"', [("Content-Encoding", "gzip")])
    return PreparedDocument(
        body=body, modified=modified, max_age=max_age, plain=plain, gzipped=gzipped, link=link
    )


def gzip_body(body: bytes) -> bytes | None:
    """``body`` gzipped, or None when that would not make it smaller."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    # mtime=0: the same bytes in, the same gzip out, on every worker and every restart.
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    return packed if len(packed) < len(body) else None


def body_tag(body: bytes) -> str:
    """The ETag of ``body`` (without its quotes)."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def websub_link(hubs: tuple[str, ...], self_url: str) -> str:
    """The ``Link`` header of a feed with WebSub hubs (§4: each ``rel="hub"``, one ``rel="self"``)."""
    if not hubs:
        return ""
    return ", ".join([*(f'<{hub}>; rel="hub"' for hub in hubs), f'<{self_url}>; rel="self"'])


def respond(doc: PreparedDocument, environ: Mapping[str, Any]) -> Answer:
    """Status, headers and body for a GET or HEAD of ``doc`` (RFC 9110 §13 conditionals)."""
    chosen = doc.plain
    if doc.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
        chosen = doc.gzipped
    variants = (doc.plain,) if doc.gzipped is None else (doc.plain, doc.gzipped)
    # A client holding the plain copy that now accepts gzip is told that its copy is current,
    # under its own tag (RFC 9111 §4.3.4); not one holding the gzipped copy whose request takes no
    # gzip: a cache holding both would serve that copy to a client that cannot read it (an
    # outside probe).
    usable = (chosen.etag, doc.plain.etag)
    outcome, matched = evaluate(chosen.etag, doc.modified, environ, usable)
    if outcome == "not modified":
        held = next((v for v in variants if v.etag == matched), chosen)
        return "304 Not Modified", _not_after_now(held.not_modified_headers, doc.modified), []
    if outcome == "precondition failed":  # not for a cache to keep: it is this request's answer
        kept = [(name, value) for name, value in chosen.not_modified_headers if name != "Cache-Control"]
        kept = _not_after_now(kept, doc.modified)
        return "412 Precondition Failed", [("Content-Length", "0"), ("Cache-Control", "no-store"), *kept], []
    body = [] if environ.get("REQUEST_METHOD") == "HEAD" else [chosen.body]
    return "200 OK", _not_after_now(chosen.ok_headers, doc.modified), body


def _not_after_now(headers: Headers, modified: datetime) -> Headers:
    """``headers`` with a Last-Modified no later than now (RFC 9110 §8.8.2.1: never after the
    answer's Date). Rebuilds within one second date a document's changed bytes a second after
    their last date each time, which ran ahead of the clock (an outside probe: 7.8 s after twelve
    quick saves); conditions still compare with that later date, so a client holding an earlier
    one gets the new bytes."""
    now = time.time()
    if modified.timestamp() <= now:
        return headers
    stamp = formatdate(now, usegmt=True)
    return [(name, stamp if name == "Last-Modified" else value) for name, value in headers]


_HTML_ANSWERS: dict[str, bool] = {}


def prefers_html(accept: str) -> bool:
    """Whether an Accept value ranks HTML above XML feeds, as browsers' navigations do.

    ``text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8`` does; feed readers'
    values (``application/atom+xml, ...``, ``*/*`` or none) do not, and a tie goes to the feed.
    """
    known = _HTML_ANSWERS.get(accept)
    if known is None:
        weights = _weights(accept)
        html = _weight(weights, "text/html")
        feed = max(_weight(weights, kind) for kind in _FEED_TYPES)
        known = html > feed
        if len(_HTML_ANSWERS) < 256:
            _HTML_ANSWERS[accept] = known
    return known


_FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/xml", "text/xml")


def _weights(header: str) -> dict[str, float]:
    """``{media range: q}`` of an Accept value; a malformed q counts as 0."""
    weights: dict[str, float] = {}
    for part in header.lower().split(","):
        kind, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if kind.strip():
            weights[kind.strip()] = weight
    return weights


def _weight(weights: dict[str, float], kind: str) -> float:
    """q of a media type: from its most specific range in ``weights`` (RFC 9110 §12.5.1)."""
    for candidate in (kind, kind.split("/")[0] + "/*", "*/*"):
        if candidate in weights:
            return weights[candidate]
    return 0.0


_GZIP_ANSWERS: dict[str, bool] = {}


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (``gzip;q=0`` does not)."""
    known = _GZIP_ANSWERS.get(header)
    if known is None:
        known = _parse_accepts_gzip(header)
        if len(_GZIP_ANSWERS) < 256:  # clients send few distinct values; keep the memo bounded
            _GZIP_ANSWERS[header] = known
    return known


def _parse_accepts_gzip(header: str) -> bool:
    weights = _weights(header)
    for coding in ("gzip", "x-gzip"):
        if coding in weights:
            return weights[coding] > 0
    return weights.get("*", 0.0) > 0
