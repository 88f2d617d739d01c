"""Dates of articles: ISO 8601 as written, files' modification times, and the years feeds can carry."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from typing import Any

import yaml

from feeds.errors import ContentError
from feeds.text import kind_of
from feeds.text import quoted_value

# RFC 822/2822 dates (RSS) need a four-digit year from 1900 on; Python's stop at 9999.
FIRST_YEAR, LAST_YEAR = 1900, 9999


#: PyYAML's pattern of the timestamps it reads in plain scalars (YAML 1.1's), and its constructor.
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_TIMESTAMP_PATTERN = next(
    regexp for tag, regexp in yaml.SafeLoader.yaml_implicit_resolvers["0"] if tag == _TIMESTAMP
)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def parse_iso_date(value: str) -> datetime | None:
    """An ISO 8601 date and time, or date (at midnight), as written (naive when it has no offset),
    or any other YAML 1.1 timestamp (``2024-01-02 3:04:05 +5``) as PyYAML reads it: our loader
    keeps as text the dates PyYAML would have made. Where both read a text they read the same time
    (tests/test_yaml_probe.py); ISO first, as the common form and ten times faster."""
    value = value.strip()
    spaced = _SPACED_OFFSET.fullmatch(value)
    if spaced is not None:  # Jekyll's and Ruby's "2016-01-20 14:08:18 -0800": ISO 8601 but a space
        value = spaced[1] + spaced[2]
    # Python 3.11's fromisoformat takes any character between date and time, and a fraction after
    # the hour or minute as one of a second: 2021-02-16+05:00 was read as 05:00, 03.5 as 03:00:00.5.
    iso_form = _ISO_FORMS.fullmatch(value)
    if iso_form is not None:
        if _no_offset(iso_form["off_hour"], iso_form["off_minute"], iso_form["off_second"]) or _mixed(
            iso_form
        ):
            return None
        iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        if sys.version_info < (3, 11):  # 3.10 reads fewer of the forms than 3.11 on; the same here
            iso = extended_iso(value) or iso
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            pass
        try:
            return datetime.combine(date.fromisoformat(iso), datetime.min.time())
        except ValueError:
            pass
    try:
        stamp = yaml_timestamp(value)
    except (ValueError, OverflowError):  # an impossible date
        return None
    if stamp is None or isinstance(stamp, datetime):
        return stamp
    return datetime(stamp.year, stamp.month, stamp.day)


#: The forms of ISO 8601 read (RFC 3339's among them), in either Python: extended and basic dates
#: and times (20210217T083000), week dates (2021-W07-3), a comma before the fraction of a second,
#: a fraction of any length, offsets without a colon (+0530) or in hours (+05); a space may stand
#: for the ``T`` (RFC 3339 §5.6). A date alone has no offset (``2021-02-16Z`` is not ISO 8601).
_ISO_FORMS = re.compile(
    r"(?:(?P<year>\d{4})-?W(?P<week>\d\d)(?:-?(?P<weekday>\d))?|(?P<date>\d{4}-\d\d-\d\d|\d{8}))"
    r"(?:(?P<sep>[Tt ])(?P<hour>\d\d)"
    r"(?:(?P<c1>:?)(?P<minute>\d\d)(?:(?P<c2>:?)(?P<second>\d\d)(?:[.,](?P<fraction>\d+))?)?)?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>\d\d)(?:(?P<o1>:?)(?P<off_minute>\d\d)"
    r"(?:(?P<o2>:?)(?P<off_second>\d\d)(?:[.,](?P<off_fraction>\d+))?)?)?)?)?",
    re.ASCII,  # \d as 0-9 only
)


#: A date and time with a space before its offset, as Jekyll writes them (its ``date`` and new
#: posts' template) and Ruby's Time#to_s: YAML 1.1 reads ``-08`` and ``-08:00`` so, not ``-0800``,
#: which left every such post out of a site moved from Jekyll (an outside probe).
_SPACED_OFFSET = re.compile(
    r"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)[ \t]+([+-]\d\d(?::?\d\d)?|[Zz])", re.ASCII
)


def extended_iso(value: str) -> str | None:
    """``value``, one of the forms in ``_ISO_FORMS``, written in the extended form that every
    Python's ``fromisoformat`` reads (None when it is none of them, or no week of its year)."""
    match = _ISO_FORMS.fullmatch(value)
    if match is None:
        return None
    if match["week"]:
        try:
            day = date.fromisocalendar(int(match["year"]), int(match["week"]), int(match["weekday"] or 1))
        except ValueError:
            return None
        text = day.isoformat()
    else:
        digits = match["date"].replace("-", "")
        text = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    if match["hour"] is None:
        return text
    fraction = f".{(match['fraction'] or '')[:6]:0<6}" if match["fraction"] else ""
    text += f"{match['sep']}{match['hour']}:{match['minute'] or '00'}:{match['second'] or '00'}{fraction}"
    if match["offset"] in ("Z", "z"):
        return text + "+00:00"
    if match["sign"]:
        text += f"{match['sign']}{match['off_hour']}:{match['off_minute'] or '00'}"
        if match["off_second"]:
            text += f":{match['off_second']}"
            text += f".{match['off_fraction'][:6]:0<6}" if match["off_fraction"] else ""
    return text


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAY = (
    r"(?P<weekday>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
#: A date with its month's English name, as Astro's blog starter (``Jul 08 2022``), RSS and e-mail
#: (``Tue, 05 Mar 2024 14:00:00 +0000``) and people write them; an optional time, 24-hour or with
#: am/pm, and zone. A number for the month (``07/08/2022``) is left out: which is the day differs.
_NAMED_MONTH = re.compile(
    rf"(?:{_WEEKDAY}\.?(?:,\s*|\s+))?"
    rf"(?:(?P<month>{_MONTH})\.?\s+(?P<day>{_DAY}),?\s+|(?P<day_first>{_DAY})\s+(?P<month_after>{_MONTH})\.?,?\s+)"
    r"(?P<year>\d{4})"
    r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d\d)(?::(?P<second>\d\d))?(?:\s*(?P<half>[ap])\.?m\.?)?"
    r"(?:\s*(?P<zone>z|utc|gmt|ut|(?P<sign>[+-])(?P<off_hour>\d\d)(?::?(?P<off_minute>\d\d))?))?)?",
    re.ASCII | re.IGNORECASE,
)


