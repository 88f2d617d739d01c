"""Reading changed content files into cache records: in this process, or in worker processes
when there are many.
"""

from __future__ import annotations

import marshal
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feeds.build.cache import FileRecord
from feeds.build.cache import as_record
from feeds.config import Settings
from feeds.errors import ContentError
from feeds.model import Article
from feeds.model import Entry
from feeds.plan.entries import build_entry
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import EntryRef
from feeds.source.parse import file_digest
from feeds.source.parse import load_file
from feeds.source.scan import ContentFile
from feeds.source.scan import file_path
from feeds.source.summary import DIGEST
from feeds.source.summary import SOURCE
from feeds.source.summary import index_article
from feeds.source.summary import search_text

#: Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_CHUNK = 500
#: ``progress(done, total)``: called as changed files are read.
Progress = Callable[[int, int], None]


def build_entries(settings: Settings, refs: Sequence[EntryRef]) -> tuple[Entry, ...]:
    """Full entries for references of a built site, read again from their files.

    An entry whose file changed or went away since the build is left out; the rebuild that the
    change triggers accounts for it.
    """
    current, _ = reread(refs, {}, settings)
    return tuple(
        build_entry(ref, current[ref[REF_FILE][SOURCE]], settings)
        for ref in refs
        if ref[REF_FILE][SOURCE] in current
    )


def read_files(
    files: list[ContentFile],
    settings: Settings,
    records: dict[str, FileRecord],
    jobs: int | None,
    progress: Progress | None,
) -> dict[str, Article]:
    """Read ``files`` into ``records``; returns the articles read in this process."""
    # Two per CPU: a worker waiting for a file the page cache does not hold leaves its CPU to the
    # other. On 2 CPUs with the files out of the cache, a cold build of 100,000 took 10-15% less
    # time than with one per CPU, and no more with them in it. Workers share the fork server's
    # pages: about 37 MB of RSS each, mostly shared.
    jobs = jobs or 2 * (os.cpu_count() or 1)
    if jobs > 1 and len(files) >= PARALLEL_MIN_FILES:
        # Workers send back records only: building Article objects twice (once there, once
        # here from a pickle) would cost more than reading the few files a feed shows again.
        batches = [
            (settings.timezone, str(settings.content_dir), [tuple(f) for f in files[start : start + _CHUNK]])
            for start in range(0, len(files), _CHUNK)
        ]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_worker_context()) as pool:
            done = 0
            for payload in pool.map(_read_batch, batches):
                for source, record in marshal.loads(payload):
                    records[source] = as_record(record)
                done += _CHUNK
                if progress:
                    progress(min(done, len(files)), len(files))
        return {}
    articles: dict[str, Article] = {}
    for number, file in enumerate(files, 1):
        records[file.source], article = _read_one(file, settings.content_dir, settings.tz)
        if article is not None:
            articles[file.source] = article
        if progress and number % _CHUNK == 0:
            progress(number, len(files))
    return articles


def _worker_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # Imported once in the fork server rather than in every worker: 0.1 s less a cold build.
    context.set_forkserver_preload([__name__])
    return context


def start_read_workers() -> None:
    """Start the fork server that read workers come from, for a build about to read many files.

    It takes 0.3 s to start and import this module; called before the content folder is
    scanned, that happens on another CPU while the scan runs instead of after it.
    """
    _worker_context()
    multiprocessing.forkserver.ensure_running()


def _read_batch(batch: tuple[str, str, list[tuple[str, int, int, int]]]) -> bytes:
    """Worker process: records for a batch of files, marshalled."""
    timezone, root, files = batch
    tz = ZoneInfo(timezone)
    out = []
    for fields in files:
        file = ContentFile(*fields)
        out.append((file.source, tuple(_read_one(file, root, tz)[0])))
    return marshal.dumps(out)


def _read_one(file: ContentFile, root: str | Path, tz: ZoneInfo) -> tuple[FileRecord, Article | None]:
    try:
        article, problems, digest = load_file(file_path(root, file.source), file.source, tz)
    except ContentError as e:
        return FileRecord(file.size, file.mtime_ns, file.inode, None, (e.line, e.message), ()), None
    warnings = tuple((p.line, p.message) for p in problems)
    indexed = index_article(article, digest)
    content = None if article.dated_from_file else digest  # the digest of the bytes alone
    search = search_text(article)
    record = FileRecord(file.size, file.mtime_ns, file.inode, indexed, None, warnings, search, content)
    return record, article


