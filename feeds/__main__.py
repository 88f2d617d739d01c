"""``python -m feeds``: the same as the ``feeds`` command."""

from feeds.cli import main

main()
