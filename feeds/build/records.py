"""The record writer: stores a build's many file records while the build goes on, from the read
workers that made them or from a forked child."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Collection
from collections.abc import Sequence
from pathlib import Path

from feeds.build.cache import BuildState
from feeds.build.cache_tag import mark_cache_folder
from feeds.build.record_files import PartsFolder
from feeds.build.record_files import move_record_files
from feeds.build.record_files import write_records
from feeds.forked import can_fork


class RecordWriter:
    """Stores a build's file records while the build plans and renders.

    Pass it as ``build_site(records_read=...)``. A build that reads every file in read workers
    asks for a folder (``parts_folder``) where each worker stores the records it made, as parts of
    their shards: the build then never holds the filters' text (1.9 KB a file), and no process
    copies every record to store it (a forked child touching each record copies its memory page).

    Other builds with many changed files store their records from a forked child: it starts at
    once with the records in memory, and does 2 s of work (at 100,000 files) that the build would
    otherwise do alone at its end. It is made only when at least ``MIN_FILES`` files were read or
    removed, where ``fork`` is available, and from a process without other threads (a lock that
    another thread held at the fork would stay locked in the child).

    Either way the records are stored beside the cache (``STAGED``); ``commit`` moves them into
    it once the build has succeeded, and ``discard`` removes them when it has not, so that a
    build that failed (on a full disk, say) leaves the cache as it found it. The cache folder is
    marked as one first: a folder the user named that a killed build left holding only ``STAGED``
    would otherwise be refused as someone else's.
    """

    #: Fewer records are stored in a few tens of milliseconds, about what a fork and its copied
    #: pages cost.
    MIN_FILES = 2000
    STAGED = ".staged-records"

    def __init__(self, folder: Path, context: str, everything: bool = False) -> None:
        self.folder = folder
        self.context = context
        self.everything = everything  #: rewrite every shard, not only those of the files touched
        self.child: int | None = None
        self.staged = folder / self.STAGED
        self.parts = False  #: whether the read workers store the records

    def _begin_staging(self) -> None:
        """Remove what a build that was killed staged, and mark the cache folder as one (above)."""
        shutil.rmtree(self.staged, ignore_errors=True)
        mark_cache_folder(self.folder)

    def parts_folder(self) -> PartsFolder | None:
        """Where the read workers of a build that reads every file store its records; None when
        it cannot be made (they are then stored as below)."""
        self._begin_staging()
        try:
            self.staged.mkdir(parents=True)
        except OSError:
            return None
        self.parts = True
        return PartsFolder(self.staged, self.context)

    def __call__(self, state: BuildState, touched: Sequence[str], kept: Collection[str] = ()) -> None:
        if self.parts or len(touched) < self.MIN_FILES or not can_fork():
            return
        self._begin_staging()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the records are stored after the build, here
            return
        if pid == 0:  # the child: write, then leave without running any of the parent's clean-up
            code = 1
            try:
                changed = None if self.everything else touched
                files, shards = state.files, state.shards
                write_records(self.folder, self.context, files, shards, changed, into=self.staged, kept=kept)
                code = 0
            finally:
                os._exit(code)
        self.child = pid
        # The child stores what the filters need; a command-line build never reads it, so the
        # parent lets it go now rather than hold it while it plans and renders (about 1.9 KB a
        # file). Should the child fail, the records are stored without it, and a server reads
        # those files again when it starts.
        files = state.files
        for source, record in files.items():
            if record.search is not None:
                files[source] = record._replace(search=None)

    def commit(self) -> bool:
        """Wait for the child and move the records it (or the read workers) stored into the cache;
        whether all of them are there now (False when there was neither: the build stores them
        itself)."""
        stored = self._wait() or self.parts
        try:
            if stored:
                move_record_files(self.staged, self.folder, every_record=self.parts)
        except OSError:
            stored = False
        shutil.rmtree(self.staged, ignore_errors=True)
        return stored

    def make_room(self, error: OSError) -> bool:
        """After the site could not be written for want of space (``error``): whether records were
        staged, now removed. The site comes first; the cache is only a shortcut."""
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
        if cause.errno not in (errno.ENOSPC, errno.EDQUOT) or not self.staged.exists():
            return False
        self.discard()
        self.parts = False  # nothing to move into the cache: the build stores what it can
        return True

    def discard(self) -> None:
        """Wait for the child and remove the records it stored."""
        self._wait()
        shutil.rmtree(self.staged, ignore_errors=True)

    def _wait(self) -> bool:
        if self.child is None:
            return False
        pid, self.child = self.child, None
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) == 0
