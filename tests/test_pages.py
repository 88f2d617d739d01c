"""The pages for people: one per channel, and the index, as a browser reads them without running
anything (the browser test in test_browser.py runs them)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from urllib.parse import quote
from urllib.parse import urljoin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from feeds.build.result import BuildResult
from feeds.model import Format
from feeds.model import Image
from feeds.model import Provider
from feeds.model import RelatedItem
from feeds.plan.entries import convert
from feeds.render.entry_html import entry_html as feed_entry_html
from feeds.render.entry_html import page_html
from feeds.render.pages import COPY_SCRIPT
from feeds.render.pages import HTML_POLICY
from feeds.render.pages import PAGE_POLICY
from feeds.render.pages import shown_time
from feeds.render.site import render_site
from tests.conftest import make_article
from tests.conftest import make_settings

BASE = "https://feeds.example.org/"


def same_instant(attribute: str, when: datetime) -> bool:
    """Whether a ``<time datetime>`` names ``when`` to the millisecond, as HTML lets it."""
    return datetime.fromisoformat(attribute) == when.replace(microsecond=when.microsecond // 1000 * 1000)


def page(sample: BuildResult, path: str) -> etree._Element:
    return etree.HTML(sample.documents[path])


def pages(sample: BuildResult) -> list[str]:
    return sorted(path for path in sample.documents if path.endswith(".html"))


def test_every_channel_has_a_page_with_its_entries_in_feed_order(sample: BuildResult) -> None:
    for channel in sample.site.channels:
        root = page(sample, f"{channel.stem}.html")
        all_articles = ": all articles" if channel.is_everything else ""
        assert root.findtext(".//h1") == channel.title + all_articles
        articles = root.findall(".//main/article")
        assert len(articles) == len(channel.entries) > 0
        for article, entry in zip(articles, channel.entries, strict=True):
            heading = article.find("h2")
            assert heading.xpath("string(.)") == entry.title
            link = heading.find("a")
            target = urljoin(BASE + channel.stem + ".html", link.get("href"))
            assert target == (entry.url or BASE + quote(entry.page or ""))
            assert same_instant(article.find(".//time").get("datetime"), entry.published)
            if entry.summary:
                assert entry.summary in article.xpath("string(.)")
            for related in entry.related:
                assert related.url in {a.get("href") for a in article.iter("a")}


def test_every_article_without_a_url_has_a_page(sample: BuildResult) -> None:
    """Title, date, outlet, topics, the body, the related items; linked from the index page and
    from every channel page that lists it."""
    linkless = {
        entry.id: entry for channel in sample.site.channels for entry in channel.entries if not entry.url
    }
    assert len(linkless) == 2
    assert sorted(entry.page or "" for entry in linkless.values()) == sorted(sample.site.pages.values())
    for entry in linkless.values():
        assert entry.page is not None and entry.page.startswith("entries/")
        root = page(sample, entry.page)
        assert root.findtext(".//h1") == entry.title
        assert root.findtext(".//title") == entry.title
        muted = root.find(".//header/p[@class='muted']")
        assert same_instant(muted.find("time").get("datetime"), entry.published)
        assert entry.provider is not None and entry.provider.name in muted.xpath("string(.)")
        assert [a.get("href") for a in muted.iter("a")] == [f"../{t.stem}.html" for t in entry.topics]
        paragraphs = [p.xpath("string(.)") for p in root.findall(".//main/article/p")]
        assert paragraphs == [part.strip() for part in entry.body.split("\n\n")]
        for channel in sample.site.channels:
            if entry in channel.entries:
                listing = page(sample, f"{channel.stem}.html")
                hrefs = {urljoin(BASE + channel.stem + ".html", a.get("href")) for a in listing.iter("a")}
                assert BASE + entry.page in hrefs, channel.stem
        index = {urljoin(BASE, a.get("href")) for a in page(sample, "index.html").iter("a")}
        assert BASE + entry.page in index


def test_entry_page_shows_topics_and_related_items_and_is_the_via_of_them() -> None:
    settings = make_settings()
    related = (
        RelatedItem("Another outlet's take", "https://other.example/take", provider=Provider("Other")),
    )
    image = (Image("https://cdn.example/lead.jpg", 800, 600),)
    article = make_article(
        1, url=None, title="Council votes on a budget", topics=("AI", "Space"), related=related, images=image,
        body="First paragraph.\n\nSee [the minutes](https://council.example/minutes) and [notes](notes.html).",
    )  # fmt: skip
    site = convert([article], settings)
    documents = render_site(site, settings)
    path = "entries/council-votes-on-a-budget.html"
    assert dict(site.pages) == {"001.md": path}
    root = etree.HTML(documents[path])
    muted = root.find(".//header/p[@class='muted']")
    assert [(a.get("href"), a.text) for a in muted.iter("a")] == [
        ("../topics/ai.html", "AI"), ("../topics/space.html", "Space"),
    ]  # fmt: skip
    content = root.find(".//main/article")
    hrefs = [a.get("href") for a in content.iter("a")]
    # A relative link has no base to resolve against (the article has no URL): its href is dropped.
    assert hrefs == ["https://council.example/minutes", None, "https://other.example/take"]
    assert content.find("h2").text == "More coverage"
    assert content.find(".//img") is None  # the page loads nothing from elsewhere; the feeds keep it
    assert b'<img src="https://cdn.example/lead.jpg"' in documents["all.json"].replace(b'\\"', b'"')
    # The related item, an entry of its own, comes "via" the article's page.
    atom = etree.fromstring(documents["topics/space.atom"])
    via = atom.xpath("a:entry/a:link[@rel='via']/@href", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert via == [BASE + path]
    listing = page_of(documents, "topics/space.html")
    assert "../" + path in {a.get("href") for a in listing.iter("a")}
    # Autodiscovery offers everything and the entry's own topics.
    alternates = [link.get("href") for link in root.iter("link") if link.get("rel") == "alternate"]
    assert alternates == [
        f"{BASE}{stem}.{fmt.value}" for stem in ("all", "topics/ai", "topics/space") for fmt in Format
    ]


def test_entry_pages_of_equal_titles_are_told_apart_in_path_order() -> None:
    """The first in path order keeps the slug; the next skip "-2", which a third title has as its
    own; a slug in any script is percent-encoded in the feeds' links."""
    settings = make_settings()
    titles = {1: "東京 ニュース", 2: "東京 ニュース", 3: "東京 ニュース 2"}
    site = convert([make_article(n, url=None, title=title) for n, title in titles.items()], settings)
    assert dict(site.pages) == {
        "001.md": "entries/東京-ニュース.html",
        "002.md": "entries/東京-ニュース-3.html",
        "003.md": "entries/東京-ニュース-2.html",
    }
    documents = render_site(site, settings)
    assert set(site.pages.values()) <= set(documents)
    links = json.loads(documents["all.json"])["items"]
    assert {item["id"]: item["url"] for item in links} == {
        entry.id: BASE + quote(entry.page or "") for entry in site.everything.entries
    }
    assert all(item["url"].isascii() for item in links)


