"""RSS's plain-text elements (titles, categories, creators) write "&" and "<" as the RSS Profile
asks, as hexadecimal character references: with "&lt;" the W3C validator warns (CharacterData)
that a reader may take the text for HTML (an outside probe). Readers get the same text."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feeds.build.builder import SiteBuilder
from feeds.render.context import rss_plain_text
from feeds.render.context import rss_text
from tests.test_archives import settings_for

#: As written; a title's markup ("<b>") is dropped and its references read ("&amp;").
WRITTEN = "Styling <select> & <b>bold</b> text &amp; more"
TITLE = "Styling <select> & bold text & more"
TOPIC = "R&D <labs>"
ARTICLE = """---
title: '{title}'
webUrl: https://news.example.com/{number}
publishedDateTime: 2021-0{month}-04T05:06:07Z
excerpt: A summary & <more>
provider: {{name: "Smith & Sons <news>", domain: news.example.com}}
topics: ['{topic}']
---
Body.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "content").mkdir()
    for number in range(1, 6):  # more than max_items (3): the older ones are in archives
        text = ARTICLE.format(title=WRITTEN, topic=TOPIC, number=number, month=number)
        (root / "content" / f"{number}.md").write_text(text, encoding="utf-8")
    settings = settings_for(root)
    assert SiteBuilder(settings).publish().written
    return settings.output_dir


def rss_documents(output: Path) -> list[Path]:
    documents = sorted(output.rglob("*.rss"))
    assert any("archives" in path.parts for path in documents) and len(documents) >= 4
    return documents


def test_plain_text_elements_use_hexadecimal_references(site: Path) -> None:
    for path in rss_documents(site):
        data = path.read_text(encoding="utf-8")
        for element in ("title", "category", "dc:creator"):
            for text in re.findall(rf"<{element}(?: [^>]*)?>([^<]*)</{element}>", data):
                assert "&lt;" not in text and "&amp;" not in text, (path, element, text)
        assert "<title>Styling &#x3C;select&gt; &#x26; bold text &#x26; more</title>" in data, path
        assert "R&#x26;D &#x3C;labs&gt;" in data and "Smith &#x26; Sons &#x3C;news&gt;" in data, path


def test_readers_get_the_same_text(site: Path) -> None:
    for path in rss_documents(site):
        root = etree.parse(str(path)).getroot()
        item = root.find("channel/item")
        assert item is not None and item.findtext("title") == TITLE, path
        assert [c.text for c in item.findall("category")] == [TOPIC], path
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Smith & Sons <news>", path
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo and parsed.entries[0].title == TITLE, path


def test_descriptions_are_html_and_stay_escaped(site: Path) -> None:
    data = (site / "all.rss").read_text(encoding="utf-8")
    assert "<description>A summary &amp;amp; &amp;lt;more&amp;gt;</description>" in data


@pytest.mark.parametrize("text", ["", "plain", "a & b", "<x>", "&amp;", "&#x26;", "a<b>&c"])
def test_the_document_rewrite_matches_the_writer(text: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    document = f"<rss><channel><title>{escaped}</title><description>{escaped}</description>".encode()
    rewritten = rss_plain_text(document)
    assert (
        rewritten
        == f"<rss><channel><title>{rss_text(text)}</title><description>{escaped}</description>".encode()
    )
    assert etree.fromstring(rewritten + b"</channel></rss>").findtext("channel/title") == text
