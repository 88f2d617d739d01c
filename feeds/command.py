"""The ``feeds`` command's entry point, which answers Ctrl-C from its first moment.

Loading the libraries takes a few tenths of a second (more on a busy machine); a Ctrl-C then
printed a traceback of whatever was being imported, where one a moment later ends with a word
and the status shells give an interrupt. So this module imports nothing of ``feeds`` before the
command runs (the package's ``__init__`` loads its parts on first use).
"""

from __future__ import annotations

import sys

INTERRUPTED = 130  #: 128 + SIGINT, as shells report it


def main() -> None:
    try:
        from feeds.cli import main as run_command

        run_command()
    except KeyboardInterrupt:  # before the command's own handler was in place
        print("Aborted!", file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
