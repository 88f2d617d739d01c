"""The build cache: what one build learned, kept for the next one.

For every content file, keyed by its path, size, modification time and inode: its index (or its
error) and its warnings, so an unchanged file is never parsed again. For every feed document: the
signature of what it was rendered from and its bytes, so an unchanged feed is never rendered again.

The cache lives beside the output folder (``.feeds-cache/<output name>.cache``). It is one file,
written to a temporary name and renamed into place, so a crash never leaves half of it; it starts
with a header naming the program version (a digest of the package's own source and of the
libraries that shape its output) and ends with a checksum. A cache that does not match in every
respect is ignored and replaced, never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import marshal
import os
import sys
import tempfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import NamedTuple

from ._version import __version__
from .index import FileIndex

CACHE_FOLDER = ".feeds-cache"
_FORMAT = 1
#: Libraries whose versions change what a build produces.
_LIBRARIES = ("PyYAML", "yaml-rs", "markdown-it-py", "nh3", "feedgen", "lxml", "Jinja2")


class FileRecord(NamedTuple):
    """What reading one content file gave, and which version of the file it was."""

    size: int
    mtime_ns: int
    inode: int
    indexed: FileIndex | None  #: None when the file was skipped
    error: tuple[int | None, str] | None  #: (line, message) when the file was skipped
    warnings: tuple[tuple[int | None, str], ...]  #: (line, message) of parts left out


@dataclass
class BuildState:
    """The cache's content: per content file and per rendered document."""

    files: dict[str, FileRecord] = field(default_factory=dict)  #: source → record
    documents: dict[str, tuple[str, bytes]] = field(default_factory=dict)  #: path → (signature, bytes)


def cache_path(output_dir: Path) -> Path:
    """Where the cache of the build writing ``output_dir`` lives."""
    output = output_dir.absolute()
    return output.parent / CACHE_FOLDER / f"{output.name}.cache"


@functools.cache
def program_version() -> str:
    """Changes whenever this program or a library that shapes its output changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{_FORMAT}\0{sys.version}\0".encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _header(context: str) -> bytes:
    return (
        f"feeds-cache {_FORMAT} {program_version()} {hashlib.sha256(context.encode()).hexdigest()}\n".encode()
    )


def read_state(path: Path, context: str) -> BuildState:
    """The cached state, or an empty one when there is none or it cannot be trusted.

    ``context`` holds whatever else the records depend on (the time zone that dates undated
    articles, for instance); a cache made in another context is ignored.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return BuildState()
    header = _header(context)
    body, checksum = data[len(header) : -32], data[-32:]
    if not data.startswith(header) or hashlib.blake2b(body, digest_size=32).digest() != checksum:
        return BuildState()
    try:
        files, documents = marshal.loads(body)
        return BuildState({k: FileRecord(*v) for k, v in files.items()}, documents)
    except (EOFError, ValueError, TypeError):
        return BuildState()


def write_state(path: Path, context: str, state: BuildState) -> None:
    """Replace the cache atomically; failures are ignored, since a cache is only a shortcut."""
    body = marshal.dumps(({k: tuple(v) for k, v in state.files.items()}, state.documents))
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(_header(context))
            out.write(body)
            out.write(hashlib.blake2b(body, digest_size=32).digest())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
