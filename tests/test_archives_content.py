"""What archived entries carry: content only where both ``archive_content`` and the channel's own
``entry_content`` (its own, else its topic's, else the site's) are ``full``. A summary channel's
archives, walked from its feeds (RFC 5005 ``prev-archive``, JSON Feed ``next_url``), never give
its partners the full text its feeds leave out; and an incremental build after a channel's
``entry_content`` changes gives the bytes of a build from nothing."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeds.build.builder import SiteBuilder
from feeds.build.pipeline import build_site
from feeds.channel_config import ChannelSettings
from feeds.config import Settings
from feeds.config import TopicSettings
from feeds.model import EntryContent
from tests.test_archives import assert_chains_whole
from tests.test_archives import settings_for
from tests.test_archives import write_corpus

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
FULL, SUMMARY = EntryContent.FULL, EntryContent.SUMMARY
STORY = re.compile(r"Story (\d+)")


def partners(content: EntryContent | None) -> ChannelSettings:
    """A channel of every entry, as a publisher gives partners to republish."""
    return ChannelSettings("Partners", "partners", entry_content=content)


#: How summary channels come about, each with the stems of its summary and its full channels.
CASES: dict[str, tuple[dict[str, object], list[str], list[str]]] = {
    "channel": (
        {"channels": (partners(SUMMARY), ChannelSettings("Everything", "everything"))},
        ["channels/partners"],
        ["channels/everything", "all", "topics/ai"],
    ),
    "topic": (
        {"topics": {"AI": TopicSettings(entry_content=SUMMARY)}},
        ["topics/ai"],
        ["all", "topics/space", "topics/climate"],
    ),
    "site": (
        {
            "entry_content": SUMMARY,
            "topics": {"Space": TopicSettings(entry_content=FULL)},
            "channels": (partners(FULL),),
        },
        ["all", "topics/ai", "topics/climate"],
        ["topics/space", "channels/partners"],
    ),
}


def archives_of(documents: Mapping[str, bytes], stem: str, ext: str) -> list[bytes]:
    found = [
        body for path, body in documents.items() if re.fullmatch(rf"archives/{stem}/[\d-]+\.{ext}", path)
    ]
    assert found, f"{stem}: no .{ext} archive"
    return found


def story(title: str) -> int | None:
    """The number of an article's own entry (``Story N``); None for a related item's."""
    match = STORY.fullmatch(title)
    return int(match.group(1)) if match else None


def assert_summary_archives(documents: Mapping[str, bytes], stem: str) -> None:
    """Every entry of every archive of ``stem``: its summary, and no content element."""
    for body in archives_of(documents, stem, "atom"):
        assert b"Body of story" not in body
        parsed = feedparser.parse(body)
        assert not parsed.bozo and parsed.entries
        for entry in parsed.entries:
            assert "content" not in entry, entry.id
            if story(entry.title) is not None:
                assert entry.summary == f"The excerpt of story {story(entry.title)}"
        for entry in etree.fromstring(body).iter(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}content") is None
            assert entry.findtext(f"{ATOM}summary")
    for body in archives_of(documents, stem, "rss"):
        assert b"Body of story" not in body
        items = list(etree.fromstring(body).iter("item"))
        assert items
        for item in items:
            assert item.find(CONTENT) is None, item.findtext("guid")
            number = story(item.findtext("title") or "")
            if number is not None:
                assert item.findtext("description") == f"The excerpt of story {number}"
    for body in archives_of(documents, stem, "json"):
        items = json.loads(body)["items"]
        assert items
        for item in items:
            assert "content_html" not in item, item["id"]
            assert item["content_text"] and "Body of story" not in item["content_text"]
            number = story(item["title"])
            if number is not None:
                assert item["content_text"] == f"The excerpt of story {number}"


def text(number: int | None) -> str:
    """The start of an article's content (more coverage, its related items, may follow)."""
    return f"<p>Body of story {number}.</p>"


