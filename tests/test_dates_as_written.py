"""Dates as an outside probe wrote them, read as written or refused, never moved without a word:
Python 3.11's ``fromisoformat`` took ``2021-02-16+05:00`` for 05:00 local time and ``T03.5`` for
03:00:00.5; a local time that the zone's clocks skip was moved an hour silently; a file saved at
23:59:59.9999999 was dated the next day (rounded, not cut, to the microsecond)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given

from feeds.build.builder import SiteBuilder
from feeds.errors import ContentError
from feeds.source.dates import parse_iso_date
from feeds.source.parse import parse_article
from tests.conftest import make_settings
from tests.test_iso_forms import _reference
from tests.test_iso_forms import _written

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "written",
    [
        "2021-02-16+05:00",  # a date alone with an offset: the "+" was taken for the T
        "2021-02-16-08:00",
        "2021-02-16Z",
        "2021-02-16T03.5",  # a fraction of an hour was read as one of a second
        "2021-02-16T03:47,5Z",  # and of a minute
        "2021-02-16x03:47:00",
        "2021-02-16_03:47",
        "２０２１-02-16",
        # Half basic, half extended: Python 3.10's reading took them and 3.11's refused them, one
        # content, two sites (an outside probe).
        "2021-02-17T08:30:00+0530:15",
        "2021-02-17T08:3000",
        "2021-02-17T0830:00",
        "2021-02-17T08:30:00+05:3015",
    ],
)
def test_text_that_is_no_iso_date_is_an_error_at_its_line(written: str) -> None:
    assert parse_iso_date(written) is None
    text = f"---\ntitle: T\npublishedDateTime: '{written}'\n---\nBody.\n".encode()
    with pytest.raises(ContentError, match="cannot read") as info:
        parse_article(text, "t.md", 0, PARIS)
    assert info.value.line == 3


@given(_written)
def test_every_form_of_iso_8601_still_reads_as_python_reads_it(value: str) -> None:
    expected = _reference(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    if expected is None:  # no day of its year (a week 54), or 3.10
        return
    assert parse_iso_date(value) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021-02-16T03:47:00Z", "2021-02-16T03:47:00+00:00"),
        ("2021-02-16 03:47:00+01:00", "2021-02-16T02:47:00+00:00"),
        ("2021-02-16t03:47", "2021-02-16T02:47:00+00:00"),
        ("2021-02-16", "2021-02-15T23:00:00+00:00"),
        ("2021-02-16 3:47:00 +5", "2021-02-15T22:47:00+00:00"),  # YAML 1.1's own form
    ],
)
def test_the_forms_documented_are_read(written: str, expected: str) -> None:
    text = f"---\ntitle: T\npublishedDateTime: '{written}'\n---\nBody.\n".encode()
    article, warnings = parse_article(text, "t.md", 0, PARIS)
    assert article.published.isoformat() == expected
    assert warnings == []


@pytest.mark.parametrize(
    ("zone", "written", "read_as"),
    [
        ("Europe/Paris", "2021-03-28 02:30:00", "03:30 CEST"),
        ("America/New_York", "2021-03-14T02:30", "03:30 EDT"),
    ],
)
def test_a_time_the_clocks_skip_is_warned_of(zone: str, written: str, read_as: str) -> None:
    text = f"---\ntitle: T\npublishedDateTime: {written}\n---\nBody.\n".encode()
    article, warnings = parse_article(text, "t.md", 0, ZoneInfo(zone))
    assert article.published.astimezone(ZoneInfo(zone)).strftime("%H:%M %Z") == read_as
    assert [(w.line, w.message) for w in warnings] == [
        (
            3,
            f"publishedDateTime: {written[:10]} 02:30 does not exist in {zone} (its clocks skip that time); read as {read_as}",
        )
    ]


@pytest.mark.parametrize(
    ("zone", "written"),
    [
        ("Europe/Paris", "2021-10-31 02:30:00"),  # passed twice: the first, no warning
        ("Europe/Paris", "2021-03-28 03:30:00"),
        ("Europe/Paris", "2021-03-28T02:30:00+01:00"),  # an offset: no local time to skip
        ("UTC", "2021-03-28 02:30:00"),
    ],
)
def test_times_that_exist_are_not_warned_of(zone: str, written: str) -> None:
    text = f"---\ntitle: T\npublishedDateTime: {written}\n---\nBody.\n".encode()
    _, warnings = parse_article(text, "t.md", 0, ZoneInfo(zone))
    assert warnings == []


def test_a_file_time_is_cut_to_the_microsecond_not_rounded(tmp_path: Path) -> None:
    last = int(datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()) * 10**9 + 999_999_999
    article, _ = parse_article(b"Plain title\n\nBody.\n", "p.txt", last)
    assert article.published == datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    content = tmp_path / "content"
    content.mkdir()
    (content / "p.txt").write_text("Plain title\n\nBody.\n")
    os.utime(content / "p.txt", ns=(last, last))
    if os.stat(content / "p.txt").st_mtime_ns != last:
        pytest.skip("this file system does not keep nanoseconds")
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    SiteBuilder(settings).publish()
    item = json.loads((tmp_path / "public" / "all.json").read_text())["items"][0]
    assert item["date_published"] == "1999-12-31T23:59:59.999+00:00"  # cut to the millisecond too
    assert (
        b"<pubDate>Fri, 31 Dec 1999 23:59:59 +0000</pubDate>"
        in (tmp_path / "public" / "all.rss").read_bytes()
    )


@pytest.mark.parametrize(
    ("written", "instant"),
    [
        ("2016-01-20 14:08:18 -0800", "2016-01-20T22:08:18+00:00"),  # Jekyll's template, Ruby's Time#to_s
        ('"2016-01-20 14:08:18 +0530"', "2016-01-20T08:38:18+00:00"),
        ("2016-01-18 10:30 -0800", "2016-01-18T18:30:00+00:00"),
        ("2016-01-18T10:30:00 -08:00", "2016-01-18T18:30:00+00:00"),
    ],
)
def test_a_date_with_a_space_before_its_offset_is_read_as_jekyll_writes_it(
    written: str, instant: str
) -> None:
    text = f"---\ntitle: T\ndate: {written}\n---\nBody.\n".encode()
    article, warnings = parse_article(text, "_posts/2016-01-20-t.md", 0, PARIS)
    assert (article.published.isoformat(), warnings) == (instant, [])


@pytest.mark.parametrize(
    "written",
    [
        "'2024-03-01T00:30:00+00:99'",  # was read as +01:39: the entry moved 99 minutes
        "'2024-03-01T00:30:00+05:60'",
        "'2024-03-01T00:30:00+0599'",
        "2024-03-01T00:30:00+05:60",  # unquoted: a YAML 1.1 timestamp to PyYAML
        "2024-03-01 00:30:00 +5:75",
        "'2024-03-01T00:30:00+25:00'",
    ],
)
def test_an_offset_of_no_time_zone_is_an_error_at_its_line(written: str) -> None:
    text = f"---\ntitle: T\ndate: {written}\n---\nBody.\n".encode()
    with pytest.raises(ContentError, match="has an offset of no time zone") as info:
        parse_article(text, "t.md", 0, PARIS)
    assert info.value.line == 3


@pytest.mark.parametrize(
    "written", ["2024-03-01T00:30:00+05:59", "2024-03-01 00:30:00 +5:30", "'2024-03-01T00:30:00-2359'"]
)
def test_offsets_up_to_59_minutes_are_read(written: str) -> None:
    text = f"---\ntitle: T\ndate: {written}\n---\nBody.\n".encode()
    article, warnings = parse_article(text, "t.md", 0, PARIS)
    assert warnings == []
    minutes = {"2024-03-01T00:30:00+05:59": 5 * 60 + 59, "2024-03-01 00:30:00 +5:30": 330}.get(
        written, -(23 * 60 + 59)
    )
    expected = datetime(2024, 3, 1, 0, 30) - timedelta(minutes=minutes)
    assert article.published.astimezone(timezone.utc).replace(tzinfo=None) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("pubDate: 'Jul 08 2022'", "2022-07-07T22:00:00+00:00"),  # Astro's blog starter; midnight in Paris
        ("date: July 8, 2022", "2022-07-07T22:00:00+00:00"),
        ("date: 8 July 2022", "2022-07-07T22:00:00+00:00"),
        ("date: Tue, 05 Mar 2024 14:00:00 +0000", "2024-03-05T14:00:00+00:00"),  # RSS's and e-mail's
        ("publishDate: Sept. 3rd, 2021 at 9:15pm", "2021-09-03T19:15:00+00:00"),
        ("date: fri jul 8 2022 01:00 -05:30", "2022-07-08T06:30:00+00:00"),
        ("date: 8 Jul 2022 23:59:59 GMT", "2022-07-08T23:59:59+00:00"),
        ("date: JUL 08TH 2022", "2022-07-07T22:00:00+00:00"),  # an ordinal in capitals was an error
        ("date: Wed,21 Jul 2021 00:00:00 +0000", "2021-07-21T00:00:00+00:00"),  # RFC 2822 allows no space
        ("date: Jul 8 2022 10:00 +05", "2022-07-08T05:00:00+00:00"),
        ("published: 'July 8, 2022'", "2022-07-07T22:00:00+00:00"),  # Notion's, as an ISO date there is
    ],
)
def test_a_date_with_its_months_name_is_read(written: str, expected: str) -> None:
    """Astro's starter writes ``pubDate: 'Jul 08 2022'``: it was warned of and the article dated by
    its file's time, which a checkout changes (an outside probe)."""
    text = f"---\ntitle: T\n{written}\n---\nBody.\n".encode()
    article, warnings = parse_article(text, "t.md", 0, PARIS)
    assert warnings == []
    assert article.published == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("Thu, Jul 08 2022", "says Thu, but 2022-07-08 is a Friday"),
        ("Jul 32 2022", "is no date in the calendar"),
        ("Feb 29 2023", "is no date in the calendar"),
        ("Jul 08 2022 13:00 pm", "or no time of day"),
        ("Jul 8 2022 10:00 +05:60", "or no zone's offset"),
        ("05 Mar 2024 14:00:00 EST", "cannot read"),  # which EST: a named zone is not guessed at
        ("07/08/2022", "cannot read"),  # July or August: not guessed at either
    ],
)
def test_a_date_with_its_months_name_that_is_none_is_an_error_at_its_line(written: str, problem: str) -> None:
    text = f"---\ntitle: T\ndate: '{written}'\n---\nBody.\n".encode()
    with pytest.raises(ContentError, match=problem) as info:
        parse_article(text, "t.md", 0, PARIS)
    assert info.value.line == 3


