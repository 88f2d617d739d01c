"""Round trips: parse every feed of the sample site and compare each field with the model."""

from __future__ import annotations

import calendar
import html
import json
import struct
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from urllib.parse import unquote

import feedparser
import pytest
from lxml import etree

from feeds.build.result import BuildResult
from feeds.model import Channel
from feeds.model import Entry
from feeds.model import Format
from feeds.model import RelatedItem
from feeds.output.check import check_documents
from feeds.plan.entries import convert
from feeds.render.site import render_site
from feeds.urls import canonical_url
from tests.conftest import make_article
from tests.conftest import make_settings
from tests.conftest import without_own_script
from tests.test_roundtrip import to_ms

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
NS = {"a": ATOM_NS, "media": MEDIA_NS}
RELAX_NG = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
BASE = "https://feeds.example.org/"
ROOT = Path(__file__).resolve().parent.parent


def channels(sample: BuildResult) -> list[Channel]:
    return list(sample.site.channels)


def parsed(sample: BuildResult, channel: Channel, fmt: Format) -> feedparser.FeedParserDict:
    result = feedparser.parse(sample.documents[f"{channel.stem}.{fmt.value}"])
    assert not result.bozo, result.get("bozo_exception")
    return result


def text_documents(sample: BuildResult) -> dict[str, bytes]:
    """Every document but our icons (PNG, fixed package data)."""
    return {name: data for name, data in sample.documents.items() if not name.endswith(".png")}


def timestamp(struct: object) -> int:
    return calendar.timegm(struct)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", [Format.ATOM, Format.RSS])
def test_every_entry_round_trips_through_feedparser(sample: BuildResult, fmt: Format) -> None:
    for channel in channels(sample):
        feed = parsed(sample, channel, fmt)
        assert feed.feed.title == channel.title
        assert len(feed.entries) == len(channel.entries)
        for got, entry in zip(feed.entries, channel.entries, strict=True):
            assert_entry(got, entry, fmt)


def assert_entry(got: feedparser.FeedParserDict, entry: Entry, fmt: Format) -> None:
    assert got.id == entry.id
    assert got.title == entry.title
    assert timestamp(got.published_parsed) == int(entry.published.timestamp())
    if entry.url:
        assert got.link == entry.url
    else:  # its page in the site
        assert entry.page is not None
        assert got.link == BASE + quote(entry.page)
    if entry.summary:
        # RSS <description> is HTML, so the plain-text excerpt arrives HTML-escaped.
        assert (got.summary if fmt is Format.ATOM else html.unescape(got.summary)) == entry.summary
        content = got.content[0].value
    else:  # RSS: with no excerpt, the content is the <description>
        content = got.content[0].value if fmt is Format.ATOM else got.summary
    assert content.startswith("<p>")
    topic_labels = {t.name for t in entry.topics}
    labels = {tag.term for tag in got.get("tags", [])}
    assert topic_labels <= labels
    if entry.provider is not None:
        assert got.author == entry.provider.name
    if entry.image is not None:
        assert got.media_content[0]["url"] == entry.image.url
        assert got.media_thumbnail[0]["url"] == entry.image.url
        if entry.image.width:
            assert got.media_content[0]["width"] == str(entry.image.width)
        enclosures = [link for link in got.get("links", []) if link.get("rel") == "enclosure"]
        assert [link["href"] for link in enclosures] == [entry.image.url]
    if fmt is Format.ATOM:
        rels = [
            (link["rel"], link["href"]) for link in got.get("links", []) if link["rel"] in ("related", "via")
        ]
        expected = [("related", link.url) for link in entry.related]
        expected += [("via", entry.via.url)] if entry.via else []
        assert rels == expected
        alternates = [link for link in got.get("links", []) if link["rel"] == "alternate"]
        assert len(alternates) == 1


