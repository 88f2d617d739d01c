"""Render: a converted ``Site`` → ``{output path: bytes}``, every document of the site.

Pure: the same site and settings give the same bytes; the CLI writes them, the web app serves them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence

from feeds._version import __version__
from feeds.config import Settings
from feeds.model import Channel
from feeds.model import Format
from feeds.model import Site
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.render.atom_rss import feed_bytes
from feeds.render.context import FeedContext
from feeds.render.context import document_path
from feeds.render.context import page_path
from feeds.render.entry_html import entry_html
from feeds.render.icons import icon_documents
from feeds.render.json_feed import json_feed_bytes
from feeds.render.opml import opml_bytes
from feeds.render.opml import opml_paths
from feeds.render.pages import channel_page_bytes
from feeds.render.pages import entry_page_bytes
from feeds.render.pages import index_bytes
from feeds.source.summary import DIGEST
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE

Documents = dict[str, bytes]

_RENDERERS: dict[Format, Callable[[FeedContext], bytes]] = {
    Format.ATOM: lambda ctx: feed_bytes(ctx, Format.ATOM),
    Format.RSS: lambda ctx: feed_bytes(ctx, Format.RSS),
    Format.JSON: json_feed_bytes,
}
INDEX = "index.html"


def render_site(site: Site, settings: Settings, done: Mapping[str, bytes] | None = None) -> Documents:
    """Every document: each channel in each configured format and as a page, the OPML lists, the
    index page, our icons unless the config names its own, and the page of each entry without a
    URL (``site.pages``).

    ``done`` holds channel documents and entries' pages known to be unchanged (see
    ``feed_signature`` and ``page_signature``); they are taken as they are, and their channels need
    only the first few entries, for the index page.
    """
    done = done or {}
    pending = [
        channel
        for channel in site.channels
        if any(document_path(channel.stem, fmt) not in done for fmt in settings.formats)
    ]
    # Content HTML is rendered once per entry (not once per channel it is in: an article with a
    # thousand topics is in a thousand channels), and only for entries that reach a feed to render.
    contents: dict[str, str] = {}
    for channel in pending:
        for entry in channel.entries:
            if entry.id not in contents:
                contents[entry.id] = entry_html(entry)
    contexts = [FeedContext(settings, channel, contents, __version__) for channel in site.channels]
    documents: Documents = {}
    for ctx in contexts:
        for fmt in settings.formats:
            path = document_path(ctx.channel.stem, fmt)
            documents[path] = done[path] if path in done else _RENDERERS[fmt](ctx)
        page = page_path(ctx.channel.stem)
        documents[page] = done[page] if page in done else channel_page_bytes(ctx)
    for path, fmt in opml_paths(settings).items():
        documents[path] = opml_bytes(site, contexts, fmt)
    documents[INDEX] = index_bytes(contexts)
    documents.update(icon_documents(settings))
    for path in site.pages.values():
        documents[path] = (
            done[path] if path in done else entry_page_bytes(contexts[0], site.page_entries[path])
        )
    return documents


def feed_signature(
    stem: str,
    title: str,
    description: str,
    total: int,
    refs: Sequence[EntryRef],
    settings: Settings,
    pages: Mapping[str, str],
) -> str:
    """What a channel's documents (feeds and page) are made from: equal signatures, equal bytes.

    The settings that shape them, the channel's own title, its number of entries (the page says
    it), and for each of its first ``max_items`` entries the id, the version of the file it comes
    from, which of the file's entries it is, its topics and the page of its file's article when
    that has no URL (``pages``: its link, or its ``via``). The program's own version is the
    cache's business.
    """
    digest = hashlib.blake2b(digest_size=16)
    shaping = (
        settings.site, settings.formats, settings.max_items, settings.related, settings.timezone,
        settings.hub_urls,
    )  # fmt: skip
    digest.update(f"{shaping!r}\0{stem}\0{title}\0{description}\0{total}\0".encode("utf-8", "surrogatepass"))
    for ref in refs[: settings.max_items]:
        stub, file = ref[REF_STUB], ref[REF_FILE]
        slugs = ",".join(topic.slug for topic in ref[REF_TOPICS])
        page = pages.get(file[SOURCE], "")
        line = f"{ref[REF_KEY].hex()}\0{file[DIGEST]}\0{stub[ITEM]}\0{slugs}\0{page}\n"
        digest.update(line.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def page_signature(path: str, ref: EntryRef, shaping: str) -> str:
    """What an entry's page is made from: the settings that shape it (``page_shaping``), its
    path, the version of its file and its topics."""
    topics = ",".join(f"{topic.slug}={topic.name}" for topic in ref[REF_TOPICS])
    line = f"{shaping}\0{path}\0{ref[REF_KEY].hex()}\0{ref[REF_FILE][DIGEST]}\0{topics}"
    return hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def page_shaping(settings: Settings) -> str:
    """The settings that shape every entry's page (worked out once for all of them)."""
    return repr((settings.site, settings.formats, settings.related, settings.timezone))


def reusable_pages(
    plan: Plan, cached: Mapping[str, tuple[str, bytes]], settings: Settings
) -> tuple[dict[str, str], dict[str, bytes], list[str]]:
    """For the entries' pages of ``plan``: each one's signature by path, the bytes of those that
    ``cached`` (path → (signature, bytes)) holds unchanged, and the sources of the others."""
    signatures: dict[str, str] = {}
    done: dict[str, bytes] = {}
    pending: list[str] = []
    shaping = page_shaping(settings)
    for source, path in plan.pages.items():
        signature = signatures[path] = page_signature(path, plan.page_refs[source], shaping)
        old = cached.get(path)
        if old is not None and old[0] == signature:
            done[path] = old[1]
        else:
            pending.append(source)
    return signatures, done, pending


def render_page(channel: Channel, settings: Settings, query: str = "") -> bytes:
    """One channel's page on its own, e.g. a filtered one whose feeds' URLs carry ``query``."""
    return channel_page_bytes(FeedContext(settings, channel, {}, __version__, query))


def render_feed(channel: Channel, settings: Settings, fmt: Format, query: str = "") -> bytes:
    """One feed on its own, e.g. a filtered one whose URL carries ``query``."""
    contents = {e.id: entry_html(e) for e in channel.entries}
    return _RENDERERS[fmt](FeedContext(settings, channel, contents, __version__, query))
