"""The config's custom channels (``channels:``) and the options a feed may set for itself
(``keywords``, ``entry_content``, ``max_bytes``), read and validated for ``config.py``.

Apart from ``config.py`` because they are a subject of their own, and so that module stays short;
every failure still names the file and the dotted key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from feeds.config_checks import MAX_ITEMS
from feeds.config_checks import ConfigReader
from feeds.model import EntryContent
from feeds.names import slugify
from feeds.text import fold
from feeds.text import has_word_character
from feeds.text import quoted_value

#: The keys of one entry of ``channels:``.
CHANNEL_KEYS = frozenset({
    "title", "description", "topics", "providers", "words", "min_quality", "max_items",
    "entry_content", "max_bytes",
})  # fmt: skip
#: The conditions of ``channels.<name>.topics``.
TOPIC_CONDITIONS = ("any", "all", "none")


@dataclass(frozen=True)
class ChannelSettings:
    """One custom channel: its entries meet every condition given (none given: every entry)."""

    name: str  #: the key under ``channels:``
    slug: str  #: its path is ``channels/<slug>.<ext>``
    title: str | None = None  #: default "<site title>: <name>"
    description: str | None = None
    topics_any: tuple[str, ...] = ()  #: topic names as articles write them; at least one of them
    topics_all: tuple[str, ...] = ()  #: every one of them
    topics_none: tuple[str, ...] = ()  #: none of them
    providers: tuple[str, ...] = ()  #: provider names or domains (``text.fold``ed); any of them
    words: tuple[str, ...] = ()  #: any of them in the entry's title or summary (whole words)
    min_quality: float | None = None  #: entries scored below are left out; unscored ones stay
    max_items: int | None = None  #: default: the site's ``max_items``
    entry_content: EntryContent | None = None  #: default: the site's
    max_bytes: int | None = None  #: default: the site's

    @property
    def key(self) -> str:
        """Its dotted config key, for messages."""
        return f"channels.{self.name}"

    @property
    def matches_text(self) -> bool:
        """Whether it has conditions on an entry's provider or words, which files are read for."""
        return bool(self.providers or self.words)


def read_channels(reader: ConfigReader, value: Any) -> tuple[ChannelSettings, ...]:
    """Every channel of ``channels:``, in slug order. Raises ConfigError for an empty definition,
    an unknown key or a bad value, and for two names with one slug."""
    data = reader.names(value, "channels")
    channels: dict[str, ChannelSettings] = {}
    for name, options in data.items():
        name = str(name)
        key = f"channels.{name}"
        if not name.strip():
            raise reader.fail(key, "a channel needs a name")
        reader.xml_text(key, name)
        if _empty(options):
            # ``title:``, ``words: []`` or ``topics: {}`` say no more than nothing: a channel of every entry
            raise reader.fail(key, "is empty: give it at least one of " + ", ".join(sorted(CHANNEL_KEYS)))
        options = reader.mapping(options, key)
        reader.known(options, key, set(CHANNEL_KEYS))
        slug = slugify(name)
        if slug in channels:
            other = channels[slug].key
            raise reader.fail(
                key, f"has the slug {quoted_value(slug)} of {other}: channels/{slug} cannot be both"
            )
        topics = reader.mapping(options.get("topics") or {}, f"{key}.topics")
        reader.known(topics, f"{key}.topics", set(TOPIC_CONDITIONS))
        names = {name: _texts(reader, topics, f"{key}.topics", name) for name in TOPIC_CONDITIONS}
        max_items = options.get("max_items")
        if max_items is not None:
            max_items = reader.integer(options, "max_items", 1, 1, key, MAX_ITEMS)
        channels[slug] = ChannelSettings(
            name=name,
            slug=slug,
            title=_optional_text(reader, options, key, "title"),
            description=_optional_text(reader, options, key, "description"),
            topics_any=names["any"],
            topics_all=names["all"],
            topics_none=names["none"],
            providers=tuple(dict.fromkeys(fold(p) for p in _texts(reader, options, key, "providers"))),
            words=read_words(reader, options, key, "words"),
            min_quality=reader.number(options, "min_quality", key),
            max_items=max_items,
            entry_content=read_entry_content(reader, options, key),
            max_bytes=read_max_bytes(reader, options, key),
        )
    return tuple(channels[slug] for slug in sorted(channels))


def read_words(reader: ConfigReader, data: Mapping[str, Any], prefix: str, name: str) -> tuple[str, ...]:
    """Words or phrases to look for: each with a letter or digit in it, repeats dropped."""
    words = _texts(reader, data, prefix, name)
    for word in words:
        if not has_word_character(word):
            raise reader.fail(f"{prefix}.{name}", f"{quoted_value(word)} has no letter or digit to look for")
    unique: dict[str, str] = {}
    for word in words:
        unique.setdefault(fold(word), word)  # "Law" and "law" are one word to look for
    return tuple(unique.values())


def read_entry_content(
    reader: ConfigReader, data: Mapping[str, Any], prefix: str = ""
) -> EntryContent | None:
    if data.get("entry_content") is None:
        return None
    return reader.choice(data, "entry_content", EntryContent, EntryContent.FULL, prefix)


def read_max_bytes(reader: ConfigReader, data: Mapping[str, Any], prefix: str = "") -> int | None:
    """A size budget in bytes: a whole number, 0 for none; None when not given."""
    if data.get("max_bytes") is None:
        return None
    return reader.integer(data, "max_bytes", 0, 0, prefix)


def _optional_text(reader: ConfigReader, data: Mapping[str, Any], prefix: str, name: str) -> str | None:
    if data.get(name) is None:
        return None
    return reader.feed_text(data, prefix, name, "", required=True).strip()


def _texts(reader: ConfigReader, data: Mapping[str, Any], prefix: str, name: str) -> tuple[str, ...]:
    """A list of non-empty texts (a single text is a list of one); none given is empty."""
    value = data.get(name)
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise reader.fail(f"{prefix}.{name}", "must be a list, e.g. [one, two]")
    texts = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
            raise reader.fail(f"{prefix}.{name}", f"{quoted_value(item)} is not a name: give text")
        texts.append(" ".join(str(item).split()))
    return tuple(texts)


def _empty(value: Any, seen: set[int] | None = None) -> bool:
    """Whether a channel's definition says nothing: nothing, or only empty lists and mappings.

    Each mapping is looked at once (``seen``): YAML aliases make one mapping the value of many
    keys, and 24 levels of mappings of two aliases of the one below took 34 s, twice as long per
    level more."""
    if isinstance(value, dict):
        seen = set() if seen is None else seen
        if id(value) in seen:
            return True  # its answer is part of the one being worked out, which still needs it
        seen.add(id(value))
        return all(_empty(each, seen) for each in value.values())
    return value is None or value == []