def page_of(documents: dict[str, bytes], path: str) -> etree._Element:
    return etree.HTML(documents[path])


def test_pages_offer_every_feed_address_to_copy(sample: BuildResult) -> None:
    for channel in sample.site.channels:
        root = page(sample, f"{channel.stem}.html")
        fields = root.findall(".//ul[@class='subscribe']/li/input")
        assert [f.get("value") for f in fields] == [f"{BASE}{channel.stem}.{fmt.value}" for fmt in Format]
        assert all(f.get("readonly") is not None for f in fields)
        buttons = root.findall(".//ul[@class='subscribe']/li/button")
        assert [b.get("data-copy") for b in buttons] == [f.get("id") for f in fields]
        # Each button says what it copies, beginning with what it shows (WCAG 2.5.3): a screen
        # reader listing the page's buttons heard "Copy" twelve times.
        names = [b.get("aria-label") or "" for b in buttons]
        assert all(
            name.startswith(b.text) and channel.title in name for name, b in zip(names, buttons, strict=True)
        )
        assert len(set(names)) == len(names)
        discovered = [link.get("href") for link in root.iter("link") if link.get("rel") == "alternate"]
        assert discovered == [f.get("value") for f in fields]


def test_the_index_and_every_channel_page_have_titles_of_their_own(sample: BuildResult) -> None:
    """A page's title tells it apart (WCAG 2.4.2): the index and the page of every article, which
    both took the site's title, were one name in a browser's tabs and history."""
    paths = ["index.html", *(f"{channel.stem}.html" for channel in sample.site.channels)]
    titles = [page(sample, path).findtext(".//title") for path in paths]
    assert len(set(titles)) == len(titles), titles
    assert page(sample, "all.html").findtext(".//h1") == titles[paths.index("all.html")]


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


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "all.html",
        "topics/ai.html",
        "entries/minneapolis-bans-its-police-department-from-using-facial-recognition-software.html",
    ],
)
def test_pages_are_valid_utf8_html5_with_a_language_and_a_viewport(sample: BuildResult, path: str) -> None:
    text = sample.documents[path].decode("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', text)
    assert len(re.findall(r"<h1[ >]", text)) == 1


# HTML's valid global date and time string: at most three digits of a second's fraction.
_HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d)")


