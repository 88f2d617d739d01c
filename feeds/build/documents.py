"""The render step of a build: full entries and documents for a plan, taking each channel's
documents from the last build when their signature is unchanged, and saying which were cut to fit
their ``max_bytes``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from feeds.build.archives import Archives
from feeds.build.archives import Placed
from feeds.build.page_split import PageSplit
from feeds.build.read import reread
from feeds.build.record_files import FileRecord
from feeds.config import Settings
from feeds.errors import ContentChanged
from feeds.model import Article
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Site
from feeds.plan.archives import ArchiveMonth
from feeds.plan.channels import PlannedChannel
from feeds.plan.entries import build_entry
from feeds.plan.entries import materialize
from feeds.plan.entries import plan_newest
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_KEY
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.render.context import channel_paths
from feeds.render.context import page_path
from feeds.render.pages import LATEST_TITLES
from feeds.render.site import feed_signature
from feeds.render.site import render_documents
from feeds.render.site import reusable_pages
from feeds.source.summary import SOURCE

#: What the cache keeps of a document: (signature, bytes, entries left out to fit ``max_bytes``;
#: for an archive document, the number of parts of its month).
CachedDocument = tuple[str, bytes, int]


@dataclass(frozen=True)
class Rendered:
    """A plan made into documents."""

    site: Site
    documents: Mapping[str, bytes]  #: path → bytes
    cache: dict[str, CachedDocument]  #: what the next build may take again
    fresh: int  #: documents rendered now rather than taken from the last build
    trimmed: tuple[str, ...]  #: a warning for each document cut to fit its ``max_bytes``
    #: documents (archives) that the output folder in place holds, not among ``documents``
    in_place: tuple[str, ...] = ()
    months: Mapping[str, Sequence[ArchiveMonth]] = field(default_factory=dict)  #: by channel stem


def render_plan(
    plan: Plan,
    cached: Mapping[str, CachedDocument],
    articles: dict[str, Article],
    settings: Settings,
    records: Mapping[str, FileRecord] | None = None,
    placed: Placed | None = None,
    lazy: bool = False,
) -> Rendered:
    """Full entries and documents for a plan (its channels' and its entries' pages); ``articles``
    holds those read by this build (the other files a document shows are read again, checked
    against ``records``, the build's file records). ``placed``: the documents of the output
    folder in place, which archives whose bytes the cache does not keep are taken from.
    ``lazy``: archives are rendered as the documents are asked for (``Archives.render``)."""

    def build(ref: EntryRef) -> Entry:
        return build_entry(ref, articles[ref[REF_FILE][SOURCE]], settings, plan.pages)

    def read(refs: Sequence[EntryRef]) -> None:
        current, stale = reread(refs, articles, settings, records)
        if stale:
            raise ContentChanged(settings.content_dir / stale[0])
        articles.update(current)

    # Archives first: the current feeds and pages name them. A month whose entries changed is
    # split into parts (when over its budget) before the links between months are known.
    archives = Archives(plan, settings, cached, placed)
    heads = [_head(planned) for planned in plan.channels]
    entries = entry_maker(build)
    unsplit = archives.unsplit()
    if unsplit:
        read(unsplit)
        archives.split(heads, entries)
    chains = archives.chains()
    listing = archives.listing(chains)
    # A feed whose signature is unchanged keeps its bytes; its channel then needs only the first
    # few entries (for the index page) instead of all of them.
    signatures: dict[str, str] = {}
    done: dict[str, bytes] = {}
    dropped: dict[str, int] = {}
    counts: dict[str, int] = {}
    sections: dict[str, str] = {}  #: the index page's parts of unchanged channels, kept
    newest = plan_newest(plan)
    for planned in plan.channels:
        options = planned.options
        signature = feed_signature(
            planned.stem, planned.title, planned.description, planned.total, planned.refs, settings,
            plan.pages, options, dated_by=() if planned.refs else newest,
        )  # fmt: skip
        if planned.stem in listing:  # the page lists every archive, the feeds link the newest
            named = f"{signature}{listing[planned.stem]!r}".encode("utf-8", "surrogatepass")
            signature = hashlib.blake2b(named, digest_size=16).hexdigest()
        paths = channel_paths(planned.stem, settings.formats)
        reusable = [path for path in paths if cached.get(path, ("", b"", 0))[0] == signature]
        for path in reusable:
            _, done[path], dropped[path] = cached[path]
        full = len(reusable) < len(paths)
        kept_section = cached.get(planned.stem + INDEX_SECTION)
        if not full and kept_section is not None and kept_section[0] == signature and kept_section[1]:
            sections[planned.stem] = kept_section[1].decode("utf-8")
            shown = 1  # for the channel's date; its newest titles are in its part of the index
        else:
            shown = LATEST_TITLES
        counts[planned.stem] = options.max_items if full else min(shown, options.max_items)
        signatures.update(dict.fromkeys(paths, signature))
    page_signatures, pages_done, pages, pages_kept = reusable_pages(plan, cached, settings, placed)
    signatures.update(page_signatures)
    done.update(pages_done)
    needed = [ref for planned in plan.channels for ref in planned.refs[: counts[planned.stem]]]
    needed.extend(plan.page_refs[source] for source in pages)
    needed.extend(archives.pending(chains))
    read(needed)
    site = materialize(plan, articles, settings, counts, pages)
    split = PageSplit()
    try:
        rendering = render_documents(site, settings, done, listing, split.start, sections)
    finally:
        split.cancel()  # a child left making pages when the render failed
    dropped.update(rendering.trimmed)
    cache = {
        path: (sign, rendering.documents.get(path, b""), dropped.get(path, 0))
        for path, sign in signatures.items()
    }  # b"": a page kept in the output folder
    for stem, section in rendering.sections.items():
        # Signed as the channel's feeds and page are.
        cache[stem + INDEX_SECTION] = (signatures[page_path(stem)], section.encode("utf-8"), 0)
    documents, archive_cache, archive_fresh, in_place = archives.render(
        heads, chains, entries, rendering.documents, lazy
    )
    cache.update(archive_cache)
    fresh = len(signatures) - len(done) - len(pages_kept) + archive_fresh
    kept = (*in_place, *pages_kept)
    trimmed = _trimmed(plan, dropped, settings, documents)
    return Rendered(site, documents, cache, fresh, trimmed, kept, archives.planned)


#: A channel's part of the index page (``render.pages.index_section``) is kept in the cache as a
#: document of this name beside its feeds (``<stem>.index-section``), never written to the site:
#: a one-change build at 4,548 topics read 10,439 files again for the index's newest titles.
INDEX_SECTION = ".index-section"


def _head(planned: PlannedChannel) -> Channel:
    """A channel without its entries: what an archive's header says of it."""
    return Channel(
        planned.stem, planned.title, planned.description, (), planned.total, planned.topic,
        custom=planned.custom, options=planned.options,
    )  # fmt: skip


def _trimmed(
    plan: Plan, dropped: Mapping[str, int], settings: Settings, documents: Mapping[str, bytes]
) -> tuple[str, ...]:
    """``path: N of M entries left out ...`` for each document cut to its budget, in site order."""
    lines = []
    for planned in plan.channels:
        options = planned.options
        shown = min(planned.total, options.max_items)
        for path in channel_paths(planned.stem, settings.formats):
            if len(documents.get(path, b"")) > options.max_bytes > 0:
                lines.append(
                    f"{path}: over {options.budget_key} ({options.max_bytes} bytes) even without any "
                    f"entry, so it shows none of its {shown}: raise the budget (or set 0 for none)"
                )
            elif dropped.get(path):
                lines.append(
                    f"{path}: {dropped[path]} of its {shown} entries left out to stay within "
                    f"{options.budget_key} ({options.max_bytes} bytes)"
                )
    return tuple(lines)


def entry_maker(make: Callable[[EntryRef], Entry]) -> Callable[[Sequence[EntryRef]], list[Entry]]:
    """Entries for references, each built once (by key) however many channels and months show it."""
    built: dict[bytes, Entry] = {}

    def entries(refs: Sequence[EntryRef]) -> list[Entry]:
        out = []
        for ref in refs:
            entry = built.get(ref[REF_KEY])
            if entry is None:
                entry = built[ref[REF_KEY]] = make(ref)
            out.append(entry)
        return out

    return entries
