"""The command line's progress bar, on stderr while a build reads files."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

import click


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressBar | None]:
    """A bar for a build's ``progress``, or None when quiet, when stderr is no terminal, or when
    the terminal cannot go back along a line (``TERM=dumb``: Emacs's shell, some CI logs)."""
    dumb = os.environ.get("TERM") == "dumb"
    bar = None if quiet or dumb or not sys.stderr.isatty() else ProgressBar()
    try:
        yield bar
    finally:
        if bar:
            bar.close()


class ProgressBar:
    """``Reading files [#####     ] 41,000/100,000`` on stderr, once a build has taken a moment,
    then ``Read 100,000 files; making the feeds and pages`` until the build ends."""

    DELAY = 0.5  #: seconds before the bar appears, so quick builds print nothing
    WIDTH = 30

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.shown and time.monotonic() - self.started < self.DELAY:
            return
        # A line longer than the terminal wraps, and each update then adds a line: it is cut.
        columns = _columns() - 1
        if done >= total:  # the rest of a build takes a while too: a full bar looked stuck
            line = f"Read {total:,} files; making the feeds and pages"[:columns]
            click.echo(f"\r{line}\033[K", err=True, nl=False)
        else:
            count = f"{done:,}/{total:,}"
            width = min(self.WIDTH, columns - len("Reading files [] ") - len(count))
            if width >= 5:
                filled = width * done // max(total, 1)
                line = f"Reading files [{'#' * filled}{' ' * (width - filled)}] {count}"
            else:
                line = f"Reading files {count}"[:columns]
            click.echo(f"\r{line}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)  # clear the line before the summary


def _columns() -> int:
    """The terminal's width: ``COLUMNS`` when set, else stderr's terminal (the bar's; stdout may
    be a file), else 80."""
    with contextlib.suppress(ValueError):
        if (columns := int(os.environ.get("COLUMNS", ""))) > 0:
            return columns
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80
