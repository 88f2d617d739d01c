"""The build cache: what one build learned, kept for the next one.

For every content file, keyed by its path, size, modification time and identity (inode and change
time): its index (or its error) and its warnings, so an unchanged file is never parsed again; and
apart from those, the text the web app's filters search, which only the web app loads. For every
feed document: the signature of what it was rendered from and its bytes, so an unchanged feed is
never rendered again.
And a summary of the last build, so a build with nothing to do can say so without reading the rest.

The cache is a folder beside the output folder (``.feeds-cache/<output name>/``). File records
are spread over ``SHARDS`` files by a hash of their path, so a build that changed one article
rewrites one shard. Every file is written to a temporary name and renamed into place, so a crash
never leaves half of one; each starts with a header naming the program version (a digest of the
package's own source and of the libraries that shape its output) and ends with a CRC-32 of the
rest, which catches a truncated or damaged file. A file
that does not match in every respect is ignored, never trusted. Shards need no common manifest:
a record is only used when the file it describes still has the same size, time and identity, or the
same size and the bytes the record was made from (a fresh checkout of the same content).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import NamedTuple

from feeds._version import __version__
from feeds.build.cache_tag import mark_cache_folder
from feeds.build.collector import paused_gc
from feeds.build.library_versions import LIBRARY_VERSIONS
from feeds.build.month_files import loaded_months
from feeds.build.month_files import prune_months
from feeds.build.month_files import stored_months
from feeds.config import Settings
from feeds.plan.archives import ARCHIVES
from feeds.plan.pages import ENTRIES
from feeds.plan.replan import Memo
from feeds.source.match import match_spec
from feeds.source.match import spec_digest
from feeds.source.summary import FileIndex
from feeds.source.summary import compact_index

CACHE_FOLDER = ".feeds-cache"
SHARDS = 32
#: Folders of the many documents that one change mostly leaves alone: cached in sharded files
#: (``document_file``), and kept in the output folder between builds (``build.placed``).
BULK_FOLDERS = (f"{ENTRIES}/", f"{ARCHIVES}/")
_FORMAT = 12


class FileRecord(NamedTuple):
    """What reading one content file gave, and which version of the file it was."""

    size: int
    mtime_ns: int
    identity: int  #: ``scan.file_identity``
    indexed: FileIndex | None  #: None when the file was skipped
    error: tuple[int | None, str] | None  #: (line, message) when the file was skipped
    warnings: tuple[tuple[int | None, str], ...]  #: (line, message) of parts left out
    #: what the web app's filters need: (``summary.search_text``, ``brief.brief``); None when not
    #: loaded (or skipped)
    search: tuple[str, bytes] | None = None
    #: ``file_digest`` of the bytes (a fresh checkout keeps the record), or of the bytes and the
    #: time, marked ``read.TIMED``, when the time dates the article; None when unknown.
    content: str | None = None


@dataclass
class BuildState:
    """The cache's content: per content file and per rendered feed document."""

    files: dict[str, FileRecord] = field(default_factory=dict)  #: source → record
    #: path → (signature, bytes, entries left out to fit its ``max_bytes``)
    documents: dict[str, tuple[str, bytes, int]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)  #: the last build's fingerprint and report
    #: shard → the sources its file on disk holds, when known: rewriting one shard then does
    #: not have to find its records among all of them.
    shards: dict[int, list[str]] = field(default_factory=dict)
    memo: Memo | None = None  #: what the last command-line build planned, for ``replan``
    #: (folder, context) of a state read without its file records, to read shards from later
    origin: tuple[Path, str] | None = None
    #: ``cache_context`` of the settings its records were read with; "" when not known
    context: str = ""
    #: documents file → {path: signature} of what that file on disk holds, to rewrite only the
    #: files whose documents changed (``document_file``)
    stored_documents: dict[str, dict[str, str]] = field(default_factory=dict)
    #: documents of the output folder in place that a build may keep there unread: path →
    #: (signature, size, modification time in ns); see ``builder.placed_documents``
    placed: dict[str, tuple[str, int, int]] = field(default_factory=dict)


def cache_context(settings: Settings) -> str:
    """What the records depend on besides the files: the time zone that dates undated articles,
    and what reading looks for (keyword topics, channels' providers and words)."""
    digest = spec_digest(match_spec(settings))
    return f"{settings.timezone}\0{digest}" if digest else settings.timezone


def cache_folder(output_dir: Path) -> Path:
    """Where the cache of the build writing ``output_dir`` lives."""
    output = output_dir.absolute()
    return output.parent / CACHE_FOLDER / output.name


def document_file(path: str) -> str:
    """The cache file that keeps a document, one of ``SHARDS``: a channel's feeds and page together,
    and so are an archive month's parts; a build rewrites the few files whose documents changed
    (rewriting every feed's bytes after one edit took 0.08 s at 100,000 articles)."""
    if path.startswith(BULK_FOLDERS[1]):
        key = path[: path.rindex("/") + 8]  # archives/<stem>/YYYY-MM
    elif path.startswith(BULK_FOLDERS[0]):
        key = path
    else:
        key = path.rpartition(".")[0] or path  # the channel's stem
    return f"documents-{shard_of(key):02d}"


