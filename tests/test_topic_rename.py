"""Topic renames in the config. A topic's own options written beside ``rename`` did nothing (the
topic's options are read under its new name), silently: an unknown key is an error "so a typo never
passes silently", and so is an option that cannot take effect. A rename applies once, so a rename
to a name that is renamed itself is an error too."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from feeds.build.pipeline import build_site
from feeds.config import settings_from_mapping
from feeds.errors import ConfigError


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"rename": "Artificial", "title": "AI feed"}, "topics.AI.title"),
        ({"rename": "Artificial", "description": "About AI"}, "topics.AI.description"),
        ({"rename": "Artificial", "entry_content": "summary"}, "topics.AI.entry_content"),
        ({"rename": "Artificial", "max_bytes": 0}, "topics.AI.max_bytes"),
    ],
)
def test_an_option_beside_a_rename_is_a_config_error(options: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"topics": {"AI": options}})
    assert info.value.key == key
    assert info.value.message.endswith("is published as 'Artificial': give it under topics.Artificial")


@pytest.mark.parametrize(
    "topics",
    [
        {"AI": {"rename": "Artificial", "keywords": ["model"]}, "Artificial": {"title": "AI feed"}},
        {"AI": {"rename": "AI", "title": "AI feed"}},  # renamed to itself: the options are its own
    ],
)
def test_options_under_the_published_name_apply(tmp_path: Path, topics: dict[str, Any]) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A model\ndate: 2021-01-01\ntopics: [AI]\n---\nx\n")
    settings = dataclasses.replace(settings_from_mapping({"topics": topics}), content_dir=tmp_path)
    documents = build_site(settings).documents
    feed = next(
        body for path, body in documents.items() if path.startswith("topics/") and path.endswith(".atom")
    )
    assert b"<title>AI feed</title>" in feed


def test_a_chain_of_renames_is_a_config_error() -> None:
    topics = {"ML": {"rename": "AI"}, "AI": {"rename": "Artificial intelligence"}}
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"topics": topics})
    assert info.value.key == "topics.ML.rename"
    assert "'AI' is renamed itself (to 'Artificial intelligence')" in info.value.message


@pytest.mark.parametrize(
    "topics",
    [
        {"ML": {"rename": "AI"}, "ai": {"rename": "AI"}, "AI": {"title": "All of AI"}},  # two into one
        {"ML": {"rename": "AI"}, "AI": {"rename": "AI"}},  # the second renamed to itself
    ],
)
def test_renames_into_one_name_are_no_chain(topics: dict[str, Any]) -> None:
    assert settings_from_mapping({"topics": topics}).topics["ML"].rename == "AI"


@pytest.mark.parametrize(
    "topics",
    [
        {"robotics": {"rename": "AI"}},  # the key in another case than the articles write
        {"AI": {"rename": "Robotics"}},  # a name merged into AI by its slug follows AI's rename
    ],
)
def test_a_rename_applies_to_every_name_of_its_slug(tmp_path: Path, topics: dict[str, Any]) -> None:
    """Renames matched one spelling: 'robotics' did nothing to articles writing 'Robotics', and an
    article writing 'ai' stayed a topic of its own when AI was renamed (an outside probe)."""
    for number, name in enumerate(["Robotics", "AI", "ai"]):
        (tmp_path / f"{number}.md").write_text(
            f"---\ntitle: Story {number}\ndate: 2021-01-0{number + 1}\ntopics: [{name}]\n---\nx\n"
        )
    config = {"topics": topics, "channels": {"Machines": {"topics": {"any": ["robotics", "ai"]}}}}
    settings = dataclasses.replace(settings_from_mapping(config), content_dir=tmp_path)
    result = build_site(settings)
    [topic] = [c for c in result.site.topics if c.topic is not None]
    assert len(topic.entries) == 3
    [machines] = [c for c in result.site.channels if c.custom is not None]
    assert len(machines.entries) == 3


@pytest.mark.parametrize(
    ("topics", "key", "message"),
    [
        (
            {"AI": {"rename": "Robotics"}, "Robotics": {"rename": "AI"}},
            "topics.AI.rename",
            "'Robotics' is renamed itself (to 'AI'); AI and Robotics rename each other: keep one of the two",
        ),
        (
            {"robotics": {"rename": "AI"}, "Róbotics": {"rename": "Machines"}},
            "topics.Róbotics.rename",
            "Róbotics and robotics have one slug, so they are one topic, renamed by topics.robotics to 'AI'",
        ),
        (
            {"AI": {"rename": "Robotics"}, "ai": {"title": "x"}},
            "topics.ai.title",
            "has no effect, since names with the slug of ai are published as 'Robotics' (topics.AI.rename)",
        ),
        (  # the target renamed itself, written in another case
            {"AI": {"rename": "Artificial Intelligence"}, "ARTIFICIAL INTELLIGENCE": {"rename": "Foo"}},
            "topics.AI.rename",
            "'Artificial Intelligence' is renamed itself (to 'Foo'); rename AI to 'Foo' directly",
        ),
        (  # options under the target's name in another case
            {"AI": {"rename": "Artificial Intelligence"}, "Artificial intelligence": {"title": "X"}},
            "topics.Artificial intelligence.title",
            "are published as 'Artificial Intelligence' (topics.AI.rename)",
        ),
    ],
)
def test_renames_that_cannot_all_apply_are_config_errors(
    topics: dict[str, Any], key: str, message: str
) -> None:
    """Renames of one slug split a topic without a word, an option under a name that a rename of
    its slug publishes otherwise was lost, and a rename cycle advised renaming AI to 'AI' (an
    outside probe)."""
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"topics": topics})
    assert info.value.key == key and message in info.value.message


def test_options_under_the_name_a_rename_publishes_apply() -> None:
    settings_from_mapping({"topics": {"robotics": {"rename": "Robotics"}, "Robotics": {"title": "Robo"}}})
    settings_from_mapping({"topics": {"AI": {"rename": "Robotics"}, "ai": {"rename": "Robotics"}}})
