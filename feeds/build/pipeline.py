"""The pipeline: load → plan → render, in three explicit shapes of build.

* ``build_site``: one build for writing a site; channels keep the entries their feeds show.
* ``build_with_memo``: the same, leaving a memo in its state so that the next build after a few
  changes replans from it instead of from every file's index (``feeds build``).
* ``build_every_entry``: channels keep every entry (the web app's filters search them all), and
  the plan is kept so that the next build updates it (``feeds serve``).

Each can start from what the previous build learned (``cache.BuildState``): files whose size,
modification time and identity (inode and change time) are unchanged are not read again, nor are
files of the same size whose
bytes are unchanged (a fresh checkout), and feeds whose entries are unchanged
are not rendered again. Starting from nothing or from a state gives the same bytes; the cache only
saves work. ``builder.SiteBuilder`` and ``builder.LiveBuilder`` read and store that state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from feeds.build.cache import BuildState
from feeds.build.changes import FILE_VERSION
from feeds.build.changes import RECORD_VERSION
from feeds.build.changes import Reading
from feeds.build.changes import RecordsRead
from feeds.build.changes import byte_limit
from feeds.build.changes import may_be_same
from feeds.build.changes import read_changes
from feeds.build.changes import too_big_record
from feeds.build.collector import paused_gc
from feeds.build.month_files import MonthLost
from feeds.build.month_replan import memo_months
from feeds.build.month_replan import plan_months
from feeds.build.read import Progress
from feeds.build.read import read_files
from feeds.build.read import same_bytes
from feeds.build.record_files import read_shards
from feeds.build.record_files import shard_of
from feeds.build.result import BuildResult
from feeds.build.result import finish
from feeds.config import Settings
from feeds.model import ArchiveMode
from feeds.output.write import output_problem
from feeds.plan.month_memo import MonthHead
from feeds.plan.planner import EntryRef
from feeds.plan.planner import Plan
from feeds.plan.planner import plan_site
from feeds.plan.replan import MAX_CHANGES
from feeds.plan.replan import SPARE
from feeds.plan.replan import Memo
from feeds.plan.replan import memo_of
from feeds.plan.replan import replan
from feeds.plan.replan import replan_every_entry
from feeds.plan.replan import settings_key
from feeds.source.scan import ContentFile
from feeds.source.scan import packed_versions
from feeds.source.scan import scan_content
from feeds.source.scan import scan_warnings
from feeds.source.summary import FileIndex
from feeds.source.versions import unpack_versions
from feeds.source.versions import version_changes


def build_site(
    settings: Settings,
    state: BuildState | None = None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    found: list[ContentFile] | None = None,
) -> BuildResult:
    """Read the content folder and render every document; bad files are reported, not raised.

    ``state`` is what the previous build of the same settings learned (``result.state``, or
    ``cache.read_state``); ``jobs`` caps the processes that read changed files (default: two per
    CPU); ``found`` is the content folder's ``scan_content`` when the caller has it already.
    Channels keep references to the entries their feeds show. Raises ConfigError when the content
    folder is missing.
    """
    check_content(settings)
    with paused_gc():
        reading = read_changes(settings, state or BuildState(), found, jobs, progress)
        plan = plan_site(reading.indexes, settings, _archived(settings))
        return finish(settings, plan, reading)


def build_with_memo(
    settings: Settings,
    state: BuildState | None = None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    found: list[ContentFile] | None = None,
    records_read: RecordsRead | None = None,
    lazy: bool = False,
) -> BuildResult:
    """``build_site``, whose result's state carries a memo of its plan; from a state read without
    records (``read_state(..., records=False)``) it replans from that state's memo when it can,
    reading only the records of the files that changed. ``records_read`` lets the caller start
    storing the file records while the build goes on. ``lazy`` (for a publish that writes every
    document once, in order): archives are rendered when their bytes are asked for, a part at a
    time, and the state keeps them without their bytes."""
    check_content(settings)
    state = state or BuildState()
    with paused_gc():
        if found is None:
            found = scan_content(settings.content_dir)
        archived = _archived(settings)
        if state.origin is not None and state.memo is not None:
            result = _build_from_memo(settings, state, state.memo, found, jobs, progress, records_read, lazy)
            if result is not None:
                return result
        reading = read_changes(settings, state, found, jobs, progress, records_read)
        if state.memo is not None:
            result = _replan_after_reading(settings, state.memo, reading, state.origin, lazy)
            if result is not None:
                return result
        # A few more entries than the feeds show, and the census, for the next replan; archives
        # hold every entry: then every entry, and the memo keeps the months too.
        plan = plan_site(reading.indexes, settings, archived, spare=SPARE, census=True)
        result = finish(settings, plan, reading, lazy=lazy)
        memo = memo_of(plan, settings, packed_versions(found), reading.reports)
        if memo is not None and archived:
            memo = dataclasses.replace(memo, months=memo_months(result.months, plan))
        result.state.memo = memo
        return result


def _replan_after_reading(
    settings: Settings, memo: Memo, reading: Reading, origin: tuple[Path, str] | None, lazy: bool
) -> BuildResult | None:
    """A build that replans from the memo after every record was read: after a fresh checkout
    every file has a new version, but those with the same bytes kept their records, and the few
    that really changed may still be replanned, with the archive months they touch (every record
    is at hand; ``origin``, the cache's, is where the memo's months are). None when the memo
    cannot be used."""
    touched = (*reading.read, *reading.removed)
    if memo.settings != settings_key(settings) or len(touched) > MAX_CHANGES:
        return None
    planned = {version[0]: version for version in unpack_versions(memo.versions)}
    records, read = reading.previous.files, set(touched)
    # The cache must be the one the memo was planned with: every record the build started from is
    # the memo's, but for files read or removed now that are new since the memo. (A build killed
    # after it stored its records, and before its memo, leaves newer ones, matching the files.)
    for source, old in records.items():
        version = planned.get(source)
        if version is None:
            if source not in read:
                return None
        elif old[RECORD_VERSION] != version[FILE_VERSION]:
            return None
    if any(source in planned and source not in records for source in touched):
        return None
    before: dict[str, FileIndex | None] = {
        source: records[source].indexed for source in touched if source in planned
    }
    after = {source: reading.state.files[source].indexed for source in reading.read}
    replanned = replan(memo, before, after, settings)
    if replanned is None:
        return None
    plan, replanned_memo = replanned
    months = None
    if _archived(settings):
        with_months = origin and plan_months(plan, memo, before, after, reading.state.files, origin, settings)
        if not with_months:
            return None
        plan, months = with_months
    return _replanned(settings, plan, reading, memo, replanned_memo, months, lazy)


def _replanned(
    settings: Settings,
    plan: Plan,
    reading: Reading,
    memo: Memo,
    replanned: Memo,
    months: dict[str, list[MonthHead]] | None,
    lazy: bool,
    articles: int | None = None,
) -> BuildResult | None:
    """The end of a build replanned from ``memo``: its documents, and the ``replanned`` memo with
    the build's versions, reports and months; None when what the archives needed could not be
    read from the cache."""
    try:
        result = finish(settings, plan, reading, articles, lazy)
    except MonthLost:
        return None
    kept_months = memo_months(result.months, plan, memo.months, months) if _archived(settings) else None
    versions, reports = packed_versions(reading.found), reading.reports
    result.state.memo = dataclasses.replace(replanned, versions=versions, reports=reports, months=kept_months)
    return dataclasses.replace(result, replanned=True)


def build_every_entry(
    settings: Settings,
    state: BuildState | None = None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    found: list[ContentFile] | None = None,
    previous_refs: Sequence[EntryRef] = (),
    previous_plan: Plan | None = None,
) -> BuildResult:
    """``build_site`` whose channels keep every entry, and whose result carries its plan.

    ``previous_refs``: every reference of the last build's plan, to reuse (see ``plan_site``).
    ``previous_plan``: the last result's plan, made with the same settings; it is updated with
    the changed files' entries instead of planning from every index, when that provably gives the
    same.
    """
    check_content(settings)
    with paused_gc():
        reading = read_changes(settings, state or BuildState(), found, jobs, progress)
        plan = None
        if previous_plan is not None and len(reading.read) + len(reading.removed) <= MAX_CHANGES:
            known = reading.previous.files.get
            touched = (*reading.read, *reading.removed)
            before = {s: old.indexed for s in touched if (old := known(s)) is not None}
            after = {source: reading.state.files[source].indexed for source in reading.read}
            plan = replan_every_entry(previous_plan, before, after, settings)
        replanned = plan is not None
        if plan is None:
            plan = plan_site(reading.indexes, settings, True, previous_refs, census=True)
        return dataclasses.replace(finish(settings, plan, reading), replanned=replanned, plan=plan)


def content_fingerprint(settings: Settings, found: Sequence[ContentFile]) -> str:
    """Changes whenever a build of these settings could give something else (with this program)."""
    digest = hashlib.blake2b(settings_key(settings).encode("utf-8", "surrogatepass"), digest_size=16)
    # Serialised in C (marshal version 2 keeps no back-references, which are slow to track).
    digest.update(marshal.dumps(packed_versions(found), 2))
    # What the scan left out, so that a build tells of a new folder loop rather than being up to date.
    digest.update(marshal.dumps(scan_warnings(found), 2))
    return digest.hexdigest()


def _archived(settings: Settings) -> bool:
    """Whether channels have archives, which need every entry of every channel planned."""
    return settings.archives is not ArchiveMode.OFF


def check_content(settings: Settings) -> None:
    """Raise ConfigError unless the content folder is a folder."""
    if not settings.content_dir.is_dir():
        # A config's relative paths start from its own folder: config/feeds.yaml without
        # `content:` looks in config/content (an outside probe followed the defaults there).
        where = (
            ""
            if "content" in settings.given or settings.config_path is None
            else " (from the config's folder)"
        )
        raise settings.error("content", f"{settings.content_dir} is not a folder{where}")


def check_folders(settings: Settings) -> None:
    """Raise ConfigError unless the content folder is a folder outside the output folder, and the
    output folder one that a build may replace (not a folder of someone else's files). Checked
    before the lock (no lock file is left beside a folder that was never ours) and by ``feeds
    check``, which must refuse what ``feeds build`` refuses."""
    check_content(settings)
    output = os.path.realpath(settings.output_dir)  # Path.resolve raised on a link to itself
    # (The root, which holds everything, is refused as the output folder by the writer.)
    if output != os.path.dirname(output) and Path(os.path.realpath(settings.content_dir)).is_relative_to(
        output
    ):
        # Each build replaces the output folder as a whole: the articles would go with it.
        raise settings.error(
            "content",
            f"{settings.content_dir} is the output folder {settings.output_dir} or inside it, which"
            " every build replaces (its articles would be deleted); keep the articles outside it",
        )
    problem = output_problem(settings.output_dir)
    if problem is not None:
        raise settings.error("output", problem)


def _build_from_memo(
    settings: Settings,
    previous: BuildState,
    memo: Memo,
    found: list[ContentFile],
    jobs: int | None,
    progress: Progress | None,
    records_read: RecordsRead | None,
    lazy: bool,
) -> BuildResult | None:
    """A build that replans from the last one's memo, reading only the shards of the files that
    changed; None when the memo cannot be used (then every record is needed)."""
    archived = _archived(settings)
    if (
        memo.settings != settings_key(settings)
        or previous.origin is None
        or archived != (memo.months is not None)
    ):
        return None
    versions = packed_versions(found)
    changed_sources, removed, old_versions = version_changes(memo.versions, versions)
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
        if record is None or record[RECORD_VERSION] != version[FILE_VERSION]:
            return None  # the cache is not the one the memo was planned with
        before[source] = record.indexed
    for source in removed:
        records.pop(source, None)
    files = [found[bisect_left(found, (source,))] for source in changed_sources]
    limit = byte_limit(settings)
    too_big = {file.source for file in files if file.size > limit}
    for file in files:
        if file.source in too_big:
            records[file.source] = too_big_record(file, settings)
    same_size = [
        (file, old)
        for file in files
        if file.source in before and file.source not in too_big
        and may_be_same(old := records[file.source], file)
    ]  # fmt: skip
    refreshed, _ = same_bytes(same_size, settings.content_dir, jobs) if same_size else ({}, [])
    records.update(refreshed)
    for source in refreshed:  # the same index as before: nothing to replan
        del before[source]
    to_read = [f for f in files if f.source not in too_big and f.source not in refreshed]
    articles = read_files(to_read, settings, records, jobs, progress)
    changed_sources = tuple(source for source in changed_sources if source not in refreshed)
    after = {source: records[source].indexed for source in changed_sources}
    replanned = replan(memo, before, after, settings)
    if replanned is None:
        return None
    plan, replanned_memo = replanned
    months = None
    if archived:
        with_months = plan_months(plan, memo, before, after, records, previous.origin, settings)
        if with_months is None:
            return None
        plan, months = with_months
    kept = {s: r for s, r in records.items() if s not in too_big}
    state = BuildState(kept, shards=held, context=previous.context)
    if records_read is not None:
        records_read(state, touched, refreshed.keys())
    reports = dict(memo.reports)  # the unchanged files' reports, then the changed files' new ones
    for source in touched:
        reports.pop(source, None)
        record = records.get(source)
        if record is not None and (record.error or record.warnings):
            reports[source] = (record.error, record.warnings)
    reports = dict(sorted(reports.items()))
    reading = Reading(
        found,
        previous,
        state,
        articles,
        [],
        tuple(changed_sources),
        tuple(removed),
        reports,
        tuple(refreshed),
        tuple(sorted(too_big)),
    )
    articles_count = len(found) - sum(e is not None for e, _ in reports.values())
    return _replanned(settings, plan, reading, memo, replanned_memo, months, lazy, articles_count)
