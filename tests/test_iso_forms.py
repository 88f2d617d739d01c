"""Dates written in the forms of ISO 8601 that Python 3.11's ``fromisoformat`` reads and 3.10's
does not (basic dates and times, week dates, ``+0530``, ``,5``): on 3.10 ``parse_iso_date`` writes
them in the extended form first (``extended_iso``), so an article is dated alike on every Python.
On 3.10 the same content was skipped ("is no date in the calendar") that 3.11 built.

This suite runs on 3.11 and later in CI: there ``fromisoformat`` is the reference that
``extended_iso`` is held to."""

from __future__ import annotations

import re
import sys
from datetime import date
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import feeds.source.dates
from feeds.source.dates import extended_iso
from feeds.source.dates import parse_iso_date

native = pytest.mark.skipif(sys.version_info < (3, 11), reason="3.11's fromisoformat is the reference")

_two = st.integers(0, 99).map("{:02d}".format)
_date = st.one_of(
    st.tuples(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 31), st.booleans()).map(
        lambda d: f"{d[0]}-{d[1]:02d}-{d[2]:02d}" if d[3] else f"{d[0]}{d[1]:02d}{d[2]:02d}"
    ),
    st.tuples(st.integers(1900, 2100), st.integers(1, 54), st.none() | st.integers(1, 7), st.booleans()).map(
        lambda w: (
            f"{w[0]}{'-' if w[3] else ''}W{w[1]:02d}"
            + ("" if w[2] is None else f"{'-' if w[3] else ''}{w[2]}")
        )
    ),
)
_time = st.tuples(
    st.integers(0, 23), st.none() | st.integers(0, 59), st.none() | st.integers(0, 59),
    st.none() | st.text("0123456789", min_size=1, max_size=9), st.sampled_from(".,"), st.booleans(),
).map(
    lambda t: f"{t[0]:02d}"
    + ("" if t[1] is None else (":" if t[5] else "") + f"{t[1]:02d}"
       + ("" if t[2] is None else (":" if t[5] else "") + f"{t[2]:02d}" + ("" if t[3] is None else t[4] + t[3])))
)  # fmt: skip
_offset = st.one_of(
    st.just(""), st.sampled_from("Zz"),
    st.tuples(
        st.sampled_from("+-"), st.integers(0, 23), st.none() | st.integers(0, 59), st.booleans(),
        st.none() | st.integers(0, 59), st.none() | st.text("0123456789", min_size=1, max_size=8),
    ).map(
        lambda o: f"{o[0]}{o[1]:02d}"
        + ("" if o[2] is None else (":" if o[3] else "") + f"{o[2]:02d}"
           + ("" if o[4] is None else (":" if o[3] else "") + f"{o[4]:02d}" + ("" if o[5] is None else "." + o[5])))
    ),
)  # fmt: skip
_written = st.one_of(_date, st.tuples(_date, st.sampled_from("T t"), _time, _offset).map("".join))


def _reference(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@native
@given(_written)
def test_the_extended_form_means_what_python_3_11_reads(value: str) -> None:
    extended = extended_iso(value)
    written = _reference(extended) if extended is not None else None
    # parse_iso_date reads a final "Z" or "z" as +00:00 before fromisoformat, on every Python.
    assert written == _reference(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-02-17T08:30:00+0530", "2021-02-17T08:30:00+05:30"),
        ("2021-02-17T0830Z", "2021-02-17T08:30:00+00:00"),
        ("2021-W07-3", "2021-02-17"),
        ("2021W073", "2021-02-17"),
        ("2021-02-17T08:30:00,5Z", "2021-02-17T08:30:00.500000+00:00"),
        ("20210217T083000Z", "2021-02-17T08:30:00+00:00"),
        ("2021-02-17 08:30:00.1234567+05", "2021-02-17 08:30:00.123456+05:00"),
        ("2021-02-17T08:30:00+05:30:15.5", "2021-02-17T08:30:00+05:30:15.500000"),
        ("2021-W54-1", None),  # 2021 has 52 weeks
        ("17/02/2021", None),
    ],
)
def test_extended_iso(value: str, expected: str | None) -> None:
    assert extended_iso(value) == expected


#: What 3.10's fromisoformat reads: extended dates, any one character before the time, a fraction
#: of 3 or 6 digits, an offset with a colon (the code before it turns "Z" into +00:00).
_FORMS_310 = re.compile(
    r"\d{4}-\d\d-\d\d(?:.\d\d(?::\d\d(?::\d\d(?:\.\d{3}|\.\d{6})?)?)?(?:[+-]\d\d:\d\d)?)?"
)


class _Datetime310(datetime):
    @classmethod
    def fromisoformat(cls, value: str) -> datetime:
        if _FORMS_310.fullmatch(value) is None:
            raise ValueError(f"Invalid isoformat string: {value!r}")
        return datetime.fromisoformat(value)


class _Date310(date):
    @classmethod
    def fromisoformat(cls, value: str) -> date:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value) is None:
            raise ValueError(f"Invalid isoformat string: {value!r}")
        return date.fromisoformat(value)


@pytest.mark.parametrize("python", ["3.10", "3.11"])
def test_articles_are_dated_alike_on_every_python(monkeypatch: pytest.MonkeyPatch, python: str) -> None:
    """On "3.10", ``datetime`` and ``date`` read only what 3.10's do."""
    if python == "3.10":
        monkeypatch.setattr(feeds.source.dates, "datetime", _Datetime310)
        monkeypatch.setattr(feeds.source.dates, "date", _Date310)
        monkeypatch.setattr(feeds.source.dates.sys, "version_info", (3, 10, 13))
        with pytest.raises(ValueError):
            _Datetime310.fromisoformat("2021-02-17T08:30:00+0530")
    assert parse_iso_date("2021-02-17T08:30:00+0530") == datetime.fromisoformat("2021-02-17T08:30:00+05:30")
    assert parse_iso_date("2021-W07-3") == datetime(2021, 2, 17)
    assert parse_iso_date("20210217T083000Z") == datetime.fromisoformat("2021-02-17T08:30:00+00:00")
    assert parse_iso_date("2021-02-17T08:30:00,5Z") == datetime.fromisoformat("2021-02-17T08:30:00.500+00:00")
    assert parse_iso_date("2021-02-17") == datetime(2021, 2, 17)
    assert parse_iso_date("2021-02-30") is None
