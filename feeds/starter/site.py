"""``feeds init``: a new site from the starter files shipped in the package (``starter/files``).

The starter is package data, read through ``importlib.resources``, so it is there in a wheel as in
a checkout. Its ``config/feeds.yaml`` has the sample config's keys and comments
(tests/test_init.py keeps them in step).
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.errors import ExistingFileError
from feeds.errors import OutputError
from feeds.output.write import file_in_the_way

if TYPE_CHECKING:  # importlib.resources.abc is Python 3.11's; 3.10 has no such module
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

#: Starter files that travel under another name: a file named .gitignore in the package would
#: rule over this repository's own files, and package-data globs skip dot files.
_RENAMED = {"gitignore": ".gitignore"}


def starter_files() -> dict[str, bytes]:
    """Every file a new site starts with: relative path (with ``/``) → bytes, in sorted order."""
    found: dict[str, bytes] = {}
    _collect(files("feeds.starter").joinpath("files"), "", found)
    return dict(sorted(found.items()))


def _collect(folder: Traversable, prefix: str, found: dict[str, bytes]) -> None:
    for item in folder.iterdir():
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            _collect(item, f"{prefix}{item.name}/", found)
        else:
            found[prefix + _RENAMED.get(item.name, item.name)] = item.read_bytes()


def init_site(folder: Path) -> list[Path]:
    """Write the starter files into ``folder`` (made if missing) and return their paths.

    Nothing is ever overwritten: when any of the files (or a folder on its way) already exists,
    ExistingFileError names it and nothing at all is written. Raises OutputError when a file
    cannot be written; whatever was written before it is removed again. A ``content`` folder that
    holds files already gets no example articles: the next build would publish them among its own.
    """
    starter = starter_files()
    targets = {name: folder / name for name in starter}
    for target in targets.values():
        _refuse_existing(folder, target)
    content = folder / "content"
    if content.is_dir() and any(content.iterdir()):
        targets = {name: path for name, path in targets.items() if not name.startswith("content/")}
    made_folders: list[Path] = []
    written: list[Path] = []
    try:
        for name, target in targets.items():
            _make_folder(target.parent, made_folders)
            with open(target, "xb") as file:  # "x": a file that appeared since the check stays
                written.append(target)
                file.write(starter[name])
    except FileExistsError as e:
        _undo(written, made_folders)
        raise ExistingFileError(Path(e.filename or target)) from e
    except OSError as e:
        _undo(written, made_folders)
        raise OutputError(f"{e.filename or folder}: cannot write the new site: {e.strerror or e}") from e
    return list(targets.values())


def _refuse_existing(folder: Path, target: Path) -> None:
    """ExistingFileError for the target if it exists, or for a non-folder in its way."""
    if os.path.lexists(target):  # a dangling symbolic link counts too: writing would follow it
        raise ExistingFileError(target)
    if (blocking := file_in_the_way(target)) is not None:
        raise ExistingFileError(blocking, in_the_way=True)


def _make_folder(path: Path, made_folders: list[Path]) -> None:
    """Make ``path`` and any missing parents, noting each folder made so it can be undone."""
    missing = [p for p in (path, *path.parents) if not p.is_dir()]
    for folder in reversed(missing):
        folder.mkdir()
        made_folders.append(folder)


def _undo(written: list[Path], made_folders: list[Path]) -> None:
    for path in reversed(written):
        path.unlink(missing_ok=True)
    for path in reversed(made_folders):
        try:
            path.rmdir()
        except OSError:
            pass  # something else was put there meanwhile: leave it
