"""How the command line ends: the exit status of each kind of error (README, "Exit statuses")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from feeds.errors import ConfigError
from feeds.errors import FeedsError
from feeds.errors import OutputError
from feeds.text import shown


class Problem(click.ClickException):
    """An error that ends a command (exit status 1), its message printed with the characters that
    would steer a terminal escaped (``text.shown``): messages name files and folders."""

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))


class ConfigProblem(Problem):
    """A configuration error: exit status 2, like a usage error, and nothing is written."""

    exit_code = 2


class OutputProblem(Problem):
    """The output folder could not be written (or another build holds it): exit status 3."""

    exit_code = 3


class Refused(Problem):
    """A command that would overwrite a file: exit status 2, and nothing is written."""

    exit_code = 2


@contextlib.contextmanager
def core_errors() -> Iterator[None]:
    """Config errors end with status 2, output errors with 3, other errors of ours with 1;
    anything else is a bug."""
    try:
        yield
    except ConfigError as e:
        raise ConfigProblem(str(e)) from e
    except OutputError as e:
        raise OutputProblem(str(e)) from e
    except FeedsError as e:
        raise Problem(str(e)) from e