def reread(
    refs: Sequence[EntryRef], have: dict[str, Article], settings: Settings
) -> tuple[dict[str, Article], list[str]]:
    """The articles behind ``refs`` (from ``have``, or read again), and the sources of those whose
    file is gone or no longer the version the references were made from."""
    articles: dict[str, Article] = {}
    stale: list[str] = []
    for source, digest in {ref[REF_FILE][SOURCE]: ref[REF_FILE][DIGEST] for ref in refs}.items():
        if source in have:
            articles[source] = have[source]
            continue
        try:
            article, _, now = load_file(file_path(settings.content_dir, source), source, settings.tz)
        except ContentError:
            stale.append(source)
            continue
        if now == digest:
            articles[source] = article
        else:
            stale.append(source)
    return articles, stale


def byte_limit(settings: Settings) -> int:
    return int(settings.max_file_mb * 1_000_000)


def too_big_record(file: ContentFile, settings: Settings) -> FileRecord:
    message = f"{file.size / 1e6:.1f} MB is over the limit of {settings.max_file_mb:g} MB (max_file_mb)"
    return FileRecord(file.size, file.mtime_ns, file.inode, None, (None, message), ())


def reported(
    root: Path, reports: Mapping[str, tuple[Any, Any]]
) -> tuple[tuple[ContentError, ...], tuple[str, ...]]:
    """The errors and warnings of ``reports`` (source → (error, warnings), in path order)."""
    errors: list[ContentError] = []
    warnings: list[str] = []
    for source, (error, problems) in reports.items():
        path = file_path(root, source)
        if error is not None:
            errors.append(ContentError(path, *error))
        warnings.extend(str(ContentError(path, line, message)) for line, message in problems)
    return tuple(errors), tuple(warnings)


def same_bytes(
    candidates: Sequence[tuple[ContentFile, FileRecord]], root: Path, jobs: int | None
) -> tuple[dict[str, FileRecord], list[ContentFile]]:
    """Of files whose size matches their record but whose time or inode does not (a fresh checkout,
    a copy, a ``touch``): the records that still hold, now for the file's new version, because its
    bytes are the ones the record's ``content`` digest names; and the files that must be read.

    Reading and digesting a file costs a tenth of parsing it; after a checkout of 100,000 files
    the worker processes share the work, as they share reading.
    """
    jobs = jobs or 2 * (os.cpu_count() or 1)
    files = [(file.source, file.size, file.mtime_ns, file.inode) for file, _ in candidates]
    expected = [record.content for _, record in candidates]
    if jobs > 1 and len(candidates) >= PARALLEL_MIN_FILES:
        batches = [
            (str(root), files[start : start + _CHUNK], expected[start : start + _CHUNK])
            for start in range(0, len(files), _CHUNK)
        ]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_worker_context()) as pool:
            same = [flag for flags in pool.map(_same_batch, batches) for flag in flags]
    else:
        same = _same_batch((str(root), files, expected))
    kept: dict[str, FileRecord] = {}
    differ: list[ContentFile] = []
    for (file, record), unchanged in zip(candidates, same, strict=True):
        if unchanged:
            kept[file.source] = as_record((file.size, file.mtime_ns, file.inode, *record[3:]))
        else:
            differ.append(file)
    return kept, differ


def _same_batch(batch: tuple[str, Sequence[tuple[str, int, int, int]], Sequence[str | None]]) -> list[bool]:
    """Worker process (or this one): whether each file's bytes have the expected digest.

    One read of its size and a byte more, rather than ``read_file``'s fstat and read to the end:
    three system calls instead of five (a file that grew or shrank is read again anyway).
    """
    root, files, expected = batch
    same = []
    for (source, size, _, _), digest in zip(files, expected, strict=True):
        try:
            handle = os.open(file_path(root, source), os.O_RDONLY)
            try:
                data = os.read(handle, size + 1)
            finally:
                os.close(handle)
        except OSError:
            same.append(False)  # reading it again reports why
            continue
        same.append(digest is not None and len(data) == size and file_digest(data) == digest)
    return same
