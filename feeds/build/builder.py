"""The incremental build: one object per site that reads the cache, builds and stores what it
learned, for the command line, the web app and any program that imports ``feeds``.

``SiteBuilder`` builds for writing (``feeds build``, ``check``, ``topics``): it reads the cache
beside the output folder, replans from the last build's memo after a few changes, stores the file
records from a forked child while the build renders, and writes the memo last. ``publish`` also
writes the site, or says it is up to date. ``LiveBuilder`` builds for a server: every entry of
every channel, the state kept in memory, the last plan updated rather than made again.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import time
from collections.abc import Iterator
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from feeds.build.cache import BuildState
from feeds.build.cache import cache_context
from feeds.build.cache import cache_of
from feeds.build.cache import clear_cache
from feeds.build.cache import read_state
from feeds.build.cache import read_summary
from feeds.build.cache import write_state
from feeds.build.cache_tag import check_cache_folder
from feeds.build.collector import paused_gc
from feeds.build.pipeline import build_every_entry
from feeds.build.pipeline import build_with_memo
from feeds.build.pipeline import check_folders
from feeds.build.pipeline import content_fingerprint
from feeds.build.placed import held_in_memory
from feeds.build.placed import kept_output
from feeds.build.placed import placed_documents
from feeds.build.placed import placed_summary
from feeds.build.read import PARALLEL_MIN_FILES
from feeds.build.read import Progress
from feeds.build.record_files import read_search_texts
from feeds.build.records import RecordWriter
from feeds.build.result import BuildResult
from feeds.build.result import Publication
from feeds.build.result import describe
from feeds.build.workers import start_read_workers
from feeds.config import Settings
from feeds.errors import ContentChanged
from feeds.errors import OutputError
from feeds.output.check import dated_ahead
from feeds.output.check import future_warnings
from feeds.output.staging import CannotLink
from feeds.output.staging import StaleOutput
from feeds.output.write import Replaced
from feeds.output.write import locked
from feeds.output.write import output_matches
from feeds.output.write import replace_site
from feeds.output.write import shows_entries
from feeds.render.context import document_path
from feeds.source.scan import ContentFile
from feeds.source.scan import packed_versions
from feeds.source.scan import scan_content
from feeds.source.versions import Packed
from feeds.source.versions import version_changes


class Placing(enum.Enum):
    """What a publish keeps of the documents that the output folder in place holds."""

    LISTED = "as the last publish listed them"
    CHECKED = "those the folder still holds as listed"
    NONE = "nothing: every document is rendered"


class SiteBuilder:
    """Builds one site for writing, each build starting from what the last one stored.

    Example::

        builder = SiteBuilder(load_settings(Path("config/feeds.yaml")))
        result = builder.build()           # documents in result.documents
        builder.publish()                  # or build and write the output folder

    ``use_cache=False`` starts from nothing (every file read, every feed rendered) and still
    stores what it learned. ``progress(done, total)`` is called as changed files are read.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        use_cache: bool = True,
        progress: Progress | None = None,
        jobs: int | None = None,
    ) -> None:
        self.settings = settings
        self.use_cache = use_cache
        self.progress = progress
        self.jobs = jobs
        self.folder = cache_of(settings)
        self.context = cache_context(settings)

    def build(self) -> BuildResult:
        """Build every document from the cache, and store what the build learned."""
        with paused_gc():  # a build makes millions of small objects and no cycles to collect
            check_cache_folder(self.folder, self.settings)
            last = self._summary()
            self._start_workers_when_cold(last)
            result = self._build(None)
            # The output folder is as the last publish left it: the next one may keep its files.
            result.state.summary.update(kept_output(last))
            self._store(result, stored=False)
            return result

    def publish(self, *, strict: bool = False, now: datetime | None = None) -> Publication:
        """Build and write the output folder atomically, unless nothing changed since the last
        ``publish``. With ``strict``, any file error means nothing is written. Raises
        ``OutputError`` at once when another build holds the output folder's lock, and when the
        output folder cannot be written (the old site and the cache stay as they were).

        ``now`` (the caller's clock: a build never reads it) adds a warning for each entry dated
        more than a day after it, which feed validators call implausible; the cache keeps those
        entries, so a publish that finds nothing to do warns about those still ahead."""
        started = time.perf_counter()
        check_folders(self.settings)  # before the lock: a config error leaves no file behind
        with locked(self.settings.output_dir), paused_gc():
            # A file saved while the build used it (an editor, a checkout): the build is made
            # again from a new scan, which finds the new version. Only a file that keeps changing
            # fails the build, and the site stays as it was.
            changed: list[str] = []
            while True:
                try:
                    publication = self._publish(strict, now, started)
                    break
                except ContentChanged as e:
                    if len(changed) + 1 >= ContentChanged.ATTEMPTS:
                        raise ContentChanged(e.path, ContentChanged.ATTEMPTS) from e
                    changed.append(f"{e.path}: changed while the build was running; built again")
            if changed:
                publication = dataclasses.replace(publication, warnings=(*changed, *publication.warnings))
            return publication

    def _publish(self, strict: bool, now: datetime | None, started: float) -> Publication:
        settings = self.settings
        check_cache_folder(self.folder, settings)
        last = self._summary()
        self._start_workers_when_cold(last)
        found = scan_content(settings.content_dir) if settings.content_dir.is_dir() else None
        if found == [] and shows_entries(settings.output_dir):
            raise settings.error(
                "content",
                f"{settings.content_dir} holds no articles (no .md or .txt file), and the site in"
                f" {settings.output_dir} is left as it was (a share not mounted, a submodule not checked"
                " out?); to publish an empty site, remove that folder first",
            )
        fingerprint = content_fingerprint(settings, found) if found is not None else ""
        if (
            found is not None
            and last.get("fingerprint") == fingerprint
            and not (strict and last.get("errors"))  # its summary said what a build without --strict wrote
            and output_matches(settings.output_dir, last.get("output", {}))
        ):
            still = future_warnings(last.get("ahead", []), now) if now else []
            return Publication(
                last["summary"], tuple(last["errors"]), (*last["warnings"], *still), False, True, None,
                time.perf_counter() - started,
            )  # fmt: skip
        # First trusting the last publish's listing of the output folder, then checking it, then
        # keeping nothing of it: a file the build meant to keep from the site in place changed
        # (edited by hand, or meanwhile), or the file system has no hard links (CannotLink: the
        # next publish to that file system knows it, and does not build twice).
        device = _device(settings.output_dir)
        unlinked = device is not None and last.get("unlinked") == device
        placings = [Placing.NONE] if unlinked else [Placing.LISTED, Placing.CHECKED, Placing.NONE]
        rechecked: list[str] = []  # why the build went again, which takes it much longer: say so
        while True:
            placing = placings.pop(0)
            try:
                records, result, replaced = self._write(found, strict, placing)
                break
            except StaleOutput as stale:
                if not placings:
                    raise
                rechecked.append(f"{stale}: the output folder in place was checked again, file by file")
                if isinstance(stale, CannotLink):
                    placings, unlinked = [Placing.NONE], True
        written = replaced is not None
        stored = records.commit()
        summary = describe(result, settings, written)
        # Dates the articles state: only the caller's clock tells them from late ones.
        ahead = dated_ahead(result.site.everything.refs, settings.content_dir, now) if now else []
        result.state.summary.update(
            fingerprint=fingerprint,
            summary=summary,
            errors=[str(e) for e in result.errors],
            warnings=list(result.warnings),
            ahead=ahead,
            output=replaced.listing if replaced else {},
            # The archives the output folder holds: the cache keeps them without their bytes.
            placed=placed_summary(result.state) if written else {},
            unlinked=device if unlinked else None,
        )
        if not self._store(result, stored):
            clear_cache(self.folder)
            rechecked.append(
                f"{self.folder}: the build cache could not be written; the next build reads every file again"
            )
        warnings = (*result.warnings, *rechecked, *(future_warnings(ahead, now) if now else ()))
        return Publication(
            summary, tuple(str(e) for e in result.errors), warnings, written, False, result,
            time.perf_counter() - started, replaced.changed if replaced else (),
        )  # fmt: skip

    def _write(
        self, found: list[ContentFile] | None, strict: bool, placing: Placing
    ) -> tuple[RecordWriter, BuildResult, Replaced | None]:
        """Build, and write the site unless ``strict`` and a file had an error, or every file had
        one (then None)."""
        settings = self.settings
        records = RecordWriter(self.folder, self.context, everything=not self.use_cache)
        try:
            # Archives are rendered as they are written, a part at a time.
            result = self._build(found, records, placing, lazy=not strict)
            replaced = None
            while not (result.errors and (strict or result.unpublishable)):
                compare = feed_paths(result, settings) if settings.websub.hubs else []
                try:
                    replaced = replace_site(
                        result.documents, settings.output_dir, compare=compare, in_place=result.in_place
                    )
                    break
                except OutputError as e:
                    if not records.make_room(e):  # the site again, without records taking its space
                        raise
        except BaseException:
            records.discard()
            raise
        return records, result, replaced

    def _summary(self) -> dict[str, Any]:
        return read_summary(self.folder, self.context) if self.use_cache else {}

    def _start_workers_when_cold(self, last: dict[str, Any]) -> None:
        if not last and self.settings.content_dir.is_dir():
            # No cache to start from: every file will be read. The workers' fork server starts
            # on another CPU while the folder is scanned; below PARALLEL_MIN_FILES it goes unused.
            start_read_workers()

    def _build(
        self,
        found: list[ContentFile] | None,
        records: RecordWriter | None = None,
        placing: Placing = Placing.CHECKED,
        lazy: bool = False,
    ) -> BuildResult:
        # File records stay on disk until the build knows it needs them: after a few changes it
        # replans from the last build's memo and reads only their shards.
        state = read_state(self.folder, self.context, records=False) if self.use_cache else None
        if state is not None and placing is not Placing.NONE:
            checked = placing is Placing.CHECKED
            state.placed = placed_documents(self.settings.output_dir, state.summary, checked)
        if found is not None and state is not None and state.memo is not None:
            # Many files with a new version (a fresh checkout, a mass edit): the workers' fork
            # server starts on another CPU while the cache is read.
            if _changed_files(state.memo.versions, found) >= PARALLEL_MIN_FILES:
                start_read_workers()
        return build_with_memo(
            self.settings, state, jobs=self.jobs, progress=self.progress, found=found, records_read=records,
            lazy=lazy,
        )  # fmt: skip

    def _store(self, result: BuildResult, stored: bool) -> bool:
        touched = result.touched if self.use_cache else None
        # The memo is written last (write_state): it is only valid with the records it was planned from.
        return write_state(
            self.folder, self.context, result.state, touched, records=not stored, kept=result.refreshed
        )


