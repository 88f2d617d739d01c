"""``python -m feeds``: the same as the ``feeds`` command."""

from .cli import cli

cli(prog_name="feeds")
