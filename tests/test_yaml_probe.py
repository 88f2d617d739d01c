"""Differences between the fast front-matter path and PyYAML found by tests/probe_yaml.py (an
independent generator of front matter as people and tools write it), and a short run of it."""

from __future__ import annotations

import itertools
from datetime import datetime
from datetime import timezone

import pytest
import yaml

from feeds.errors import ContentError
from feeds.source.dates import parse_iso_date
from feeds.source.dates import yaml_timestamp
from feeds.source.front_matter import _DIFFERENT
from feeds.source.front_matter import fast_load
from feeds.source.parse import parse_article
from tests.probe_yaml import article_difference
from tests.probe_yaml import load_difference
from tests.probe_yaml import probe
from tests.probe_yaml import reference

#: JSON-style surrogate pairs in double quotes: yaml-rs joins them into one character, PyYAML
#: refuses the escape (so the article is an error, not an article with an emoji).
SURROGATE_PAIRS = [
    'title: "\\uD83D\\uDE00"',
    'title: "Party \\ud83c\\udf89 time"',
    'tags: ["\\uD83D\\uDE00", b]',
    'tags:\n  - "\\uDBFF\\uDFFF"',
    'provider: {name: "\\uD83D\\uDE00"}',
    '"\\uD83D\\uDE00": x',
    '{"title": "\\ud83d\\ude00", "topics": ["a"]}',
]


#: Integers of more digits than Python converts from text (4,300 by default): yaml-rs makes them,
#: PyYAML cannot (an error with its line, tests/test_yaml_construct_errors.py).
LONG_INTEGERS = [f"title: {'1' * 5000}", f"topics: [a, {'7' * 4400}]", f"quality:\n  -{'1' * 101}"]
#: A value on the line below "- - " (a list in a list, with a space or a comment after the dash):
#: the scan took the second "-" for a value, and its match swallowed the line the value was on.
#: (No field of an article reads a list in a list, so articles did not differ.)
BELOW_NESTED_DASH = [
    "r:\n- - \n   on",
    "r:\n- - # c\n   on",
    "r:\n  - -  \n     017",
    "r:\n- - \n   1e3",
    "r:\n- - \n   |\n    x",
]
#: .inf and .nan in another case than YAML 1.1's three: floats to yaml-rs, text to PyYAML.
INF_NAN_CASES = [
    "quality: .Nan",
    "quality: .iNf",
    "quality: -.INf",
    "quality: +.inF # note",
    "title: .nAN",
    "topics: [.Inf, .NAn, a]",
    "topics:\n  - .nAn",
    "provider: {name: .INf}",
    "quality:\n  .iNF",
]


@pytest.mark.parametrize("text", SURROGATE_PAIRS + INF_NAN_CASES + LONG_INTEGERS + BELOW_NESTED_DASH)
def test_fast_load_agrees_with_pyyaml(text: str) -> None:
    assert load_difference(text) is None


@pytest.mark.parametrize(
    "text",
    [
        'title: "\\uD83D\\uDE00"',
        'title: "Party \\ud83c\\udf89"',
        "title: .INf",
        "title: x\nquality: .Nan",
    ],
)
def test_the_article_is_the_same_with_and_without_the_fast_path(text: str) -> None:
    assert article_difference(f"---\n{text}\n---\nBody\n".encode()) is None


def test_what_pyyaml_makes_of_them() -> None:
    """The cases above really differ: PyYAML refuses the pairs, and keeps the odd cases as text
    (which an article shows as written: a title ".INf", where yaml-rs's float made it "inf")."""
    assert reference('title: "\\uD83D\\uDE00"')[0] == "error"
    assert reference("quality: .iNf") == ("ok", {"quality": ".iNf"})


@pytest.mark.parametrize(
    "text",
    [
        'title: "caf\\u00e9 \\U0001F600 \\x41"',
        "title: 2nd\nb: 1min\nc: .net\nd: .nano",
        "a: .inf\nb: -.Inf\nc: .NaN\nd: Infinity",
    ],
)
def test_ordinary_values_still_take_the_fast_path(text: str) -> None:
    assert fast_load(text) is not _DIFFERENT


def test_a_short_run_of_the_probe_finds_no_difference() -> None:
    found: list[str] = []
    counts = probe(40, seed=17, out=found.append)
    assert found == []
    assert counts["fast taken"] > 20  # the fast path ran, not only PyYAML


#: YAML 1.1 timestamps that PyYAML reads as dates and times; our loader keeps them as text (so
#: that an impossible date is a path:line error), and the date field reads them as PyYAML does.
#: The first four were errors ("cannot read ... as a date") before.
PYYAML_TIMESTAMPS = [
    "2024-01-02 3:04:05",
    "2024-01-02T3:04:05Z",
    "2024-01-02  03:04:05.5 Z",
    "2024-01-02T03:04:05 -8",
    "2024-01-02",
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.123456789+05:30",
    "2024-01-02 03:04:05 +05:30",
    "2024-01-02\t03:04:05",
]


@pytest.mark.parametrize("text", PYYAML_TIMESTAMPS)
def test_dates_are_pyyaml_s(text: str) -> None:
    expected = yaml.load(f"date: {text}", Loader=yaml.CSafeLoader)["date"]  # noqa: S506
    if not isinstance(expected, datetime):
        expected = datetime(expected.year, expected.month, expected.day)
    if expected.tzinfo is None:
        expected = expected.replace(tzinfo=timezone.utc)
    for value in (text, f"'{text}'"):
        article, _ = parse_article(f"---\ntitle: t\ndate: {value}\n---\n".encode(), "a.md", 0.0)
        assert article.published == expected
        assert not article.dated_from_file


def test_an_impossible_date_is_still_an_error() -> None:
    with pytest.raises(ContentError, match="date: '2024-02-30 03:04:05' is no date in the calendar"):
        parse_article(b"---\ntitle: t\ndate: 2024-02-30 03:04:05\n---\n", "a.md", 0.0)


def test_every_timestamp_pyyaml_reads_is_read_as_pyyaml_reads_it() -> None:
    """ISO 8601 is read first (faster): where Python's ISO reading takes a text, it must give the
    time PyYAML gives."""
    read = 0
    for day, sep, clock, fraction, zone in itertools.product(
        ["2024-01-02", "2024-1-2", "1999-12-31", "2024-02-30"],
        ["T", "t", " ", "  ", "\t"],
        ["03:04:05", "3:04:05", "23:59:59", "24:00:00", "03:04"],
        ["", ".5", ".123456789", "."],
        ["", "Z", "z", " Z", "+05:30", " +05:30", "-8", " -08", "+0530", "+5:30", "-23:59", "+99:00"],
    ):
        text = f"{day}{sep}{clock}{fraction}{zone}"
        try:
            stamp = yaml_timestamp(text)
        except ValueError:  # impossible: February 30, hour 24, an offset of 99 hours
            assert parse_iso_date(text) is None, text
            continue
        if stamp is not None:
            parsed = parse_iso_date(text)
            assert parsed == stamp and parsed is not None and parsed.utcoffset() == stamp.utcoffset(), text
            read += 1
    assert read > 500
