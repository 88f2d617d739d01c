"""An image's ``alt`` text reaches the entry's content (it was written ``alt=""``, as if the image
said nothing: an outside probe of posts from other tools)."""

from __future__ import annotations

from pathlib import Path

import feedparser

from feeds.build import build_site
from feeds.source.parse import parse_article
from tests.conftest import make_settings

ARTICLE = """\
---
title: With a described image
publishedDateTime: 2024-03-05T10:00:00Z
webUrl: https://news.example.com/a
topics: [AI]
images:
  - url: https://img.example.com/small.png
    width: 10
    height: 10
    alt: A thumbnail
  - url: https://img.example.com/chart.png
    width: 800
    height: 600
    alt: "Chart of <b>sales</b> & \\"costs\\",\\n rising"
---
Body.
"""


def _parse(text: str) -> tuple[object, list[str]]:
    article, problems = parse_article(text.encode(), "a.md", 0)
    return article, [str(p) for p in problems]


def test_alt_is_read_as_plain_text_on_one_line() -> None:
    article, problems = _parse(ARTICLE)
    assert problems == []
    assert [image.alt for image in article.images] == ["A thumbnail", 'Chart of sales & "costs", rising']  # type: ignore[attr-defined]


def test_other_tools_alt_is_read_too() -> None:
    for fields in (
        "image:\n  path: https://i.example.com/a.png\n  alt: Chirpy's\n",
        "cover:\n  image: https://i.example.com/a.png\n  alt: Chirpy's\n",
    ):
        article, problems = _parse(f"---\ntitle: T\ndate: 2021-03-01\n{fields}---\nB\n")
        assert ([image.alt for image in article.images], problems) == (["Chirpy's"], [])  # type: ignore[attr-defined]


def test_an_alt_that_is_no_text_is_a_warning_and_a_long_one_is_cut() -> None:
    article, problems = _parse(
        "---\ntitle: T\ndate: 2021-03-01\nimages: [{url: https://i.example.com/a.png, alt: [1]}]\n---\n"
    )
    assert [image.alt for image in article.images] == [""]  # type: ignore[attr-defined]
    assert problems == ["a.md:4: images item 1: alt must be text, not a list; left out"]
    article, problems = _parse(
        f"---\ntitle: T\ndate: 2021-03-01\nimages: [{{url: https://i.example.com/a.png, alt: {'word ' * 400}}}]\n---\n"
    )
    assert len(article.images[0].alt) <= 1000  # type: ignore[attr-defined]
    assert problems == [
        "a.md:4: images item 1's alt has 1,999 characters, over the limit of 1,000; it is cut"
    ]


def test_a_built_feed_shows_the_largest_image_with_its_alt(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(ARTICLE, encoding="utf-8")
    result = build_site(make_settings(content_dir=content, output_dir=tmp_path / "public"))
    assert not result.errors
    atom = feedparser.parse(result.documents["all.atom"])
    html = atom.entries[0].content[0].value
    assert 'src="https://img.example.com/chart.png"' in html
    assert 'alt="Chart of sales &amp; &quot;costs&quot;, rising"' in html
