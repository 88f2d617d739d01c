"""The package's exceptions: one root, subclasses that carry where things went wrong."""

from __future__ import annotations

from pathlib import Path


class FeedsError(Exception):
    """Root of every error this package raises on purpose."""


class ContentError(FeedsError, ValueError):
    """One article file is unusable (or one part of it is); rendered as ``path:line: message``."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = str(path)  #: the file, as the user named it
        self.line = line  #: 1-based line in the file, when known
        self.message = message  #: what is wrong, and what to do about it

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(FeedsError, ValueError):
    """The configuration is invalid; names the file and the key."""

    def __init__(
        self, path: str | Path | None, key: str | None, message: str, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)  #: the config file, if there is one
        self.key = key  #: dotted key, e.g. ``site.base_url``
        self.message = message
        self.line = line  #: 1-based, when the file's text is to blame (invalid YAML)

    def __str__(self) -> str:
        if self.path is None and self.key and self.key.startswith("--"):  # a command-line option
            return f"{self.key}: {self.message}"
        where = self.path or "<defaults>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ContentFolderError(FeedsError, OSError):
    """A folder of the content cannot be read: a build would leave out every article in it, so
    nothing is built (the last site stays as it was)."""

    def __init__(self, folder: str | Path, reason: str) -> None:
        super().__init__(
            f"{folder}: cannot read this folder ({reason}); nothing was built, since every article"
            " in it would be left out"
        )


class ContentChanged(FeedsError):
    """A content file changed while a build was using it (an editor saving, a checkout): the
    build would mix two versions of the content. The build is made again, a few times at most."""

    #: How many times a build is made before the change is reported as an error.
    ATTEMPTS = 3

    def __init__(self, path: str | Path, builds: int = 1) -> None:
        again = "" if builds == 1 else f", as files did in each of {builds} builds made in a row"
        super().__init__(f"{path}: changed while the build was running{again}; run it again")
        self.path = str(path)


class OutputError(FeedsError, OSError):
    """The output folder could not be written (or locked)."""


class ExistingFileError(FeedsError, FileExistsError):
    """A file to be written is already there; feeds never overwrites one, and wrote nothing."""

    def __init__(self, path: str | Path, *, in_the_way: bool = False) -> None:
        super().__init__(f"{path}: already exists")
        self.path = str(path)  #: the existing file (or the non-folder in the way of one)
        self.in_the_way = in_the_way  #: a file where a folder is needed

    def __str__(self) -> str:
        if self.in_the_way:
            return (
                f"{self.path}: is a file, not a folder, so nothing was written; "
                "choose a folder, or move the file away"
            )
        return (
            f"{self.path}: already exists, and feeds never overwrites a file, so nothing was written; "
            "choose a new or empty folder, or move the file away"
        )
