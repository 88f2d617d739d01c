"""What one format or the pages showed and another did not (an outside probe that compared every
field across Atom, RSS, JSON Feed and the HTML pages): ``category: AI`` in topic AI was one tag in
JSON Feed and two categories in Atom and RSS; an entry credited to its link's host in every feed
was credited to no one on the pages."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser

from feeds.build.builder import SiteBuilder
from tests.conftest import make_settings

ARTICLE = """---
title: Robots at work
webUrl: https://news.example.com/robots
publishedDateTime: 2021-02-16T03:47:00Z
topics: [AI]
category: AI
---
Body.
"""
OTHER = """---
title: Chips
webUrl: https://chips.example.org/a
publishedDateTime: 2021-02-15T03:47:00Z
topics: [AI]
category: Hardware
provider:
  name: Chip News
---
Body.
"""


def _site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "robots.md").write_text(ARTICLE)
    (content / "chips.md").write_text(OTHER)
    settings = make_settings(content_dir=content, output_dir=tmp_path / "public")
    SiteBuilder(settings).publish()
    return tmp_path / "public"


def test_a_category_named_as_a_topic_is_one_category_in_every_format(tmp_path: Path) -> None:
    public = _site(tmp_path)
    for name in ("all.atom", "all.rss"):
        entries = feedparser.parse((public / name).read_bytes()).entries
        shown = {entry.title: sorted(tag.term for tag in entry.tags) for entry in entries}
        # The topic's name in both: readers that show only Atom's term showed a slug (an outside probe).
        assert shown == {"Robots at work": ["AI"], "Chips": ["AI", "Hardware"]}, name
    items = json.loads((public / "all.json").read_text())["items"]
    assert {item["title"]: item["tags"] for item in items} == {
        "Robots at work": ["AI"],
        "Chips": ["AI", "Hardware"],
    }


def test_pages_credit_an_entry_as_the_feeds_do(tmp_path: Path) -> None:
    public = _site(tmp_path)
    atom = feedparser.parse((public / "all.atom").read_bytes()).entries
    assert {entry.title: entry.author for entry in atom} == {
        "Robots at work": "news.example.com",
        "Chips": "Chip News",
    }
    for page in ("all.html", "topics/ai.html", "index.html"):
        html = (public / page).read_text()
        assert "news.example.com" in html.replace("https://news.example.com/robots", ""), page
        assert "Chip News" in html, page
