"""Publisher side: outside hubs hear of exactly the feeds whose bytes changed, from `feeds build`
and from the server's rebuilds, and a hub that is down never fails or holds a build."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import feeds.websub.ping
from feeds.cli import cli
from feeds.serve.app import create_app
from feeds.websub.ping import notify_hubs
from tests.helpers import ROOT
from tests.helpers import pinned_copy
from tests.websub_peers import StandInHub
from tests.websub_peers import edit_article
from tests.websub_peers import eventually
from tests.websub_peers import serving
from tests.websub_peers import write_config

BASE = "https://feeds.example.org/"
FEED_SUFFIXES = (".atom", ".rss", ".json")


@pytest.fixture
def hub() -> Iterator[StandInHub]:
    with serving(StandInHub()) as hub:
        yield hub


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds.websub.ping, "BACKOFF", 0.01)
    monkeypatch.setattr(feeds.websub.ping, "TIMEOUT", 2.0)


def project(tmp_path: Path, hubs: list[str]) -> Path:
    pinned_copy(ROOT / "content", tmp_path / "content")
    return write_config(tmp_path, {"hubs": hubs})


def build(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["build", "--config", str(config), *args])
    return result.exit_code, result.stdout, result.stderr


def feed_files(public: Path) -> dict[str, bytes]:
    """The current feeds (archives name no hub: readers subscribe to current feeds)."""
    return {
        p.relative_to(public).as_posix(): p.read_bytes()
        for p in public.rglob("*")
        if p.is_file() and p.name.endswith(FEED_SUFFIXES) and not p.relative_to(public).parts[0] == "archives"
    }


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """The current feeds that changed (archives name no hub: readers subscribe to current feeds)."""
    return {
        BASE + path
        for path, data in after.items()
        if before.get(path) != data and not path.startswith("archives/")
    }


def test_build_tells_the_hub_of_exactly_the_changed_feeds(tmp_path: Path, hub: StandInHub) -> None:
    config = project(tmp_path, [hub.url])
    public = tmp_path / "public"

    code, out, err = build(config)
    assert code == 0, err
    cold = feed_files(public)
    assert len(cold) == 33
    assert sorted(hub.topics()) == sorted(BASE + path for path in cold)  # a cold build: every feed
    assert hub.modes() == {"publish"}
    assert "Told 1 WebSub hub of 33 changed feeds." in out

    code, out, err = build(config)
    assert code == 0 and "Up to date" in out
    assert len(hub.topics()) == 33  # nothing changed, nothing sent

    edit_article(tmp_path / "content", "Edited")
    code, out, err = build(config)
    assert code == 0, err
    after = feed_files(public)
    expected = changed(cold, after)
    assert BASE + "topics/ai.atom" in expected and BASE + "all.json" in expected
    assert len(expected) < 33
    assert sorted(hub.topics()[33:]) == sorted(expected)  # one hub.url per changed feed, no more


def test_unchanged_bytes_after_a_rebuild_are_not_announced(tmp_path: Path, hub: StandInHub) -> None:
    """A change that moves no feed's bytes (a file touched, not edited) announces nothing."""
    config = project(tmp_path, [hub.url])
    assert build(config)[0] == 0
    sent = len(hub.topics())
    article = tmp_path / "content" / "010_1f3b4be2c661303f.md"
    article.write_bytes(article.read_bytes())  # a new time and fingerprint, the same bytes out
    code, out, err = build(config)
    assert code == 0, err
    assert "Up to date" not in out
    assert len(hub.topics()) == sent


