"""Config values that no feed can carry are config errors naming the key (exit status 2), not a
traceback from feedgen or lxml half-way through the build, nor invalid feeds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from feeds.build.pipeline import build_site
from feeds.config import settings_from_mapping
from feeds.errors import ConfigError

ATOM_SCHEMA = Path(__file__).resolve().parent / "data" / "atom.rng"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"site": {"title": ""}}, "site.title"),  # feedgen: "Required fields not set (title)"
        ({"site": {"title": "  "}}, "site.title"),
        ({"site": {"description": ""}}, "site.description"),  # feedgen, for RSS
        ({"site": {"title": "a\x01b"}}, "site.title"),  # lxml: "All strings must be XML compatible"
        ({"site": {"title": "\ud800"}}, "site.title"),  # UnicodeEncodeError
        ({"site": {"description": "\x0b"}}, "site.description"),
        ({"site": {"author": "\x01"}}, "site.author"),
        ({"site": {"language": "en<script>"}}, "site.language"),  # an invalid xml:lang
        ({"site": {"language": "zz-ZZZZZZZZZZZZ"}}, "site.language"),
        ({"site": {"language": ""}}, "site.language"),
        ({"topics": {"AI": {"title": "a\x01"}}}, "topics.AI.title"),
        ({"topics": {"AI": {"description": "\x01"}}}, "topics.AI.description"),
        ({"topics": {"AI": {"rename": "A\x01"}}}, "topics.AI.rename"),
        ({"topics": {"A\x01I": {"keywords": ["x"]}}}, "topics.A\x01I"),  # a keyword topic's name
        ({"channels": {"X\x01": {"words": ["a"]}}}, "channels.X\x01"),
        ({"channels": {"X": {"title": "\x01", "words": ["a"]}}}, "channels.X.title"),
        ({"max_items": 10**20}, "max_items"),  # islice: "Stop argument ... <= sys.maxsize"
        ({"max_items": 1_000_001}, "max_items"),
        ({"channels": {"X": {"max_items": 10**20}}}, "channels.X.max_items"),
    ],
)
def test_a_value_no_feed_can_carry_is_a_config_error(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(raw)
    assert info.value.key == key


@pytest.mark.parametrize("language", ["en", "pt-BR", "de-CH-1996", "zh-Hant-TW", "x-klingon"])
def test_language_tags_are_kept(language: str) -> None:
    assert settings_from_mapping({"site": {"language": language}}).site.language == language


def test_the_largest_max_items_builds(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2021-01-01\n---\nx\n")
    settings = settings_from_mapping(
        {"max_items": 1_000_000, "channels": {"X": {"words": ["x"], "max_items": 1_000_000}}}
    )
    result = build_site(dataclasses.replace(settings, content_dir=tmp_path))
    schema = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))
    for path in ("all.atom", "channels/x.atom"):
        schema.assertValid(etree.fromstring(result.documents[path]))


def test_a_direction_override_a_config_title_opens_is_closed(tmp_path: Path) -> None:
    """A site title opening U+202E reversed every topic's title, which starts with it (an
    outside probe); an article's title has its overrides closed, and so has the config's."""
    settings = settings_from_mapping({"site": {"title": "\u202enews", "description": "\u202bd"}})
    assert settings.site.title == "\u202enews\u202c" and settings.site.description == "\u202bd\u202c"
    (tmp_path / "a.md").write_text(
        "---\ntitle: A\ndate: 2021-01-01\ntopics: [AI]\n---\nB\n", encoding="utf-8"
    )
    result = build_site(dataclasses.replace(settings, content_dir=tmp_path))
    assert "<title>\u202enews\u202c: AI</title>" in result.documents["topics/ai.atom"].decode()
