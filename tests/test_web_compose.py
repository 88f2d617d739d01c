"""Unions of topics in the web app (/topics/<slug>,<slug>….<ext>) and ?exclude=: their entries,
their canonical URLs (301 from any other order), 404s listing the topics, and the filtered feeds'
caching (ETag, 304, one copy per snapshot)."""

from __future__ import annotations

from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

import feeds.serve.compose
from feeds.serve.app import create_app
from tests.helpers import BROWSERS
from tests.helpers import ROOT
from tests.helpers import entries_of
from tests.helpers import live_site
from tests.helpers import pinned_copy
from tests.helpers import write_config

BASE = "https://feeds.example.org/"


def ids(client: FlaskClient, url: str) -> list[str]:
    return [entry.id for entry in entries_of(client, url).entries]


def newest_first(client: FlaskClient, *topics: str) -> list[str]:
    """The ids of the entries of any of these topics (named as Atom's categories name them), from
    ``all`` (which lists them in order)."""
    entries = entries_of(client, "/all.atom").entries
    wanted = {topic for topic in topics}
    return [e.id for e in entries if wanted & {tag.term for tag in e.get("tags", [])}]


@pytest.mark.parametrize("ext", ["atom", "rss", "json"])
def test_a_union_holds_the_entries_of_any_of_its_topics_once(client: FlaskClient, ext: str) -> None:
    response = client.get(f"/topics/ai,space.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        f"application/{'feed+json' if ext == 'json' else ext + '+xml'}"
    )
    if ext == "json":
        items = response.get_json()["items"]
        assert [item["id"] for item in items] == newest_first(client, "AI", "Space")
        assert response.get_json()["feed_url"] == f"{BASE}topics/ai,space.json"
        return
    feed = feedparser.parse(response.data)
    assert not feed.bozo
    assert [e.id for e in feed.entries] == newest_first(client, "AI", "Space")
    assert len(set(e.id for e in feed.entries)) == len(feed.entries)
    assert feed.feed.title == "Feeds sample site: AI, Space"
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == [f"{BASE}topics/ai,space.{ext}"]  # the canonical URL, commas and all
    if ext == "atom":
        assert feed.feed.id == f"{BASE}topics/ai,space.atom"


def test_a_union_combines_with_exclude_and_the_other_filters(client: FlaskClient) -> None:
    union = entries_of(client, "/topics/ai,policy,space.atom").entries
    without_policy = entries_of(client, "/topics/ai,policy,space.atom?exclude=policy&limit=3")
    expected = [e.id for e in union if "Policy" not in {t.term for t in e.get("tags", [])}][:3]
    assert [e.id for e in without_policy.entries] == expected
    self_link = [link.href for link in without_policy.feed.links if link.rel == "self"][0]
    assert self_link == f"{BASE}topics/ai,policy,space.atom?exclude=policy&limit=3"
    assert without_policy.feed.id == self_link
    # exclude works on any feed, several topics at once
    everything = entries_of(client, "/all.atom").entries
    kept = ids(client, "/all.atom?exclude=ai,space")
    assert kept == [e.id for e in everything if not {"AI", "Space"} & {t.term for t in e.get("tags", [])}]
    assert ids(client, "/topics/ai.atom?exclude=ai") == []


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/topics/space,ai.atom", "/topics/ai,space.atom"),
        ("/topics/space,ai,space.rss?q=the", "/topics/ai,space.rss?q=the"),
        ("/topics/ai,ai.json", "/topics/ai.json"),  # one topic: its own feed
        ("/topics/space,ai.html", "/topics/ai,space.html"),
        ("/all.atom?limit=2&exclude=space,ai", "/all.atom?limit=2&exclude=ai,space"),
        ("/topics/space,ai.atom?exclude=policy,climate", "/topics/ai,space.atom?exclude=climate,policy"),
        ("/topics/caf%C3%A9-culture,ai.atom", "/topics/ai,cafe-culture.atom"),
    ],
)
def test_other_orders_are_moved_permanently_to_the_canonical_url(
    client: FlaskClient, url: str, location: str
) -> None:
    response = client.get(url)
    if "caf%C3%A9" in url:  # not a slug: "café-culture" is "cafe-culture"
        assert response.status_code == 404
        return
    assert response.status_code == 301
    # Relative, so that a site under a sub-path behind a proxy stays there (an outside probe).
    assert not response.headers["Location"].startswith("/")
    assert urljoin("https://example.org/blog" + url, response.headers["Location"]) == (
        "https://example.org/blog" + location
    )
    assert response.headers["Cache-Control"] == "public, max-age=300"
    followed = client.get(urljoin(url, response.headers["Location"]))  # as a browser or curl -L does
    assert followed.status_code == 200
    assert followed.data == client.get(location).data