@pytest.mark.parametrize("fmt", list(Format))
def test_every_entry_of_every_feed_has_a_link(sample: BuildResult, fmt: Format) -> None:
    """Readers open an entry by its link (JSON Feed: ``url`` "should be present regardless"); an
    article without a URL of its own links to its page in the site, which the build makes."""
    to_pages = 0
    for name in sorted(name for name in sample.documents if name.endswith(f".{fmt.value}")):
        if fmt is Format.JSON:
            links = [item.get("url") for item in json.loads(sample.documents[name])["items"]]
        else:
            feed = feedparser.parse(sample.documents[name])
            assert not feed.bozo, name
            links = [entry.get("link") for entry in feed.entries]
        assert links, name
        for link in links:
            assert link and link.startswith(("https://", "http://")), name
            if link.startswith(f"{BASE}entries/"):
                assert unquote(link.removeprefix(BASE)) in sample.documents, link
                to_pages += 1
    assert to_pages >= 2  # the sample's two plain-text articles, in all.* at least


def test_entry_links_in_rss_and_atom_are_the_page_for_an_article_without_url(sample: BuildResult) -> None:
    atom = etree.fromstring(sample.documents["all.atom"])
    rss = etree.fromstring(sample.documents["all.rss"])
    for entry in sample.site.everything.entries:
        expected = entry.url or BASE + quote(entry.page or "")
        atom_entry = atom.xpath("a:entry[a:id=$id]", id=entry.id, namespaces=NS)[0]
        alternates = atom_entry.xpath("a:link[not(@rel) or @rel='alternate']/@href", namespaces=NS)
        assert alternates == [expected]
        item = rss.xpath("channel/item[guid=$id]", id=entry.id)[0]
        assert item.findtext("link") == expected
        # The id stays the article's own: only the link is the page.
        assert item.find("guid").get("isPermaLink") == ("true" if entry.url == entry.id else "false")


@pytest.mark.parametrize("fmt", list(Format))
def test_feed_links_self_and_one_alternate_the_page(sample: BuildResult, fmt: Format) -> None:
    """An Atom or RSS feed's one alternate link is its page, an Atom feed's first link: readers take
    the first alternate, the last, or the first link of any kind for the feed's website, and links
    to the other formats as alternates sent them to an RSS document (an outside probe). JSON Feed
    names the other formats in its own extension."""
    for channel in channels(sample):
        topic = channel.topic
        self_url = f"{BASE}{channel.stem}.{fmt.value}"
        html_url = BASE + (f"topics/{topic.slug}.html" if topic else "")
        siblings = {f"{BASE}{channel.stem}.{other.value}" for other in Format if other is not fmt}
        if fmt is Format.JSON:
            feed = json.loads(sample.documents[f"{channel.stem}.json"])
            assert feed["feed_url"] == self_url
            assert feed["home_page_url"] == html_url
            assert {a["url"] for a in feed["_feeds"]["alternates"]} == siblings
            continue
        links = parsed(sample, channel, fmt).feed.links
        assert [link["href"] for link in links if link["rel"] == "self"] == [self_url]
        assert [link["href"] for link in links if link["rel"] == "alternate"] == [html_url]
        if fmt is Format.ATOM:
            first = etree.fromstring(sample.documents[f"{channel.stem}.atom"]).find(f"{{{ATOM_NS}}}link")
            assert first is not None and first.get("href") == html_url and first.get("type") == "text/html"


@pytest.mark.parametrize(
    ("logo", "favicon", "image"),
    [
        ("https://e.org/logo.jpg", "https://e.org/f.ico", "https://e.org/logo.jpg"),
        ("https://e.org/logo.svg", "https://e.org/f.png", "https://e.org/f.png"),
        ("https://e.org/logo.svg", "https://e.org/f.ico", None),
        (None, "https://e.org/f.GIF?v=2", "https://e.org/f.GIF?v=2"),
    ],
)
def test_the_rss_image_is_a_gif_jpeg_or_png(logo: str | None, favicon: str, image: str | None) -> None:
    """RSS 2.0: <image>'s url "is the URL of a GIF, JPEG or PNG image"; an SVG logo went in as it
    was (an outside probe). The logo, else the favicon, else none."""
    settings = make_settings(site={"logo": logo, "favicon": favicon})
    site = convert([make_article(1)], settings)
    rss = etree.fromstring(render_site(site, settings)["all.rss"])
    assert rss.findtext("channel/image/url") == image


