"""One test per known feedgen 1.0.0 pitfall, on a tiny site (see feeds/_feedgen.py)."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest
from lxml import etree

from feeds.model import Image
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.plan.entries import convert
from feeds.render.site import render_site
from feeds.source.parse import parse_article
from tests.conftest import make_article
from tests.conftest import make_settings

NS = {"a": "http://www.w3.org/2005/Atom", "media": "http://search.yahoo.com/mrss/"}
OLD = datetime(2001, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    articles = [
        make_article(1, published=OLD, images=(Image("https://i.example.com/p.png", 640, 480),)),
        make_article(
            2,
            published=datetime(2001, 5, 1, tzinfo=timezone.utc),
            url="https://news.example.com/2?utm_source=feed",
            provider=Provider("Outlet", "outlet.example.com"),
            related=(
                RelatedItem(
                    "Rel", "https://r.example.com/1", published=datetime(2001, 4, 1, tzinfo=timezone.utc)
                ),
            ),
        ),
        make_article(3, published=datetime(2001, 5, 3, tzinfo=timezone.utc)),
    ]
    return render_site(convert(articles, make_settings()), make_settings())


def atom(documents: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(documents["all.atom"])


def rss(documents: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(documents["all.rss"])


def test_updated_and_last_build_date_are_newest_entry_not_now(documents: dict[str, bytes]) -> None:
    assert atom(documents).findtext("a:updated", namespaces=NS) == "2001-05-06T07:08:09+00:00"
    assert rss(documents).findtext("channel/lastBuildDate") == "Sun, 06 May 2001 07:08:09 +0000"
    this_year = str(datetime.now(timezone.utc).year)
    for data in documents.values():
        assert this_year.encode() not in data


def test_entries_appended_in_sorted_order_not_prepended(documents: dict[str, bytes]) -> None:
    titles = atom(documents).xpath("a:entry/a:title/text()", namespaces=NS)
    assert titles == ["Article 1", "Article 3", "Article 2", "Rel"]
    assert [i.findtext("title") for i in rss(documents).iter("item")] == titles


def test_rss_channel_link_is_html_alternate_and_self_is_atom_link(documents: dict[str, bytes]) -> None:
    channel = rss(documents).find("channel")
    assert channel.findtext("link") == "https://feeds.example.org/"
    self_links = channel.xpath("a:link[@rel='self']/@href", namespaces=NS)
    assert self_links == ["https://feeds.example.org/all.rss"]


def test_naive_datetime_in_input_is_made_aware() -> None:
    data = b"---\ntitle: T\npublishedDateTime: 2021-03-05 14:00:00\n---\n"
    article, _ = parse_article(data, "a.md", 0.0)
    assert article.published == datetime(2021, 3, 5, 14, 0, tzinfo=timezone.utc)
    documents = render_site(convert([article], make_settings()), make_settings())
    assert b"2021-03-05T14:00:00+00:00" in documents["all.atom"]


def test_guid_permalink_true_only_when_guid_is_the_link(documents: dict[str, bytes]) -> None:
    guids = {i.findtext("title"): i.find("guid") for i in rss(documents).iter("item")}
    assert guids["Article 1"].get("isPermaLink") == "true"
    # Link keeps utm_source; the id is the canonical URL without it: not the same, so not a permalink.
    assert guids["Article 2"].text == "https://news.example.com/2"
    assert guids["Article 2"].get("isPermaLink") == "false"


def test_atom_entry_links_keep_rel_and_type(documents: dict[str, bytes]) -> None:
    entries = {e.findtext("a:title", namespaces=NS): e for e in atom(documents).iterfind("a:entry", NS)}

    def links(title: str) -> list[tuple[str, str | None, str | None]]:
        found = entries[title].iterfind("a:link", NS)
        return [(link.get("rel", "alternate"), link.get("type"), link.get("href")) for link in found]

    assert links("Article 1") == [
        ("alternate", None, "https://news.example.com/1"),
        ("enclosure", "image/png", "https://i.example.com/p.png"),
    ]
    assert ("related", None, "https://r.example.com/1") in links("Article 2")
    assert ("via", None, "https://news.example.com/2?utm_source=feed") in links("Rel")
    for title in entries:
        assert [rel for rel, _, _ in links(title)].count("alternate") <= 1


def test_media_without_group(documents: dict[str, bytes]) -> None:
    for root in (atom(documents), rss(documents)):
        assert not root.xpath("//media:group", namespaces=NS)
        content = root.xpath("//media:content", namespaces=NS)
        assert [(c.get("url"), c.get("width"), c.get("height"), c.get("medium")) for c in content] == [
            ("https://i.example.com/p.png", "640", "480", "image")
        ]


def test_an_entry_with_many_topics_gets_every_category() -> None:
    """Categories go into feedgen in one call: one call per category is quadratic in feedgen."""
    topics = tuple(f"Topic {n}" for n in range(300))
    settings = make_settings()
    site = convert([make_article(1, topics=topics, category="news")], settings)
    everything = render_site(site, settings)
    entry = atom(everything).find("a:entry", NS)
    assert entry is not None
    terms = [c.get("term") for c in entry.findall("a:category", NS)]
    assert terms == sorted((f"Topic {n}" for n in range(300)), key=str.casefold) + ["news"]
    item = rss(everything).find("channel/item")
    assert item is not None
    assert len(item.findall("category")) == 301
