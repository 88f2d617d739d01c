"""A right-to-left topic name is isolated wherever a page shows it (an outside probe found two
places where it was not: an archive month's breadcrumb, and the 404 page's list of topics),
so that neutral characters at its end (``?#``) stay on its side in a left-to-right line."""

from __future__ import annotations

import re
from pathlib import Path

from feeds.build.builder import SiteBuilder
from feeds.config import load_settings
from feeds.serve.app import create_app

ARTICLE = """---
title: Hello
webUrl: https://news.example.com/{n}
publishedDateTime: 2021-0{n}-16T03:47:00Z
topics: ["שלום עולם?#"]
---
Body.
"""


def _site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    for n in (1, 2):
        (tmp_path / "content" / f"a{n}.md").write_text(ARTICLE.format(n=n), encoding="utf-8")
    config = tmp_path / "feeds.yaml"
    config.write_text("site:\n  base_url: https://example.org/\narchives: monthly\n", encoding="utf-8")
    return config


def test_an_archive_month_s_breadcrumb_isolates_the_channel_s_name(tmp_path: Path) -> None:
    SiteBuilder(load_settings(_site(tmp_path))).publish()
    pages = list((tmp_path / "public" / "archives" / "topics").rglob("*.html"))
    assert pages
    for page in pages:
        crumbs = re.findall(r'<p class="crumbs">.*?</p>', page.read_text(encoding="utf-8"))
        assert len(crumbs) == 1 and crumbs[0].endswith('dir="auto">שלום עולם?#</a></p>'), page


def test_the_404_page_isolates_topic_names(tmp_path: Path) -> None:
    app = create_app(_site(tmp_path))
    try:
        answer = app.test_client().get("/no/such/page")
        assert answer.status_code == 404
        assert "<li><bdi>שלום עולם?#</bdi>:" in answer.get_data(as_text=True)
    finally:
        app.extensions["feeds"].stop()