def test_rss_channel_link_is_the_html_page_not_the_self_link(sample: BuildResult) -> None:
    root = etree.fromstring(sample.documents["topics/space.rss"])
    assert root.findtext("channel/link") == f"{BASE}topics/space.html"


def test_feed_updated_is_newest_entry_not_build_time(sample: BuildResult) -> None:
    for channel in channels(sample):
        newest = int(channel.entries[0].published.timestamp())
        atom = parsed(sample, channel, Format.ATOM)
        rss = parsed(sample, channel, Format.RSS)
        assert timestamp(atom.feed.updated_parsed) == newest
        assert timestamp(rss.feed.updated_parsed) == newest  # lastBuildDate


def test_entries_newest_first(sample: BuildResult) -> None:
    for channel in channels(sample):
        dates = [e.published for e in channel.entries]
        assert dates == sorted(dates, reverse=True)
        root = etree.fromstring(sample.documents[f"{channel.stem}.atom"])
        ids = root.xpath("a:entry/a:id/text()", namespaces=NS)
        assert ids == [e.id for e in channel.entries]


def test_rss_guid_is_permalink_only_when_it_is_the_link(sample: BuildResult) -> None:
    root = etree.fromstring(sample.documents["all.rss"])
    items = root.findall("channel/item")
    assert items
    for item in items:
        guid = item.find("guid")
        is_link = guid.text == item.findtext("link")
        assert guid.get("isPermaLink") == ("true" if is_link else "false")
    assert {i.find("guid").get("isPermaLink") for i in items} == {"true", "false"}


@pytest.mark.parametrize("stem", ["all", "topics/space", "topics/ai"])
def test_atom_is_valid_against_rfc4287_schema(sample: BuildResult, stem: str) -> None:
    doc = etree.fromstring(sample.documents[f"{stem}.atom"])
    assert RELAX_NG.validate(doc), RELAX_NG.error_log


def test_every_atom_document_is_valid(sample: BuildResult) -> None:
    for name, data in sample.documents.items():
        if name.endswith(".atom"):
            assert RELAX_NG.validate(etree.fromstring(data)), (name, RELAX_NG.error_log)


def test_namespaces_declared_on_root_and_no_media_group(sample: BuildResult) -> None:
    for name, data in sample.documents.items():
        if not name.endswith((".atom", ".rss")):
            continue
        root = etree.fromstring(data)
        if not name.startswith("archives/"):  # archives carry no Media RSS
            assert root.nsmap.get("media") == MEDIA_NS
        if name.endswith(".rss"):
            assert root.nsmap["atom"] == ATOM_NS
            assert root.nsmap["dc"] == "http://purl.org/dc/elements/1.1/"
        # Every namespace used anywhere is declared on the root, not element by element.
        used = {etree.QName(el).namespace for el in root.iter() if etree.QName(el).namespace}
        assert used <= set(root.nsmap.values())
        assert all(el.nsmap == root.nsmap for el in root.iter())
        assert not root.xpath("//media:group", namespaces=NS)


def test_check_finds_no_problem_in_sample(sample: BuildResult) -> None:
    assert check_documents(sample.documents) == []


def test_json_feed_items_match_model(sample: BuildResult) -> None:
    for channel in channels(sample):
        feed = json.loads(sample.documents[f"{channel.stem}.json"])
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] == channel.title
        assert [item["id"] for item in feed["items"]] == [e.id for e in channel.entries]
        for item, entry in zip(feed["items"], channel.entries, strict=True):
            assert item["title"] == entry.title
            assert item["url"] == (entry.url or BASE + quote(entry.page or ""))
            assert datetime.fromisoformat(item["date_published"]) == to_ms(entry.published)
            assert item.get("summary", "") == entry.summary
            assert item.get("image") == (entry.image.url if entry.image else None)
            assert set(item.get("tags", [])) >= {t.name for t in entry.topics}
            assert item["content_html"]