def test_every_time_element_holds_a_date_html_accepts(sample: BuildResult) -> None:
    """The sample's plain-text articles are dated by their files' times, which have microseconds;
    the Nu HTML checker refuses more than three digits."""
    values = [t.get("datetime") for path in pages(sample) for t in page(sample, path).iter("time")]
    assert any("." in value for value in values)
    assert [v for v in values if not _HTML_DATETIME.fullmatch(v)] == []


def test_text_of_either_direction_is_laid_out_by_its_own_letters() -> None:
    """Titles, summaries and bodies come in any script: ``dir="auto"`` lets the browser lay out
    Hebrew or Arabic right to left within a page in English, and an author's own ``dir`` stays."""
    settings = make_settings()
    body = '<p dir="rtl" lang="ar">نص عربي</p>\n\n<p dir="sideways">x</p>\n\nשלום עולם'
    article = make_article(
        1,
        url=None,
        title="עיריית תל אביב",
        excerpt="סיכום",
        topics=("AI",),
        body=body,
        provider=Provider("מקור"),
    )
    documents = render_site(convert([article], settings), settings)
    entry = page_of(documents, "entries/עיריית-תל-אביב.html")
    assert entry.find(".//h1").get("dir") == "auto"
    content = entry.find(".//main/article")
    assert content.get("dir") == "auto"
    assert [(p.get("dir"), p.get("lang")) for p in content.findall("p")] == [
        ("rtl", "ar"),
        (None, None),
        (None, None),
    ]
    # The date line's outlet and topics too: in an English line, a run of Hebrew names came out
    # in reverse order.
    meta = entry.find(".//header/p[@class='muted']")
    assert [a.get("dir") for a in meta.iter("a")] == ["auto"]
    listing = page_of(documents, "topics/ai.html")
    assert listing.find(".//main/article/h2").get("dir") == "auto"
    assert listing.find(".//main/article/p[@class='muted']/bdi").text == "מקור"
    assert listing.find(".//main/article/p[@dir='auto']").text == "סיכום"
    index = page_of(documents, "index.html")
    assert [a.get("dir") for a in index.findall(".//ol[@class='latest']/li/a")] == ["auto", "auto"]
    atom = etree.fromstring(documents["all.atom"])
    content_html = atom.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert '<p dir="rtl" lang="ar">' in content_html and "sideways" not in content_html


def test_no_two_elements_of_the_index_share_an_id() -> None:
    """A topic's section is named by its slug, the address fields by channel and format, the main
    part "main_content": "_" is in no slug, so no topic takes their ids ("address all atom", "Main")."""
    settings = make_settings()
    site = convert([make_article(1, topics=("address all atom", "Main", "AI"))], settings)
    ids = [element.get("id") for element in page_of(render_site(site, settings), "index.html").iter()]
    ids = [value for value in ids if value]
    assert "address-all-atom" in ids and "main" in ids  # a topic named "Main" beside <main>
    assert len(ids) == len(set(ids))


