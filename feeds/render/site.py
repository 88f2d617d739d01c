"""Render: a converted ``Site`` → ``{output path: bytes}``, every document of the site.

Pure: the same site and settings give the same bytes; the CLI writes them, the web app serves them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from feeds._version import __version__
from feeds.config import Settings
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import FeedOptions
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
from feeds.render.pages import EntryPages
from feeds.render.pages import channel_page_bytes
from feeds.render.pages import index_bytes
from feeds.render.pages import index_section
from feeds.source.summary import DIGEST
from feeds.source.summary import ITEM
from feeds.source.summary import SOURCE

Documents = dict[str, bytes]
#: Makes entries' pages: given the page maker and the (path, entry) of each page wanted, before the
#: feeds are made, what gives every page's bytes by path once they are. ``each_page`` makes them
#: one after another then; a build may have another process make them meanwhile
#: (``build/page_split.py``).
PageMaker = Callable[
    [Callable[[Entry], bytes], Sequence[tuple[str, Entry]]], Callable[[], Mapping[str, bytes]]
]

_RENDERERS: dict[Format, Callable[[FeedContext], bytes]] = {
    Format.ATOM: lambda ctx: feed_bytes(ctx, Format.ATOM),
    Format.RSS: lambda ctx: feed_bytes(ctx, Format.RSS),
    Format.JSON: json_feed_bytes,
}
INDEX = "index.html"


def render_site(site: Site, settings: Settings, done: Mapping[str, bytes] | None = None) -> Documents:
    """Every document: each channel in each configured format and as a page, the OPML lists, the
    index page, our icons unless the config names its own, and the page of each entry without a
    URL (``site.pages``); ``render_documents`` without the report of what was cut to size."""
    return render_documents(site, settings, done).documents


@dataclass(frozen=True)
class Rendering:
    """The documents of a site, and which were cut to fit their ``max_bytes``."""

    documents: Documents
    trimmed: dict[str, int]  #: path → entries left out, for each document rendered here and cut
    sections: dict[str, str] = field(default_factory=dict)  #: stem → its part of the index page


def render_documents(
    site: Site,
    settings: Settings,
    done: Mapping[str, bytes] | None = None,
    archives: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
    make_pages: PageMaker | None = None,
    sections: Mapping[str, str] | None = None,
) -> Rendering:
    """Every document (``render_site``), each channel's cut to its budget (``fit``).

    ``done`` holds channel documents and entries' pages known to be unchanged (see
    ``feed_signature`` and ``page_signature``); they are taken as they are, and their channels need
    only the first few entries, for the index page, or the first one (for its date) where
    ``sections`` has the channel's part of the index page already. ``archives`` (channel stem → its archives,
    newest first, as (label, stem)) is what the feeds link and the pages list; the archive
    documents themselves are ``render.archive``'s. ``make_pages`` makes the entries' pages
    (``each_page`` unless given).
    """
    done = done or {}
    pending = [
        channel
        for channel in site.channels
        if channel.options.full
        and any(document_path(channel.stem, fmt) not in done for fmt in settings.formats)
    ]
    # Content HTML is rendered once per entry (not once per channel it is in: an article with a
    # thousand topics is in a thousand channels), and only for entries that reach a feed to render.
    contents: dict[str, str] = {}
    summaries: dict[str, str] = {}  # likewise for summaries, which summary feeds make from bodies
    listed = archives or {}
    contexts = [
        FeedContext(
            settings,
            channel,
            contents,
            __version__,
            archives=listed.get(channel.stem, ()),
            summaries=summaries,
        )
        for channel in site.channels
    ]
    # The entries' pages first: a maker may make them elsewhere while the feeds are made here.
    wanted = [
        (path, site.page_entries[path])
        for path in site.pages.values()
        if path not in done and path in site.page_entries  # else the output folder in place keeps it
    ]
    pages = (make_pages or each_page)(EntryPages(contexts[0]), wanted)
    for channel in pending:
        for entry in channel.entries:
            if entry.id not in contents:
                contents[entry.id] = entry_html(entry)
    documents: Documents = {}
    trimmed: dict[str, int] = {}
    for ctx in contexts:
        for fmt in settings.formats:
            path = document_path(ctx.channel.stem, fmt)
            if path in done:
                documents[path] = done[path]
            else:
                documents[path], trimmed[path] = fit(_RENDERERS[fmt], ctx, path)
        page = page_path(ctx.channel.stem)
        if page in done:
            documents[page] = done[page]
        else:
            documents[page], trimmed[page] = fit(channel_page_bytes, ctx, page)
    for path, fmt in opml_paths(settings).items():
        documents[path] = opml_bytes(site, contexts, fmt)
    kept = sections or {}
    made_sections = {
        ctx.channel.stem: kept.get(ctx.channel.stem) or index_section(ctx, contexts[0]) for ctx in contexts
    }
    documents[INDEX] = index_bytes(contexts, list(made_sections.values()))
    documents.update(icon_documents(settings))
    made = pages()
    for path in site.pages.values():
        if path in done:
            documents[path] = done[path]
        elif path in made:
            documents[path] = made[path]
    return Rendering(
        documents, {path: dropped for path, dropped in trimmed.items() if dropped}, made_sections
    )


def each_page(
    page: Callable[[Entry], bytes], wanted: Sequence[tuple[str, Entry]]
) -> Callable[[], dict[str, bytes]]:
    """The pages ``wanted``, made one after another once asked for."""
    return lambda: {path: page(entry) for path, entry in wanted}


def fit(render: Callable[[FeedContext], bytes], ctx: FeedContext, path: str) -> tuple[bytes, int]:
    """A channel's document within its ``max_bytes``, and how many of its entries were left out.

    The newest entries are kept: as many as fit, found by halving (a document only grows with
    each entry). An entry too big to fit even alone is left out, rather than every entry after
    it (one title of a million characters emptied every feed it was in). A document over its
    budget even without any entry (a channel's page lists every archive month, and months come
    with the content) is written without entries: the build goes on, and the warning for its
    entries left out says it is over even so.
    """
    data = render(ctx)
    budget = ctx.channel.options.max_bytes
    if not budget or len(data) <= budget:
        return data, 0
    entries = ctx.channel.entries
    first = 0
    best = _newest_that_fit(render, ctx, entries, budget, len(data), all_over=True)
    while best is not None and best[1] == 0 and first + 1 < len(entries):
        first += 1  # the newest entry left does not fit alone: try those after it
        best = _newest_that_fit(render, ctx, entries[first:], budget, len(data), all_over=False) or best
    if best is None:
        bare = dataclasses.replace(ctx.channel, entries=())
        return render(dataclasses.replace(ctx, channel=bare)), len(entries)
    return best[0], len(entries) - best[1]


def _newest_that_fit(
    render: Callable[[FeedContext], bytes],
    ctx: FeedContext,
    entries: Sequence[Entry],
    budget: int,
    size: int,
    all_over: bool,
) -> tuple[bytes, int] | None:
    """The document of the most of ``entries`` (the newest first) that fit within ``budget``, and
    how many; None when it is over even without any. ``size``: the channel's document with every
    entry, for a first guess; ``all_over``: whether ``entries`` are known not to fit all."""
    best: tuple[bytes, int] | None = None
    # The most entries that fit is at least ``low`` (-1: not known that none fit) and below ``high``.
    low, high = -1, len(entries) + (not all_over)
    middle = len(entries) * budget // size  # a first guess: documents grow about linearly
    while high - low > 1:
        if not low < middle < high:
            middle = (low + high) // 2
        channel = dataclasses.replace(ctx.channel, entries=tuple(entries[:middle]))
        attempt = render(dataclasses.replace(ctx, channel=channel))
        if len(attempt) <= budget:
            best, low = (attempt, middle), middle
        else:
            high = middle
        middle = (low + high) // 2
    return best


def feed_signature(
    stem: str,
    title: str,
    description: str,
    total: int,
    refs: Sequence[EntryRef],
    settings: Settings,
    pages: Mapping[str, str],
    options: FeedOptions,
    dated_by: Sequence[EntryRef] = (),
) -> str:
    """What a channel's documents (feeds and page) are made from: equal signatures, equal bytes.

    The settings that shape them, the channel's own title and options, its number of entries
    (the page says it), and for each of its first ``max_items`` entries the id, the version of
    the file it comes from, which of the file's entries it is, its topics and the page of its
    file's article when that has no URL (``pages``: its link, or its ``via``); for a channel
    without entries, ``dated_by``: the site's newest entry, whose date it shows. The program's own
    version is the cache's business.
    """
    digest = hashlib.blake2b(digest_size=16)
    shaping = (
        settings.site, settings.formats, options, settings.related, settings.min_quality, settings.timezone,
        settings.hub_urls,
    )  # fmt: skip
    digest.update(f"{shaping!r}\0{stem}\0{title}\0{description}\0{total}\0".encode("utf-8", "surrogatepass"))
    for ref in (*refs[: options.max_items], *dated_by):
        stub, file = ref[REF_STUB], ref[REF_FILE]
        slugs = ",".join(f"{topic.slug}={topic.name}" for topic in ref[REF_TOPICS])  # names: labels
        page = pages.get(file[SOURCE], "")
        line = f"{ref[REF_KEY].hex()}\0{file[DIGEST]}\0{stub[ITEM]}\0{slugs}\0{page}\n"
        digest.update(line.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def page_signature(path: str, ref: EntryRef, shaping: str) -> str:
    """What an entry's page is made from: the settings that shape it (``page_shaping``), its
    path, the version of its file and its topics (their feed titles name its autodiscovery links)."""
    topics = ",".join(f"{topic.slug}={topic.name}\0{topic.title}" for topic in ref[REF_TOPICS])
    line = f"{shaping}\0{path}\0{ref[REF_KEY].hex()}\0{ref[REF_FILE][DIGEST]}\0{topics}"
    return hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def page_shaping(settings: Settings) -> str:
    """The settings that shape every entry's page (worked out once for all of them): with
    ``min_quality``, which leaves related items out of its "More coverage" list."""
    return repr((settings.site, settings.formats, settings.related, settings.min_quality, settings.timezone))


def reusable_pages(
    plan: Plan,
    cached: Mapping[str, tuple[str, bytes, int]],
    settings: Settings,
    placed: Mapping[str, tuple[str, int, int]] | None = None,
) -> tuple[dict[str, str], dict[str, bytes], list[str], list[str]]:
    """For the entries' pages of ``plan``: each one's signature by path, the bytes of those that
    ``cached`` (path → (signature, bytes, entries cut)) holds unchanged, the sources of the
    pages to render, and the paths of unchanged pages whose bytes the cache left to the output
    folder in place (``placed``: path → (signature, size, time) of what it still holds)."""
    signatures: dict[str, str] = {}
    done: dict[str, bytes] = {}
    pending: list[str] = []
    kept: list[str] = []
    placed = placed or {}
    shaping = page_shaping(settings)
    for source, path in plan.pages.items():
        signature = signatures[path] = page_signature(path, plan.page_refs[source], shaping)
        last = last_bytes(path, signature, cached, placed)
        if last:
            done[path] = last
        elif last is not None:
            kept.append(path)
        else:
            pending.append(source)
    return signatures, done, pending, kept


def last_bytes(
    path: str,
    signature: str,
    cached: Mapping[str, tuple[str, bytes, int]],
    placed: Mapping[str, tuple[str, int, int]],
) -> bytes | None:
    """The bytes of a document that the last build made with ``signature``: from ``cached``, or
    b"" when the cache left them to the output folder in place and it holds them (``placed``);
    None when the document is to be rendered."""
    old = cached.get(path)
    if old is None or old[0] != signature:
        return None
    if old[1]:
        return old[1]
    return b"" if placed.get(path, ("",))[0] == signature else None


def render_page(channel: Channel, settings: Settings, query: str = "") -> bytes:
    """One channel's page on its own, e.g. a filtered one whose feeds' URLs carry ``query``;
    cut to its budget like the built ones."""
    ctx = FeedContext(settings, channel, {}, __version__, query)
    return fit(channel_page_bytes, ctx, page_path(channel.stem))[0]


def render_feed(channel: Channel, settings: Settings, fmt: Format, query: str = "") -> bytes:
    """One feed on its own, e.g. a filtered one whose URL carries ``query``; cut to its budget
    like the built ones."""
    contents = {e.id: entry_html(e) for e in channel.entries} if channel.options.full else {}
    ctx = FeedContext(settings, channel, contents, __version__, query)
    return fit(_RENDERERS[fmt], ctx, document_path(channel.stem, fmt))[0]
