"""The record writer: a forked child that stores a build's file records while the build goes on."""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from collections.abc import Sequence
from pathlib import Path

from feeds.build.cache import BuildState
from feeds.build.cache import write_records
from feeds.forked import can_fork


class RecordWriter:
    """Writes a build's file records in a child process while the build plans and renders.

    Pass it as ``build_site(records_read=...)``. At 100,000 changed files, storing the records
    takes 2 s of work that a cold build otherwise does alone at its end, with the other CPU idle.
    The child is a fork: it starts at once with the records already in memory. It is made only
    when at least ``MIN_FILES`` files were read or removed, where ``fork`` is available, and from
    a process without other threads (a lock that another thread held at the fork would stay
    locked in the child). The child stores the records beside the cache (``STAGED``); ``commit``
    moves them into it once the build has succeeded, and ``discard`` removes them when it has not,
    so that a build that failed (on a full disk, say) leaves the cache as it found it.
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

    def __call__(self, state: BuildState, touched: Sequence[str], kept: Collection[str] = ()) -> None:
        if len(touched) < self.MIN_FILES or not can_fork():
            return
        shutil.rmtree(self.staged, ignore_errors=True)  # left by a build that was killed
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the records are stored after the build, here
            return
        if pid == 0:  # the child: write, then leave without running any of the parent's clean-up
            code = 1
            try:
                changed = None if self.everything else touched
                write_records(self.folder, self.context, state, changed, into=self.staged, kept=kept)
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
        """Wait for the child and move the records it stored into the cache; whether all of them
        are there now (False when there was no child: the build stores them itself)."""
        stored = self._wait()
        try:
            if stored:
                for path in sorted(self.staged.iterdir()):
                    os.replace(path, self.folder / path.name)
        except OSError:
            stored = False
        shutil.rmtree(self.staged, ignore_errors=True)
        return stored

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
