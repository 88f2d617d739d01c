"""The Last-Modified dates a server gave out, kept across restarts.

A document whose bytes change while its newest entry's date stays (an edit, a deletion) is served
with a later Last-Modified than that date, so that a client asking If-Modified-Since gets the new
bytes. A process that started afresh knew only the entries' dates: after an edit made while the
server was stopped, a client holding the date the last process sent got 304 for bytes it had never
seen. The server keeps each document's date with the ETag it belonged to in a file in the build
cache; the next process starts from them (and moves a date on for bytes that changed meanwhile).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection
from collections.abc import Mapping
from datetime import datetime
from datetime import timezone
from pathlib import Path

from feeds.text import shown

log = logging.getLogger(__name__)

#: The file's name in the cache folder.
FILE_NAME = "served-dates.json"

#: request key → (ETag without quotes, Last-Modified as seconds since the epoch)
ServedDates = Mapping[str, tuple[str, int]]


def load_served_dates(folder: Path) -> dict[str, tuple[str, int]]:
    """What the last server process kept; empty when there is nothing or it cannot be read."""
    try:
        data = json.loads((folder / FILE_NAME).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        key: (value[0], value[1])
        for key, value in data.items()
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and type(value[1]) is int
    }


def store_served_dates(folder: Path, dates: ServedDates) -> None:
    """Replace the file with ``dates`` (written whole, then renamed); a failure is logged only."""
    if not folder.is_dir():  # no cache folder: no build stored one yet
        return
    staged = folder / f".{FILE_NAME}.{os.getpid()}"
    try:
        staged.write_text(json.dumps(dict(sorted(dates.items())), separators=(",", ":")), encoding="utf-8")
        os.replace(staged, folder / FILE_NAME)
    except OSError as e:
        log.warning("could not keep the served dates in %s: %s", shown(str(folder)), shown(str(e)))
        staged.unlink(missing_ok=True)


#: A rebuild that read more files than this is dated by its own time, not by the files' (a stat each).
CHANGE_TIME_FILES = 1_000


def change_time(
    content: Path, config: Path | None, changed: Collection[str], removed: Collection[str]
) -> datetime | None:
    """When the content last changed, as the file system dates it: the latest change time (which
    every write, rename and deletion sets, and no tool sets back) of the files a rebuild read
    (``changed``), of the folders that lost one (``removed``) and of the config. Every server
    process that rebuilds after the same change finds the same time, where each one's clock
    would give the same bytes other dates. None with too many files to look at."""
    if len(changed) + len(removed) > CHANGE_TIME_FILES:
        return None
    paths = [content / source for source in changed] + [(content / source).parent for source in removed]
    latest = 0
    for path in [*paths, *([config] if config is not None else [])]:
        try:
            latest = max(latest, os.stat(path).st_ctime_ns)
        except OSError:
            continue  # gone meanwhile: the next rebuild dates that
    return datetime.fromtimestamp(latest / 1e9, timezone.utc) if latest else None
