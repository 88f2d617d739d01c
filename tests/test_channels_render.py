"""A site configured with every key of custom channels, keyword topics, entry_content and
max_bytes: its feeds are valid (RFC 4287 schema, feedparser, JSON Feed 1.1, ``feeds check``),
summary feeds carry no content element, custom channels round-trip through feedparser, and every
document stays within its budget, with each cut reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from feeds.build import SiteBuilder
from feeds.build.result import BuildResult
from feeds.channel_config import ChannelSettings
from feeds.cli import cli
from feeds.config import Settings
from feeds.config import WebSubSettings
from feeds.config import load_settings
from feeds.model import Channel
from feeds.model import Format
from feeds.output.check import check_documents
from feeds.plan.entries import convert
from feeds.render.site import render_feed
from feeds.render.site import render_site
from feeds.serve.compose import union_channel
from tests.conftest import make_article
from tests.conftest import make_settings
from tests.helpers import ATOM_SCHEMA
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.test_roundtrip import JSON_FEED_KEYS
from tests.test_roundtrip import JSON_ITEM_KEYS

EVERY_KEY = """\
site:
  title: "Every key"
  base_url: "https://feeds.example.org/"
content: ../content
output: ../public
max_items: 10
min_quality: 20
entry_content: summary
max_bytes: 60000
topics:
  AI:
    title: "Artificial intelligence"
    entry_content: full
    max_bytes: 14000
  Computer Vision:
    keywords: [facial recognition, 自動運転]
  Space:
    rename: Outer space
    keywords: [satellite, satellites]
channels:
  Robots and rules:
    title: "Robots and the rules around them"
    description: "Machines, and the law"
    topics: {any: [AI, Computer Vision], all: [], none: [Climate]}
    providers: [TechCrunch, Example News, asia-mobility-report.com]
    words: [ban, bans, audit, 自動運転]
    min_quality: 10
    max_items: 5
    entry_content: full
    max_bytes: 0
  Outer space, briefly:
    topics: {all: [Space]}
  Everything small:
    entry_content: full
    max_bytes: 9000
