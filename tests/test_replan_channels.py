"""Replanning with custom channels and keyword topics configured: after any sequence of changes,
a build from the last build's memo (the command line's) or from its last plan (the web app's)
gives exactly what a build from nothing gives, custom channels included; a channel that runs
short, empties or meets a new topic is planned again from every file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from feeds.build.result import BuildResult
from feeds.channel_config import ChannelSettings
from feeds.config import TopicSettings
from tests.test_replan import OPERATIONS
from tests.test_replan import TOPICS
from tests.test_replan import LiveContent
from tests.test_replan import Site
from tests.test_replan import article

#: A keyword topic found in some titles ("Story 3 on ...") and bodies ("Body of 7."), and renamed.
KEYWORD_TOPICS = {
    "Lucky": TopicSettings(keywords=("story 3 on", "body of 7", "body of 11")),
    "ai": TopicSettings(rename="AI"),
}
CHANNELS = (
    ChannelSettings("Mixed", "mixed", topics_any=("AI", "Lucky"), topics_none=("Climate",), max_items=2),
    ChannelSettings("Sevens", "sevens", words=("day 7", "day 14", "day 21", "day 28", "also"), max_items=5),
    ChannelSettings("Sport only", "sport-only", topics_all=("Sport", "Space")),
    ChannelSettings("Quality", "quality", topics_all=("Space",), min_quality=10),
)


def configure(site: Site) -> Site:
    site.settings = dataclasses.replace(site.settings, channels=CHANNELS, topics=KEYWORD_TOPICS)
    return site


def custom(result: BuildResult) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(c.stem, c.total, tuple(e.title for e in c.entries)) for c in result.site.custom]


@pytest.mark.parametrize("kind", [Site, LiveContent], ids=["cli", "web app"])
def test_edits_move_entries_in_and_out_of_custom_channels(tmp_path: Path, kind: type[Site]) -> None:
    site = configure(kind(tmp_path))
    for number in range(12):
        site.put(f"{number:02d}.md", article(number, number + 1, [TOPICS[number % 3]]))
    first = site.build()
    assert [stem for stem, _, _ in custom(first)] == [
        "channels/mixed", "channels/quality", "channels/sevens", "channels/sport-only",
    ]  # fmt: skip
    # Mixed: AI (0, 3, 6, 9) or Lucky (3 by its title, 7 and 11 by their bodies), not Climate (11).
    assert custom(first)[0][1:] == (5, ("Story 9 on day 10", "Story 7 on day 8"))
    site.put("07.md", article(7, 14, ["Climate"]))  # still Lucky by its body, but Climate now
    result = site.build()
    assert result.replanned
    assert custom(result)[0][1:] == (4, ("Story 9 on day 10", "Story 6 on day 7"))
    assert custom(result)[2][2][:2] == ("Story 7 on day 14", "Story 6 on day 7")  # Sevens
    site.put("07.md", article(7, 8, ["Space", "Sport"]))  # a new topic: planned from every file
    result = site.build()
    assert not result.replanned and custom(result)[3][1] == 1


@pytest.mark.parametrize("kind", [Site, LiveContent], ids=["cli", "web app"])
@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_changes_build_what_a_build_from_nothing_builds(tmp_path_factory, kind, operations) -> None:  # type: ignore[no-untyped-def]
    site = configure(kind(tmp_path_factory.mktemp("site")))
    for number in range(10):
        site.put(f"{number:02d}.md", article(number, number + 1, [TOPICS[number % 3]]))
    site.build()
    for operation, number, day in operations:
        name = f"{number:02d}.md"
        exists = (site.content / name).exists()
        if operation == "edit" or (operation == "add" and not exists):
            site.put(name, article(number, day, [TOPICS[number % 3]]))
        elif operation == "topics":
            site.put(name, article(number, day, [TOPICS[day % 3], *(["ai", "Sport"] if day > 25 else [])]))
        elif operation == "draft":
            site.put(name, article(number, day, [TOPICS[number % 3]], draft=day % 2 == 0))
        elif operation == "share":
            site.put(name, article(number, day, [TOPICS[number % 3]], related=day % 14))
        elif operation == "delete" and exists:
            (site.content / name).unlink()
        elif operation == "break":
            site.put(name, "---\ntitle: [broken\n---\n")
        elif operation == "rename" and exists:
            (site.content / name).rename(site.content / f"{number:02d}-moved.md")
        site.build()  # checked against a build from nothing
