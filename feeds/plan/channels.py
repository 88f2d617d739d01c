"""Channels in a plan: the planned channel of ``all``, a topic or a custom channel, which entries
each custom channel takes, and every channel's feed options.

A custom channel's conditions are split by what they need. Its topic conditions hold for a whole
set of topic slugs (so for every entry of a planner's group at once); its provider and word
conditions were decided when the file was read (``match.Matcher.marks``, the stub's ``MARKS``);
its quality floor reads the stub. Pure, like the rest of planning.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from feeds.channel_config import ChannelSettings
from feeds.config import Settings
from feeds.model import CustomChannel
from feeds.model import FeedOptions
from feeds.model import Topic
from feeds.names import composed
from feeds.names import slugify
from feeds.plan.topics import own_settings
from feeds.plan.topics import rename_of
from feeds.plan.topics import renamed_keys
from feeds.source.summary import MARKS
from feeds.source.summary import QUALITY
from feeds.source.summary import Stub


def site_options(settings: Settings) -> FeedOptions:
    """The options of ``all``, and of every feed that sets none of its own."""
    return FeedOptions(settings.max_items, settings.entry_content, settings.max_bytes)


def topic_options(settings: Settings, name: str) -> FeedOptions:
    """A topic's options (``name``: the topic's name after renames), the site's where it sets none."""
    own = own_settings(settings, name)
    if own is None or (own.entry_content is None and own.max_bytes is None):
        return site_options(settings)
    return FeedOptions(
        settings.max_items,
        own.entry_content or settings.entry_content,
        settings.max_bytes if own.max_bytes is None else own.max_bytes,
        "max_bytes" if own.max_bytes is None else f"topics.{name}.max_bytes",
    )


def topic_slug(settings: Settings, name: str, renamed: dict[str, str]) -> str:
    """The slug of a topic name as articles write it, after the config's renames (``renamed``:
    ``topics.renamed_keys``)."""
    rename = rename_of(settings, name, renamed)
    return slugify(rename[1] if rename is not None else name)


@dataclass(frozen=True)
class PlannedChannel:
    """A channel whose entries are still references."""

    stem: str
    title: str
    description: str
    refs: tuple[Any, ...]  #: ``planner.EntryRef``s, newest first: every entry, or the first few
    total: int  #: every entry
    topic: Topic | None = None
    custom: CustomChannel | None = None
    options: FeedOptions = FeedOptions()

    @property
    def key(self) -> str:
        """What a memo knows it by: "" for ``all``, a topic's slug, a custom channel's stem."""
        return self.topic.slug if self.topic else self.custom.stem if self.custom else ""


@dataclass(frozen=True)
class ChannelRule:
    """A custom channel's definition, ready to test entries against."""

    custom: CustomChannel
    title: str
    description: str
    options: FeedOptions
    any_of: frozenset[str] | None  #: slugs, one of which an entry must have; None: no condition
    all_of: frozenset[str]  #: slugs an entry must all have
    none_of: frozenset[str]  #: slugs an entry must not have
    marked: bool  #: whether entries must carry its mark (provider and word conditions)
    min_quality: float | None
    conditions: tuple[tuple[str, str, str], ...]  #: (config key, name, slug) of each topic named

    @property
    def stem(self) -> str:
        return self.custom.stem

    def takes_topics(self, slugs: Set[str]) -> bool:
        """Whether entries with these topic slugs meet the topic conditions."""
        return (
            (self.any_of is None or not self.any_of.isdisjoint(slugs))
            and self.all_of <= slugs
            and self.none_of.isdisjoint(slugs)
        )

    def takes_stub(self, stub: Stub) -> bool:
        """Whether an entry meets the conditions on its provider, words and quality."""
        if self.marked and self.custom.slug not in stub[MARKS]:
            return False
        quality = stub[QUALITY]
        return self.min_quality is None or quality is None or quality >= self.min_quality

    def stubs(self, stubs: list[Stub]) -> list[Stub]:
        """The stubs it takes of a group's (sorted) stubs, all of whose topics it takes."""
        if not self.marked and self.min_quality is None:
            return stubs
        return [stub for stub in stubs if self.takes_stub(stub)]


def channel_rules(settings: Settings) -> tuple[ChannelRule, ...]:
    """Every custom channel of the settings, by slug."""
    renamed = renamed_keys(settings)
    return tuple(_rule(settings, c, renamed) for c in sorted(settings.channels, key=lambda c: c.slug))


