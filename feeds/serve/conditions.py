"""Conditional requests (RFC 9110 §13): which answer the validators a client sent call for."""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Mapping
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Literal

_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_TIME = r"(\d\d):(\d\d):(\d\d)"
_MONTH = "(" + "|".join(_MONTHS) + ")"
#: The three forms a recipient must accept (§5.6.7): IMF-fixdate, RFC 850 and asctime.
_IMF_FIXDATE = re.compile(rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) {_MONTH} (\d{{4}}) {_TIME} GMT")
_RFC_850 = re.compile(
    rf"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-{_MONTH}-(\d\d) {_TIME} GMT"
)
_ASCTIME = re.compile(rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) {_MONTH} ([ \d]\d) {_TIME} (\d{{4}})")

Outcome = Literal["send", "not modified", "precondition failed"]


def http_date(value: str) -> datetime | None:
    """An HTTP-date (§5.6.7), or None for anything else: a list, a date without its weekday or
    zone, a date that does not exist. Such a field is ignored (§13.1.3, §13.1.4)."""
    value = value.strip()
    try:
        if match := _IMF_FIXDATE.fullmatch(value):
            day, month, year, hour, minute, second = match.groups()
            return _utc(int(year), _MONTHS[month], int(day), hour, minute, second)
        if match := _RFC_850.fullmatch(value):
            day, month, two_digits, hour, minute, second = match.groups()
            year = 2000 + int(two_digits)
            if year > datetime.now(timezone.utc).year + 50:  # §5.6.7: more than 50 years ahead
                year -= 100
            return _utc(year, _MONTHS[month], int(day), hour, minute, second)
        if match := _ASCTIME.fullmatch(value):
            month, day, hour, minute, second, year = match.groups()
            return _utc(int(year), _MONTHS[month], int(day), hour, minute, second)
    except ValueError:  # 30 Feb, 25:00
        return None
    return None


def _utc(year: int, month: int, day: int, hour: str, minute: str, second: str) -> datetime:
    return datetime(year, month, day, int(hour), int(minute), int(second), tzinfo=timezone.utc)


def evaluate(
    selected: str, modified: datetime, environ: Mapping[str, Any], usable: Collection[str] = ()
) -> tuple[Outcome, str | None]:
    """What a GET or HEAD of a document calls for, in §13.2.2's order, when the representation a
    200 would carry has the entity tag ``selected`` (quoted, strong) and the document was last
    changed at ``modified``; with the tag of the client's that matched, for a 304 to name the
    version the client holds. ``usable``: the tags of the codings this request may be given
    (default: ``selected`` alone), the only ones If-None-Match may name."""
    usable = usable or (selected,)
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match is not None:
        # Strong comparison with the selected representation's tag (§13.1.1): a weak tag never
        # matches, nor the tag of a coding this answer does not carry (an outside probe).
        if not any(tag in ("*", selected) for tag in _tags(if_match)):
            return "precondition failed", None
    else:
        since = environ.get("HTTP_IF_UNMODIFIED_SINCE")
        when = http_date(since) if since else None
        if when is not None and modified > when:
            return "precondition failed", None
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        # Weak comparison (§13.1.2); a usable coding's tag names this version, the first usable
        # first (the one a 200 would carry, when the client holds it too: §15.4.5).
        held = {tag.removeprefix("W/") for tag in _tags(if_none_match)}
        if "*" in held:
            return "not modified", None
        matched = next((tag for tag in usable if tag in held), None)
        # If-Modified-Since is ignored when If-None-Match is sent (§13.1.3).
        return ("not modified", matched) if matched is not None else ("send", None)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    when = http_date(since) if since else None
    if when is not None and modified <= when:
        return "not modified", None
    return "send", None


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",")]
