"""The file records a build starts from: the last state's where a file is the same version (its
size, time and identity: inode and change time; or its size and bytes, after a fresh checkout), the
rest read now."""

from __future__ import annotations

import os
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import Final
from typing import Protocol

from feeds.build.cache import BuildState
from feeds.build.cache import cache_context
from feeds.build.cache import read_state
from feeds.build.read import TIMED
from feeds.build.read import Progress
from feeds.build.read import read_files
from feeds.build.read import reads_in_workers
from feeds.build.read import same_bytes
from feeds.build.record_files import FileRecord
from feeds.build.record_files import PartsFolder
from feeds.config import Settings
from feeds.errors import ContentChanged
from feeds.model import Article
from feeds.source.scan import ContentFile
from feeds.source.scan import as_int64
from feeds.source.scan import file_identity
from feeds.source.scan import file_path
from feeds.source.scan import scan_content
from feeds.source.summary import SOURCE
from feeds.source.summary import FileIndex


class RecordsRead(Protocol):
    """Told of a build's file records, to store them while the build goes on (``RecordWriter``)."""

    def parts_folder(self) -> PartsFolder | None:
        """Asked before a build reads every file in read workers: where they are to store the
        records, or None (then it is called as below)."""

    def __call__(self, state: BuildState, touched: Sequence[str], kept: Collection[str]) -> None:
        """Called once the records are all known, before the build plans, with the state its result
        will carry, the sources it read, refreshed or found removed, and the refreshed ones (their
        record kept under a new version: same size and bytes)."""


#: Positions in a ``ContentFile``, and a record's version of its file (size, mtime, identity) with
#: the same fields of a ``ContentFile``.
FILE_SOURCE: Final = 0
FILE_SIZE: Final = 1
FILE_MTIME: Final = 2
RECORD_VERSION = slice(0, 3)
FILE_VERSION = slice(1, 4)
RECORD_SIZE: Final = 0
RECORD_MTIME: Final = 1
RECORD_CONTENT: Final = 7
#: What reading gives per file, for the report: source → (error, warnings).
Reports = dict[str, tuple[Any, Any]]


@dataclass
class Reading:
    """The file records of a build: the unchanged ones from the last state, the rest read now."""

    found: list[ContentFile]
    previous: BuildState
    state: BuildState  #: the records for the next build (files too big for the limit left out)
    articles: dict[str, Article]  #: articles read in this process, by source
    indexes: list[FileIndex]  #: of every file read without error, in path order
    read: tuple[str, ...]
    removed: tuple[str, ...]
    reports: Reports
    refreshed: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()  #: files refused unread, over the size limit


def may_be_same(old: FileRecord, file: ContentFile) -> bool:
    """Whether a file whose version is not its record's (a new time, inode or change time) may still hold the
    bytes the record was made from: the same size, and a digest to compare them with. An article
    dated by its file's time has a digest of its bytes and that time, so with another time it is
    read again without being compared (after a checkout, 10% of the benchmark's files)."""
    content = old[RECORD_CONTENT]
    if content is None or old[RECORD_SIZE] != file[FILE_SIZE]:
        return False
    return not content.startswith(TIMED) or old[RECORD_MTIME] == file[FILE_MTIME]


def byte_limit(settings: Settings) -> int:
    return int(settings.max_file_mb * 1_000_000)


def too_big_record(file: ContentFile, settings: Settings) -> FileRecord:
    limit = format(Decimal(repr(settings.max_file_mb)).normalize(), ",f")  # as written: 5, 12.34, 0.0000001
    megabytes = f"{file.size / 1e6:,.2f}".rstrip("0").rstrip(".")
    # In bytes where megabytes would not show it over the limit ("5 MB is over the limit of 5 MB").
    over = float(megabytes.replace(",", "")) > settings.max_file_mb
    size = f"{megabytes} MB" if over else f"{file.size:,} byte{'' if file.size == 1 else 's'}"
    message = f"{size} is over the limit of {limit} MB (max_file_mb)"
    return FileRecord(file.size, file.mtime_ns, file.identity, None, (None, message), ())