def _rule(settings: Settings, channel: ChannelSettings, renamed: dict[str, str]) -> ChannelRule:
    named = {"any": channel.topics_any, "all": channel.topics_all, "none": channel.topics_none}
    slugs = {
        condition: frozenset(topic_slug(settings, name, renamed) for name in names)
        for condition, names in named.items()
    }
    conditions = tuple(
        (f"{channel.key}.topics.{condition}", name, topic_slug(settings, name, renamed))
        for condition, names in named.items()
        for name in names
    )
    options = FeedOptions(
        channel.max_items or settings.max_items,
        channel.entry_content or settings.entry_content,
        settings.max_bytes if channel.max_bytes is None else channel.max_bytes,
        "max_bytes" if channel.max_bytes is None else f"{channel.key}.max_bytes",
    )
    return ChannelRule(
        custom=CustomChannel(channel.slug, channel.name),
        title=channel.title or f"{settings.site.title}: {channel.name}",
        description=channel.description or f"Latest articles chosen for {channel.name}",
        options=options,
        any_of=slugs["any"] if channel.topics_any else None,
        all_of=slugs["all"],
        none_of=slugs["none"],
        marked=channel.matches_text,
        min_quality=channel.min_quality,
        conditions=conditions,
    )


def planned_channel(
    key: Topic | ChannelRule | None, refs: tuple[Any, ...], total: int, settings: Settings
) -> PlannedChannel:
    """The planned channel of ``all`` (None), a topic or a custom channel."""
    if key is None:
        site, options = settings.site, site_options(settings)
        return PlannedChannel("all", site.title, site.description, refs, total, options=options)
    if isinstance(key, Topic):
        options = topic_options(settings, key.name)
        return PlannedChannel(key.stem, key.title, key.description, refs, total, key, options=options)
    return PlannedChannel(key.stem, key.title, key.description, refs, total, None, key.custom, key.options)


def channel_warnings(settings: Settings, topic_slugs: Collection[str]) -> tuple[str, ...]:
    """A warning for each topic a channel names that no entry of the site has (``topic_slugs``:
    the site's topics). Such a name cannot be told from a typo until the articles are read, so
    it is reported by every build rather than refused with the config."""
    where = settings.config_path or "<defaults>"
    rules = channel_rules(settings)
    missing = tuple(
        f"{where}: {key}: no entry has the topic {name!r} (a typo? `feeds topics` lists the topics)"
        for rule in rules
        for key, name, slug in rule.conditions
        if slug not in topic_slugs
    )
    return missing + tuple(
        f"{where}: channels.{rule.custom.name}.topics: no entry can be in this channel: {why}"
        for rule in rules
        if (why := _contradiction(rule))
    )


def _contradiction(rule: ChannelRule) -> str:
    """Why no entry can meet the channel's topic conditions, or ""."""
    if both := rule.all_of & rule.none_of:
        return f"{', '.join(sorted(both))} in both its all and its none"
    if rule.any_of is not None and rule.any_of <= rule.none_of:
        return "every topic of its any is in its none"
    return ""


def topic_setting_warnings(settings: Settings, topics: Mapping[str, str]) -> tuple[str, ...]:
    """A warning for each ``topics.<name>`` of the config that no topic takes (``topics``: the
    site's topics, slug → name): options are matched by the name as published, so a typo or
    another case (``ai`` for ``AI``) was ignored without a word. A keyword topic that no article
    matches is not one: it is no typo."""
    where = settings.config_path or "<defaults>"
    warnings = []
    published = {composed(name) for name in topics.values()}  # in either Unicode form (own_settings)
    for key, own in settings.topics.items():
        name = own.rename or key
        slug = slugify(name)
        if composed(name) in published or ((own.rename or own.keywords) and slug in topics):
            continue  # a keyword topic whose slug an article names is that topic
        if slug in topics:
            warnings.append(
                f"{where}: topics.{key}: no topic is named {name!r}; {topics[slug]!r} has its slug, but"
                f" options are matched by the name as written: give them under topics.{topics[slug]}"
            )
        elif not own.keywords:  # a keyword topic makes its own entries, when any article matches
            warnings.append(
                f"{where}: topics.{key}: no entry has the topic {name!r} (a typo? `feeds topics` lists"
                " the topics)"
            )
    return tuple(warnings)


def channel_keys(rules: Sequence[ChannelRule], slugs: tuple[str, ...], stub: Stub) -> tuple[str, ...]:
    """The channels of an entry with these topic slugs, as ``PlannedChannel.key``: "" for
    ``all``, its topics' slugs, the stems of the custom channels that take it."""
    topics = set(slugs)
    return ("", *slugs, *(rule.stem for rule in rules if rule.takes_topics(topics) and rule.takes_stub(stub)))