def test_mkdocs_materials_date_mapping_is_read_by_its_created_date() -> None:
    """MkDocs Material's blog writes ``date: {created: ..., updated: ...}``: every such post was an
    error, "date must be a date, not a mapping" (an outside probe)."""
    text = b"---\ntitle: T\ndate:\n  created: 2026-02-18\n  updated: 2026-04-13\n---\nBody.\n"
    article, warnings = parse_article(text, "t.md", 0, PARIS)
    assert warnings == []
    assert article.published == datetime(2026, 2, 17, 23, 0, tzinfo=timezone.utc)
    with pytest.raises(ContentError, match="date.created: cannot read 'soon'") as info:
        parse_article(b"---\ntitle: T\ndate: {created: soon}\n---\nBody.\n", "t.md", 0, PARIS)
    assert info.value.line == 3
    with pytest.raises(ContentError, match="date must be a date, not a mapping"):
        parse_article(b"---\ntitle: T\ndate: {updated: 2026-04-13}\n---\nBody.\n", "t.md", 0, PARIS)


def test_an_unreadable_date_is_quoted_in_its_error_at_most_80_characters() -> None:
    text = ("---\ntitle: T\ndate: 'Jul 8" + "," * 100_000 + "'\n---\nBody.\n").encode()
    with pytest.raises(ContentError) as info:
        parse_article(text, "t.md", 0, PARIS)
    assert len(str(info.value)) < 200
