"""The web app's rebuilds: edits served after a refresh, failures that keep the last good site, the cache."""

from __future__ import annotations

import gc
import shutil
import threading
import time
import weakref
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

import feeds.build.read
import feeds.serve.live
import feeds.serve.responses
import feeds.serve.snapshot
import feeds.serve.watch
from feeds.build.cache import cache_context
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.cli import cli
from feeds.config import load_settings
from feeds.serve.app import create_app
from tests.helpers import ARTICLE
from tests.helpers import edit
from tests.helpers import files_indexed
from tests.helpers import filtered
from tests.helpers import live_site


def test_a_changed_article_is_served_after_refresh(project: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    before = client.get("/all.atom")
    assert live.refresh() is False  # nothing changed: no rebuild
    edit(project / "content" / ARTICLE, "title:", "title: Updated -")
    assert live.refresh() is True
    after = client.get("/all.atom")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Updated -" in after.data
    assert client.get("/all.atom", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


# all.atom's newest entry is dated 12:00:00.7 (an undated file's time), which HTTP dates round down.
@pytest.mark.parametrize("path", ["/topics/ai.atom", "/all.atom"])
def test_changed_bytes_move_last_modified_on(project: Path, client: FlaskClient, path: str) -> None:
    """An edit that keeps every date still changes Last-Modified, so If-Modified-Since sees it."""
    before = client.get(path).headers["Last-Modified"]
    edit(project / "content" / ARTICLE, "title:", "title: Updated -")
    assert live_site(client.application).refresh()
    after = client.get(path)
    # Not after the Date (RFC 9110 §8.8.2.1): in the same second the same date, though compared as later.
    assert parsedate_to_datetime(after.headers["Last-Modified"]) >= parsedate_to_datetime(before)
    assert client.get(path, headers={"If-Modified-Since": before}).status_code == 200
    # Documents whose bytes did not change keep their Last-Modified.
    unchanged = client.get("/topics/space.atom").headers["Last-Modified"]
    assert parsedate_to_datetime(unchanged) < parsedate_to_datetime(after.headers["Last-Modified"])


def test_added_and_deleted_articles(project: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    shutil.copy(project / "content" / ARTICLE, project / "content" / "099-copy.md")
    text = (project / "content" / "099-copy.md").read_text(encoding="utf-8")
    (project / "content" / "099-copy.md").write_text(
        text.replace("topics:", "topics:\n  - Brand New Topic", 1), encoding="utf-8"
    )
    assert live.refresh()
    assert client.get("/topics/brand-new-topic.atom").status_code == 200
    (project / "content" / "099-copy.md").unlink()
    assert live.refresh()
    assert client.get("/topics/brand-new-topic.atom").status_code == 404


def test_a_replaced_site_is_freed_without_the_cycle_collector(project: Path, client: FlaskClient) -> None:
    """A rebuild freezes what is alive out of the cyclic collector's sight (gc.freeze), which
    only works while a project holds no reference cycles: the one it replaces must go by reference
    counting alone, filtered feeds and all."""
    live = live_site(client.application)
    assert b"<entry>" in client.get("/all.atom?q=the").data  # a filtered feed cached in the project
    old = live.snapshot
    assert old is not None
    parts = (old, old.result, old.result.site, *old.result.site.channels, *old._filtered.values())
    gone = [weakref.ref(part) for part in parts]
    del parts
    del old
    gc.disable()
    try:
        edit(project / "content" / ARTICLE, "title:", "title: Updated -")
        assert live.refresh()
        alive = [type(ref()).__name__ for ref in gone if ref() is not None]
        assert alive == []
    finally:
        gc.enable()
    assert gc.get_freeze_count() > 0  # what the rebuild left is frozen


def test_a_broken_config_keeps_the_last_good_site(project: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    good = client.get("/all.atom").data
    config = project / "config" / "feeds.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\nmax_items: none of them\n", encoding="utf-8")
    assert live.refresh() is False
    assert client.get("/all.atom").data == good
    report = client.get("/healthz").get_json()
    assert report["status"] == "degraded"
    assert report["last_error"] == "a configuration error (see the log)"
    assert "max_items" in (live.last_error or "")
    config.write_text(original.replace("max_items: 50", "max_items: 3"), encoding="utf-8")
    assert live.refresh() is True
    assert len(feedparser.parse(client.get("/all.atom").data).entries) == 3
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_broken_article_is_reported_and_the_rest_served(
    project: Path, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    (project / "content" / "098-broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live_site(client.application).refresh()
    assert [r.getMessage() for r in caplog.records if "098-broken.md:2: invalid YAML" in r.getMessage()]
    report = client.get("/healthz").get_json()
    assert report["skipped_files"] == 1
    # Where, not what: anyone may ask, and a message quotes the file (a draft's fields too).
    assert report["file_errors"] == ["098-broken.md:2"]
    assert client.get("/all.atom").status_code == 200


def test_the_log_names_new_warnings_a_bounded_number_and_settings_read_at_start(
    project: Path, client: FlaskClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's log had the skipped files only: a merged topic or a dropped image was in
    feeds build's output and nowhere in the server's, and a live change of reload_interval did
    nothing without a word (an outside probe). New warnings are logged, at most LOGGED_PROBLEMS."""
    monkeypatch.setattr(feeds.serve.live, "LOGGED_PROBLEMS", 2)
    live = live_site(client.application)
    for number in range(3):
        (project / "content" / f"097-{number}.md").write_text(
            f"---\ntitle: T{number}\ndate: 2021-01-01\nimages: [http://localhost/{number}.png]\n---\nx\n",
            encoding="utf-8",
        )
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    logged = [r.getMessage() for r in caplog.records]
    assert len([m for m in logged if "has no domain name for a host" in m]) == 2
    assert "and 1 more (feeds check lists every one)" in logged
    caplog.clear()
    config = project / "config" / "feeds.yaml"
    edit(config, "reload_interval: 0", "reload_interval: 5")
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    logged = [r.getMessage() for r in caplog.records]
    assert logged == ["serve.reload_interval takes effect when the server starts again"]
    caplog.clear()
    edit(config, "reload_interval: 5", "reload_interval: 5\n  header_timeout: 3")
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    assert [r.getMessage() for r in caplog.records] == [
        "serve.reload_interval, serve.header_timeout take effect when the server starts again"
    ]
    caplog.clear()
    edit(config, "reload_interval: 5\n  header_timeout: 3", "reload_interval: 0")  # as it started
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    assert caplog.records == []


def test_a_crashing_build_keeps_the_last_good_site(
    project: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = client.get("/all.json").data

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(feeds.serve.live.LiveBuilder, "build", broken)
    assert live_site(client.application).rebuild() is False
    assert client.get("/all.json").data == good
    assert client.get("/healthz").get_json()["last_error"] == "internal error (see the log)"
    assert "disk on fire" in (live_site(client.application).last_error or "")


def test_requests_during_rebuilds_see_whole_versions(project: Path, client: FlaskClient) -> None:
    """While the project is rebuilt over and over, every answer is one complete version."""
    live = live_site(client.application)
    app = client.application
    answers: list[tuple[int, str, bytes]] = []
    done = threading.Event()

    def poll() -> None:
        local = app.test_client()
        seen: dict[bytes, bytes] = {}  # one copy of each body, so memory stays small
        while not done.is_set() and len(answers) < 20_000:
            response = local.get("/topics/ai.atom")
            body = seen.setdefault(response.data, response.data)
            answers.append((response.status_code, response.headers["ETag"], body))
            time.sleep(0.001)  # leave the rebuilding thread some time

    versions = [live.snapshot]
    threads = [threading.Thread(target=poll) for _ in range(3)]
    for thread in threads:
        thread.start()
    for number in range(5):
        edit(project / "content" / ARTICLE, "title:", f"title: v{number}")
        assert live.refresh()
        versions.append(live.snapshot)
    done.set()
    for thread in threads:
        thread.join()
    bodies = {
        s.documents["/topics/ai.atom"].plain.etag: s.documents["/topics/ai.atom"].body for s in versions if s
    }
    assert len(bodies) == 6
    assert answers
    for status, etag, body in answers:
        assert status == 200
        assert bodies[etag] == body  # a whole version, with its own ETag
    for body in {body for _, _, body in answers}:
        assert not feedparser.parse(body).bozo


# -- filters ---------------------------------------------------------------------------------------


def test_a_server_starts_from_the_cache_of_a_cli_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project / "config" / "feeds.yaml"
    fresh = create_app(config)
    expected = filtered(fresh)
    fresh.extensions["feeds"].stop()
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    indexed = files_indexed(monkeypatch)
    cached = create_app(config)
    assert indexed == []  # every record, and the filters' text, came from the cache
    assert filtered(cached) == expected
    cached.extensions["feeds"].stop()


def test_a_server_reads_files_again_when_their_search_text_is_lost(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project / "config" / "feeds.yaml"
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    expected = filtered(create_app(config))
    state = read_state(cache_folder(project / "public"), cache_context(load_settings(config)))
    articles = sorted(source for source, record in state.files.items() if record.indexed is not None)
    parts = sorted(cache_folder(project / "public").glob("search-*"))
    assert parts
    for part in parts:
        part.write_bytes(b"damaged")
    indexed = files_indexed(monkeypatch)
    again = create_app(config)
    live = live_site(again)
    assert sorted(file.source for file in indexed) == articles  # (files with errors have no text to lose)
    assert filtered(again) == expected
    live.stop()


def test_a_filtered_feed_moves_last_modified_on_when_an_entry_it_finds_changes(project: Path) -> None:
    """A filter searches every entry of a channel, not only the newest that the unfiltered feed
    shows: an older entry's edit changed the filtered feed while its Last-Modified, taken from the
    unfiltered feed, stayed, so If-Modified-Since got 304 (found by an outside probe)."""
    config = project / "config" / "feeds.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_items: 50", "max_items: 1", 1))
    app = create_app(config)
    try:
        client, live = app.test_client(), live_site(app)
        unfiltered = client.get("/all.atom")
        assert b"Retailers quietly audit" not in unfiltered.data  # an older entry
        found = client.get("/all.atom?q=retailers")
        assert b"Retailers quietly audit" in found.data
        for path in ("/all.atom?q=retailers", "/all.html?q=retailers", "/topics/ai,space.atom?q=retailers"):
            since = client.get(path).headers["Last-Modified"]
            edit(project / "content" / ARTICLE, 'title: "', 'title: "Checked: ')
            assert live.refresh()
            assert client.get("/all.atom").headers["ETag"] == unfiltered.headers["ETag"]
            answer = client.get(path, headers={"If-Modified-Since": since})
            assert answer.status_code == 200, path
            assert b"Checked: " in answer.data
            # Not after the Date (RFC 9110 §8.8.2.1): in the same second the same date, though compared as later.
            assert parsedate_to_datetime(answer.headers["Last-Modified"]) >= parsedate_to_datetime(since)
    finally:
        app.extensions["feeds"].stop()


def test_a_new_site_is_served_with_its_files_search_text(
    project: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search text of a rebuild's files was taken in after its site was swapped in, and a
    filter made in between missed the new files' entries for as long as that site was served."""
    live = live_site(client.application)
    seen: list[bool] = []
    real = feeds.serve.live.make_snapshot

    def made(*args: Any, **kwargs: Any) -> Any:
        seen.append(
            any("zebracorn" in text for s in live.search.shards() for text in live.search.texts(s).values())
        )
        return real(*args, **kwargs)

    monkeypatch.setattr(feeds.serve.live, "make_snapshot", made)
    edit(project / "content" / ARTICLE, "title: ", "title: Zebracorn ")
    assert live.refresh()
    assert seen == [True]
    assert b"Zebracorn" in client.get("/all.atom?q=zebracorn").data


def test_a_page_showing_one_of_several_entries_says_so_in_the_singular(client: FlaskClient) -> None:
    page = client.get("/all.html?limit=1").get_data(as_text=True)
    assert "; the newest is below and in the feeds." in page
    assert "newest 1 are" not in page


def test_the_log_names_an_entry_dated_ahead_of_the_clock_once(
    project: Path, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """`feeds build` and `feeds check` warn of an entry dated more than a day after now; the
    server's log did not (an outside probe)."""
    live = live_site(client.application)
    (project / "content" / "096-future.md").write_text(
        "---\ntitle: Scheduled\npublishedDateTime: 2999-02-01T10:00:00Z\ntopics: [Space]\n---\nx\n",
        encoding="utf-8",
    )
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    logged = [r.getMessage() for r in caplog.records if "096-future.md" in r.getMessage()]
    assert len(logged) == 1
    assert "dated 2999-02-01 10:00 UTC, more than a day after now" in logged[0]
    caplog.clear()
    edit(project / "content" / "096-future.md", "title: Scheduled", "title: Still scheduled")
    with caplog.at_level("WARNING", logger="feeds.serve.live"):
        assert live.refresh()
    assert not [r for r in caplog.records if "096-future.md" in r.getMessage()]  # said once
