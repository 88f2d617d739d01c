"""Archive parts after a change of what splits them: a new ``max_bytes`` or a channel's new title
gives the parts a build from nothing gives, never the last build's count of parts (which lost
entries, or crashed every later build)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feeds.build.builder import SiteBuilder
from feeds.config import TopicSettings
from tests.test_archives import assert_chains_whole
from tests.test_archives import cold
from tests.test_archives import settings_for
from tests.test_archives import write_corpus


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content")
    return tmp_path


@pytest.mark.parametrize(("first", "then"), [(0, 9000), (9000, 0), (9000, 14000), (14000, 9000)])
def test_a_new_budget_splits_the_months_again(root: Path, first: int, then: int) -> None:
    SiteBuilder(settings_for(root, max_bytes=first, max_items=1)).build()
    settings = settings_for(root, max_bytes=then, max_items=1)
    result = SiteBuilder(settings).build()
    assert result.documents == cold(settings, root)
    assert_chains_whole(result)


def test_a_topic_budget_of_its_own_splits_that_topic_again(root: Path) -> None:
    settings = settings_for(root, max_bytes=0, max_items=1)
    assert not [p for p in ai_parts(SiteBuilder(settings).build().documents) if p.count("-") == 2]
    topics = {"AI": TopicSettings(max_bytes=9000)}
    settings = dataclasses.replace(settings, topics=topics)
    result = SiteBuilder(settings).build()
    assert [path for path in ai_parts(result.documents) if path.count("-") == 2]  # "2021-03-2"
    assert result.documents == cold(settings, root)
    assert_chains_whole(result)


def test_a_longer_title_splits_the_months_again(root: Path) -> None:
    settings = settings_for(root, max_bytes=9000, max_items=1)
    before = SiteBuilder(settings).build()
    topics = {"AI": TopicSettings(title="A" * 100, description="D" * 100)}
    settings = dataclasses.replace(settings, topics=topics)
    result = SiteBuilder(settings).build()
    # Longer heads leave less room for entries: more parts than before.
    assert len(ai_parts(result.documents)) > len(ai_parts(before.documents))
    assert result.documents == cold(settings, root)
    assert_chains_whole(result)


def ai_parts(documents: dict[str, bytes]) -> list[str]:
    return [path for path in documents if path.startswith("archives/topics/ai/") and path.endswith(".atom")]
