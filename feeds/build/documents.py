"""The render step of a build: full entries and documents for a plan, taking each channel's
documents from the last build when their signature is unchanged, and saying which were cut to fit
their ``max_bytes``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from feeds.build.cache import FileRecord
from feeds.build.read import reread
from feeds.config import Settings
from feeds.errors import FeedsError
from feeds.model import Article
from feeds.model import Site
from feeds.plan.entries import materialize
from feeds.plan.planner import Plan
from feeds.render.context import channel_paths
from feeds.render.pages import LATEST_TITLES
from feeds.render.site import Documents
from feeds.render.site import feed_signature
from feeds.render.site import render_documents
from feeds.render.site import reusable_pages

#: What the cache keeps of a document: (signature, bytes, entries left out to fit ``max_bytes``).
CachedDocument = tuple[str, bytes, int]


@dataclass(frozen=True)
class Rendered:
    """A plan made into documents."""

    site: Site
    documents: Documents  #: path → bytes
    cache: dict[str, CachedDocument]  #: what the next build may take again
    fresh: int  #: documents rendered now rather than taken from the last build
    trimmed: tuple[str, ...]  #: a warning for each document cut to fit its ``max_bytes``


def render_plan(
    plan: Plan,
    cached: Mapping[str, CachedDocument],
    articles: dict[str, Article],
    settings: Settings,
    records: Mapping[str, FileRecord] | None = None,
) -> Rendered:
    """Full entries and documents for a plan (its channels' and its entries' pages); ``articles``
    holds those read by this build (the other files a document shows are read again, checked
    against ``records``, the build's file records)."""
    # A feed whose signature is unchanged keeps its bytes; its channel then needs only the first
    # few entries (for the index page) instead of all of them.
    signatures: dict[str, str] = {}
    done: dict[str, bytes] = {}
    dropped: dict[str, int] = {}
    counts: dict[str, int] = {}
    for planned in plan.channels:
        options = planned.options
        signature = feed_signature(
            planned.stem, planned.title, planned.description, planned.total, planned.refs, settings,
            plan.pages, options,
        )  # fmt: skip
        paths = channel_paths(planned.stem, settings.formats)
        reusable = [path for path in paths if cached.get(path, ("", b"", 0))[0] == signature]
        for path in reusable:
            _, done[path], dropped[path] = cached[path]
        full = len(reusable) < len(paths)
        counts[planned.stem] = options.max_items if full else min(LATEST_TITLES, options.max_items)
        signatures.update(dict.fromkeys(paths, signature))
    page_signatures, pages_done, pages = reusable_pages(plan, cached, settings)
    signatures.update(page_signatures)
    done.update(pages_done)
    needed = [ref for planned in plan.channels for ref in planned.refs[: counts[planned.stem]]]
    needed.extend(plan.page_refs[source] for source in pages)
    current, stale = reread(needed, articles, settings, records)
    if stale:
        raise FeedsError(
            f"{settings.content_dir / stale[0]}: changed while the build was running; run it again"
        )
    articles.update(current)
    site = materialize(plan, articles, settings, counts, pages)
    rendering = render_documents(site, settings, done)
    dropped.update(rendering.trimmed)
    documents = rendering.documents
    cache = {path: (sign, documents[path], dropped.get(path, 0)) for path, sign in signatures.items()}
    return Rendered(site, documents, cache, len(signatures) - len(done), _trimmed(plan, dropped, settings))


def _trimmed(plan: Plan, dropped: Mapping[str, int], settings: Settings) -> tuple[str, ...]:
    """``path: N of M entries left out ...`` for each document cut to its budget, in site order."""
    lines = []
    for planned in plan.channels:
        options = planned.options
        shown = min(planned.total, options.max_items)
        for path in channel_paths(planned.stem, settings.formats):
            if dropped.get(path):
                lines.append(
                    f"{path}: {dropped[path]} of its {shown} entries left out to stay within "
                    f"{options.budget_key} ({options.max_bytes} bytes)"
                )
    return tuple(lines)
