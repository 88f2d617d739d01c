"""The whole pipeline in one call: load → convert → render, shared by the CLI and the web app.

A build can start from what the previous one learned (``cache.BuildState``): files whose size,
modification time and inode are unchanged are not read again, and feeds whose entries are unchanged
are not rendered again. Starting from nothing or from a state gives the same bytes; the cache only
saves work. Many changed files are read by several processes at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
from bisect import bisect_left
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import cast
from zoneinfo import ZoneInfo

from feeds.build.cache import BuildState
from feeds.build.cache import FileRecord
from feeds.build.cache import as_record
from feeds.build.cache import paused_gc
from feeds.build.cache import read_shards
from feeds.build.cache import read_state
from feeds.build.cache import shard_of
from feeds.config import Settings
from feeds.errors import ConfigError
from feeds.errors import ContentError
from feeds.errors import FeedsError
from feeds.model import Article
from feeds.model import Entry
from feeds.model import Site
from feeds.plan.entries import build_entry
from feeds.plan.entries import materialize
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.plan.planner import plan_site
from feeds.plan.replan import MAX_CHANGES
from feeds.plan.replan import SPARE
from feeds.plan.replan import Memo
from feeds.plan.replan import Version
from feeds.plan.replan import changes
from feeds.plan.replan import memo_of
from feeds.plan.replan import replan
from feeds.plan.replan import replan_every_entry
from feeds.render.context import channel_paths
from feeds.render.pages import LATEST_TITLES
from feeds.render.site import Documents
from feeds.render.site import feed_signature
from feeds.render.site import render_site
from feeds.render.site import reusable_pages
from feeds.source.parse import load_file
from feeds.source.scan import ContentFile
from feeds.source.scan import file_path
from feeds.source.scan import scan_content
from feeds.source.summary import DIGEST
from feeds.source.summary import SOURCE
from feeds.source.summary import FileIndex
from feeds.source.summary import index_article
from feeds.source.summary import search_text

#: Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_CHUNK = 500
#: ``progress(done, total)``: called as changed files are read.
Progress = Callable[[int, int], None]
#: ``records_read(state, touched)``: called once a build's file records are all known, before it
#: plans, with the state its result will carry and the sources it read or found removed.
RecordsRead = Callable[[BuildState, Sequence[str]], None]


@dataclass(frozen=True)
class BuildResult:
    """A rendered site and what happened on the way."""

    documents: Documents  #: output path → bytes
    site: Site
    files: int  #: content files found
    articles: int  #: articles read without error
    errors: tuple[ContentError, ...]  #: files skipped
    warnings: tuple[str, ...]  #: ``path:line: message``, parts of files left out, merged topics
    state: BuildState = field(default_factory=BuildState, repr=False)  #: for the next build
    changed: tuple[str, ...] = ()  #: files read by this build (the rest came from the state)
    removed: tuple[str, ...] = ()  #: files of the state that are gone
    rendered: int = 0  #: feed documents rendered by this build (the rest came from the state)
    replanned: bool = False  #: planned from the last build's memo or plan, not from every file's index
    plan: Plan | None = field(default=None, repr=False)  #: with ``replannable``: for the next build

    @property
    def parsed(self) -> int:
        return len(self.changed)

    @property
    def entries(self) -> int:
        return self.site.everything.total

    @property
    def feeds(self) -> int:
        return sum(1 for name in self.documents if name.endswith((".atom", ".rss", ".json")))


def build_site(
    settings: Settings,
    state: BuildState | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    found: list[ContentFile] | None = None,
    every_entry: bool = True,
    previous_refs: Sequence[EntryRef] = (),
    memo: bool = False,
    replannable: bool = False,
    previous_plan: Plan | None = None,
    records_read: RecordsRead | None = None,
) -> BuildResult:
    """Read the content folder and render every document; bad files are reported, not raised.

    ``state`` is what the previous build of the same settings learned (``result.state``, or
    ``cache.read_state``); ``jobs`` caps the processes that read changed files (default: two per
    CPU); ``found`` is the content folder's ``scan_content`` when the caller has it already.
    Without ``every_entry``, channels keep references to the entries they show only (enough to
    write the site; the web app's filters need them all). ``previous_refs``: every reference of
    the last build's plan, to reuse (see ``plan_site``). With ``memo`` (and without
    ``every_entry``), the result's state carries a memo for the next build to replan from, and a
    state read without records (``read_state(..., records=False)``) is replanned from its memo
    when it can be. With ``replannable`` (and ``every_entry``), the result carries its plan, and
    ``previous_plan`` (the last such result's, made with the same settings) is updated with the
    changed files' entries instead of planning from every index, when that provably gives the same.
    ``records_read`` lets the caller start storing the file records while the build goes on.
    Raises ConfigError when the content folder is missing.
    """
    if not settings.content_dir.is_dir():
        raise ConfigError(settings.config_path, "content", f"{settings.content_dir} is not a folder")
    with paused_gc():
        want_memo = memo and not every_entry
        return _build(
            settings, state or BuildState(), jobs, progress, found, every_entry, previous_refs, want_memo,
            every_entry and replannable, previous_plan, records_read,
        )  # fmt: skip


def content_fingerprint(settings: Settings, found: Sequence[ContentFile]) -> str:
    """Changes whenever a build of these settings could give something else (with this program)."""
    digest = hashlib.blake2b(repr(settings).encode("utf-8", "surrogatepass"), digest_size=16)
    # Serialised in C (marshal version 2 keeps no back-references, which are slow to track).
    digest.update(marshal.dumps(_versions(found), 2))
    return digest.hexdigest()


def _versions(found: Sequence[ContentFile]) -> list[Version]:
    """What tells each file's versions apart (all of ``ContentFile``), as plain tuples for marshal."""
    return cast("list[Version]", list(map(tuple, found)))


def _build(
    settings: Settings,
    previous: BuildState,
    jobs: int | None,
    progress: Progress | None,
    found: list[ContentFile] | None,
    every_entry: bool,
    previous_refs: Sequence[EntryRef] = (),
    want_memo: bool = False,
    replannable: bool = False,
    previous_plan: Plan | None = None,
    records_read: RecordsRead | None = None,
) -> BuildResult:
    if found is None:
        found = scan_content(settings.content_dir)
    if previous.origin is not None:  # a state read without its file records
        if want_memo and previous.memo is not None:
            result = _build_from_memo(settings, previous, previous.memo, found, jobs, progress, records_read)
            if result is not None:
                return result
        full = read_state(*previous.origin)
        previous = BuildState(full.files, previous.documents, previous.summary, full.shards)
    records: dict[str, FileRecord] = {}
    changed: list[ContentFile] = []
    known = previous.files.get
    limit = _byte_limit(settings)
    too_big: set[str] = set()  # refused unread, and kept out of the cache: a new limit applies at once
    for file in found:  # by position: this loop runs once per content file on every build
        old = known(file[0])
        if file[1] > limit:
            records[file[0]] = _too_big(file, settings)
            too_big.add(file[0])
        elif old is not None and old[1] == file[2] and old[0] == file[1] and old[2] == file[3]:
            # Keyed by the index's own copy of the path where there is one, not by this scan's:
            # a server then keeps one string per file across rebuilds instead of two.
            records[file[0] if old[3] is None else old[3][0]] = old
        else:
            changed.append(file)
    articles = _read(changed, settings, records, jobs, progress)
    ordered = [records[file.source] for file in found]
    indexes: list[FileIndex] = [r.indexed for r in ordered if r.indexed is not None]
    removed = tuple(previous.files.keys() - records.keys())
    read = tuple(file.source for file in changed)
    state = BuildState(
        {s: r for s, r in records.items() if s not in too_big} if too_big else records, shards=previous.shards
    )
    if records_read is not None:
        records_read(state, (*read, *removed))
    replanned = None
    if replannable and previous_plan is not None and len(changed) + len(removed) <= MAX_CHANGES:
        known = previous.files.get
        before = {s: old.indexed for s in (*read, *removed) if (old := known(s)) is not None}
        after = {source: records[source].indexed for source in read}
        replanned = replan_every_entry(previous_plan, before, after, settings)
    if replanned is not None:
        plan = replanned
    elif want_memo:  # a few more entries than the feeds show, and the census, for the next replan
        plan = plan_site(indexes, settings, False, keep=settings.max_items + SPARE, census=True)
    else:
        plan = plan_site(indexes, settings, every_entry, previous_refs, census=replannable)
    site, rendered, documents, fresh = _render(plan, previous.documents, articles, settings)
    reports = {
        f.source: (r.error, r.warnings) for f, r in zip(found, ordered, strict=True) if r.error or r.warnings
    }
    errors, warnings = _reported(settings.content_dir, reports)
    state.documents = documents
    state.memo = memo_of(plan, settings, _versions(found), reports) if want_memo else None
    return BuildResult(
        documents=rendered,
        site=site,
        files=len(found),
        articles=len(indexes),
        errors=errors,
        warnings=warnings + site.warnings,
        state=state,
        changed=read,
        removed=removed,
        rendered=fresh,
        replanned=replanned is not None,
        plan=plan if replannable else None,
    )


def _build_from_memo(
    settings: Settings,
    previous: BuildState,
    memo: Memo,
    found: list[ContentFile],
    jobs: int | None,
    progress: Progress | None,
    records_read: RecordsRead | None,
) -> BuildResult | None:
    """A command-line build that replans from the last one's memo, reading only the shards of
    the files that changed; None when the memo cannot be used (then every record is needed)."""
    if memo.settings != repr(settings) or previous.origin is None:
        return None
    versions = _versions(found)
    changed_sources, removed, old_versions = changes(memo.versions, versions)
    if len(changed_sources) + len(removed) > MAX_CHANGES:
        return None
    touched = [*changed_sources, *removed]
    records, held = read_shards(*previous.origin, {shard_of(source) for source in touched})
    before: dict[str, FileIndex | None] = {}
    for source in touched:
        version = old_versions.get(source)
        if version is None:
            continue  # new since the memo's build
        record = records.get(source)
        if record is None or (record.size, record.mtime_ns, record.inode) != version[1:]:
            return None  # the cache is not the one the memo was planned with
        before[source] = record.indexed
    for source in removed:
        records.pop(source, None)
    files = [found[bisect_left(found, (source,))] for source in changed_sources]
    limit = _byte_limit(settings)
    too_big = {file.source for file in files if file.size > limit}
    for file in files:
        if file.source in too_big:
            records[file.source] = _too_big(file, settings)
    articles = _read([f for f in files if f.source not in too_big], settings, records, jobs, progress)
    replanned = replan(
        memo, before, {source: records[source].indexed for source in changed_sources}, settings
    )
    if replanned is None:
        return None
    state = BuildState({s: r for s, r in records.items() if s not in too_big}, shards=held)
    if records_read is not None:
        records_read(state, touched)
    plan, replanned_memo = replanned
    site, rendered, documents, fresh = _render(plan, previous.documents, articles, settings)
    reports = dict(memo.reports)  # the unchanged files' reports, then the changed files' new ones
    for source in touched:
        reports.pop(source, None)
        record = records.get(source)
        if record is not None and (record.error or record.warnings):
            reports[source] = (record.error, record.warnings)
    errors, warnings = _reported(settings.content_dir, dict(sorted(reports.items())))
    state.documents = documents
    state.memo = dataclasses.replace(replanned_memo, versions=versions, reports=reports)
    return BuildResult(
        documents=rendered,
        site=site,
        files=len(found),
        articles=len(found) - len(errors),
        errors=errors,
        warnings=warnings + site.warnings,
        state=state,
        changed=tuple(changed_sources),
        removed=tuple(removed),
        rendered=fresh,
        replanned=True,
    )


def _render(
    plan: Plan, cached: Mapping[str, tuple[str, bytes]], articles: dict[str, Article], settings: Settings
) -> tuple[Site, Documents, dict[str, tuple[str, bytes]], int]:
    """Full entries and documents for a plan: (site, path → bytes, path → (signature, bytes) for
    the cache, how many documents were rendered rather than taken from ``cached``)."""
    # A feed whose signature is unchanged keeps its bytes; its channel then needs only the first
    # few entries (for the index page) instead of all of them.
    signatures: dict[str, str] = {}
    done: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for planned in plan.channels:
        signature = feed_signature(
            planned.stem, planned.title, planned.description, planned.total, planned.refs, settings,
            plan.pages,
        )  # fmt: skip
        paths = channel_paths(planned.stem, settings.formats)
        reusable = [path for path in paths if cached.get(path, ("", b""))[0] == signature]
        for path in reusable:
            done[path] = cached[path][1]
        counts[planned.stem] = (
            min(LATEST_TITLES, settings.max_items) if len(reusable) == len(paths) else settings.max_items
        )
        signatures.update(dict.fromkeys(paths, signature))
    page_signatures, pages_done, pages = reusable_pages(plan, cached, settings)
    signatures.update(page_signatures)
    done.update(pages_done)
    needed = [ref for planned in plan.channels for ref in planned.refs[: counts[planned.stem]]]
    needed.extend(plan.page_refs[source] for source in pages)
    current, stale = _reread(needed, articles, settings)
    if stale:
        raise FeedsError(
            f"{settings.content_dir / stale[0]}: changed while the build was running; run it again"
        )
    articles.update(current)
    site = materialize(plan, articles, settings, counts, pages)
    rendered = render_site(site, settings, done)
    documents = {path: (signature, rendered[path]) for path, signature in signatures.items()}
    return site, rendered, documents, len(signatures) - len(done)


def _reported(
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


def _byte_limit(settings: Settings) -> int:
    return int(settings.max_file_mb * 1_000_000)


def _too_big(file: ContentFile, settings: Settings) -> FileRecord:
    message = f"{file.size / 1e6:.1f} MB is over the limit of {settings.max_file_mb:g} MB (max_file_mb)"
    return FileRecord(file.size, file.mtime_ns, file.inode, None, (None, message), ())


def build_entries(
    settings: Settings, refs: Sequence[EntryRef], pages: Mapping[str, str]
) -> tuple[Entry, ...]:
    """Full entries for references of a built site, read again from their files; ``pages`` is
    the site's (``Site.pages``).

    An entry whose file changed or went away since the build is left out; the rebuild that the
    change triggers accounts for it.
    """
    current, _ = _reread(refs, {}, settings)
    return tuple(
        build_entry(ref, current[ref[REF_FILE][SOURCE]], settings, pages)
        for ref in refs
        if ref[REF_FILE][SOURCE] in current
    )


def _read(
    files: list[ContentFile],
    settings: Settings,
    records: dict[str, FileRecord],
    jobs: int | None,
    progress: Progress | None,
) -> dict[str, Article]:
    """Read ``files`` into ``records``; returns the articles read in this process."""
    # Two per CPU: a worker waiting for a file the page cache does not hold leaves its CPU to the
    # other. On 2 CPUs with the files out of the cache, a cold build of 100,000 took 10-15% less
    # time than with one per CPU, and no more with them in it. Workers share the fork server's
    # pages: about 37 MB of RSS each, mostly shared.
    jobs = jobs or 2 * (os.cpu_count() or 1)
    if jobs > 1 and len(files) >= PARALLEL_MIN_FILES:
        # Workers send back records only: building Article objects twice (once there, once
        # here from a pickle) would cost more than reading the few files a feed shows again.
        batches = [
            (settings.timezone, str(settings.content_dir), [tuple(f) for f in files[start : start + _CHUNK]])
            for start in range(0, len(files), _CHUNK)
        ]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_worker_context()) as pool:
            done = 0
            for payload in pool.map(_read_batch, batches):
                for source, record in marshal.loads(payload):
                    records[source] = as_record(record)
                done += _CHUNK
                if progress:
                    progress(min(done, len(files)), len(files))
        return {}
    articles: dict[str, Article] = {}
    for number, file in enumerate(files, 1):
        records[file.source], article = _read_one(file, settings.content_dir, settings.tz)
        if article is not None:
            articles[file.source] = article
        if progress and number % _CHUNK == 0:
            progress(number, len(files))
    return articles


def _worker_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # Imported once in the fork server rather than in every worker: 0.1 s less a cold build.
    context.set_forkserver_preload([__name__])
    return context


def start_read_workers() -> None:
    """Start the fork server that read workers come from, for a build about to read many files.

    It takes 0.3 s to start and import this module; called before the content folder is
    scanned, that happens on another CPU while the scan runs instead of after it.
    """
    _worker_context()
    multiprocessing.forkserver.ensure_running()


def _read_batch(batch: tuple[str, str, list[tuple[str, int, int, int]]]) -> bytes:
    """Worker process: records for a batch of files, marshalled."""
    timezone, root, files = batch
    tz = ZoneInfo(timezone)
    out = []
    for fields in files:
        file = ContentFile(*fields)
        out.append((file.source, tuple(_read_one(file, root, tz)[0])))
    return marshal.dumps(out)


def _read_one(file: ContentFile, root: str | Path, tz: ZoneInfo) -> tuple[FileRecord, Article | None]:
    try:
        article, problems, digest = load_file(file_path(root, file.source), file.source, tz)
    except ContentError as e:
        return FileRecord(file.size, file.mtime_ns, file.inode, None, (e.line, e.message), ()), None
    warnings = tuple((p.line, p.message) for p in problems)
    indexed = index_article(article, digest)
    record = FileRecord(file.size, file.mtime_ns, file.inode, indexed, None, warnings, search_text(article))
    return record, article


def _reread(
    refs: Sequence[EntryRef], have: dict[str, Article], settings: Settings
) -> tuple[dict[str, Article], list[str]]:
    """The articles behind ``refs`` (from ``have``, or read again), and the sources of those whose
    file is gone or no longer the version the references were made from."""
    articles: dict[str, Article] = {}
    stale: list[str] = []
    for source, digest in {ref[REF_FILE][SOURCE]: ref[REF_FILE][DIGEST] for ref in refs}.items():
        if source in have:
            articles[source] = have[source]
            continue
        try:
            article, _, now = load_file(file_path(settings.content_dir, source), source, settings.tz)
        except ContentError:
            stale.append(source)
            continue
        if now == digest:
            articles[source] = article
        else:
            stale.append(source)
    return articles, stale