def shard_of(source: str) -> int:
    return zlib.crc32(source.encode("utf-8", "surrogatepass")) % SHARDS


@functools.cache
def program_version() -> str:
    """Changes whenever this program or a library that shapes its output changes."""
    return package_version(Path(__file__).parents[1])


def package_version(package: Path) -> str:
    """A digest of every file of the ``package`` folder (code, templates, the pages' script: all of
    it shapes output) and of the libraries that shape output."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{_FORMAT}\0{sys.version}\0".encode())
    for name, version in LIBRARY_VERSIONS.items():
        digest.update(f"{name}={version}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_summary(folder: Path, context: str) -> dict[str, Any]:
    """The last build's summary, or an empty dict."""
    summary = _read(folder / "summary", context)
    return summary if isinstance(summary, dict) else {}


def read_state(folder: Path, context: str, records: bool = True, documents: bool = True) -> BuildState:
    """Everything cached, or as much as can be trusted (possibly nothing).

    ``context`` holds whatever else the records depend on (the time zone that dates undated
    articles, for instance); files made in another context are ignored. The records come without
    the filters' text (``read_search_texts`` reads it). Without ``records``, the file records are
    left on disk (``read_shards`` reads some later). Without ``documents``, the cached documents are
    left on disk too.
    """
    state = BuildState(summary=read_summary(folder, context), context=context)
    with paused_gc():
        if records:
            files, state.shards = read_shards(folder, context, range(SHARDS))
            state.files.update(files)
        else:
            state.origin = (folder, context)
            memo = _read(folder / "memo", context)
            state.memo = None if memo is None else Memo.from_value(memo)
            if state.memo is not None and state.memo.months is not None:
                months = loaded_months(folder, state.memo.months, lambda path: _read(path, context))
                state.memo = dataclasses.replace(state.memo, months=months)
        for name in [f"documents-{shard:02d}" for shard in range(SHARDS)] if documents else ():
            stored = _read(folder / name, context)
            if isinstance(stored, dict):
                state.documents.update(stored)
                state.stored_documents[name] = {path: _stored(kept) for path, kept in stored.items()}
    return state


def read_shards(
    folder: Path, context: str, shards: Iterable[int]
) -> tuple[dict[str, FileRecord], dict[int, list[str]]]:
    """The records of some shards, and the sources each shard held (none when it is unreadable)."""
    files: dict[str, FileRecord] = {}
    held: dict[int, list[str]] = {}
    for shard in shards:
        records = _read(folder / f"files-{shard:02d}", context)
        if not isinstance(records, dict):
            held[shard] = []
            continue
        held[shard] = list(records)
        # Stored as whole records: made into FileRecords in C, no loop of ours.
        files.update(zip(records.keys(), map(as_record, records.values()), strict=True))
    return files, held


def read_search_texts(
    folder: Path, context: str, state: BuildState
) -> Iterator[tuple[int, dict[str, tuple[str, bytes]]]]:
    """What the filters need of the files in ``state`` (``FileRecord.search``), one shard at a
    time (so that a server never holds all of it unpacked). A file whose part is lost is taken out
    of ``state``, so that the next build reads it again."""
    for shard, sources in state.shards.items():
        stored = _read(folder / f"search-{shard:02d}", context)
        stored = stored if isinstance(stored, dict) else {}
        texts: dict[str, tuple[str, bytes]] = {}
        for source in sources:
            record = state.files.get(source)
            if record is None or record.indexed is None:
                continue  # gone, or a file with an error: nothing to search
            text = stored.get(source)
            if text is None:
                del state.files[source]
            else:
                texts[source] = text
        yield shard, texts


#: A stored record (a plain tuple) as a FileRecord, without NamedTuple's Python-level __new__.
as_record = functools.partial(tuple.__new__, FileRecord)


def write_state(
    folder: Path,
    context: str,
    state: BuildState,
    changed: Iterable[str] | None = None,
    records: bool = True,
    kept: Collection[str] = (),
) -> bool:
    """Store ``state``; with ``changed`` (sources read, refreshed or removed since the state on
    disk), rewrite only their shards. Without ``records``, the file records are left to a
    ``RecordWriter``. ``kept``: those of ``changed`` whose record is the stored one under a new
    version (``write_records``). Failures are not errors, a cache being only a shortcut; returns
    whether the summary, which every later build reads first, was stored.
    """
    mark_cache_folder(folder)
    if records:
        write_records(folder, context, state, changed, kept=kept)
    _write_documents(folder, context, state)
    stored = _write(folder / "summary", context, state.summary)
    # Last: a memo is only used with the records it was planned from (replan checks their
    # versions), and a build that made none must not leave an older one behind.
    months = None
    if state.memo is not None:
        memo = state.memo
        if memo.months is not None:
            stamp, write = _header(context), lambda path, body: _write(path, context, body)
            months = stored_months(folder, memo.months, write, stamp)
            memo = dataclasses.replace(memo, months=months)
        # Version 2 keeps no back-references: tracking them for the 100,000 versions, whose strings
        # the scan also holds, took 0.15 s; nothing in a memo needs to be stored once.
        _write(folder / "memo", context, memo.to_value(), version=2)
    else:
        with contextlib.suppress(OSError):
            (folder / "memo").unlink()
    prune_months(folder, months)
    return stored