"""
ATOM = "{http://www.w3.org/2005/Atom}"
RELAX_NG = etree.RelaxNG(etree.parse(str(ATOM_SCHEMA)))


def make_site(folder: Path, config: str) -> Settings:
    pinned_copy(ROOT / "content", folder / "content")
    path = folder / "config" / "feeds.yaml"
    path.parent.mkdir()
    path.write_text(config, encoding="utf-8")
    return load_settings(path)


@pytest.fixture(scope="module")
def every_key(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    settings = make_site(tmp_path_factory.mktemp("every-key"), EVERY_KEY)
    result = SiteBuilder(settings).build()
    assert result.errors == ()
    return result


def feeds_of(result: BuildResult) -> dict[str, bytes]:
    return {
        path: data for path, data in result.documents.items() if path.endswith((".atom", ".rss", ".json"))
    }


def test_every_feed_is_valid(every_key: BuildResult) -> None:
    assert check_documents(every_key.documents) == []
    for path, data in feeds_of(every_key).items():
        if path.endswith(".json"):
            feed = json.loads(data)
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            assert set(feed) <= JSON_FEED_KEYS | {"_feeds"}, path
            for item in feed["items"]:
                assert set(item) <= JSON_ITEM_KEYS, path
                assert item["id"] and ("content_html" in item) != ("content_text" in item), path
            continue
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        if path.endswith(".atom"):
            assert RELAX_NG.validate(etree.fromstring(data)), (path, RELAX_NG.error_log)
            for entry in etree.fromstring(data).iter(f"{ATOM}entry"):
                # RFC 4287 §4.1.1: content, or an alternate link; and text for the W3C validator
                has_content = entry.find(f"{ATOM}content") is not None
                alternate = [
                    link for link in entry.iter(f"{ATOM}link") if link.get("rel") in (None, "alternate")
                ]
                assert has_content or alternate, path
                assert has_content or entry.findtext(f"{ATOM}summary"), path


def channel(result: BuildResult, stem: str) -> Channel:
    return next(c for c in result.site.channels if c.stem == stem)


@pytest.mark.parametrize(
    ("stem", "full"),
    [("all", False), ("topics/ai", True), ("topics/outer-space", False), ("channels/outer-space-briefly", False),
     ("channels/robots-and-rules", True), ("channels/everything-small", True)],
)  # fmt: skip
def test_summary_feeds_carry_no_content_element(every_key: BuildResult, stem: str, full: bool) -> None:
    atom, rss, json_feed = (every_key.documents[f"{stem}.{ext}"] for ext in ("atom", "rss", "json"))
    entries = channel(every_key, stem).entries
    assert entries
    assert (b"<content" in atom) is full
    assert (b"<content:encoded>" in rss) is full
    items = json.loads(json_feed)["items"]
    assert all(("content_html" in item) is full for item in items)
    if not full:  # the summary stands in, as plain text; a summary is never empty
        assert all(item["content_text"] == item["summary"] != "" for item in items)
        assert all(entry.summary for entry in feedparser.parse(atom).entries)


def test_custom_channels_round_trip_through_feedparser(every_key: BuildResult) -> None:
    robots = channel(every_key, "channels/robots-and-rules")
    assert robots.title == "Robots and the rules around them"
    assert [e.title for e in robots.entries] == [
        "Minneapolis bans its police department from using facial recognition software",  # TechCrunch
        "東京の自動運転バス、臨海部で実証実験を拡大",  # Asia Mobility Report, says 自動運転
        "Retailers quietly audit in-store camera analytics after bias complaints",  # Example News
    ]
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse(every_key.documents[f"channels/robots-and-rules.{fmt}"])
        assert parsed.feed.title == robots.title
        assert [e.id for e in parsed.entries] == [e.id for e in robots.entries]
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [f"https://feeds.example.org/channels/robots-and-rules.{fmt}"]
    briefly = channel(every_key, "channels/outer-space-briefly")
    assert briefly.title == "Every key: Outer space, briefly"
    assert briefly.total == channel(every_key, "topics/outer-space").total  # all of Space: the same
    index = every_key.documents["index.html"].decode()
    opml = every_key.documents["feeds.opml"].decode()
    for custom in every_key.site.custom:
        assert f'href="{custom.stem}.html"' in index
        assert f'xmlUrl="https://feeds.example.org/{custom.stem}.atom"' in opml


def test_the_plain_text_seed_gets_a_keyword_topic(every_key: BuildResult) -> None:
    seed = "000_172e09f9723532bd.txt"
    vision = channel(every_key, "topics/computer-vision")
    assert seed in {ref[2][0] for ref in vision.refs}
    space = channel(every_key, "topics/outer-space")
    assert "022_42e1bfc0e7484cd2.txt" in {ref[2][0] for ref in space.refs}  # renamed, by "satellites"


def test_every_document_keeps_within_its_budget(every_key: BuildResult) -> None:
    budgets = {c.stem: c.options.max_bytes for c in every_key.site.channels}
    for stem, budget in budgets.items():
        for ext in ("atom", "rss", "json", "html"):
            assert not budget or len(every_key.documents[f"{stem}.{ext}"]) <= budget, (stem, ext)
    trimmed = [w for w in every_key.warnings if "left out to stay within" in w]
    assert trimmed and all(w.startswith(("channels/everything-small.", "topics/ai.")) for w in trimmed)
    assert (
        "channels/everything-small.atom: 7 of its 10 entries left out to stay within "
        "channels.Everything small.max_bytes (9000 bytes)"
    ) in trimmed
    small = feedparser.parse(every_key.documents["channels/everything-small.atom"])
    everything = channel(every_key, "channels/everything-small").entries
    assert [e.id for e in small.entries] == [e.id for e in everything[:3]]  # the newest are kept


def test_a_tiny_budget_cuts_every_document_and_the_build_says_so(tmp_path: Path) -> None:
    settings = make_site(tmp_path, EVERY_KEY.replace("max_bytes: 60000", "max_bytes: 7500"))
    result = CliRunner().invoke(cli, ["build", "--config", str(settings.config_path)])
    assert result.exit_code == 0, result.output
    written = {
        p.relative_to(tmp_path / "public").as_posix(): p.stat().st_size
        for p in (tmp_path / "public").rglob("*")
    }
    site = SiteBuilder(settings).build().site
    for c in site.channels:
        for ext in ("atom", "rss", "json", "html"):
            assert not c.options.max_bytes or written[f"{c.stem}.{ext}"] <= c.options.max_bytes
    assert (
        "warning: all.atom: " in result.output
        and "left out to stay within max_bytes (7500 bytes)" in result.output
    )


def test_a_budget_too_small_for_an_empty_document_leaves_its_entries_out_and_says_so(tmp_path: Path) -> None:
    """It stopped the build as a config error; but a channel's page lists every archive month, so a
    budget grows too small with the content alone, and content never stops a build (an outside
    probe): the document is written without entries, with a warning."""
    settings = make_site(tmp_path, EVERY_KEY.replace("max_bytes: 9000", "max_bytes: 700"))
    result = CliRunner().invoke(cli, ["build", "--config", str(settings.config_path)])
    assert result.exit_code == 0, result.output
    for ext in ("atom", "rss", "json", "html"):
        assert (
            f"warning: channels/everything-small.{ext}: over channels.Everything small.max_bytes (700 bytes) "
            "even without any entry, so it shows none of its 10: raise the budget" in result.output
        )
    small = feedparser.parse((tmp_path / "public" / "channels" / "everything-small.atom").read_bytes())
    assert not small.bozo and small.entries == [] and small.feed.title == "Every key: Everything small"
    assert "warning: all.atom: " not in result.output  # the other channels as they were
    # Its page said "the newest 0 are below and in the feeds. No entries yet." (an outside probe).
    page = (tmp_path / "public" / "channels" / "everything-small.html").read_text()
    assert " entries; none fits on this page: see the feeds." in page and "No entries yet" not in page


def test_custom_channels_name_the_hubs_and_unions_do_not() -> None:
    """A custom channel's feeds are built like a topic's, so WebSub hubs can push them; a union
    of topics is made per request, like a filtered feed, so no hub knows it."""
    settings = dataclasses.replace(
        make_settings(channels=(ChannelSettings("All AI", "all-ai", topics_any=("AI",)),)),
        websub=WebSubSettings(hubs=("https://hub.example.net/websub",)),
    )
    site = convert([make_article(1), make_article(2, topics=("Space",))], settings)
    documents = render_site(site, settings)
    assert b'rel="hub"' in documents["channels/all-ai.atom"]
    topics = [c for c in site.channels if c.topic is not None]
    union = dataclasses.replace(union_channel(topics, settings), entries=site.everything.entries)
    assert union.is_union and b'rel="hub"' not in render_feed(union, settings, Format.ATOM)