def test_secured_and_unmapped_fields_never_reach_output(sample: BuildResult) -> None:
    secrets = [
        line.split(":", 1)[1].strip().strip('"')
        for path in sorted((ROOT / "content").iterdir())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("secured:")
    ]
    assert len(secrets) == 2
    leaks = [
        "secured",
        "isCached",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "outputType=amp",
        *secrets,
        *(s[:12] for s in secrets),
    ]
    for name, data in text_documents(sample).items():
        text = data.decode("utf-8")
        for leak in leaks:
            assert leak not in text, (name, leak)


def test_dangerous_markup_is_sanitised(sample: BuildResult) -> None:
    for name, data in text_documents(sample).items():
        text = without_own_script(data).decode("utf-8").lower()
        for bad in ("<script", "&lt;script", "onerror", "javascript:", "<iframe", "&lt;iframe"):
            assert bad not in text, (name, bad)


def test_related_item_entry_links_back_to_parent(sample: BuildResult) -> None:
    entries = {e.id: e for e in sample.site.everything.entries}
    related = [e for e in entries.values() if e.via is not None]
    assert related
    for entry in related:
        parent = next(p for p in entries.values() if p.url == entry.via.url)
        assert entry.topics == parent.topics or set(entry.topics) >= set(parent.topics)
        assert entry.id in {link.url and _canonical(link.url) for link in parent.related}


def _canonical(url: str) -> str:
    return canonical_url(url)


def test_more_coverage_list_in_article_content(sample: BuildResult) -> None:
    feed = json.loads(sample.documents["topics/space.json"])
    item = next(i for i in feed["items"] if "record-rideshare" in i.get("url", ""))
    assert "<h3>More coverage</h3>" in item["content_html"]
    assert item["content_html"].count("<li>") == 3


def test_opml_lists_subscribe_to_each_channel_once(sample: BuildResult) -> None:
    """Readers import every outline: each list holds each channel once, in one format."""
    lists = {"feeds.opml": Format.ATOM, "feeds-rss.opml": Format.RSS, "feeds-json.opml": Format.JSON}
    assert sorted(name for name in sample.documents if name.endswith(".opml")) == sorted(lists)
    for name, fmt in lists.items():
        root = etree.fromstring(sample.documents[name])
        outlines = root.findall("body/outline")
        assert [o.get("xmlUrl") for o in outlines] == [
            f"{BASE}{c.stem}.{fmt.value}" for c in channels(sample)
        ]
        assert [o.get("title") for o in outlines] == [c.title for c in channels(sample)]
        assert all(o.get("type") == "rss" and o.get("htmlUrl", "").startswith(BASE) for o in outlines)
        assert root.findtext("head/title") == f"Feeds sample site ({fmt.label})"


def test_no_two_entries_of_an_atom_feed_share_updated(sample: BuildResult) -> None:
    """The W3C validator warns (DuplicateUpdated) when they do. The sample's two undated articles
    are dated by file times within one second of each other, which their fractions tell apart."""
    for name in (name for name in sample.documents if name.endswith(".atom")):
        root = etree.fromstring(sample.documents[name])
        updated = root.xpath("a:entry/a:updated/text()", namespaces=NS)
        assert len(updated) == len(set(updated)), name
    root = etree.fromstring(sample.documents["all.atom"])
    undated = root.xpath("a:entry[starts-with(a:id, 'urn:uuid:')]/a:updated/text()", namespaces=NS)
    assert undated == ["2021-03-15T12:00:00.700+00:00", "2021-03-15T12:00:00+00:00"]


@pytest.mark.parametrize("name", ["feeds.opml", "feeds-rss.opml", "feeds-json.opml"])
def test_opml_head_has_only_elements_the_validator_knows(name: str, sample: BuildResult) -> None:
    """The W3C Feed Validation Service reports ``<docs>`` as an undefined head element (an error)."""
    root = etree.fromstring(sample.documents[name])
    assert root.find("head/docs") is None
    assert [child.tag for child in root.find("head")] == ["title", "dateModified", "ownerName"]


