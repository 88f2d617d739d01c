"""An article's links to its related items ("More coverage" and ``rel="related"``) name each
story once, never the article itself, and none that ``min_quality`` leaves out, in every format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import feedparser
import pytest

from feeds.build.pipeline import build_site
from feeds.model import RelatedMode
from tests.conftest import make_settings

PARENT = """---
title: Parent story
date: 2021-01-01
webUrl: https://news.example.com/parent
quality: 80
related:
  - {title: The parent again, webUrl: "https://NEWS.example.com/parent#top"}
  - {title: Other outlet, webUrl: "https://other.example.com/story", quality: 60}
  - {title: Other outlet tracked, webUrl: "https://other.example.com/story?utm_source=feed"}
  - {title: Low score, webUrl: "https://low.example.com/story", quality: 5}
  - {title: Third, webUrl: "https://third.example.com/story"}
---
Body.
"""


@pytest.fixture(params=[RelatedMode.ENTRIES, RelatedMode.LINKS])
def documents(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, bytes]:
    (tmp_path / "parent.md").write_text(PARENT)
    settings = dataclasses.replace(
        make_settings(), content_dir=tmp_path, min_quality=20.0, related=request.param
    )
    return dict(build_site(settings).documents)


def test_atom_related_links(documents: dict[str, bytes]) -> None:
    feed = feedparser.parse(documents["all.atom"])
    parent = next(e for e in feed.entries if e.title == "Parent story")
    related = [link.href for link in parent.links if link.rel == "related"]
    assert related == ["https://other.example.com/story", "https://third.example.com/story"]


def test_more_coverage_in_json_and_rss(documents: dict[str, bytes]) -> None:
    items = json.loads(documents["all.json"])["items"]
    parent = next(item for item in items if item["title"] == "Parent story")
    html = parent["content_html"]
    assert html.count("<li>") == 2
    assert "Other outlet</a>" in html and "Third</a>" in html
    for left_out in ("The parent again", "Other outlet tracked", "Low score"):
        assert left_out not in html
    rss = documents["all.rss"].decode()
    assert "The parent again" not in rss and "Low score" not in rss


def test_related_off_has_no_links(tmp_path: Path) -> None:
    (tmp_path / "parent.md").write_text(PARENT)
    settings = dataclasses.replace(make_settings(), content_dir=tmp_path, related=RelatedMode.OFF)
    assert b"More coverage" not in build_site(settings).documents["all.atom"]