def test_every_page_starts_with_a_link_past_its_header(sample: BuildResult) -> None:
    for path in pages(sample):
        root = page(sample, path)
        skip = root.find(".//body/a")
        assert skip.get("class") == "skip" and skip.get("href") == "#main_content", path
        assert root.find(".//main").get("id") == "main_content", path


def test_archive_pages_offer_their_channels_current_feeds_to_subscribe_to(sample: BuildResult) -> None:
    """An archive no longer changes (RFC 5005, section 4): a reader subscribing from its page gets
    the channel's current feed. A month split into parts says which part the page holds."""
    archive_pages = [path for path in pages(sample) if path.startswith("archives/")]
    assert archive_pages
    for path in archive_pages:
        root = page(sample, path)
        channel = path.removeprefix("archives/").rsplit("/", 1)[0]
        alternates = [link.get("href") for link in root.iter("link") if link.get("rel") == "alternate"]
        assert alternates == [f"{BASE}{channel}.{fmt.value}" for fmt in Format], path
        assert len({link.get("title") for link in root.iter("link") if link.get("rel") == "alternate"}) == 3
    second = page(sample, "archives/topics/security/2021-02-2.html")
    assert "it keeps part 2 of the entries of 2021-02" in second.find(".//header").xpath("string(.)")
    first = page(sample, "archives/topics/security/2021-02.html")
    assert "it keeps part 1 of the entries of 2021-02" in first.find(".//header").xpath("string(.)")
    listing = page(sample, "topics/security.html")
    assert "2021-02 (part 2)" in [a.text for a in listing.iter("a")]


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", "2024-12-31 12:00 UTC"),
        ("Europe/Paris", "2024-12-31 13:00 CET"),
        ("Asia/Kathmandu", "2024-12-31 17:45 UTC+05:45"),
        ("America/St_Johns", "2024-12-31 08:30 NST"),
        ("Etc/GMT+12", "2024-12-31 00:00 UTC-12:00"),
    ],
)
def test_pages_show_times_in_the_sites_zone(zone: str, shown: str) -> None:
    assert shown_time(datetime.fromisoformat("2024-12-31T12:00:00+00:00"), ZoneInfo(zone)) == shown


def test_an_entry_pages_headings_are_below_its_title() -> None:
    """A body's ``# Heading`` was a second <h1> under the page's title, and its levels skipped on
    the page (an outside probe): on the page the body's highest heading is an <h2>, as is "More
    coverage"; the feeds' content keeps the author's levels."""
    settings = make_settings()
    article = make_article(
        1,
        body="# Top\n\nText.\n\n### Deeper\n\nMore text.\n",
        related=(RelatedItem(title="Elsewhere", url="https://other.example.com/x"),),
    )
    [entry, *_] = [e for e in convert([article], settings).channels[0].entries if e.via is None]
    page = page_html(entry)
    assert "<h2>Top</h2>" in page and "<h4>Deeper</h4>" in page and "<h2>More coverage</h2>" in page
    assert "<h1" not in page
    feed = feed_entry_html(entry)
    assert "<h1>Top</h1>" in feed and "<h3>Deeper</h3>" in feed and "<h3>More coverage</h3>" in feed


def test_an_entry_pages_images_are_their_descriptions() -> None:
    """The page loads no image; the author's description of one was lost with it (an outside
    probe). An image without one (decorative) leaves nothing; the feeds keep the images."""
    body = "![Bar chart: sales rose 40 %](https://cdn.example/c.png)\n\nRaw <img alt='a & <b>' src=x> <img src=y alt=''>"
    [entry] = convert([make_article(1, body=body)], make_settings()).channels[0].entries
    page = page_html(entry)
    assert "<img" not in page and "[Image: Bar chart: sales rose 40 %]" in page
    assert "[Image: a &amp; &lt;b&gt;]" in page and page.count("[Image:") == 2
    assert feed_entry_html(entry).count("<img") == 3