def test_opml_names_hold_no_markup_and_keep_their_ampersands() -> None:
    """OPML readers and the W3C validator may read an outline's text as HTML, where a topic named
    by an article ``<img src=x onerror=alert(1)>`` was live (an outside probe)."""
    settings = make_settings()
    articles = [
        make_article(1, topics=("<img src=x onerror=alert(1)>",)),
        make_article(2, topics=("Law & Order",)),
    ]
    root = etree.fromstring(render_site(convert(articles, settings), settings)["feeds.opml"])
    names = {o.get("text") for o in root.iter("outline")}
    assert {"Test site: &lt;img src=x onerror=alert(1)&gt;", "Test site: Law & Order"} <= names
    assert all(
        o.get("title") == o.get("text") and "<" not in o.get("description", "") for o in root.iter("outline")
    )


def test_one_format_one_opml_list() -> None:
    settings = make_settings(formats=(Format.RSS,))
    documents = render_site(convert([make_article(1)], settings), settings)
    assert [name for name in documents if name.endswith(".opml")] == ["feeds.opml"]
    root = etree.fromstring(documents["feeds.opml"])
    assert root.findtext("head/title") == settings.site.title
    assert {o.get("xmlUrl", "").rsplit(".", 1)[1] for o in root.iter("outline")} == {"rss"}


def test_index_page_has_topics_counts_and_autodiscovery(sample: BuildResult) -> None:
    page = etree.HTML(sample.documents["index.html"])
    discovered = {link.get("href") for link in page.iter("link") if link.get("rel") == "alternate"}
    feeds = {
        BASE + name
        for name in sample.documents
        if name.endswith((".atom", ".rss", ".json")) and not name.startswith("archives/")
    }
    assert discovered == feeds
    for channel in sample.site.topics:
        assert channel.topic is not None
        section = page.find(f".//section[@id='{channel.topic.slug}']")
        assert section is not None, channel.topic.slug
        assert section.findtext("h2/a") == channel.topic.name
        assert section.find("h2/a").get("href") == f"{channel.stem}.html"
        assert f"{channel.total} entr" in "".join(section.itertext())
        hrefs = {a.get("href") for a in section.iter("a")}
        assert {f"{channel.stem}.{f.value}" for f in Format} <= hrefs
        latest = [li.xpath("string(.)") for li in section.findall("ol/li")]
        assert latest and latest[0].startswith(channel.entries[0].title)


def test_icon_and_logo_when_configured() -> None:

    settings = make_settings(
        site={"icon": "https://feeds.example.org/icon.png", "logo": "https://feeds.example.org/logo.png"}
    )
    documents = render_site(convert([make_article(1)], settings), settings)
    atom = etree.fromstring(documents["all.atom"])
    assert atom.findtext("a:icon", namespaces=NS) == "https://feeds.example.org/icon.png"
    assert atom.findtext("a:logo", namespaces=NS) == "https://feeds.example.org/logo.png"
    rss = etree.fromstring(documents["all.rss"])
    assert rss.findtext("channel/image/url") == "https://feeds.example.org/logo.png"
    assert rss.findtext("channel/image/link") == BASE
    feed = json.loads(documents["all.json"])
    # JSON Feed wants both square; the wide logo is not used there.
    assert (feed["icon"], feed["favicon"]) == ("https://feeds.example.org/icon.png",) * 2
    assert RELAX_NG.validate(atom), RELAX_NG.error_log


def test_without_icons_in_the_config_the_site_gets_ours(sample: BuildResult) -> None:
    """JSON Feed 1.1: publishers should give the top-level icon and favicon. Ours are fixed package
    data, written into the site, and every feed points at them."""
    for name, size in (("icon.png", 512), ("favicon.png", 64)):
        data = sample.documents[name]
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
        assert struct.unpack(">II", data[16:24]) == (size, size)
        assert data == (ROOT / "feeds" / "render" / "templates" / name).read_bytes()
    for channel in channels(sample):
        feed = json.loads(sample.documents[f"{channel.stem}.json"])
        assert (feed["icon"], feed["favicon"]) == (f"{BASE}icon.png", f"{BASE}favicon.png")
        atom = etree.fromstring(sample.documents[f"{channel.stem}.atom"])
        assert atom.findtext("a:icon", namespaces=NS) == f"{BASE}favicon.png"  # small and square
        assert atom.find("a:logo", namespaces=NS) is None  # a logo is wide: none is configured
        rss = etree.fromstring(sample.documents[f"{channel.stem}.rss"])
        assert rss.findtext("channel/image/url") == f"{BASE}favicon.png"  # at most 144 px wide


