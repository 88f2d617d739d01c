"""Render: a converted ``Site`` → ``{output path: bytes}``, every document of the site.

Pure: the same site and settings give the same bytes; the CLI writes them, the web app serves them.
"""

from __future__ import annotations

from collections.abc import Callable

from ._feedgen import feed_bytes
from ._version import __version__
from .config import Settings
from .feedcontext import FeedContext
from .feedcontext import document_path
from .jsonfeed import json_feed_bytes
from .markup import entry_html
from .model import Channel
from .model import Format
from .model import Site
from .opml import opml_bytes
from .page import index_bytes

Documents = dict[str, bytes]

_RENDERERS: dict[Format, Callable[[FeedContext], bytes]] = {
    Format.ATOM: lambda ctx: feed_bytes(ctx, Format.ATOM),
    Format.RSS: lambda ctx: feed_bytes(ctx, Format.RSS),
    Format.JSON: json_feed_bytes,
}
INDEX = "index.html"
OPML = "feeds.opml"


def render_site(site: Site, settings: Settings) -> Documents:
    """Every document: each channel in each configured format, the OPML list and the index page."""
    # Content HTML is rendered once per entry, and only for entries that reach some feed.
    contents = {e.id: entry_html(e) for channel in site.channels for e in channel.entries if e.id}
    contexts = [FeedContext(settings, channel, contents, __version__) for channel in site.channels]
    documents: Documents = {}
    for ctx in contexts:
        for fmt in settings.formats:
            documents[document_path(ctx.channel.stem, fmt)] = _RENDERERS[fmt](ctx)
    documents[OPML] = opml_bytes(site, contexts)
    documents[INDEX] = index_bytes(contexts, __version__)
    return documents


def render_feed(channel: Channel, settings: Settings, fmt: Format, query: str = "") -> bytes:
    """One feed on its own, e.g. a filtered one whose URL carries ``query``."""
    contents = {e.id: entry_html(e) for e in channel.entries}
    return _RENDERERS[fmt](FeedContext(settings, channel, contents, __version__, query))
