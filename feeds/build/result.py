"""What a build gives (``BuildResult``), and the end every build shares: from a plan and what
was read, the full entries, the documents and the report (``finish``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from feeds.build.cache import BuildState
from feeds.build.changes import Reading
from feeds.build.documents import render_plan
from feeds.config import Settings
from feeds.errors import ContentError
from feeds.model import Site
from feeds.output.write import SiteDocuments
from feeds.plan.archives import ARCHIVES
from feeds.plan.archives import ArchiveMonth
from feeds.plan.channels import channel_warnings
from feeds.plan.channels import topic_setting_warnings
from feeds.plan.planner import Plan
from feeds.source.scan import file_path
from feeds.source.scan import scan_warnings
from feeds.text import columns
from feeds.text import plural

#: A file's warnings past those listed, in one line (``fields.FieldReader.note``).
_UNLISTED = re.compile(r": and ([0-9,]+) more warnings$")


@dataclass(frozen=True)
class BuildResult:
    """A rendered site and what happened on the way."""

    #: output path → bytes; archives kept in the output folder in place (``in_place``) are read
    #: from it only when asked for (``write.SiteDocuments``)
    documents: Mapping[str, bytes]
    site: Site
    files: int  #: content files found
    articles: int  #: articles read without error
    errors: tuple[ContentError, ...]  #: files skipped
    warnings: tuple[str, ...]  #: ``path:line: message``, parts of files left out, merged topics
    state: BuildState = field(default_factory=BuildState, repr=False)  #: for the next build
    changed: tuple[str, ...] = ()  #: files read by this build (the rest came from the state)
    removed: tuple[str, ...] = ()  #: files of the state that are gone
    #: files with a new time or identity whose bytes were those of their record (kept, not parsed)
    refreshed: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()  #: files refused unread, over the size limit (errors)
    rendered: int = 0  #: feed documents rendered by this build (the rest came from the state)
    replanned: bool = False  #: planned from the last build's memo or plan, not from every file's index
    plan: Plan | None = field(default=None, repr=False)  #: ``build_every_entry``'s, for the next one
    #: documents that the output folder in place holds already: path → (size, modification time
    #: in ns) that the build found; ``write_site(..., in_place=...)`` keeps them unread
    in_place: Mapping[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    #: each channel's archive months by stem (``plan.archives.ArchiveMonth``), for the memo
    months: Mapping[str, Sequence[ArchiveMonth]] = field(default_factory=dict, repr=False)

    @property
    def unpublishable(self) -> bool:
        """Whether every content file has an error: the site would lose every entry at once (a
        botched search and replace, a broken sync), so it is not published; one that is stays."""
        return bool(self.errors) and len(self.errors) >= self.files

    @property
    def warning_count(self) -> int:
        """How many warnings ``warnings`` stands for: a file's warnings past those listed are one
        line ("and 51 more warnings") that counts them."""
        return sum(int(m[1].replace(",", "")) if (m := _UNLISTED.search(w)) else 1 for w in self.warnings)

    @property
    def parsed(self) -> int:
        """Files this build read and parsed (not those refused unread for their size)."""
        return len(self.changed) - len(set(self.changed).intersection(self.unread))

    @property
    def from_cache(self) -> int:
        """Files whose records came from the last build's (their bytes unread, or the same)."""
        return self.files - self.parsed - len(self.unread)

    @property
    def touched(self) -> tuple[str, ...]:
        """The files whose records this build changed: read, refreshed or removed."""
        return (*self.changed, *self.refreshed, *self.removed)

    @property
    def entries(self) -> int:
        return self.site.everything.total

    @property
    def feeds(self) -> int:
        """The current feeds (archives apart)."""
        return sum(
            1
            for name in self.documents
            if name.endswith((".atom", ".rss", ".json")) and not name.startswith(ARCHIVES)
        )

    @property
    def archives(self) -> int:
        """Archive documents (RFC 5005): feeds and pages."""
        return sum(1 for name in self.documents if name.startswith(f"{ARCHIVES}/"))


