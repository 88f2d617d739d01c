"""Values PyYAML parses but cannot make into Python values (a tagged value it cannot read, an
integer of more digits than Python converts) are errors with their line, not crashes of the build.
tests/probe_yaml.py found them: PyYAML's constructors let ValueError, KeyError, IndexError and
AttributeError escape, and none is a YAMLError."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from feeds.errors import ContentError
from feeds.source.parse import parse_article


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int x", "cannot read 'x' as an integer: invalid literal for int() with base 10: 'x'"),
        ('!!int ""', "cannot read '' as an integer"),
        ("!!float x", "cannot read 'x' as a number: could not convert string to float: 'x'"),
        ("!!bool maybe", "cannot read 'maybe' as a boolean"),
        ("[a, !!bool maybe]", "cannot read 'maybe' as a boolean"),
        ("!!timestamp 2024-02-30", "cannot read '2024-02-30' as a date: day is out of range for month"),
        ("!!timestamp 10000-01-01", "cannot read '10000-01-01' as a date"),
    ],
)
def test_a_value_pyyaml_cannot_make_is_an_error_with_its_line(value: str, message: str) -> None:
    data = f"---\ntitle: t\nextra: {value}\n---\nBody\n".encode()
    with pytest.raises(ContentError) as raised:
        parse_article(data, "a.md", 0.0)
    assert (raised.value.line, raised.value.message) == (3, f"invalid YAML: {message}")


@pytest.fixture
def lower_digit_limit() -> Iterator[int]:
    """Python's limit on the digits of int("...") lowered, as PYTHONINTMAXSTRDIGITS or an
    embedding program may set it: under the 4,300 that front matter is checked against."""
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    yield 640
    sys.set_int_max_str_digits(before)


def test_an_integer_over_python_s_limit_is_an_error_with_its_line(lower_digit_limit: int) -> None:
    digits = "1" * (lower_digit_limit + 60)
    for front in (f"title: t\nextra: {digits}", f"title: {digits}", f"title: t\ntopics: [a, {digits}]"):
        with pytest.raises(ContentError) as raised:
            parse_article(f"---\n{front}\n---\n".encode(), "a.md", 0.0)
        assert raised.value.line == front.count("\n") + 2
        assert raised.value.message.startswith(
            f"invalid YAML: cannot read '{'1' * 40}…' as an integer: Exceeds"
        )
