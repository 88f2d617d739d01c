"""WebSub in the config and in the feeds: `websub:` keys, hub links in Atom, RSS and JSON Feed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from lxml import etree

from feeds.cli import cli
from feeds.config import Settings
from feeds.config import WebSubSettings
from feeds.config import load_settings
from feeds.errors import ConfigError
from feeds.model import Format
from feeds.output.check import check_documents
from feeds.plan.entries import convert
from feeds.render.site import render_feed
from feeds.render.site import render_site
from tests.conftest import make_article
from tests.conftest import make_settings
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.websub_peers import write_config

ATOM_NS = "http://www.w3.org/2005/Atom"
RELAX_NG = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
BASE = "https://feeds.example.org/"
OUTSIDE = ("https://pubsubhubbub.appspot.com/", "https://hub.example.net/websub")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_off() -> None:
    settings = load_settings(ROOT / "config" / "feeds.yaml")
    assert settings.websub == WebSubSettings()
    assert settings.websub.hubs == () and not settings.websub.builtin
    assert settings.hub_urls == ()


def test_websub_section_is_read(tmp_path: Path) -> None:
    text = (
        "site:\n  base_url: https://x.example.com/feeds\n"
        "websub:\n  hubs: [https://pubsubhubbub.appspot.com/]\n  builtin: true\n"
        "  lease_seconds: 3600\n  allow_private_callbacks: true\n"
    )
    settings = load_settings(write(tmp_path, text))
    assert settings.websub == WebSubSettings(("https://pubsubhubbub.appspot.com/",), True, 3600, True)
    assert settings.hub_urls == ("https://x.example.com/feeds/websub", "https://pubsubhubbub.appspot.com/")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("websub:\n  hub: https://h.example/\n", "websub.hub", "unknown key"),
        ("websub:\n  hubs: [ftp://h.example/]\n", "websub.hubs", "absolute http(s) URL"),
        ("websub:\n  hubs: [/relative]\n", "websub.hubs", "absolute http(s) URL"),
        ("websub:\n  hubs: {a: 1}\n", "websub.hubs", "must be a list"),
        ("websub:\n  hubs: [https://h.example/, https://h.example/]\n", "websub.hubs", "twice"),
        ("websub:\n  builtin: sometimes\n", "websub.builtin", "true or false"),
        ("websub:\n  lease_seconds: 60\n", "websub.lease_seconds", "at least 3600"),
        ("websub:\n  lease_seconds: 2592001\n", "websub.lease_seconds", "at most 2592000"),
        ("websub:\n  allow_private_callbacks: 1\n", "websub.allow_private_callbacks", "true or false"),
        ("websub: [1]\n", "websub", "mapping"),
    ],
)
def test_websub_errors_name_file_and_key(tmp_path: Path, text: str, key: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == key
    assert message in str(caught.value)


def hub_settings(builtin: bool = True, hubs: tuple[str, ...] = OUTSIDE) -> Settings:
    settings = make_settings()
    return dataclasses.replace(settings, websub=WebSubSettings(hubs=hubs, builtin=builtin))


def documents(builtin: bool = True, hubs: tuple[str, ...] = OUTSIDE) -> dict[str, bytes]:
    settings = hub_settings(builtin, hubs)
    site = convert([make_article(1), make_article(2, topics=("Space",))], settings)
    return render_site(site, settings)


def test_atom_names_each_hub_after_its_self_link_builtin_first() -> None:
    docs = documents()
    for name in ("all.atom", "topics/ai.atom"):
        feed = etree.fromstring(docs[name])
        rels = [(link.get("rel"), link.get("href")) for link in feed.findall(f"{{{ATOM_NS}}}link")]
        self_at = rels.index(("self", BASE + name))
        assert rels[self_at + 1 : self_at + 4] == [
            ("hub", BASE + "websub"), ("hub", OUTSIDE[0]), ("hub", OUTSIDE[1]),
        ]  # fmt: skip
        assert RELAX_NG.validate(feed), RELAX_NG.error_log
        parsed = feedparser.parse(docs[name])
        assert not parsed.bozo
        assert [link.href for link in parsed.feed.links if link.rel == "hub"] == [BASE + "websub", *OUTSIDE]


def test_rss_names_each_hub_as_atom_link() -> None:
    rss = etree.fromstring(documents()["topics/ai.rss"])
    links = rss.findall(f"channel/{{{ATOM_NS}}}link")
    assert [(link.get("rel"), link.get("href")) for link in links[:4]] == [
        ("self", BASE + "topics/ai.rss"), ("hub", BASE + "websub"), ("hub", OUTSIDE[0]), ("hub", OUTSIDE[1]),
    ]  # fmt: skip
    assert rss.findtext("channel/link") == BASE + "topics/ai.html"  # still the page, not a hub
    parsed = feedparser.parse(documents()["topics/ai.rss"])
    assert not parsed.bozo


def test_json_feed_names_each_hub() -> None:
    feed = json.loads(documents()["topics/ai.json"])
    assert feed["hubs"] == [
        {"type": "WebSub", "url": BASE + "websub"},
        {"type": "WebSub", "url": OUTSIDE[0]},
        {"type": "WebSub", "url": OUTSIDE[1]},
    ]
    assert list(feed).index("hubs") == list(feed).index("language") + 1


def test_outside_hubs_alone_and_the_builtin_alone() -> None:
    outside = json.loads(documents(builtin=False)["all.json"])
    assert [hub["url"] for hub in outside["hubs"]] == list(OUTSIDE)
    own = etree.fromstring(documents(hubs=())["all.atom"])
    assert [link.get("href") for link in own.findall(f"{{{ATOM_NS}}}link[@rel='hub']")] == [BASE + "websub"]


def test_no_hub_no_trace() -> None:
    docs = documents(builtin=False, hubs=())
    assert not any(b"hub" in data for name, data in docs.items() if name.endswith((".atom", ".rss")))
    assert "hubs" not in json.loads(docs["all.json"])


def test_documents_with_hubs_pass_the_checks() -> None:
    assert check_documents(documents()) == []


@pytest.mark.parametrize("fmt", list(Format))
def test_filtered_feeds_name_no_hub(fmt: Format) -> None:
    settings = hub_settings()
    site = convert([make_article(1)], settings)
    data = render_feed(site.everything, settings, fmt, query="q=camera")
    assert b"hub" not in data
    assert b"websub" not in data


def test_turning_hubs_on_renders_cached_feeds_again(tmp_path: Path) -> None:
    """The hubs shape the feeds: a build from the cache of a build without them must not reuse
    that build's bytes."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    config = write_config(tmp_path, {"hubs": []})
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    assert b'rel="hub"' not in (tmp_path / "public" / "topics" / "ai.atom").read_bytes()
    write_config(tmp_path, {"hubs": [OUTSIDE[0]]})
    result = CliRunner().invoke(cli, ["build", "--config", str(config), "--no-ping"])
    assert result.exit_code == 0, result.output
    for name in ("topics/ai.atom", "all.rss"):
        assert f'rel="hub" href="{OUTSIDE[0]}"'.encode() in (tmp_path / "public" / name).read_bytes()