def named_month_date(value: str) -> datetime | None:
    """The date and time ``value`` writes with its month's name (``_NAMED_MONTH``), naive when it
    has no zone; None when it is no such date, or none in the calendar. Raises ValueError when its
    weekday is not the date's (which of the two was meant cannot be told)."""
    match = _NAMED_MONTH.fullmatch(value.strip())
    if match is None:
        return None
    month = _MONTH_NAMES.index((match["month"] or match["month_after"])[:3].lower()) + 1
    day = int((match["day"] or match["day_first"]).lower().rstrip("stndrh"))  # 8th, 8TH
    hour, minute, second = int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"].lower() == "p" else 0)
    zone = None
    if match["zone"] is not None:
        if _no_offset(match["off_hour"], match["off_minute"]):
            return None
        offset = int(match["off_hour"] or 0) * 60 + int(match["off_minute"] or 0)
        zone = timezone(timedelta(minutes=-offset if match["sign"] == "-" else offset))
    try:
        when = datetime(int(match["year"]), month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    if match["weekday"] and _WEEKDAYS.index(match["weekday"][:3].lower()) != when.weekday():
        raise ValueError(f"{value.strip()!r} says {match['weekday']}, but {when:%Y-%m-%d} is a {when:%A}")
    return when


def date_in_text(value: str) -> datetime | None:
    """The date ``value`` writes, in ISO 8601 (or YAML 1.1's timestamps) or with its month's name;
    None when it writes none. Raises ValueError when a weekday written is not the date's."""
    return parse_iso_date(value) or named_month_date(value)


def _mixed(form: re.Match[str]) -> bool:
    """Whether a time or an offset writes one colon and leaves out the next (``08:3000``,
    ``+0530:15``): ISO 8601 writes each all basic or all extended; Python 3.10's reading (through
    ``extended_iso``) took them, 3.11's refuses them, so one content built differently on each."""
    return (form["second"] is not None and form["c1"] != form["c2"]) or (
        form["off_second"] is not None and form["o1"] != form["o2"]
    )


def _no_offset(hour: str | None, *parts: str | None) -> bool:
    """Whether an offset, as written, is none a zone has: an hour over 23, or a minute or second
    over 59, which Python's ``fromisoformat`` and PyYAML carry into the hour (``+05:99`` was read as
    +06:39, moving the entry by 39 minutes)."""
    return (hour is not None and int(hour) > 23) or any(part is not None and int(part) > 59 for part in parts)


#: What looks like an ISO 8601 date (and time), whether or not it exists.
_ISO_SHAPE = re.compile(
    r"\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::(\d\d)(?:\.\d+)?)?(?:[ \t]*(?:[Zz]|[+-](\d\d?)(?::?(\d\d))?))?)?",
    re.ASCII,
)


def date_problem(value: str) -> str:
    """Why neither ``parse_iso_date`` nor ``named_month_date`` could read ``value``, in words for an
    error (quoting at most 80 of its characters)."""
    shown = quoted_value(value, 80)
    if _NAMED_MONTH.fullmatch(value.strip()) is not None:
        return f"{shown} is no date in the calendar (or no time of day, or no zone's offset)"
    shape = _ISO_SHAPE.fullmatch(value.strip())
    if shape is not None and shape[1] == "60":
        return f"{shown} is a leap second, which feeds cannot carry; write :59 instead"
    if shape is not None and _no_offset(shape[2], shape[3]):
        return f"{shown} has an offset of no time zone (hours up to 23, minutes up to 59)"
    if shape is not None:
        return f"{shown} is no date in the calendar (or no time of day)"
    return f"cannot read {shown} as a date; use ISO 8601, e.g. 2021-02-16T03:47:00Z"


def field_date(
    key: str, value: Any, tz: tzinfo, warn: Callable[[str], object] | None = None
) -> datetime | None:
    """The instant (UTC) a front matter field ``key`` states, as YAML or text; None when it is
    empty. ValueError says what is wrong, for the field's line: no date, or one outside the years
    feeds carries. A date without a zone is in ``tz``; ``warn`` is told when ``tz`` skips that
    time (a clock put forward)."""
    if value is None or value == "":
        return None
    if isinstance(value, dict) and "created" in value:  # MkDocs Material's blog: {created:, updated:}
        return field_date(f"{key}.created", value["created"], tz, warn)
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = date_in_text(value)
        except ValueError as error:  # a weekday that is not the date's
            raise ValueError(f"{key}: {error}") from None
        if parsed is None:
            raise ValueError(f"{key}: {date_problem(value)}")
    else:
        raise ValueError(f"{key} must be a date, not {kind_of(value)}")
    local = parsed if parsed.tzinfo is None else None
    if local is not None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        parsed = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        parsed = datetime.min.replace(tzinfo=timezone.utc)  # beyond year 9999 or before year 1
    if local is not None and warn is not None and not isinstance(tz, timezone):
        if (skipped := skipped_time(local, parsed, tz)) is not None:
            warn(f"{key}: {skipped}")
    if not carried(parsed, tz):  # and the instant, where a zone moved it over a year's edge
        if FIRST_YEAR <= parsed.year <= LAST_YEAR:  # the configured zone took it out of them
            at = f" ({_in_zone(parsed, tz)} in the configured timezone, {tz})"
        elif parsed.year > 1 and f"{parsed.year:04d}" not in str(value):  # a zone written moved it
            at = f" ({parsed:%Y-%m-%d %H:%M} UTC)"
        else:
            at = ""
        years = f"the years {FIRST_YEAR}–{LAST_YEAR} that feeds can carry"
        raise ValueError(f"{key}: {value!s}{at} is outside {years}")
    return parsed


def _in_zone(when: datetime, tz: tzinfo) -> str:
    try:
        return f"{when.astimezone(tz):%Y-%m-%d %H:%M}"
    except (OverflowError, ValueError):
        return "beyond year 9999"


def skipped_time(local: datetime, instant: datetime, tz: tzinfo) -> str | None:
    """Why ``local``, a time of day read in ``tz`` as ``instant``, is not the time written: the
    zone's clocks skipped it (2021-03-28 02:30 in Paris, read as 03:30 CEST, as zoneinfo reads it)."""
    try:
        shown = instant.astimezone(tz)
    except (OverflowError, ValueError):
        return None
    if shown.replace(tzinfo=None) == local:
        return None
    return (
        f"{local:%Y-%m-%d %H:%M} does not exist in {tz} (its clocks skip that time); read as {shown:%H:%M %Z}"
    )


def yaml_timestamp(text: str) -> date | None:
    """The date or time PyYAML makes of ``text`` as a plain scalar, or None when PyYAML reads it
    as something else. Raises ValueError for an impossible date."""
    if _TIMESTAMP_PATTERN.match(text) is None:
        return None
    form = _CONSTRUCTOR.timestamp_regexp.match(text)
    if form is not None and _no_offset(form["tz_hour"], form["tz_minute"]):
        raise ValueError(f"{text!r} has an offset of no time zone")
    return _CONSTRUCTOR.construct_yaml_timestamp(yaml.ScalarNode(_TIMESTAMP, text))


def from_timestamp(mtime_ns: int, tz: tzinfo, source: str) -> datetime:
    """The date of the article in ``source``, dated by its file's modification time ``mtime_ns``
    (nanoseconds since 1970, cut to the microsecond: rounded, 23:59:59.9999996 was the next day).

    Raises ContentError, saying why, for a time outside the years feeds can carry (a file system
    may hold any: ``touch -d 1850-01-01``, or year 14645 on tmpfs), as for a date written.
    """
    try:
        # To the microsecond, not the second: dates SHOULD be as accurate as possible (RFC 4287
        # §3.3 allows fractions), and files saved within one second then keep their order and
        # distinct dates (feed validators flag two entries updated at the same instant).
        seconds, nanoseconds = divmod(int(mtime_ns), 1_000_000_000)
        when = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=nanoseconds // 1000)
    except (OverflowError, ValueError, OSError):
        when = None
    if when is None or not carried(when, tz):
        shown = f"{when:%Y-%m-%d}" if when is not None else f"{int(mtime_ns) // 1_000_000_000} s from 1970"
        raise ContentError(
            source,
            None,
            f"the file's modification time ({shown}) is outside the years {FIRST_YEAR}–{LAST_YEAR} "
            "that feeds can carry; give the article a date, or the file another time",
        )
    return when


def carried(when: datetime, tz: tzinfo) -> bool:
    """Whether feeds can carry ``when`` (UTC): its year, and the year in the configured zone,
    where archives and pages show it, are 1900 to 9999 (9999-12-31T23:00Z is year 10000 in
    Pacific/Kiritimati, and the archives' month overflowed; 1900-01-01T03:00Z is 1899 in New York)."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        return False
    if FIRST_YEAR < when.year < LAST_YEAR:  # a zone moves a time by less than a day
        return True
    try:
        return FIRST_YEAR <= when.astimezone(tz).year <= LAST_YEAR
    except (OverflowError, ValueError):
        return False
