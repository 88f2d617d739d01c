"""Custom channels in ``plan_site`` (grouped and merged in C) against the rules stated one entry at
a time, on the random indexes of test_plan.py with random channel definitions: topic conditions
(names as written, renamed, merged by slug, unknown), marks for provider and word conditions,
quality floors, and channels' own ``max_items``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feeds.channel_config import ChannelSettings
from feeds.config import TopicSettings
from feeds.plan.channels import channel_rules
from feeds.plan.channels import channel_warnings
from feeds.plan.channels import topic_setting_warnings
from feeds.plan.planner import REF_FILE
from feeds.plan.planner import REF_STUB
from feeds.plan.planner import REF_TOPICS
from feeds.plan.planner import plan_site
from feeds.source.summary import FileIndex
from tests.conftest import make_settings
from tests.test_plan import NAMES
from tests.test_plan import file_fields
from tests.test_plan import make_files
from tests.test_plan import reference_plan

SLUGS = ["one", "two"]
channel_fields = st.tuples(
    st.lists(st.sampled_from([*NAMES, "Nowhere"]), max_size=2, unique=True),  # any
    st.lists(st.sampled_from(NAMES), max_size=2, unique=True),  # all
    st.lists(st.sampled_from(NAMES), max_size=1, unique=True),  # none
    st.booleans(),  # whether it has provider or word conditions (needs the mark)
    st.sampled_from([None, 0.5]),
    st.integers(1, 4),
)


def marked(files: list[FileIndex], marks: list[int]) -> list[FileIndex]:
    """The files with a mark on each stub: "one", "two", both or none, as drawn."""
    choices = [(), ("one",), ("two",), ("one", "two")]
    draw = iter(marks * 50)
    return [
        (*file[:5], tuple((*stub, choices[next(draw) % 4]) for stub in file[5]), *file[6:]) for file in files
    ]


def definitions(drawn: list[Any]) -> tuple[ChannelSettings, ...]:
    return tuple(
        ChannelSettings(
            name=slug.title(),
            slug=slug,
            topics_any=tuple(any_),
            topics_all=tuple(all_),
            topics_none=tuple(none),
            words=("x",) if words else (),
            min_quality=floor,
            max_items=limit,
        )  # fmt: skip
        for slug, (any_, all_, none, words, floor, limit) in zip(SLUGS, drawn, strict=False)
    )


@settings(max_examples=300, deadline=None)
@given(
    drawn=st.lists(file_fields, max_size=14),
    marks=st.lists(st.integers(0, 3), min_size=1, max_size=8),
    channels=st.lists(channel_fields, min_size=1, max_size=2),
)
def test_custom_channels_follow_the_rules(drawn: list[Any], marks: list[int], channels: list[Any]) -> None:
    files = marked(make_files(drawn), marks)
    config = make_settings(
        max_items=3,
        min_quality=0.3,
        topics={"Old name": TopicSettings(rename="Space")},
        channels=definitions(channels),
    )
    entries = reference_plan(files, config)[0][0][2]  # every entry: (order, key, file, stub, slugs)
    for every_entry in (True, False):
        plan = plan_site(files, config, every_entry)
        planned = {c.custom.slug: c for c in plan.channels if c.custom is not None}
        assert sorted(planned) == sorted(c.slug for c in config.channels)  # even when empty
        for rule in channel_rules(config):
            expected = [
                entry
                for entry in entries
                if (rule.any_of is None or rule.any_of & set(entry[4]))
                and rule.all_of <= set(entry[4])
                and not rule.none_of & set(entry[4])
                and (not rule.marked or rule.custom.slug in entry[3][4])
                and (rule.min_quality is None or entry[3][3] is None or entry[3][3] >= rule.min_quality)
            ]
            channel = planned[rule.custom.slug]
            got = [
                (r[0], r[1], r[REF_FILE], r[REF_STUB], tuple(t.slug for t in r[REF_TOPICS]))
                for r in channel.refs
            ]
            assert channel.total == len(expected)
            assert got == (expected if every_entry else expected[: rule.options.max_items])
            assert channel.options.max_items == rule.options.max_items


def test_a_topic_no_entry_has_is_a_warning_naming_the_key() -> None:
    config = make_settings(
        channels=(ChannelSettings("Robots", "robots", topics_any=("AI", "Robotz"), topics_none=("ai",)),)
    )
    assert channel_warnings(config, {"ai"}) == (
        "<defaults>: channels.Robots.topics.any: no entry has the topic 'Robotz' "
        "(a typo? `feeds topics` lists the topics)",
    )


@pytest.mark.parametrize(
    ("channel", "why"),
    [
        (
            ChannelSettings("C", "c", topics_all=("AI",), topics_none=("ai",)),
            "ai in both its all and its none",
        ),
        (
            ChannelSettings("C", "c", topics_any=("AI",), topics_none=("AI", "Space")),
            "every topic of its any is in its none",
        ),
    ],
)
def test_a_channel_whose_topic_conditions_contradict_is_a_warning(channel: ChannelSettings, why: str) -> None:
    """It was always empty without a word (an outside probe)."""
    assert channel_warnings(make_settings(channels=(channel,)), {"ai", "space"}) == (
        f"<defaults>: channels.C.topics: no entry can be in this channel: {why}",
    )


def test_topic_settings_that_no_topic_takes_are_warnings() -> None:
    """Options are matched by a topic's name as published; a typo or another case was ignored
    without a word (found by an outside probe)."""
    config = make_settings(
        topics={
            "AI": TopicSettings(title="Artificial intelligence"),  # taken
            "Spcae": TopicSettings(title="Space news"),  # a typo
            "ai": TopicSettings(description="lower case"),  # another name with AI's slug
            "Machine learning": TopicSettings(rename="AI"),  # a rename onto a topic: taken
            "Gone": TopicSettings(rename="Nowhere"),
            "Computer Vision": TopicSettings(keywords=("facial recognition",)),  # matched nothing yet
        }
    )
    assert topic_setting_warnings(config, {"ai": "AI", "space": "Space"}) == (
        "<defaults>: topics.Spcae: no entry has the topic 'Spcae' (a typo? `feeds topics` lists the topics)",
        "<defaults>: topics.ai: no topic is named 'ai'; 'AI' has its slug, but options are matched by the"
        " name as written: give them under topics.AI",
        "<defaults>: topics.Gone: no entry has the topic 'Nowhere' (a typo? `feeds topics` lists the topics)",
    )
