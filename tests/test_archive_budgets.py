"""Archive parts after a change of what splits them: a new ``max_bytes`` or a channel's new title
gives the parts a build from nothing gives, never the last build's count of parts (which lost
entries, or crashed every later build)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from feeds.build.builder import SiteBuilder
from feeds.config import TopicSettings
from tests.test_archives import article
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
    settings = settings_for(root, max_bytes=10_000, max_items=1)
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


def test_a_closed_month_stays_the_same_as_the_newest_month_gains_parts(root: Path) -> None:
    """RFC 5005 §4: archive documents are stable. The month before links to the newest month's
    oldest part, whose name stays as the month gains entries and parts."""
    settings = settings_for(root, max_bytes=9000, max_items=1)
    before = SiteBuilder(settings).build().documents
    june = [path for path in before if path.startswith("archives/all/2021-06")]
    for number in range(100, 112):  # twelve more stories in June, the newest month
        text = article(number, 6, 28, ["AI"], related=2)
        (root / "content" / f"{number:03d}.md").write_text(text, encoding="utf-8")
    result = SiteBuilder(settings).build()
    after = result.documents
    assert len([p for p in after if p.startswith("archives/all/2021-06")]) > len(june)
    # Every channel that had June already (a channel's newest month before gets a newer one now).
    with_june = {path.rsplit("/", 1)[0] for path in before if "/2021-06" in path}
    closed = [p for p in before if p.rsplit("/", 1)[0] in with_june and "/2021-06" not in p]
    assert closed and all(after[path] == before[path] for path in closed)
    assert after == cold(settings, root)
    assert_chains_whole(result)