def finish(
    settings: Settings, plan: Plan, reading: Reading, articles: int | None = None, lazy: bool = False
) -> BuildResult:
    """The shared end of every build: full entries and documents for the plan, and the report."""
    placed = reading.previous.placed
    rendered = render_plan(
        plan, reading.previous.documents, reading.articles, settings, reading.state.files, placed, lazy
    )
    in_place = {path: placed[path][1:] for path in rendered.in_place}
    documents: Mapping[str, bytes] = rendered.documents
    if in_place:
        documents = SiteDocuments(documents, settings.output_dir, in_place)
    errors, warnings = reported(settings.content_dir, reading.reports)
    warnings = scan_warnings(reading.found) + warnings
    reading.state.documents = rendered.cache
    reading.state.stored_documents = reading.previous.stored_documents  # what the cache folder holds
    topics = {
        channel.topic.slug: channel.topic.name for channel in plan.channels if channel.topic is not None
    }
    unused = topic_setting_warnings(settings, topics)
    return BuildResult(
        documents=documents,
        site=rendered.site,
        files=len(reading.found),
        articles=len(reading.indexes) if articles is None else articles,
        errors=errors,
        warnings=warnings
        + rendered.site.warnings
        + channel_warnings(settings, topics)
        + unused
        + rendered.trimmed,
        state=reading.state,
        changed=reading.read,
        removed=reading.removed,
        refreshed=reading.refreshed,
        unread=reading.unread,
        rendered=rendered.fresh,
        in_place=in_place,
        months=rendered.months,
    )


@dataclass(frozen=True)
class Publication:
    """What ``SiteBuilder.publish`` did."""

    summary: str  #: one line: files, entries, what was written, what was left out
    errors: tuple[str, ...]  #: ``path:line: message`` of each file skipped
    warnings: tuple[str, ...]
    written: bool  #: False when nothing changed, or with ``strict`` and file errors
    up_to_date: bool  #: nothing a build reads had changed, and the output was the last build's
    result: BuildResult | None  #: None when up to date (nothing was built)
    seconds: float
    #: output paths of the feeds whose bytes differ from the output folder's before (every feed
    #: when there was none): what the hubs of ``websub.hubs`` are told. Only worked out when the
    #: config names a hub (it costs a read of every feed file: 11-21 ms for 93 feeds, 9.7 MB).
    changed_feeds: tuple[str, ...] = ()


def reported(
    root: Path, reports: Mapping[str, tuple[Any, Any]]
) -> tuple[tuple[ContentError, ...], tuple[str, ...]]:
    """The errors and warnings of ``reports`` (source → (error, warnings), in path order)."""
    errors: list[ContentError] = []
    warnings: list[str] = []
    for source, (error, problems) in reports.items():
        path = file_path(root, source)
        if error is not None:
            errors.append(ContentError(path, *error))
        warnings.extend(str(ContentError(path, line, message)) for line, message in problems)
    return tuple(errors), tuple(warnings)


def describe(result: BuildResult, settings: Settings, written: bool) -> str:
    """The one-line summary of a build."""
    skipped = result.site.skipped
    pages = len(result.site.channels)
    entry_pages = plural(len(result.site.pages), "entry page")
    lists = plural(sum(name.endswith(".opml") for name in result.documents), "OPML list")
    archives = f"{plural(result.archives, 'archive document')}, " if result.archives else ""
    where = (
        f"wrote {plural(result.feeds, 'feed')}, {plural(pages, 'page')}, {archives}{entry_pages}, "
        f"{lists} and index.html to {settings.output_dir}"
    )
    if not written and result.unpublishable:
        where = f"wrote nothing: every file has an error, and {settings.output_dir} is left as it was"
    elif not written:
        where = f"wrote nothing (--strict and {plural(len(result.errors), 'file error')})"
    errors, topics = plural(len(result.errors), "error"), plural(len(result.site.topics), "topic")
    return (
        f"Read {plural(result.files, 'file')}: {plural(result.articles, 'article')}, {errors}. "
        f"{plural(result.entries, 'entry')} in {topics}{_channels(result)}; {where}. "
        f"Left out: {plural(skipped.drafts, 'draft')}, {skipped.low_quality} low-quality, "
        f"{plural(skipped.duplicates, 'duplicate')}."
    )


def topic_table(result: BuildResult) -> list[str]:
    """What ``feeds topics`` prints: slug, entries and name of each topic, then of each custom
    channel (by its path)."""
    site = result.site
    rows = [(c.topic.slug, c.total, c.topic.name) for c in site.topics if c.topic]
    rows += [(c.stem, c.total, c.name) for c in site.custom]
    width = max((columns(slug) for slug, _, _ in rows), default=4)
    padded = [(slug + " " * (width - columns(slug)), n, name) for slug, n, name in rows]
    return [f"{'slug':<{width}}  entries  name", *(f"{s}  {n:>7}  {name}" for s, n, name in padded)]


def _channels(result: BuildResult) -> str:
    custom = len(result.site.custom)
    return f" and {plural(custom, 'custom channel')}" if custom else ""