@pytest.mark.parametrize(
    ("site", "icon", "favicon", "ours"),
    [
        (
            {"favicon": "https://cdn.example/f.png"},
            f"{BASE}icon.png",
            "https://cdn.example/f.png",
            ["icon.png"],
        ),
        ({"icon": "https://cdn.example/i.png"}, "https://cdn.example/i.png", "https://cdn.example/i.png", []),
        ({"icon": f"{BASE}icon.png"}, f"{BASE}icon.png", f"{BASE}icon.png", ["icon.png"]),
    ],
)
def test_configured_icons_replace_ours(
    site: dict[str, str], icon: str, favicon: str, ours: list[str]
) -> None:
    """An icon serves as the favicon too; ours are written only where a feed points at them."""
    settings = make_settings(site=site)
    documents = render_site(convert([make_article(1)], settings), settings)
    feed = json.loads(documents["all.json"])
    assert (feed["icon"], feed["favicon"]) == (icon, favicon)
    assert etree.fromstring(documents["all.atom"]).findtext("a:icon", namespaces=NS) == favicon
    assert sorted(name for name in documents if name.endswith(".png")) == ours


def test_empty_site_renders_valid_documents_dated_1970() -> None:

    documents = render_site(convert([], make_settings()), make_settings())
    assert sorted(documents) == [
        "all.atom", "all.html", "all.json", "all.rss", "favicon.png", "feeds-json.opml", "feeds-rss.opml",
        "feeds.opml", "icon.png", "index.html",
    ]  # fmt: skip
    assert check_documents(documents) == []
    atom = etree.fromstring(documents["all.atom"])
    assert RELAX_NG.validate(atom), RELAX_NG.error_log
    assert atom.findtext("a:updated", namespaces=NS) == "1970-01-01T00:00:00+00:00"


def test_an_entry_without_a_provider_is_credited_to_its_links_host_not_the_site() -> None:
    """A feed's author is every entry's that has none of its own (RFC 4287 §4.2.1): SimplePie,
    FreshRSS's parser, credited the site's newsroom with other outlets' stories. An entry that is
    the site's own page (no link of its own) stays the site's."""
    settings = make_settings(site={"author": "Our newsroom"})
    related = (
        RelatedItem("Analysts weigh in", "https://www.analysts.example.net/5g"),
        RelatedItem("Bücher", "https://xn--bcher-kva.example/a"),
    )
    articles = [
        make_article(1, url="https://news.example.com/1", related=related),
        make_article(2, url=None, title="Our own note"),
    ]
    documents = render_site(convert(articles, settings), settings)
    atom = etree.fromstring(documents["all.atom"])
    authors = {
        entry.findtext("a:title", namespaces=NS): entry.findtext("a:author/a:name", namespaces=NS)
        for entry in atom.iterfind("a:entry", NS)
    }
    assert authors == {
        "Analysts weigh in": "analysts.example.net",
        "Bücher": "bücher.example",  # its host in punycode, its name for people
        "Article 1": "news.example.com",
        "Our own note": None,
    }
    assert atom.findtext("a:author/a:name", namespaces=NS) == "Our newsroom"
    rss = etree.fromstring(documents["all.rss"])
    creators = {
        item.findtext("title"): item.findtext("{http://purl.org/dc/elements/1.1/}creator")
        for item in rss.iter("item")
    }
    assert creators == {
        "Analysts weigh in": "analysts.example.net",
        "Bücher": "bücher.example",  # its host in punycode, its name for people
        "Article 1": "news.example.com",
        "Our own note": None,
    }
    items = {item["title"]: item.get("authors") for item in json.loads(documents["all.json"])["items"]}
    assert items["Analysts weigh in"] == [{"name": "analysts.example.net"}]
    assert items["Our own note"] is None
