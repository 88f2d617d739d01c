"""The pages for people: one per channel, and the index, as a browser reads them without running
anything (the browser test in test_browser.py runs them)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from lxml import etree

from feeds.build.pipeline import BuildResult
from feeds.model import Format
from feeds.render.pages import COPY_SCRIPT
from feeds.render.pages import HTML_POLICY
from feeds.render.pages import PAGE_POLICY

BASE = "https://feeds.example.org/"


def page(sample: BuildResult, path: str) -> etree._Element:
    return etree.HTML(sample.documents[path])


def pages(sample: BuildResult) -> list[str]:
    return sorted(path for path in sample.documents if path.endswith(".html"))


def test_every_channel_has_a_page_with_its_entries_in_feed_order(sample: BuildResult) -> None:
    for channel in sample.site.channels:
        root = page(sample, f"{channel.stem}.html")
        assert root.findtext(".//h1") == channel.title
        articles = root.findall(".//main/article")
        assert len(articles) == len(channel.entries) > 0
        for article, entry in zip(articles, channel.entries, strict=True):
            heading = article.find("h2")
            assert heading.xpath("string(.)") == entry.title
            link = heading.find("a")
            assert (link.get("href") if link is not None else None) == entry.url
            assert article.find(".//time").get("datetime") == entry.published.isoformat()
            if entry.summary:
                assert entry.summary in article.xpath("string(.)")
            for related in entry.related:
                assert related.url in {a.get("href") for a in article.iter("a")}


def test_pages_offer_every_feed_address_to_copy(sample: BuildResult) -> None:
    for channel in sample.site.channels:
        root = page(sample, f"{channel.stem}.html")
        fields = root.findall(".//ul[@class='subscribe']/li/input")
        assert [f.get("value") for f in fields] == [f"{BASE}{channel.stem}.{fmt.value}" for fmt in Format]
        assert all(f.get("readonly") is not None for f in fields)
        buttons = root.findall(".//ul[@class='subscribe']/li/button")
        assert [b.get("data-copy") for b in buttons] == [f.get("id") for f in fields]
        discovered = [link.get("href") for link in root.iter("link") if link.get("rel") == "alternate"]
        assert discovered == [f.get("value") for f in fields]


def test_index_offers_every_channel_and_the_opml_list(sample: BuildResult) -> None:
    root = page(sample, "index.html")
    values = [field.get("value") for field in root.iter("input")]
    expected = [f"{BASE}{c.stem}.{fmt.value}" for c in sample.site.channels for fmt in Format]
    assert values == expected
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert "feeds.opml" in {a.get("href") for a in root.find(".//header").iter("a")}
    topic_pages = [a.get("href") for a in root.findall(".//section/h2/a")]
    assert topic_pages == [f"{c.stem}.html" for c in sample.site.channels]


def test_relative_links_on_every_page_lead_to_documents_of_the_site(sample: BuildResult) -> None:
    for path in pages(sample):
        root = page(sample, path)
        hrefs = [a.get("href") for a in root.iter("a")]
        relative = [href for href in hrefs if not urlsplit(href).scheme]
        assert relative, path
        for href in relative:
            target = urlsplit(urljoin(BASE + path, href))
            assert target.netloc == urlsplit(BASE).netloc, (path, href)
            assert target.path.removeprefix("/") in sample.documents, (path, href)
        for href in hrefs:
            assert urlsplit(href).scheme in ("", "http", "https"), (path, href)


def test_pages_run_only_our_script_and_say_so_in_their_policy(sample: BuildResult) -> None:
    digest = base64.b64encode(hashlib.sha256(COPY_SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in PAGE_POLICY
    assert HTML_POLICY.startswith(PAGE_POLICY)
    for path in pages(sample):
        root = page(sample, path)
        scripts = root.findall(".//script")
        assert [s.text for s in scripts] == [COPY_SCRIPT], path
        meta = root.find(".//meta[@http-equiv='Content-Security-Policy']")
        assert meta.get("content") == PAGE_POLICY
        handlers = [name for e in root.iter() for name in e.attrib if name.lower().startswith("on")]
        assert handlers == [], path


@pytest.mark.parametrize("path", ["index.html", "all.html", "topics/ai.html"])
def test_pages_are_valid_utf8_html5_with_a_language_and_a_viewport(sample: BuildResult, path: str) -> None:
    text = sample.documents[path].decode("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', text)
    assert text.count("<h1>") == 1