def test_no_ping_and_no_hubs_mean_no_request(
    tmp_path: Path, hub: StandInHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project(tmp_path, [hub.url])
    assert build(config, "--no-ping")[0] == 0
    assert hub.requests == []

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(http.client.HTTPConnection, "connect", no_network)
    bare = write_config(tmp_path / "bare", {"hubs": []})
    bare.write_text(bare.read_text().replace("../content", str(tmp_path / "content")))
    code, out, err = build(bare)
    assert code == 0, err
    assert "WebSub" not in out + err
    assert notify_hubs([], ["https://x.example/a.atom"]) == []


def test_a_hub_that_is_down_is_a_warning_not_a_failure(tmp_path: Path, quick_retries: None) -> None:
    with serving(StandInHub()) as gone:
        url = gone.url
    config = project(tmp_path, [url])  # nothing listens there any more
    code, out, err = build(config)
    assert code == 0
    assert f"warning: websub: could not notify {url}" in err
    assert (tmp_path / "public" / "all.atom").is_file()


def test_a_failing_hub_is_tried_again_then_reported(
    tmp_path: Path, hub: StandInHub, quick_retries: None
) -> None:
    hub.status = [503, 502, 500, 500]
    code, out, err = build(project(tmp_path, [hub.url]))
    assert code == 0
    assert len(hub.requests) == feeds.websub.ping.ATTEMPTS  # then it gives up
    assert "answered 500" in err


def test_a_hub_that_recovers_on_a_retry_hears_everything(hub: StandInHub, quick_retries: None) -> None:
    hub.status = [503]
    urls = [f"{BASE}topics/t{n}.atom" for n in range(120)]
    [result] = notify_hubs([hub.url], urls)
    assert result.error is None and result.urls == 120
    assert hub.topics()[feeds.websub.ping.BATCH :] == urls  # the first batch failed once
    assert len(hub.requests) == 4  # 3 batches of at most BATCH, the first sent twice


def test_a_hub_refusing_the_request_is_not_asked_again(hub: StandInHub, quick_retries: None) -> None:
    hub.status = [400]
    [result] = notify_hubs([hub.url], [BASE + "all.atom"])
    assert result.error is not None and "400" in result.error
    assert len(hub.requests) == 1


def test_the_server_tells_the_hub_after_each_rebuild_that_changes_feeds(
    tmp_path: Path, hub: StandInHub
) -> None:
    config = project(tmp_path, [hub.url])
    app = create_app(config)
    live = app.extensions["feeds"]
    try:
        eventually(lambda: len(hub.topics()) == 33, what="the cold build's 33 feeds")
        before = {p: d for p, d in live.snapshot.result.documents.items() if p.endswith(FEED_SUFFIXES)}

        edit_article(tmp_path / "content", "Live")
        assert live.refresh()
        after = {p: d for p, d in live.snapshot.result.documents.items() if p.endswith(FEED_SUFFIXES)}
        expected = changed(before, after)
        assert 0 < len(expected) < 33
        eventually(lambda: len(hub.topics()) == 33 + len(expected), what="the changed feeds")
        assert sorted(hub.topics()[33:]) == sorted(expected)
        eventually(lambda: live.websub.pinger.pending == 0, what="the notifier to finish")
        health = live.health()["websub"]
        assert health["notified"] == 33 + len(expected) and health["failed_notifications"] == 0

        live.rebuild()  # the same content again: nothing changed, nothing sent
        assert live.websub.pinger.pending == 0
        assert len(hub.topics()) == 33 + len(expected)
    finally:
        live.stop()


#: A keyword topic that no article has: another cache context (a cache of another config is no
#: cache), the same current feeds.
UNUSED_KEYWORD_TOPIC = "\ntopics:\n  Nothing yet:\n    keywords: [zyzzyva]\n#"


@pytest.mark.parametrize("config_changed", [False, True])
def test_a_restarted_server_does_not_announce_what_it_announced(
    tmp_path: Path, hub: StandInHub, config_changed: bool
) -> None:
    """The server compares its first build with the cache the last one left or, where that has
    no bytes of a feed (after a config change that voids the cache), with the ETag the last server
    process served: it announced every feed again (found by an outside probe, with another time
    zone)."""
    config = project(tmp_path, [hub.url])
    first = create_app(config)
    eventually(lambda: len(hub.topics()) == 33, what="the cold build's feeds")
    first.extensions["feeds"].stop()
    if config_changed:
        text = config.read_text(encoding="utf-8")
        assert "\ntopics: " in text
        config.write_text(text.replace("\ntopics: ", UNUSED_KEYWORD_TOPIC, 1), encoding="utf-8")
    second = create_app(config)
    try:
        assert second.extensions["feeds"].websub.pinger.pending == 0
        assert len(hub.topics()) == 33
    finally:
        second.extensions["feeds"].stop()


def test_write_site_names_the_files_whose_bytes_change(tmp_path: Path) -> None:
    from feeds.output.write import write_site

    out = tmp_path / "public"
    first = {"a.atom": b"one", "b.atom": b"two", "c.atom": b"three", "index.html": b"x"}
    assert write_site(first, out, compare=["a.atom", "b.atom", "c.atom"]) == ("a.atom", "b.atom", "c.atom")
    second = {"a.atom": b"one", "b.atom": b"tw0", "c.atom": b"three!", "d.atom": b"new", "index.html": b"y"}
    assert write_site(second, out, compare=["a.atom", "b.atom", "c.atom", "d.atom"]) == (
        "b.atom",
        "c.atom",
        "d.atom",
    )
    assert write_site(second, out) == ()
    assert (out / "b.atom").read_bytes() == b"tw0"