def assert_full_archives(documents: Mapping[str, bytes], stem: str) -> None:
    """Every article's entry in every archive of ``stem`` carries the article's text."""
    for body in archives_of(documents, stem, "atom"):
        entries = feedparser.parse(body).entries
        assert entries
        for entry in entries:
            if story(entry.title) is not None:
                assert entry.content[0].value.startswith(text(story(entry.title)))
    for body in archives_of(documents, stem, "rss"):
        for item in etree.fromstring(body).iter("item"):
            number = story(item.findtext("title") or "")
            if number is not None:
                assert (item.findtext(CONTENT) or "").startswith(text(number))
    for body in archives_of(documents, stem, "json"):
        for item in json.loads(body)["items"]:
            if story(item["title"]) is not None:
                assert item["content_html"].startswith(text(story(item["title"])))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "content")
    return tmp_path


@pytest.mark.parametrize("case", CASES)
def test_full_archives_carry_content_only_for_channels_whose_feeds_do(root: Path, case: str) -> None:
    options, summaries, fulls = CASES[case]
    settings = settings_for(root, archive_content=FULL, max_items=50, **options)
    documents = build_site(settings).documents
    for stem in summaries:
        assert b"Body of story" not in documents[f"{stem}.atom"]  # as its current feeds
        assert_summary_archives(documents, stem)
    for stem in fulls:
        assert_full_archives(documents, stem)
    # The summary form is the one every channel's archives have with archive_content: summary.
    summary_site = build_site(dataclasses.replace(settings, archive_content=SUMMARY)).documents
    for stem in fulls:
        assert_summary_archives(summary_site, stem)
    for path, body in documents.items():
        if any(path.startswith(f"archives/{stem}/") for stem in summaries):
            assert body == summary_site[path], path


def cold(settings: Settings, root: Path) -> dict[str, bytes]:
    """The files a publish from nothing (another output folder, no cache) writes."""
    shutil.rmtree(root / "cold", ignore_errors=True)
    SiteBuilder(dataclasses.replace(settings, output_dir=root / "cold" / "public"), use_cache=False).publish()
    return read_folder(root / "cold" / "public")


def read_folder(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("before", "after"), [(FULL, SUMMARY), (SUMMARY, FULL), (None, SUMMARY)])
def test_a_build_after_a_channel_changes_its_entry_content_is_a_build_from_nothing(
    root: Path, before: EntryContent | None, after: EntryContent
) -> None:
    settings = settings_for(root, archive_content=FULL, channels=(partners(before),))
    SiteBuilder(settings).publish()
    old = read_folder(root / "public")
    (assert_summary_archives if before is SUMMARY else assert_full_archives)(old, "channels/partners")
    changed = dataclasses.replace(settings, channels=(partners(after),))
    result = SiteBuilder(changed).build()
    assert result.documents == build_site(dataclasses.replace(changed, output_dir=root / "x")).documents
    SiteBuilder(changed).publish()  # the archives left in the output folder are not taken as they are
    new = read_folder(root / "public")
    assert new == cold(changed, root)
    (assert_summary_archives if after is SUMMARY else assert_full_archives)(new, "channels/partners")
    assert_full_archives(new, "all")
    assert all(new[path] == body for path, body in old.items() if path.startswith("archives/all/"))


@pytest.mark.parametrize("max_bytes", [1_000_000, 9000])
def test_an_edit_in_a_site_of_summary_and_full_channels_gives_the_bytes_of_a_cold_build(
    root: Path, max_bytes: int
) -> None:
    """The month is made again from the fragments of each kind cut out of the last build's
    documents: a summary channel's, without content, and a full channel's, with."""
    settings = settings_for(
        root, archive_content=FULL, max_bytes=max_bytes, channels=(partners(SUMMARY),), max_items=1
    )
    SiteBuilder(settings).publish()
    path = root / "content" / "007.md"
    path.write_text(path.read_text().replace("Story 7", "Story 7b"), encoding="utf-8")
    SiteBuilder(settings).publish()
    site = read_folder(root / "public")
    assert site == cold(settings, root)
    assert_summary_archives(site, "channels/partners")
    assert_full_archives(site, "all")
    if max_bytes == 9000:
        assert [p for p in site if p.startswith("archives/channels/partners/2021-02-")], "not split"
    result = SiteBuilder(settings).build()
    assert result.rendered == 0
    assert_chains_whole(result)
