"""A new ``min_quality`` changes an entry's "More coverage" list (related items below it are left
out), so a build after it renders that entry again: in the current feeds, its page and its
archive month. The documents kept their old lists, for good (found by an outside probe's
differential fuzzer of incremental builds)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from feeds.build.builder import SiteBuilder
from feeds.model import ArchiveMode
from feeds.model import EntryContent
from feeds.model import RelatedMode
from tests.conftest import make_settings

PARENT = """---
title: Parent story
publishedDateTime: 2021-02-10T10:00:00Z
{url}related:
  - title: Low quality coverage
    webUrl: https://other.example.net/r/2
    publishedDateTime: 2021-02-09T10:00:00Z
    quality: 10
---
Body.
"""
OLDER = (
    "---\ntitle: Older\npublishedDateTime: 2021-01-05T10:00:00Z\nwebUrl: https://example.org/s/0\n---\nB\n"
)


def _site(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name != ".feeds-output"
    }


@pytest.mark.parametrize("related", [RelatedMode.LINKS, RelatedMode.ENTRIES])
@pytest.mark.parametrize(("before", "after"), [(None, 20.0), (20.0, None), (20.0, 5.0)])
@pytest.mark.parametrize("url", ["webUrl: https://example.org/s/1\n", ""])  # a page of its own without
def test_a_new_min_quality_renders_the_entries_it_changes(
    tmp_path: Path, related: RelatedMode, before: float | None, after: float | None, url: str
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(PARENT.format(url=url), encoding="utf-8")
    (tmp_path / "content" / "b.md").write_text(OLDER, encoding="utf-8")
    settings = make_settings(
        content_dir=tmp_path / "content", output_dir=tmp_path / "public", archives=ArchiveMode.MONTHLY,
        archive_content=EntryContent.FULL, related=related, min_quality=before,
    )  # fmt: skip
    SiteBuilder(settings).publish()
    changed = dataclasses.replace(settings, min_quality=after)
    SiteBuilder(changed).publish()
    clean = dataclasses.replace(changed, output_dir=tmp_path / "clean" / "public")
    SiteBuilder(clean).publish()
    kept, fresh = _site(tmp_path / "public"), _site(tmp_path / "clean" / "public")
    assert kept.keys() == fresh.keys()
    assert [path for path in kept if kept[path] != fresh[path]] == []
    shutil.rmtree(tmp_path / "clean")
