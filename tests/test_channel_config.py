"""The config's channels, keyword topics, entry_content and max_bytes: read, defaulted, and every
mistake a ConfigError naming the file and the dotted key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feeds.channel_config import ChannelSettings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.model import DEFAULT_MAX_BYTES
from feeds.model import EntryContent

EVERY_KEY = """\
entry_content: summary
max_bytes: 500000
topics:
  AI:
    keywords: [machine learning, "Machine  Learning", neural networks]
    entry_content: full
    max_bytes: 0
channels:
  Robots and rules:
    title: "Robots and the rules around them"
    description: "Machines, and the law"
    topics: {any: [Robotics, AI], all: [], none: [Crypto]}
    providers: [Reuters, WIRED.com]
    words: [regulation, law]
    min_quality: 60
    max_items: 20
    entry_content: full
    max_bytes: 200000
  Everything, briefly:
    entry_content: summary
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_every_key_is_read(tmp_path: Path) -> None:
    settings = load(tmp_path, EVERY_KEY)
    assert settings.entry_content is EntryContent.SUMMARY
    assert settings.max_bytes == 500_000
    ai = settings.topics["AI"]
    assert ai.keywords == ("machine learning", "neural networks")  # one spelling of each
    assert (ai.entry_content, ai.max_bytes) == (EntryContent.FULL, 0)
    assert settings.channels == (
        ChannelSettings("Everything, briefly", "everything-briefly", entry_content=EntryContent.SUMMARY),
        ChannelSettings(
            name="Robots and rules",
            slug="robots-and-rules",
            title="Robots and the rules around them",
            description="Machines, and the law",
            topics_any=("Robotics", "AI"),
            topics_none=("Crypto",),
            providers=("reuters", "wired.com"),
            words=("regulation", "law"),
            min_quality=60.0,
            max_items=20,
            entry_content=EntryContent.FULL,
            max_bytes=200_000,
        ),
    )  # by slug


def test_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path, "site: {title: T}\n")
    assert (settings.entry_content, settings.max_bytes, settings.channels) == (
        EntryContent.FULL, DEFAULT_MAX_BYTES, (),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("channels:\n  Empty:\n", "channels.Empty", "is empty"),
        ("channels:\n  Empty: {}\n", "channels.Empty", "is empty"),
        ("channels:\n  Empty:\n    title:\n", "channels.Empty", "is empty"),  # nothing after title: (a probe)
        ("channels:\n  Empty:\n    words: []\n", "channels.Empty", "is empty"),  # a channel of everything
        (
            "channels:\n  Empty:\n    topics: {any: [], none: null}\n    providers: []\n",
            "channels.Empty",
            "is empty",
        ),
        (
            "channels:\n  A b: {words: [x]}\n  a-b: {words: [y]}\n",
            "channels.a-b",
            "slug 'a-b' of channels.A b",
        ),
        ("channels:\n  X: {colour: red}\n", "channels.X.colour", "unknown key"),
        ("channels:\n  X: {topics: {some: [AI]}}\n", "channels.X.topics.some", "unknown key"),
        ("channels:\n  X: {topics: [AI]}\n", "channels.X.topics", "mapping"),
        ("channels:\n  X: {providers: {a: b}}\n", "channels.X.providers", "list"),
        ("channels:\n  X: {words: ['']}\n", "channels.X.words", "not a name"),
        ("channels:\n  X: {words: ['--']}\n", "channels.X.words", "no letter or digit"),
        ("channels:\n  X: {max_items: 0}\n", "channels.X.max_items", "at least 1"),
        ("channels:\n  X: {min_quality: lots}\n", "channels.X.min_quality", "number"),
        ("channels:\n  X: {entry_content: teaser}\n", "channels.X.entry_content", "full, summary"),
        ("channels:\n  X: {max_bytes: -1}\n", "channels.X.max_bytes", "at least 0"),
        ("channels:\n  X: {title: ''}\n", "channels.X.title", "must not be empty"),
        ("channels: [a, b]\n", "channels", "mapping"),
        ("topics:\n  AI: {keywords: [[nested]]}\n", "topics.AI.keywords", "not a name"),
        ("topics:\n  AI: {max_bytes: 1.5}\n", "topics.AI.max_bytes", "whole number"),
        ("entry_content: brief\n", "entry_content", "full, summary"),
        ("max_bytes: lots\n", "max_bytes", "whole number"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    assert raised.value.key == key
    assert message in str(raised.value)
    where = re.escape(str(tmp_path / "feeds.yaml"))
    assert re.match(rf"{where}:\d+: {re.escape(key)}: ", str(raised.value))  # path:line: key
