"""The build cache: what one build learned, kept for the next one.

For every content file, keyed by its path, size, modification time and identity (inode and change
time): its index (or its error) and its warnings, so an unchanged file is never parsed again; and
apart from those, the text the web app's filters search, which only the web app loads. For every
feed document: the signature of what it was rendered from and its bytes, so an unchanged feed is
never rendered again.
And a summary of the last build, so a build with nothing to do can say so without reading the rest.

The cache is a folder beside the output folder (``.feeds-cache/<output name>/``). File records
are spread over shards by a hash of their path (``record_files``), so a build that changed one
article rewrites one shard. Every file is written to a temporary name and renamed into place, so
a crash never leaves half of one, and carries the program version and a checksum
(``cache_files``): a file that does not match in every respect is ignored, never trusted. Shards
need no common manifest: a record is only used when the file it describes still has the same
size, time and identity, or the same size and the bytes the record was made from (a fresh
checkout of the same content).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import Collection
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from feeds.build.cache_files import header
from feeds.build.cache_files import read_value
from feeds.build.cache_files import write_value
from feeds.build.cache_tag import CACHE_TAG
from feeds.build.cache_tag import mark_cache_folder
from feeds.build.collector import paused_gc
from feeds.build.month_files import loaded_months
from feeds.build.month_files import prune_months
from feeds.build.month_files import stored_months
from feeds.build.record_files import SHARDS
from feeds.build.record_files import FileRecord
from feeds.build.record_files import read_shards
from feeds.build.record_files import shard_of
from feeds.build.record_files import write_records
from feeds.config import Settings
from feeds.plan.archives import ARCHIVES
from feeds.plan.pages import ENTRIES
from feeds.plan.replan import Memo
from feeds.source.match import match_spec
from feeds.source.match import spec_digest

CACHE_FOLDER = ".feeds-cache"
#: Folders of the many documents that one change mostly leaves alone: cached in sharded files
#: (``document_file``), and kept in the output folder between builds (``build.placed``).
BULK_FOLDERS = (f"{ENTRIES}/", f"{ARCHIVES}/")


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


def cache_of(settings: Settings) -> Path:
    """Where the cache of a site lives: ``settings.cache_dir`` (``--cache``, ``cache:``), else
    ``cache_folder``."""
    return settings.cache_dir if settings.cache_dir is not None else cache_folder(settings.output_dir)


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


def read_summary(folder: Path, context: str) -> dict[str, Any]:
    """The last build's summary, or an empty dict."""
    summary = read_value(folder / "summary", context)
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
            memo = read_value(folder / "memo", context)
            state.memo = None if memo is None else Memo.from_value(memo)
            if state.memo is not None and state.memo.months is not None:
                months = loaded_months(folder, state.memo.months, lambda path: read_value(path, context))
                state.memo = dataclasses.replace(state.memo, months=months)
        for name in [f"documents-{shard:02d}" for shard in range(SHARDS)] if documents else ():
            stored = read_value(folder / name, context)
            if isinstance(stored, dict):
                state.documents.update(stored)
                state.stored_documents[name] = {path: _stored(kept) for path, kept in stored.items()}
    return state


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
        write_records(folder, context, state.files, state.shards, changed, kept=kept)
    _write_documents(folder, context, state)
    stored = write_value(folder / "summary", context, state.summary)
    # Last: a memo is only used with the records it was planned from (replan checks their
    # versions), and a build that made none must not leave an older one behind.
    months = None
    memo = state.memo
    if memo is not None and memo.months is not None:
        stamp, write = header(context), lambda path, body: write_value(path, context, body)
        try:
            months = stored_months(folder, memo.months, write, stamp)
            memo = dataclasses.replace(memo, months=months)
        except OSError:  # its months folder cannot be looked into (another user's): no memo
            memo, stored = None, False
    if memo is not None:
        # Version 2 keeps no back-references: tracking them for the 100,000 versions, whose strings
        # the scan also holds, took 0.15 s; nothing in a memo needs to be stored once.
        write_value(folder / "memo", context, memo.to_value(), version=2)
    else:
        with contextlib.suppress(OSError):
            (folder / "memo").unlink()
    prune_months(folder, months)
    return stored


def clear_cache(folder: Path) -> None:
    """Remove every file of the cache but its tag: after a store that failed (a full disk), so that
    what it wrote does not keep the space a build needs, and the next build reads every file."""
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name != CACHE_TAG:
                with contextlib.suppress(OSError):
                    path.unlink()


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
            if write_value(folder / name, context, documents):
                stored[name] = signatures
            else:
                stored.pop(name, None)


def _stored(kept: tuple[str, bytes, int]) -> str:
    """What tells a stored document apart: its signature, and whether its bytes are kept."""
    return kept[0] if kept[1] else f"{kept[0]}\0"