def changed_since_scan(files: list[ContentFile], records: Mapping[str, FileRecord], root: Path) -> str | None:
    """The first of ``files`` whose read failed (``records``) and that is no longer the version the
    scan saw: gone, or saved again. Such an error ("No such file", "empty file" halfway through an
    editor's save) is about a moment, not about the file; the build is made again instead."""
    for file in files:
        record = records.get(file.source)
        if record is None or record.error is None:
            continue
        try:
            status = os.stat(file_path(root, file.source))
        except OSError:
            return file.source
        now = (status.st_size, as_int64(status.st_mtime_ns), file_identity(status))
        if now != (file.size, file.mtime_ns, file.identity):
            return file.source
    return None


def read_changes(
    settings: Settings,
    previous: BuildState,
    found: list[ContentFile] | None,
    jobs: int | None,
    progress: Progress | None,
    records_read: RecordsRead | None = None,
) -> Reading:
    """Every file's record: the previous state's where the file is the same version, else read."""
    if found is None:
        found = scan_content(settings.content_dir)
    context = cache_context(settings)
    if previous.context and previous.context != context:
        previous = BuildState()  # records read for another time zone, other keywords or channels
    if previous.origin is not None:  # a state read without its file records
        full = read_state(*previous.origin, documents=False)  # the documents were read already
        previous = BuildState(
            full.files, previous.documents, previous.summary, full.shards, context=context,
            stored_documents=previous.stored_documents, placed=previous.placed,
        )  # fmt: skip
    records: dict[str, FileRecord] = {}
    changed: list[ContentFile] = []
    same_size: list[tuple[ContentFile, FileRecord]] = []  # new time or identity: maybe the same bytes
    known = previous.files.get
    limit = byte_limit(settings)
    too_big: set[str] = set()  # refused unread, and kept out of the cache: a new limit applies at once
    for file in found:  # once per content file on every build: positions, not attribute lookups
        source = file[FILE_SOURCE]
        old = known(source)
        if file[FILE_SIZE] > limit:
            records[source] = too_big_record(file, settings)
            too_big.add(source)
        elif old is not None and old[RECORD_VERSION] == file[FILE_VERSION]:
            # Keyed by the index's own copy of the path where there is one, not by this scan's:
            # a server then keeps one string per file across rebuilds instead of two.
            records[source if old.indexed is None else old.indexed[SOURCE]] = old
        elif old is not None and may_be_same(old, file):
            same_size.append((file, old))
        else:
            changed.append(file)
    refreshed: tuple[str, ...] = ()
    if same_size:
        kept, differ = same_bytes(same_size, settings.content_dir, jobs)
        records.update(kept)
        refreshed = tuple(kept)
        changed = sorted(changed + differ)
    parts = None
    if records_read is not None and records.keys() <= too_big and reads_in_workers(len(changed), jobs):
        parts = records_read.parts_folder()  # every record is read now: the workers store them
    articles = read_files(changed, settings, records, jobs, progress, parts)
    moved = changed_since_scan(changed, records, settings.content_dir)
    if moved is not None:
        raise ContentChanged(file_path(settings.content_dir, moved))
    ordered = [records[file.source] for file in found]
    removed = tuple(previous.files.keys() - records.keys())
    read = tuple(file.source for file in changed)
    state = BuildState(
        {s: r for s, r in records.items() if s not in too_big} if too_big else records,
        shards=previous.shards,
        context=context,
    )
    if records_read is not None:
        records_read(state, (*read, *refreshed, *removed), refreshed)
    reports = {
        f.source: (r.error, r.warnings) for f, r in zip(found, ordered, strict=True) if r.error or r.warnings
    }
    indexes = [r.indexed for r in ordered if r.indexed is not None]
    return Reading(
        found, previous, state, articles, indexes, read, removed, reports, refreshed, tuple(sorted(too_big))
    )