def _write_documents(folder: Path, context: str, state: BuildState) -> None:
    """Rewrite the documents files whose documents (by signature) differ from the stored ones.
    Documents that the summary says the output folder holds (``placed``: archives) are kept
    without their bytes, which the next build takes from the folder unread."""
    groups: dict[str, dict[str, tuple[str, bytes, int]]] = {}
    placed = state.summary.get("placed") or {}
    for path, kept in state.documents.items():
        if kept[1] and placed.get(path) == kept[0]:
            kept = (kept[0], b"", kept[2])
        groups.setdefault(document_file(path), {})[path] = kept
    with contextlib.suppress(OSError):
        (folder / "documents").unlink()  # where cache format 11 and before kept the feeds
    stored = state.stored_documents
    for name in sorted(groups.keys() | stored.keys()):
        documents = groups.get(name, {})
        signatures = {path: _stored(kept) for path, kept in documents.items()}
        if stored.get(name) != signatures or not (folder / name).is_file():
            if _write(folder / name, context, documents):
                stored[name] = signatures
            else:
                stored.pop(name, None)


def _stored(kept: tuple[str, bytes, int]) -> str:
    """What tells a stored document apart: its signature, and whether its bytes are kept."""
    return kept[0] if kept[1] else f"{kept[0]}\0"


def write_records(
    folder: Path,
    context: str,
    state: BuildState,
    changed: Iterable[str] | None = None,
    into: Path | None = None,
    kept: Collection[str] = (),
) -> None:
    """Store the file records of ``state`` (all of them, or the shards of ``changed``), in
    ``folder`` or, to be moved there later, in ``into``. The indexes of ``changed`` records are
    compacted, except those in ``kept``: records of files with the same bytes and a new time (a
    fresh checkout), whose index is the stored, compacted one. After a checkout of 100,000 files
    that is 1 s less of the record writer's 1.8 s."""
    into = into or folder
    files = state.files
    kept = kept if isinstance(kept, (set, frozenset)) else set(kept)  # looked up once per record
    dirty = set(range(SHARDS)) if changed is None else {shard_of(source) for source in changed}
    if changed is None or not dirty <= state.shards.keys():
        members: dict[int, list[str]] = {shard: [] for shard in range(SHARDS)}
        for source in files:
            members[shard_of(source)].append(source)
        changed = files.keys() if changed is None else set(changed)
    else:  # only the changed files' shards, found from what each held
        changed = set(changed)
        members = {
            shard: [s for s in state.shards[shard] if s not in changed and s in files] for shard in dirty
        }
        for source in changed:
            if source in files:
                members[shard_of(source)].append(source)
    pool: dict[tuple[type, Any], Any] = {}
    for shard in dirty:
        records: dict[str, tuple[Any, ...]] = {}
        texts: dict[str, tuple[str, bytes]] = {}
        complete = True  # whether every record carries its search text
        for source in members[shard]:
            record = files[source]
            indexed = record.indexed
            if indexed is not None and source in changed and source not in kept:  # the rest were before
                indexed = compact_index(source, indexed, pool)
            # Without the search text, which has files of its own: CLI builds never load it.
            records[source] = (*record[:3], indexed, record.error, record.warnings, None, record.content)
            if record.search is not None:
                texts[source] = record.search
            elif record.indexed is not None:
                complete = False
        _write(into / f"files-{shard:02d}", context, records)
        if not texts and shard in state.shards and set(state.shards[shard]) == records.keys():
            # The same files as stored and no new text (records kept across a checkout): the
            # stored search text holds. After a checkout of 100,000 files that leaves 64 MB unread
            # and unwritten.
            continue
        if not complete:
            # A build that did not load the search text keeps what is stored for unchanged files.
            stored = _read(folder / f"search-{shard:02d}", context)
            if isinstance(stored, dict):
                texts = {s: stored[s] for s in records if s in stored} | texts
        _write(into / f"search-{shard:02d}", context, texts)
        state.shards[shard] = members[shard]


def _header(context: str) -> bytes:
    context_digest = hashlib.sha256(context.encode()).hexdigest()
    return f"feeds-cache {_FORMAT} {program_version()} {context_digest}\n".encode()


def _read(path: Path, context: str) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = _header(context)
    body = memoryview(data)[len(header) : -4]
    if not data.startswith(header) or zlib.crc32(body).to_bytes(4, "big") != data[-4:]:
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def _write(path: Path, context: str, value: Any, version: int = marshal.version) -> bool:
    """Store ``value`` in ``path`` in one step; whether it was stored. Not forced to disk (fsync
    took 0.07 s a build): a file a power failure damages fails its checksum and is made again."""
    body = marshal.dumps(value, version)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.write(_header(context))
            out.write(body)
            out.write(zlib.crc32(body).to_bytes(4, "big"))
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    return True
