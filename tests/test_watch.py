"""The watcher: file-system events, polling, and looks behind them."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import feeds.build.read
import feeds.serve.live
import feeds.serve.responses
import feeds.serve.snapshot
import feeds.serve.watch
from feeds.serve.app import create_app
from tests.helpers import ARTICLE
from tests.helpers import edit
from tests.helpers import live_site
from tests.helpers import require_file_system_events
from tests.helpers import wait_for
from tests.helpers import write_config


@pytest.mark.parametrize("watch", ["events", "poll"])
def test_the_watcher_notices_changes_by_itself(project: Path, watch: str) -> None:
    if watch == "events":
        require_file_system_events(project)
    app = create_app(write_config(project, reload_interval=0.1, watch=watch))
    try:
        client = app.test_client()
        edit(project / "content" / ARTICLE, "title:", "title: Watched -")
        wait_for(client, "/all.rss", b"Watched -")
        assert client.get("/healthz").get_json()["watching"] == {"events": "events", "poll": "polling"}[watch]
    finally:
        live_site(app).stop()


def test_file_system_events_bring_changes_in_long_before_the_next_look(project: Path) -> None:
    """With events, content changes do not wait for the interval (here a minute); the config
    file is looked at every interval, and a new content folder is watched in turn."""
    require_file_system_events(project)
    config = write_config(project, reload_interval=60)
    app = create_app(config)
    live = live_site(app)
    try:
        client = app.test_client()
        assert live.watching == "events"
        edit(project / "content" / ARTICLE, "title:", "title: Evented -")
        wait_for(client, "/all.rss", b"Evented -")
        (project / "content" / "new").mkdir()
        copy = project / "content" / "new" / "added.md"
        text = (project / "content" / ARTICLE).read_text(encoding="utf-8")
        copy.write_text(
            text.replace("title: Evented -", "title: Added -").replace("camera-analytics", "camera-added"),
            encoding="utf-8",
        )
        wait_for(client, "/all.rss", b"Added -")
        copy.unlink()
        deadline = time.monotonic() + 10
        while b"Added -" in client.get("/all.rss").data:
            assert time.monotonic() < deadline, "deletion not picked up within 10 s"
            time.sleep(0.05)
    finally:
        live.stop()


@pytest.mark.parametrize("why", ["no events", "a link out"])
def test_the_watcher_polls_without_file_system_events_or_with_a_link_out(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    """Where the system gives no events; and where the content folder holds a link to a folder
    outside it, which the events' watch would follow (``content/usr -> /usr`` held 16,059
    inotify watches, from a number every process of the user shares: an outside probe)."""
    if why == "no events":

        def refused(*args: object, **kwargs: object) -> Iterator[set[tuple[object, str]]]:
            raise OSError("OS file watch limit reached")
            yield set()

        monkeypatch.setattr(feeds.serve.watch.watchfiles, "watch", refused)
    else:
        (tmp_path / "outside" / "deep").mkdir(parents=True)
        (project / "content" / ".obsidian").mkdir()  # hidden: the scan skips it, the watch does not
        os.symlink(tmp_path / "outside", project / "content" / ".obsidian" / "elsewhere")
        os.symlink(project / "content" / "new", project / "content" / "inside")  # leads nowhere outside
        link = project / "content" / ".obsidian" / "elsewhere"
        assert feeds.serve.watch.link_out(project / "content") == str(link)
    app = create_app(write_config(project, reload_interval=0.1))
    try:
        client = app.test_client()
        edit(project / "content" / ARTICLE, "title:", "title: Polled -")
        wait_for(client, "/all.rss", b"Polled -")
        assert client.get("/healthz").get_json()["watching"] == "polling"
    finally:
        live_site(app).stop()
    if why == "a link out":
        (project / "content" / ".obsidian" / "elsewhere").unlink()
        assert feeds.serve.watch.link_out(project / "content") is None


def test_with_events_the_config_is_looked_at_every_interval(project: Path) -> None:
    require_file_system_events(project)
    config = write_config(project, reload_interval=1)  # a safety look only after 30 s
    app = create_app(config)
    live = live_site(app)
    try:
        client = app.test_client()
        moved = project / "elsewhere"
        shutil.copytree(project / "content", moved)
        edit(moved / ARTICLE, "title:", "title: Moved -")
        text = config.read_text(encoding="utf-8").replace("content: ../content", "content: ../elsewhere")
        assert "../elsewhere" in text
        config.write_text(text, encoding="utf-8")
        wait_for(client, "/all.rss", b"Moved -")
        # The new folder is the one watched now: its changes come in too.
        edit(moved / ARTICLE, "title: Moved -", "title: Moved again -")
        wait_for(client, "/all.rss", b"Moved again -")
        assert live.watching == "events"
    finally:
        live.stop()


def test_looks_start_every_interval_however_long_a_look_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 100,000 files a look and a rebuild take seconds; they must not push the next look back.

    On a clock of its own, so the test says nothing about this machine's speed: each look takes
    0.6 s of it, so the watcher must wait only the 0.1 s left of a 0.7 s interval."""
    clock = [1000.0]
    waits: list[float] = []

    class Site:
        settings = None

        def refresh(self) -> bool:
            clock[0] += 0.6  # the look
            return False

    class Stop:
        def wait(self, timeout: float) -> bool:
            waits.append(round(timeout, 6))
            clock[0] += timeout
            return len(waits) >= 4

    monkeypatch.setattr(feeds.serve.watch.time, "monotonic", lambda: clock[0])
    watcher = feeds.serve.watch.Watcher(Site())  # type: ignore[arg-type]
    watcher._stop = Stop()  # type: ignore[assignment]
    watcher._poll(0.7)
    assert waits == [0.7, 0.1, 0.1, 0.1]  # 0.7 each time if it waited after the last look ended


def test_a_name_that_is_not_utf8_does_not_end_events_for_good(project: Path) -> None:
    """watchfiles cannot report such a name ('Unable to decode path') and its watch ends: the
    watcher looks, then watches again, and is back on events once the name is gone. It used to
    poll from then on, whatever happened after."""
    require_file_system_events(project)
    app = create_app(write_config(project, reload_interval=0.2))
    live = live_site(app)
    try:
        client = app.test_client()
        assert live.watching == "events"
        undecodable = os.path.join(os.fsencode(project / "content"), b"img\xff.jpg")
        with open(undecodable, "wb"):
            pass
        edit(project / "content" / ARTICLE, "title:", "title: Still watched -")
        wait_for(client, "/all.rss", b"Still watched -")
        os.unlink(undecodable)
        deadline = time.monotonic() + 10
        while live.watching != "events":
            assert time.monotonic() < deadline, "still polling 10 s after the name is gone"
            time.sleep(0.05)
        edit(project / "content" / ARTICLE, "title: Still watched -", "title: Evented again -")
        wait_for(client, "/all.rss", b"Evented again -")
    finally:
        live.stop()
