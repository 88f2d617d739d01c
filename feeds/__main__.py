"""``python -m feeds``: the same as the ``feeds`` command."""

from .cli import main

main()
