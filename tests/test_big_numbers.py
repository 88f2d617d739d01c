"""Whole numbers too long for Python: one of over 4,300 digits (which the YAML readers and str()
refuse since Python 3.11) or over 308 digits where a float is read (``quality``) is a per-file
error or warning with its line, in the content and in the config, never a traceback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.config import load_settings
from feeds.config import settings_from_mapping
from feeds.errors import ConfigError
from feeds.errors import ContentError
from feeds.source.parse import parse_article
from tests.conftest import make_settings

BIG = "9" * 400  # over what a float holds
HUGE = "9" * 5000  # over what Python reads as a whole number


def _parse(field: str) -> tuple[object, list[tuple[int | None, str]]]:
    text = f"---\ntitle: T\ndate: 2021-01-01\n{field}\n---\nBody.\n"
    article, warnings = parse_article(text.encode(), "n.md", 0.0)
    return article, [(w.line, w.message) for w in warnings]


@pytest.mark.parametrize(
    "field",
    [f"title: {HUGE}", f"quality: {HUGE}", f"topics: [{HUGE}]", f"category: {HUGE}", f"published: {HUGE}"],
)
def test_a_number_of_too_many_digits_is_an_error_with_its_line(field: str) -> None:
    with pytest.raises(ContentError) as info:
        _parse(field)
    assert (info.value.line, info.value.message) == (
        4,
        "a number of 5,000 digits, over the limit of 4,300 that Python reads; shorten it",
    )


HEX = "0x" + "f" * 3600  # short in the text, over 4,300 digits as a number


@pytest.mark.parametrize(
    "field",
    [
        f"title: {HEX}",
        f"topics: [{HEX}]",
        f"quality: -{HEX}",
        "quality: 1" + ":59" * 3000,  # base 60, as YAML 1.1 reads it
        "title: 1" + ":59" * 3000 + ".5",  # a base-60 float: too large for a float
        f"images: [{{url: 'https://e.example/a.jpg', width: {HEX}}}]",
        f"related: [{{title: R, webUrl: 'https://e.example/r', quality: {HEX}}}]",
    ],
)
def test_a_number_short_in_the_text_and_too_long_in_digits_is_an_error_with_its_line(field: str) -> None:
    """Its digits' run passed the limit's check, and showing it raised ValueError: the build,
    `feeds check` and `feeds serve`'s rebuilds ended with a traceback (an outside probe)."""
    with pytest.raises(ContentError, match="more than 4,300 digits|too large to convert to float") as info:
        _parse(field)
    assert info.value.line == 4


def test_a_quality_too_large_for_a_float_is_an_error() -> None:
    with pytest.raises(ContentError, match="quality must be a finite number") as info:
        _parse(f"quality: {BIG}")
    assert info.value.line == 4


def test_a_related_item_with_such_a_quality_is_left_out() -> None:
    _, warnings = _parse(f'related: [{{title: R, webUrl: "https://example.com/r", quality: {BIG}}}]')
    assert warnings[0][0] == 4 and "quality must be a finite number" in warnings[0][1]


def test_long_numbers_within_the_limits_are_read() -> None:
    _, warnings = _parse(f"topics: [{'9' * 190}]\nquality: {'9' * 300}")  # a topic's name: 200 at most
    assert warnings == []


@pytest.mark.parametrize("digits", [4299, 4300])
def test_the_longest_numbers_python_prints_are_read(digits: int) -> None:
    """Numbers of 4,299 and 4,300 digits were refused (an outside probe of the documented limits)."""
    for number in ("9" * digits, "1" * digits, f"-{'9' * digits}"):
        article, warnings = _parse(f"quality: 1\nx_count: {number}")
        assert warnings == [] and article is not None


def test_a_number_of_one_digit_more_in_hexadecimal_is_an_error() -> None:
    with pytest.raises(ContentError, match="more than 4,300 digits"):
        _parse(f"x_count: {10**4300:#x}")
    assert _parse(f"x_count: {10**4300 - 1:#x}")[1] == []


def test_the_rest_of_the_site_builds(tmp_path: Path) -> None:
    (tmp_path / "huge.md").write_text(f"---\ntitle: {HUGE}\n---\n")
    (tmp_path / "big.md").write_text(f"---\ntitle: Big\nquality: {BIG}\n---\n")
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\ndate: 2021-01-01\n---\nx\n")
    result = build_site(dataclasses.replace(make_settings(), content_dir=tmp_path))
    assert sorted(Path(e.path).name for e in result.errors) == ["big.md", "huge.md"]
    assert b"Fine" in result.documents["all.atom"]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"min_quality": int(BIG)}, "min_quality"),
        ({"max_file_mb": int(BIG)}, "max_file_mb"),
        ({"serve": {"header_timeout": int(BIG)}}, "serve.header_timeout"),
        ({"channels": {"X": {"min_quality": int(BIG)}}}, "channels.X.min_quality"),
    ],
)
def test_config_numbers_too_large_for_a_float(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(raw)
    assert info.value.key == key


def test_a_config_with_too_many_digits_is_invalid_yaml(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(f"max_items: {HUGE}\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_settings(config)
