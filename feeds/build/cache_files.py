"""One file of the build cache: a header naming the program version and the context, a marshalled
value, and a CRC-32 of the value. A file that does not match in every respect is ignored."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

from feeds._version import __version__
from feeds.build.library_versions import LIBRARY_VERSIONS

FORMAT = 13


@functools.cache
def program_version() -> str:
    """Changes whenever this program or a library that shapes its output changes."""
    return package_version(Path(__file__).parents[1])


def package_version(package: Path) -> str:
    """A digest of every file of the ``package`` folder (code, templates, the pages' script: all of
    it shapes output) and of the libraries that shape output."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{FORMAT}\0{sys.version}\0".encode())
    for name, version in LIBRARY_VERSIONS.items():
        digest.update(f"{name}={version}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def header(context: str) -> bytes:
    context_digest = hashlib.sha256(context.encode()).hexdigest()
    return f"feeds-cache {FORMAT} {program_version()} {context_digest}\n".encode()


def read_value(path: Path, context: str) -> Any:
    """The value stored in ``path``; None when it is missing, damaged, or of another version or
    context."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    expected = header(context)
    body = memoryview(data)[len(expected) : -4]
    if not data.startswith(expected) or zlib.crc32(body).to_bytes(4, "big") != data[-4:]:
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def write_value(path: Path, context: str, value: Any, version: int = marshal.version) -> bool:
    """Store ``value`` in ``path`` in one step; whether it was stored. Not forced to disk (fsync
    took 0.07 s a build): a file a power failure damages fails its checksum and is made again."""
    body = marshal.dumps(value, version)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(header(context))
            out.write(body)
            out.write(zlib.crc32(body).to_bytes(4, "big"))
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    return True
