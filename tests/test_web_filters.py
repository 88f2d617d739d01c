"""Filtered feeds in the web app: ?limit=, ?q=, ?provider=, ?min_quality=, and their cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from lxml import etree

import feeds.build.read
import feeds.serve.live
import feeds.serve.responses
import feeds.serve.snapshot
import feeds.serve.watch
from feeds.cli import cli
from feeds.serve.app import create_app
from feeds.serve.filters import FeedFilter
from feeds.source.summary import entry_key
from tests.helpers import ARTICLE
from tests.helpers import ATOM_SCHEMA
from tests.helpers import BROWSERS
from tests.helpers import edit
from tests.helpers import entries_of
from tests.helpers import live_site


def test_a_filtered_feed_in_a_browser_is_its_filtered_page(client: FlaskClient) -> None:
    browser = {"Accept": BROWSERS[1]}
    response = client.get("/topics/ai.atom?limit=2", headers=browser)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    root = etree.HTML(response.data)
    assert len(root.findall(".//main/article")) == 2
    addresses = [field.get("value") for field in root.iter("input")]
    assert addresses == [
        f"https://feeds.example.org/topics/ai.{ext}?limit=2" for ext in ("atom", "rss", "json")
    ]
    # The feed at the same URL is still the filtered feed for a reader.
    feed = feedparser.parse(client.get("/topics/ai.atom?limit=2").data)
    assert len(feed.entries) == 2


def test_a_channels_page_takes_its_feeds_filters(client: FlaskClient) -> None:
    """As a union's page does; a topic's page ignored them (a probe's find)."""
    browser = {"Accept": BROWSERS[1]}
    for query in ("limit=2", "q=nothing-matches-this"):
        page = client.get(f"/topics/ai.html?{query}")
        # At its own address, a page is the same for every client: shared caches may keep it.
        assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=300"
        assert page.headers["Vary"] == "Accept-Encoding"
        negotiated = client.get(f"/topics/ai.atom?{query}", headers=browser)
        assert page.data == negotiated.data
        assert negotiated.headers["Cache-Control"] == "private, max-age=300"
    assert len(etree.HTML(client.get("/topics/ai.html?limit=2").data).findall(".//main/article")) == 2
    assert client.get("/all.html?limit=0").status_code == 400
    assert client.get("/topics/ai.html?utm_source=x").data == client.get("/topics/ai.html").data


def test_a_filtered_page_says_it_is_filtered(client: FlaskClient) -> None:
    """It had the unfiltered page's title and heading, and said "No entries yet." of a filter that
    matched nothing (an outside probe)."""
    page = etree.HTML(client.get("/topics/ai.html?q=zzzz+yyyy").data)
    assert page.findtext(".//title").endswith(" (filtered)")
    assert page.findtext(".//header//code") == "q=yyyy zzzz"
    assert [a.get("href") for a in page.iterfind(".//header//p/a") if a.text == "Every entry"] == [
        "../topics/ai.html"
    ]
    assert page.findtext(".//main/p") == "No entries match this filter."
    plain = etree.HTML(client.get("/topics/ai.html").data)
    assert not plain.findtext(".//title").endswith("(filtered)") and plain.find(".//header//code") is None


def test_a_filtered_feeds_page_for_people_is_its_channels_page_with_the_filter(client: FlaskClient) -> None:
    """Its alternate link and JSON home_page_url named the unfiltered page (an outside probe)."""
    for path, page in (("/topics/ai", "topics/ai.html"), ("/all", "all.html")):
        atom = feedparser.parse(client.get(f"{path}.atom?limit=2").data).feed
        [alternate] = [
            link.href for link in atom.links if link.rel == "alternate" and link.type == "text/html"
        ]
        assert alternate == f"https://feeds.example.org/{page}?limit=2"
        assert feedparser.parse(client.get(f"{path}.rss?limit=2").data).feed.link == alternate
        assert client.get(f"{path}.json?limit=2").get_json()["home_page_url"] == alternate
        # the page at that address lists the feed's entries
        listed = etree.HTML(client.get(f"/{page}?limit=2").data).findall(".//main/article")
        assert len(listed) == 2


def test_a_filtered_feed_without_entries_is_dated_by_its_channel(client: FlaskClient) -> None:
    """Not 1970-01-01, which the W3C validator calls an implausible date."""
    dates = {"atom": "{http://www.w3.org/2005/Atom}updated", "rss": "channel/lastBuildDate"}
    for path in ("/all", "/topics/ai", "/topics/ai,security"):
        for fmt, element in dates.items():
            whole = etree.fromstring(client.get(f"{path}.{fmt}").data)
            empty = etree.fromstring(client.get(f"{path}.{fmt}?q=nothing-matches-this").data)
            assert not empty.findall(".//{http://www.w3.org/2005/Atom}entry") and not empty.findall(".//item")
            assert empty.findtext(element) == whole.findtext(element), (path, fmt)
            assert "2021" in empty.findtext(element)


def test_limit(client: FlaskClient) -> None:
    assert len(entries_of(client, "/all.atom").entries) == 23
    assert len(entries_of(client, "/all.atom?limit=2").entries) == 2
    full = entries_of(client, "/all.rss").entries
    assert [e.id for e in entries_of(client, "/all.rss?limit=5").entries] == [e.id for e in full[:5]]


def test_query_words_match_title_or_summary(client: FlaskClient) -> None:
    feed = entries_of(client, "/all.atom?q=Facial+RECOGNITION")
    assert feed.entries
    for entry in feed.entries:
        assert "facial" in (entry.title + entry.summary).lower()
    assert entries_of(client, "/all.atom?q=zzzznotthere").entries == []


@pytest.mark.parametrize(
    "feed_filter",
    [
        FeedFilter(words=("the",)),
        FeedFilter(words=("facial", "recognition")),
        FeedFilter(words=("a", "the"), min_quality=50),
        FeedFilter(provider="example news"),
        FeedFilter(provider="example-news.com", words=("a",)),
        FeedFilter(provider="techcrunch"),
        FeedFilter(words=("zzzz",)),
    ],
)
def test_filters_pick_what_a_test_of_every_entry_picks(client: FlaskClient, feed_filter: FeedFilter) -> None:
    """select tests a file's text once for all its entries; every feed must still get exactly
    the entries whose own text matches, in feed order."""
    snapshot = live_site(client.application).snapshot
    assert snapshot is not None
    search = snapshot.search
    texts = {source: text for shard in search.shards() for source, text in search.texts(shard).items()}
    matched = 0
    for feed in snapshot.feeds.values():
        refs = feed.channel.refs
        expected = []
        for ref in refs:
            provider, _, text = texts[ref[2][0]].split("\x1e")[ref[3][2]].partition("\t")
            if feed_filter.matches(ref[3][3], provider, text):  # stub quality
                expected.append(ref)
        shown, total = feed_filter.select(refs, 3, search)
        assert (shown, total) == (expected[:3], len(expected))
        matched += total
    assert matched or feed_filter.words == ("zzzz",)


def test_provider(client: FlaskClient) -> None:
    items = client.get("/all.json?provider=example+NEWS").get_json()["items"]
    assert items
    assert all(item["authors"][0]["name"] == "Example News" for item in items)
    by_domain = client.get("/all.json?provider=example-news.com").get_json()["items"]
    assert [i["id"] for i in by_domain] == [i["id"] for i in items]
    plain_text = entries_of(client, "/all.rss?provider=techcrunch").entries
    assert len(plain_text) == 1
    # Accents ignored, as a channel's providers ignore them (an outside probe of the docs).
    accented = client.get("/all.json?provider=Le+Quotidien+%C3%89nergie").get_json()["items"]
    assert accented and all(item["authors"][0]["name"] == "Le Quotidien Énergie" for item in accented)
    folded = client.get("/all.json?provider=le+quotidien++energie").get_json()["items"]
    assert [i["id"] for i in folded] == [i["id"] for i in accented]


def test_min_quality(client: FlaskClient) -> None:
    live = live_site(client.application)
    assert live.snapshot is not None
    everything = live.snapshot.result.site.everything.refs
    expected = [r[1] for r in everything if r[3][3] is None or r[3][3] >= 50]  # key; stub quality
    assert 0 < len(expected) < len(everything)
    feed = client.get("/all.json?min_quality=50").get_json()
    assert [entry_key(item["id"]) for item in feed["items"]] == expected


def test_a_filtered_feed_is_valid_and_names_itself(client: FlaskClient) -> None:
    response = client.get("/topics/ai.atom?q=ai&limit=3&utm_source=x&min_quality=10")
    document = etree.fromstring(response.data)
    etree.RelaxNG(etree.parse(str(ATOM_SCHEMA))).assertValid(document)
    feed = feedparser.parse(response.data)
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "https://feeds.example.org/topics/ai.atom?limit=3&min_quality=10&q=ai"
    assert feed.feed.id == self_link  # another feed than the unfiltered one
    rss = feedparser.parse(client.get("/topics/ai.rss?limit=3").data)
    assert any(link.href.endswith("/topics/ai.rss?limit=3") for link in rss.feed.links)


def test_filtered_feeds_are_cached(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    renders = []
    real = feeds.serve.snapshot.render_feed
    monkeypatch.setattr(feeds.serve.snapshot, "render_feed", lambda *a: renders.append(a) or real(*a))
    first = client.get("/all.atom?limit=4&q=the")
    second = client.get("/all.atom?q=THE&limit=4")  # same filter, other spelling
    assert first.data == second.data
    assert len(renders) == 1
    assert (
        client.get("/all.atom?limit=4&q=the", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit must be a whole number from 1 to 50"),
        ("limit=51", "limit must be a whole number from 1 to 50"),
        ("limit=abc", "limit must be a whole number from 1 to 50"),
        ("limit=-3", "limit must be a whole number from 1 to 50"),
        ("limit=99999999999999999999", "limit must be a whole number from 1 to 50"),
        ("limit=1&limit=2", "give limit once"),
        ("min_quality=high", "min_quality must be a number"),
        ("min_quality=nan", "min_quality must be a number"),
        ("min_quality=%EF%BC%95%EF%BC%90", "min_quality must be a number"),  # fullwidth 50
        ("min_quality=5_0", "min_quality must be a number"),
        ("min_quality=%2050", "min_quality must be a number"),
        ("min_quality=1e1", "min_quality must be a number"),
        ("q=%ff%fe", "the query must be UTF-8"),
        ("provider=caf%E9", "the query must be UTF-8"),
        ("q=", "q must not be empty"),
        ("q=" + "x" * 201, "q must be at most 200 characters"),
        ("provider=%20", "provider must not be empty"),
    ],
)
def test_bad_filter_values_get_400(client: FlaskClient, query: str, message: str) -> None:
    response = client.get(f"/topics/ai.atom?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.get_data(as_text=True)


def test_filters_are_ignored_on_pages(client: FlaskClient) -> None:
    assert client.get("/?limit=abc").data == client.get("/").data
    assert client.get("/feeds.opml?q=x").data == client.get("/feeds.opml").data


# -- errors ----------------------------------------------------------------------------------------


def test_filters_see_edits_additions_and_deletions(project: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    assert entries_of(client, "/all.atom?q=zebracorn").entries == []
    edit(project / "content" / ARTICLE, "title: ", "title: Zebracorn ")
    assert live.refresh()
    assert [e.title.split()[0] for e in entries_of(client, "/all.atom?q=zebracorn").entries] == ["Zebracorn"]
    shutil.copy(project / "content" / ARTICLE, project / "content" / "098-copy.md")
    (project / "content" / ARTICLE).unlink()
    assert live.refresh()
    assert len(entries_of(client, "/all.atom?q=zebracorn").entries) == 1  # the copy, same URL
    (project / "content" / "098-copy.md").unlink()
    assert live.refresh()
    assert entries_of(client, "/all.atom?q=zebracorn").entries == []


def test_a_filtered_feed_links_an_old_article_without_url_to_its_page(project: Path) -> None:
    """Filters pick from every entry, not only the newest max_items: an article without a URL that
    only a filtered feed shows has its page too, at the address the feed gives, with the bytes
    that ``feeds build`` writes there."""
    old = project / "content" / "zz_old.txt"
    old.write_text("Zebracorn seen in the archive – Old Gazette\n\nA very old story.\n", encoding="utf-8")
    os.utime(old, (946_684_800, 946_684_800))  # 2000-01-01: the oldest entry by far
    config = project / "config" / "feeds.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_items: 50", "max_items: 3"))
    app = create_app(config)
    try:
        client = app.test_client()
        assert "Zebracorn" not in {
            entry.title.split()[0] for entry in entries_of(client, "/all.atom").entries
        }
        [entry] = entries_of(client, "/all.atom?q=zebracorn").entries
        assert entry.link == "https://feeds.example.org/entries/zebracorn-seen-in-the-archive.html"
        page = client.get("/entries/zebracorn-seen-in-the-archive.html")
        assert page.status_code == 200
        assert b"<p>A very old story.</p>" in page.data
        [item] = json_items(client, "/all.json?q=zebracorn")
        assert item["url"] == entry.link
    finally:
        app.extensions["feeds"].stop()
    result = CliRunner().invoke(cli, ["build", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (project / "public" / "entries" / "zebracorn-seen-in-the-archive.html").read_bytes() == page.data


def json_items(client: FlaskClient, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200, response.data
    items: list[dict[str, object]] = response.get_json()["items"]
    return items


def test_q_ignores_accents_and_how_unicode_writes_them(client: FlaskClient) -> None:
    """``café`` typed decomposed (as macOS may send it) found nothing where the composed one found
    the entry (an outside probe); accents are ignored as channels' words ignore them."""
    composed = client.get("/all.json?q=caf%C3%A9s").get_json()["items"]
    assert "Coffee chain pilots camera-based queue counting in 40 cafés" in [
        item["title"] for item in composed
    ]
    for spelling in (
        "cafe%CC%81s",
        "cafes",
        "CAF%C3%89S",
        "%EF%BD%83%EF%BD%81%EF%BD%86%EF%BD%85%EF%BD%93",
    ):  # fullwidth
        assert client.get(f"/all.json?q={spelling}").get_json()["items"] == composed, spelling
    assert client.get("/all.json?q=caf%C3%A9s").get_json()["feed_url"].endswith("/all.json?q=cafes")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("1000000", "1000000"),
        ("72.5000001", "72.5000001"),
        ("72.50", "72.5"),
        ("050", "50"),
        ("0.00001", "0.00001"),
        ("-0", "0"),
    ],
)
def test_min_quality_is_named_in_digits_that_tell_it_apart(
    client: FlaskClient, written: str, canonical: str
) -> None:
    """``%g`` named 1000000 ``1e+06``, which was then refused, and 72.5000001 ``72.5``, whose cached
    feed it so shared (an outside probe)."""
    response = client.get(f"/all.json?min_quality={written}", follow_redirects=True)
    feed_url = response.get_json()["feed_url"]
    assert feed_url == f"https://feeds.example.org/all.json?min_quality={canonical}"
    assert client.get(f"/all.json?min_quality={canonical}").status_code == 200