@pytest.mark.parametrize(
    "url", ["/topics%2Fspace,ai.atom", "/topics/..%2Fall.atom?exclude=space,ai", "/topics%2Findex"]
)
def test_an_encoded_slash_cannot_redirect_out_of_a_sub_path(client: FlaskClient, url: str) -> None:
    """The server sees two segments where the client wrote one: a reference counted in "../" from
    the path the server sees led one folder above /blog/ (an outside probe)."""
    response = client.get(url)
    if response.status_code == 301:
        assert urljoin("https://example.org/blog" + url, response.headers["Location"]).startswith(
            "https://example.org/blog/"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/topics/ai,robots.atom",
        "/topics/ai,space.txt",
        "/topics/ai,,space.atom",
        "/all.atom?exclude=robots",
        "/topics/ai,space.atom?exclude=ai,robots",
        "/channels/a,b.atom",
    ],
)
def test_an_unknown_topic_is_not_found_and_the_answer_lists_the_topics(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    page = etree.HTML(response.data)
    listed = [(item.findtext("bdi") or item.text or "").strip().rstrip(":") for item in page.iter("li")]
    assert "AI" in listed and "Space" in listed


def test_too_many_topics_or_a_bad_exclude_is_a_bad_request(client: FlaskClient, app: Flask) -> None:
    slugs = sorted(live_site(app).snapshot.topic_channels())  # type: ignore[union-attr]
    assert len(slugs) == 10
    response = client.get("/all.atom?exclude=" + ",".join(f"t{n}" for n in range(21)))
    assert response.status_code == 400 and b"at most 20 topics" in response.data
    assert client.get("/all.atom?exclude=").status_code == 400
    assert client.get("/all.atom?exclude=ai&exclude=space").status_code == 400


def test_unions_are_cached_like_filtered_feeds(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    merges = []
    real = feeds.serve.compose._Union._refs
    monkeypatch.setattr(feeds.serve.compose._Union, "_refs", lambda self: merges.append(1) or real(self))
    first = client.get("/topics/ai,space.atom?exclude=policy")
    assert first.status_code == 200 and len(merges) >= 1
    merged = len(merges)
    again = client.get("/topics/ai,space.atom?exclude=policy")
    assert again.data == first.data and len(merges) == merged  # rendered once, then from the cache
    etag = first.headers["ETag"]
    assert (
        client.get("/topics/ai,space.atom?exclude=policy", headers={"If-None-Match": etag}).status_code == 304
    )
    modified = first.headers["Last-Modified"]
    assert (
        client.get(
            "/topics/ai,space.atom?exclude=policy", headers={"If-Modified-Since": modified}
        ).status_code
        == 304
    )
    snapshot = live_site(app).snapshot
    assert snapshot is not None
    newest = max(snapshot.documents[f"/topics/{slug}.atom"].modified for slug in ("ai", "space"))
    # The newest of its topics' feeds, or when any of their entries last changed (a filter searches
    # them all), whichever is later.
    changed = max(snapshot.entries_changed[f"topics/{slug}"] for slug in ("ai", "space"))
    assert modified == format_datetime(max(newest, changed), usegmt=True)


def test_a_union_in_a_browser_is_its_page(client: FlaskClient) -> None:
    for url in ("/topics/ai,space.atom", "/topics/ai,space.html"):
        response = client.get(url, headers={"Accept": BROWSERS[0]})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        page = etree.HTML(response.data)
        assert page.findtext(".//h1") == "Feeds sample site: AI, Space"
        addresses = [field.get("value") for field in page.iter("input")]
        assert addresses == [f"{BASE}topics/ai,space.{ext}" for ext in ("atom", "rss", "json")]


def test_served_feeds_keep_within_the_budget(tmp_path: Path) -> None:
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace("max_bytes: 1000000", "max_bytes: 9000"), encoding="utf-8"
    )
    app = create_app(config)
    try:
        client = app.test_client()
        urls = ["/all.atom", "/topics/ai,computer-vision,privacy,space.atom", "/topics/ai,space.json?exclude=policy",
                "/all.rss?q=the", "/topics/ai,space.html", "/topics/privacy.html"]  # fmt: skip
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert 0 < len(response.data) <= 9000, url
        assert len(entries_of(client, "/all.atom").entries) < 23  # cut, as written by feeds build
    finally:
        live_site(app).stop()


def test_a_union_page_at_its_own_address_may_be_cached_by_anyone(client: FlaskClient) -> None:
    """It was sent private with Vary: Accept, as a page negotiated at a feed's address is."""
    page = client.get("/topics/ai,space.html")
    assert page.status_code == 200
    assert (page.headers["Cache-Control"], page.headers["Vary"]) == ("public, max-age=300", "Accept-Encoding")
    browser = client.get("/topics/ai,space.atom", headers={"Accept": "text/html"})
    assert browser.data == page.data
    assert browser.headers["Cache-Control"] == "private, max-age=300"
