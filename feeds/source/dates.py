"""Dates of articles: ISO 8601 as written, files' modification times, and the years feeds can carry."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone
from datetime import tzinfo

# RFC 822/2822 dates (RSS) need a four-digit year from 1900 on; Python's stop at 9999.
FIRST_YEAR, LAST_YEAR = 1900, 9999


def parse_iso_date(value: str) -> datetime | None:
    """An ISO 8601 date and time, or date (at midnight), as written (naive when it has no offset)."""
    value = value.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    except ValueError:
        return None


def from_timestamp(mtime: float, tz: tzinfo = timezone.utc) -> datetime:
    """The date of an article dated by its file's modification time ``mtime``.

    Raises ValueError, saying why, for a time outside the years feeds can carry (a file system
    may hold any: ``touch -d 1850-01-01``, or year 14645 on tmpfs), as for a date written.
    """
    try:
        # To the microsecond, not the second: dates SHOULD be as accurate as possible (RFC 4287
        # §3.3 allows fractions), and files saved within one second then keep their order and
        # distinct dates (feed validators flag two entries updated at the same instant).
        when = datetime.fromtimestamp(mtime, tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        when = None
    if when is None or not carried(when, tz):
        shown = f"{when:%Y-%m-%d}" if when is not None else f"{mtime:.0f} s from 1970"
        raise ValueError(
            f"the file's modification time ({shown}) is outside the years {FIRST_YEAR}–{LAST_YEAR} "
            "that feeds can carry; give the article a date, or the file another time"
        )
    return when


def carried(when: datetime, tz: tzinfo) -> bool:
    """Whether feeds can carry ``when`` (UTC): its year, and the year in the configured zone,
    where archives and pages show it, are at most 9999 (9999-12-31T23:00Z is year 10000 in
    Pacific/Kiritimati, and the archives' month overflowed)."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        return False
    try:
        return when.astimezone(tz).year <= LAST_YEAR
    except (OverflowError, ValueError):
        return False
