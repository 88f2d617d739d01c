"""The warning for two topic names with one slug names the file by its path, as every other
warning does, and says when the names differ only in how Unicode writes the same letters."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest

from feeds.build.pipeline import build_site
from feeds.config import TopicSettings
from tests.conftest import make_settings


def _article(folder: Path, name: str, topic: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"---\ntitle: {name}\ndate: 2021-01-01\ntopics: [{topic}]\n---\nBody.\n")


def _merge_warnings(content: Path) -> list[str]:
    settings = dataclasses.replace(make_settings(), content_dir=content)
    return [w for w in build_site(settings).warnings if "merged into" in w]


def test_names_the_file_by_its_path(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content / "a", "first.md", "Open Source")
    _article(content / "b", "second.md", "open-source")
    [warning] = _merge_warnings(content)
    assert warning.startswith(f"{content / 'b' / 'second.md'}: topic 'open-source' has the same slug")
    assert "Unicode" not in warning


def test_says_when_only_the_unicode_form_differs(tmp_path: Path) -> None:
    content = tmp_path / "content"
    _article(content, "first.md", unicodedata.normalize("NFC", "Café"))
    _article(content, "second.md", unicodedata.normalize("NFD", "Café"))
    [warning] = _merge_warnings(content)
    assert warning.startswith(f"{content / 'second.md'}: ")
    assert "(the same letters, in another Unicode form)" in warning


def test_a_topic_named_all_and_one_named_all_topic_stay_two(tmp_path: Path) -> None:
    """ "all" (reserved for the feed of everything) takes the slug "all-topic": "All Topic" was
    merged into it with a warning that two names share a slug (an outside probe)."""
    content = tmp_path / "content"
    _article(content, "a.md", "all")
    _article(content, "b.md", "All Topic")
    settings = dataclasses.replace(make_settings(), content_dir=content)
    result = build_site(settings)
    assert not [w for w in result.warnings if "merged into" in w]
    stems = {channel.stem for channel in result.site.channels if channel.topic is not None}
    assert len(stems) == 2 and "topics/all-topic" in stems, stems


@pytest.mark.parametrize(("written", "configured"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_a_topics_options_are_taken_whichever_unicode_form_names_it(
    tmp_path: Path, written: str, configured: str
) -> None:
    """``Café`` written with ``e`` and an accent took no options from ``topics.Café`` (composed),
    with a warning showing the same-looking name three times (an outside probe)."""
    content = tmp_path / "content"
    _article(content, "a.md", unicodedata.normalize(written, "Café"))  # type: ignore[arg-type]
    name = unicodedata.normalize(configured, "Café")  # type: ignore[arg-type]
    settings = dataclasses.replace(
        make_settings(), content_dir=content, topics={name: TopicSettings(title="Coffee!")}
    )
    result = build_site(settings)
    assert not [w for w in result.warnings if "topics." in w], result.warnings
    [topic] = [channel for channel in result.site.channels if channel.topic is not None]
    assert topic.title == "Coffee!"