class LiveBuilder:
    """Builds for a server, one site whose settings may change between builds.

    Channels keep every entry (filters search them all); the state stays in memory, and each build
    also updates the cache on disk, so that a restarted server starts warm. A build after a few
    changes with the same settings updates the last plan instead of planning every entry again.
    """

    def __init__(self) -> None:
        self._state: BuildState | None = None
        self._last: tuple[Settings, BuildResult] | None = None

    @property
    def opened(self) -> bool:
        return self._state is not None

    def _build_every_entry(
        self, settings: Settings, state: BuildState, found: list[ContentFile]
    ) -> BuildResult:
        last = self._last
        result = build_every_entry(
            settings,
            state,
            found=found,
            previous_refs=last[1].site.everything.refs if last else (),
            # A plan is updated only for the settings it was made with.
            previous_plan=last[1].plan if last and last[0] == settings else None,
        )
        return held_in_memory(result)  # a server holds every document

    def last_documents(self) -> Mapping[str, bytes]:
        """The last build's documents; before the first, the feeds and pages of the cache (what
        the last command-line build or server left). What the next build is compared with."""
        if self._last is not None:
            return self._last[1].documents
        state = self._state
        return {path: cached[1] for path, cached in state.documents.items() if cached[1]} if state else {}

    def open(self, settings: Settings) -> Iterator[tuple[int, dict[str, tuple[str, bytes]]]]:
        """Start from the cache a command-line build left; yields what the filters need of it, one
        cache shard at a time."""
        folder = cache_of(settings)
        check_cache_folder(folder, settings)
        context = cache_context(settings)
        self._state = state = read_state(folder, context)
        return read_search_texts(folder, context, state.files, state.shards)

    def build(self, settings: Settings, found: list[ContentFile]) -> BuildResult:
        """Build from the last state (``found``: the content folder's ``scan_content``)."""
        if self._state is None:
            for _ in self.open(settings):
                pass
        state = self._state
        assert state is not None  # opened above
        kept = kept_output(state.summary)
        if self._last is None:  # archives a command-line build left in the output folder
            state.placed = placed_documents(settings.output_dir, state.summary)
        try:
            result = self._build_every_entry(settings, state, found)
        except StaleOutput:
            state.placed = {}
            result = self._build_every_entry(settings, state, found)
        result.state.summary.update(kept)
        self._state = result.state
        self._last = (settings, result)
        # A state read for other settings (time zone, keywords) is set aside by the build.
        folder = cache_of(settings)
        check_cache_folder(folder, settings)
        write_state(folder, result.state.context, result.state, result.touched, kept=result.refreshed)
        return result


def feed_paths(result: BuildResult, settings: Settings) -> list[str]:
    """Output paths of every feed of a build (each channel in each format), ``all`` first."""
    return [document_path(c.stem, fmt) for c in result.site.channels for fmt in settings.formats]


def _changed_files(versions: Packed, found: list[ContentFile]) -> int:
    """How many files are new, changed or gone since the memo's build (whose versions
    ``Memo.from_value`` checked)."""
    changed, gone, _ = version_changes(versions, packed_versions(found))
    return len(changed) + len(gone)


def _device(output: Path) -> int | None:
    """The file system the output folder is on (its parent's, which the swap keeps)."""
    try:
        return os.stat(output.absolute().parent).st_dev
    except OSError:
        return None
