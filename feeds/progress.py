"""The command line's progress bar, on stderr while a build reads files."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

import click


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[ProgressBar | None]:
    """A bar for a build's ``progress``, or None when quiet or stderr is no terminal."""
    bar = None if quiet or not sys.stderr.isatty() else ProgressBar()
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
        if done >= total:  # the rest of a build takes a while too: a full bar looked stuck
            click.echo(f"\rRead {total:,} files; making the feeds and pages\033[K", err=True, nl=False)
        else:
            filled = self.WIDTH * done // max(total, 1)
            bar = "#" * filled + " " * (self.WIDTH - filled)
            click.echo(f"\rReading files [{bar}] {done:,}/{total:,}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)  # clear the line before the summary
