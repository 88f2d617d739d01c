"""Reading changed content files into cache records: in this process, or in worker processes
when there are many.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple
from typing import cast
from zoneinfo import ZoneInfo

from feeds.build.record_files import FileRecord
from feeds.build.record_files import PartsFolder
from feeds.build.record_files import as_record
from feeds.build.record_files import shard_of
from feeds.build.record_files import write_parts
from feeds.build.workers import stop_if_asked
from feeds.build.workers import worker_pool
from feeds.config import Settings
from feeds.errors import ContentError
from feeds.model import ArchiveMode
from feeds.model import Article
from feeds.plan.brief import brief
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import EntryRef
from feeds.source.limits import MAX_TOPICS
from feeds.source.match import Matcher
from feeds.source.match import MatchSpec
from feeds.source.match import match_spec
from feeds.source.match import matcher_of
from feeds.source.parse import file_digest
from feeds.source.parse import load_file
from feeds.source.scan import ContentFile
from feeds.source.scan import ContentRoot
from feeds.source.scan import content_root
from feeds.source.scan import file_path
from feeds.source.summary import DIGEST
from feeds.source.summary import SOURCE
from feeds.source.summary import TOPICS
from feeds.source.summary import index_article
from feeds.source.summary import search_text

#: Below this many files to read, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_CHUNK = 500
#: Marks a record's ``content`` digest that covers the file's time as well as its bytes.
TIMED = "@"
#: ``progress(done, total)``: called as changed files are read.
Progress = Callable[[int, int], None]


class _Batch(NamedTuple):
    """What a worker reads."""

    timezone: str
    root: str  #: the content folder
    files: list[tuple[str, int, int, int]]  #: ``ContentFile``s as plain tuples
    spec: MatchSpec | None  #: what to look for in them
    keep: bool  #: whether to send the articles back
    parts: PartsFolder | None = None  #: where to store the records, as part ``part`` of their shards
    part: str = ""


#: What a worker reads again: (time zone, content folder, files as (source, digest, identity)).
_Reread = tuple[str, str, list[tuple[str, str, "int | None"]]]
#: The error of a file whose reader process crashed.
CRASHED = "the process reading this file crashed (a bug in a parser, or no memory left); skipped"


def reads_in_workers(count: int, jobs: int | None) -> bool:
    """Whether ``read_files`` reads ``count`` files in worker processes."""
    return _worker_count(jobs) > 1 and count >= PARALLEL_MIN_FILES


def _worker_count(jobs: int | None) -> int:
    # Two per CPU: a worker waiting for a file the page cache does not hold leaves its CPU to the
    # other. On 2 CPUs with the files out of the cache, a cold build of 100,000 took 10-15% less
    # time than with one per CPU, and no more with them in it. Workers share the fork server's
    # pages: about 37 MB of RSS each, mostly shared.
    return jobs or 2 * (os.cpu_count() or 1)


def read_files(
    files: list[ContentFile],
    settings: Settings,
    records: dict[str, FileRecord],
    jobs: int | None,
    progress: Progress | None,
    parts: PartsFolder | None = None,
) -> dict[str, Article]:
    """Read ``files`` into ``records``; returns the articles read in this process. With ``parts``,
    the records are also stored there (``record_files.write_parts``), and the filters' text only
    there."""
    if reads_in_workers(len(files), jobs):
        return _read_in_workers(files, settings, records, _worker_count(jobs), progress, parts)
    articles: dict[str, Article] = {}
    within = content_root(settings.content_dir)
    matcher = matcher_of(match_spec(settings))
    read: dict[str, FileRecord] = {}
    for number, file in enumerate(files, 1):
        read[file.source], article = _read_one(file, settings.content_dir, settings.tz, within, matcher)
        if article is not None:
            articles[file.source] = article
        if progress and number % _CHUNK == 0:
            progress(number, len(files))
    if progress:
        progress(len(files), len(files))
    records.update(write_parts(parts, "0", read) if parts else read)
    return articles


def _read_in_workers(
    files: list[ContentFile],
    settings: Settings,
    records: dict[str, FileRecord],
    jobs: int,
    progress: Progress | None,
    parts: PartsFolder | None,
) -> dict[str, Article]:
    """Read ``files`` into ``records`` in worker processes; with archives on, the articles too.

    A worker that crashes (a parser bug we do not know of, or the kernel's out-of-memory killer)
    breaks the whole pool, and every batch not yet done with it: those batches are read again, one
    at a time in a fresh process, and the batch that crashes that process too file by file, so
    that only the file that crashes a reader is skipped (``CRASHED``) and the build goes on.
    """
    # Workers send back records only: building Article objects twice (once there, once here
    # from a pickle) would cost more than reading the few files a feed shows again. Archives
    # show every entry, and unpickling an article costs a tenth of reading it again.
    if parts is not None:  # files of a shard together: a batch stores a part of one or two shards
        files = sorted(files, key=lambda file: shard_of(file.source))
    batches = [
        _batch(settings, files[start : start + _CHUNK], parts, str(number))
        for number, start in enumerate(range(0, len(files), _CHUNK))
    ]
    articles: dict[str, Article] = {}
    done = 0
    broken: list[_Batch] = []
    with worker_pool(jobs) as pool:
        futures = [pool.submit(_read_batch, batch) for batch in batches]
        for batch, future in zip(batches, futures, strict=True):
            try:
                payload, read = future.result()
            except BrokenProcessPool:  # a worker crashed (after a Ctrl-C: stop rather than read again)
                stop_if_asked()
                broken.append(batch)
                continue
            _store(payload, records)
            articles.update(read)
            done += len(batch.files)
            if progress:
                progress(done, len(files))
            stop_if_asked()
    for batch in broken:
        _read_alone([batch], records, articles)
        done += len(batch.files)
        if progress:
            progress(done, len(files))
    return articles


def _batch(settings: Settings, files: Sequence[ContentFile], parts: PartsFolder | None, part: str) -> _Batch:
    return _Batch(
        settings.timezone,
        str(settings.content_dir),
        cast("list[tuple[str, int, int, int]]", list(map(tuple, files))),
        match_spec(settings),
        settings.archives is not ArchiveMode.OFF,
        parts,
        part,
    )


def _store(payload: bytes, records: dict[str, FileRecord]) -> None:
    for source, record in marshal.loads(payload):
        records[source] = as_record(record)


def _read_alone(batches: list[_Batch], records: dict[str, FileRecord], articles: dict[str, Article]) -> None:
    """Read ``batches`` one at a time in one worker, started again after a crash; a batch that
    crashes it is split into single files, and a single file that crashes it is skipped."""
    pending = list(batches)
    while pending:
        with worker_pool(1) as pool:
            while pending:
                batch = pending.pop(0)
                try:
                    payload, read = pool.submit(_read_batch, batch).result()
                    _store(payload, records)
                    articles.update(read)
                    stop_if_asked()
                except BrokenProcessPool:
                    stop_if_asked()
                    if len(batch.files) == 1:
                        source, size, mtime_ns, identity = batch.files[0]
                        crashed = {source: FileRecord(size, mtime_ns, identity, None, (None, CRASHED), ())}
                        if batch.parts is not None:
                            write_parts(batch.parts, batch.part, crashed)
                        records.update(crashed)
                    else:  # each file a part of its own
                        pending[:0] = [
                            batch._replace(files=[fields], part=f"{batch.part}-{number}")
                            for number, fields in enumerate(batch.files)
                        ]
                    break  # this pool is broken: the next one takes the rest


def _read_batch(batch: _Batch) -> tuple[bytes, list[tuple[str, Article]]]:
    """Worker process: records for a batch of files, marshalled (stored first, when asked), and
    the articles when asked."""
    tz = ZoneInfo(batch.timezone)
    within = content_root(batch.root)
    matcher = matcher_of(batch.spec)
    records: dict[str, FileRecord] = {}
    articles = []
    for fields in batch.files:
        file = ContentFile(*fields)
        records[file.source], article = _read_one(file, batch.root, tz, within, matcher)
        if batch.keep and article is not None:
            articles.append((file.source, article))
    if batch.parts is not None:
        records = write_parts(batch.parts, batch.part, records)
    return marshal.dumps([(source, tuple(record)) for source, record in records.items()]), articles


def _read_one(
    file: ContentFile, root: str | Path, tz: ZoneInfo, within: ContentRoot, matcher: Matcher | None = None
) -> tuple[FileRecord, Article | None]:
    try:
        article, problems, digest = load_file(
            file_path(root, file.source), file.source, tz, within, file.identity
        )
    except ContentError as e:
        return FileRecord(file.size, file.mtime_ns, file.identity, None, (e.line, e.message), ()), None
    warnings = tuple((p.line, p.message) for p in problems)
    indexed = index_article(article, digest, matcher)
    if matcher is not None and len(indexed[TOPICS]) == MAX_TOPICS:
        count = matcher.topic_count(article)
        if count > MAX_TOPICS:
            over = f"with its keyword topics it has {count} topics, over the limit of {MAX_TOPICS}"
            warnings += ((None, f"{over}; the first {MAX_TOPICS} are used"),)
    filtering = (search_text(article), brief(article, digest))
    # An article dated by its file's time: the time is content too (``file_digest`` covers it).
    content = TIMED + digest if article.dated_from_file else digest
    record = FileRecord(file.size, file.mtime_ns, file.identity, indexed, None, warnings, filtering, content)
    return record, article


def reread(
    refs: Sequence[EntryRef],
    have: dict[str, Article],
    settings: Settings,
    records: Mapping[str, FileRecord] | None = None,
) -> tuple[dict[str, Article], list[str]]:
    """The articles behind ``refs`` (from ``have``, or read again), and the sources of those whose
    file is gone or no longer the version the references were made from. ``records``, where
    known, give the identities the scan saw (a read then checks less; see ``read_file``). Many files
    (archives need every one) are read in worker processes, which send the articles back."""
    articles: dict[str, Article] = {}
    known = (records or {}).get
    wanted: list[tuple[str, str, int | None]] = []
    for source, digest in {ref[REF_FILE][SOURCE]: ref[REF_FILE][DIGEST] for ref in refs}.items():
        if source in have:
            articles[source] = have[source]
        else:
            record = known(source)
            wanted.append((source, digest, record and record.identity))
    jobs = 2 * (os.cpu_count() or 1)
    if jobs > 1 and len(wanted) >= PARALLEL_MIN_FILES:
        batches = [
            (settings.timezone, str(settings.content_dir), wanted[start : start + _CHUNK])
            for start in range(0, len(wanted), _CHUNK)
        ]
        read: list[tuple[str, Article | None]] = []
        try:
            with worker_pool(jobs) as pool:
                for part in pool.map(_reread_batch, batches):
                    read.extend(part)
                    stop_if_asked()
        except BrokenProcessPool:  # a file crashed a reader: read in this process, as below
            read = _reread_batch((settings.timezone, str(settings.content_dir), wanted))
    else:
        read = _reread_batch((settings.timezone, str(settings.content_dir), wanted))
    stale = [source for source, article in read if article is None]
    articles.update((source, article) for source, article in read if article is not None)
    return articles, stale


def _reread_batch(
    batch: tuple[str, str, list[tuple[str, str, int | None]]],
) -> list[tuple[str, Article | None]]:
    """Articles of (source, digest, identity) files; None for one that is gone or another version."""
    timezone, root, files = batch
    tz = ZoneInfo(timezone)
    within = content_root(root)
    out: list[tuple[str, Article | None]] = []
    for source, digest, identity in files:
        try:
            article, _, now = load_file(file_path(root, source), source, tz, within, identity)
        except ContentError:
            out.append((source, None))
            continue
        out.append((source, article if now == digest else None))
    return out


def same_bytes(
    candidates: Sequence[tuple[ContentFile, FileRecord]], root: Path, jobs: int | None
) -> tuple[dict[str, FileRecord], list[ContentFile]]:
    """Of files whose size matches their record but whose time or identity does not (a fresh checkout,
    a copy, a ``touch``): the records that still hold, now for the file's new version, because its
    bytes are the ones the record's ``content`` digest names; and the files that must be read.

    Reading and digesting a file costs a tenth of parsing it; after a checkout of 100,000 files
    the worker processes share the work, as they share reading.
    """
    jobs = jobs or 2 * (os.cpu_count() or 1)
    files = [(file.source, file.size, file.mtime_ns, file.identity) for file, _ in candidates]
    expected = [record.content for _, record in candidates]
    if jobs > 1 and len(candidates) >= PARALLEL_MIN_FILES:
        batches = [
            (str(root), files[start : start + _CHUNK], expected[start : start + _CHUNK])
            for start in range(0, len(files), _CHUNK)
        ]
        same = []
        with worker_pool(jobs) as pool:
            for flags in pool.map(_same_batch, batches):
                same.extend(flags)
                stop_if_asked()
    else:
        same = _same_batch((str(root), files, expected))
    kept: dict[str, FileRecord] = {}
    differ: list[ContentFile] = []
    for (file, record), unchanged in zip(candidates, same, strict=True):
        if unchanged:
            kept[file.source] = as_record((file.size, file.mtime_ns, file.identity, *record[3:]))
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
    for (source, size, mtime_ns, _), digest in zip(files, expected, strict=True):
        try:
            handle = os.open(file_path(root, source), os.O_RDONLY)
            try:
                data = os.read(handle, size + 1)
            finally:
                os.close(handle)
        except OSError:
            same.append(False)  # reading it again reports why
            continue
        if digest is None or len(data) != size:
            same.append(False)
        elif digest.startswith(TIMED):
            same.append(file_digest(data, mtime_ns) == digest[len(TIMED) :])
        else:
            same.append(file_digest(data) == digest)
    return same
