"""How the command line ends: the exit status of each kind of error (README, "Exit statuses")."""

from __future__ import annotations

import codecs
import contextlib
import sys
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


def require_utf8_file_names() -> None:
    """A usage error unless Python names files in UTF-8, as on every system feeds writes for.
    It uses the locale's encoding only with both its UTF-8 mode and locale coercion off
    (``LC_ALL=C PYTHONUTF8=0``): a topic in another script then ended the build with a traceback,
    and `feeds new` wrote lone surrogates into an article that no build could read."""
    encoding = codecs.lookup(sys.getfilesystemencoding()).name
    if encoding != "utf-8":
        raise click.UsageError(
            f"file names are {encoding} in this locale, and feeds writes UTF-8 ones; "
            "run it with PYTHONUTF8=1 (or a UTF-8 locale, e.g. LC_ALL=C.UTF-8)"
        )


def failed_stream(error: OSError) -> str:
    """``standard output: `` when ``error`` came from writing to it (``> /dev/full``, a full
    disk), which the error does not say; else nothing. Every line goes out through click.echo."""
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_name == "echo" and frame.tb_frame.f_globals.get("__name__") == "click.utils":
            stream = frame.tb_frame.f_locals.get("file")
            if stream is not None and stream is sys.stdout:
                return "standard output: "
        frame = frame.tb_next
    return ""
