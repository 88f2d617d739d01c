"""``python -m feeds``: the same as the ``feeds`` command."""

from feeds.command import main

main()
