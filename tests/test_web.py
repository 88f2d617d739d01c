"""The web app through Flask's test client: same bytes as the build, HTTP caching, filters, errors."""

from __future__ import annotations

import gc
import gzip
import itertools
import os
import shutil
import threading
import time
import weakref
from collections.abc import Iterator
from email.utils import format_datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
import watchfiles
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

import feeds.build.pipeline
import feeds.serve.live
import feeds.serve.responses
from feeds.build.cache import cache_folder
from feeds.build.cache import read_state
from feeds.cli import cli
from feeds.output.write import write_site
from feeds.serve.app import create_app
from feeds.serve.filters import FeedFilter
from feeds.serve.live import LiveSite
from feeds.serve.responses import respond
from feeds.source.scan import ContentFile
from feeds.source.summary import entry_key
from tests.sitebuild import PINNED_MTIME
from tests.sitebuild import ROOT
from tests.sitebuild import pinned_copy

ATOM_SCHEMA = Path(__file__).parent / "data" / "atom.rng"
#: A sample article in the AI topic, edited by the live-content tests.
ARTICLE = "010_1f3b4be2c661303f.md"


def write_config(folder: Path, **serve: object) -> Path:
    """The sample config, with content/ and public/ beside it and the given ``serve:`` options."""
    text = (ROOT / "config" / "feeds.yaml").read_text(encoding="utf-8")
    text = text.split("\nserve:", 1)[0]  # replaced below
    options = {"reload_interval": 0, **serve}
    text += "\nserve:\n" + "".join(f"  {key}: {value}\n" for key, value in options.items())
    path = folder / "config" / "feeds.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder with config/feeds.yaml and a pinned copy of the sample content."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    write_config(tmp_path)
    return tmp_path


@pytest.fixture
def app(site: Path) -> Iterator[Flask]:
    app = create_app(site / "config" / "feeds.yaml")
    yield app
    app.extensions["feeds"].stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def live_site(app: Flask) -> LiveSite:
    live: LiveSite = app.extensions["feeds"]
    return live


def edit(path: Path, old: str, new: str) -> None:
    """Change a content file and move its time on, as an editor saving it would."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_factory(app: Flask) -> None:
    assert isinstance(app, Flask)
    assert live_site(app).snapshot is not None


def test_factory_reads_config_from_environment(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDS_CONFIG", str(site / "config" / "feeds.yaml"))
    app = create_app()
    assert live_site(app).settings.content_dir == site / "content"


def test_flask_cli_finds_the_factory(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``flask --app feeds run`` loads the app through ``feeds.create_app``."""
    from flask.cli import ScriptInfo

    monkeypatch.setenv("FEEDS_CONFIG", str(site / "config" / "feeds.yaml"))
    app = ScriptInfo(app_import_path="feeds").load_app()
    assert app.extensions["feeds"].snapshot is not None


def test_every_built_file_is_served_byte_for_byte(site: Path, client: FlaskClient) -> None:
    built = live_site(client.application).snapshot
    assert built is not None
    output = site / "public"
    write_site(built.result.documents, output)
    files = [p for p in output.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) == len(built.result.documents) > 30
    for path in files:
        url = "/" + path.relative_to(output).as_posix()
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == path.read_bytes(), url
    assert client.get("/").data == (output / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/all.atom", "application/atom+xml; charset=utf-8"),
        ("/topics/ai.rss", "application/rss+xml; charset=utf-8"),
        ("/topics/ai.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        (
            "/entries/minneapolis-bans-its-police-department-from-using-facial-recognition-software.html",
            "text/html; charset=utf-8",
        ),
        ("/favicon.png", "image/png"),
    ],
)
def test_content_types_and_cache_headers(client: FlaskClient, url: str, content_type: str) -> None:
    response = client.get(url)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == "public, max-age=300"
    # Atom and RSS are pages to browsers (see test_browsers_get_a_feed_as_its_page).
    negotiated = url.endswith((".atom", ".rss"))
    assert response.headers["Vary"] == ("Accept, Accept-Encoding" if negotiated else "Accept-Encoding")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"].startswith('"')  # strong
    parsedate_to_datetime(response.headers["Last-Modified"])


def test_html_pages_have_a_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "Content-Security-Policy" not in client.get("/all.atom").headers


def test_max_age_comes_from_config(site: Path) -> None:
    app = create_app(write_config(site, max_age=60))
    assert app.test_client().get("/all.rss").headers["Cache-Control"] == "public, max-age=60"


def test_last_modified_is_the_newest_entry_date(client: FlaskClient) -> None:
    response = client.get("/topics/ai.atom")
    updated = feedparser.parse(response.data).feed.updated_parsed
    assert parsedate_to_datetime(response.headers["Last-Modified"]).timetuple()[:6] == updated[:6]


def test_if_none_match_gives_304(client: FlaskClient) -> None:
    first = client.get("/topics/ai.atom")
    etag = first.headers["ETag"]
    again = client.get("/topics/ai.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    for header in (f'"x", {etag}', f"W/{etag}", "*"):
        assert client.get("/topics/ai.atom", headers={"If-None-Match": header}).status_code == 304
    assert client.get("/topics/ai.atom", headers={"If-None-Match": '"other"'}).status_code == 200
    # Another document's tag is not this one's.
    assert client.get("/topics/ai.rss", headers={"If-None-Match": etag}).status_code == 200


def test_if_modified_since_gives_304(client: FlaskClient) -> None:
    modified = client.get("/all.json").headers["Last-Modified"]
    assert client.get("/all.json", headers={"If-Modified-Since": modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert client.get("/all.json", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/all.json", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    both = {"If-Modified-Since": modified, "If-None-Match": '"stale"'}
    assert client.get("/all.json", headers=both).status_code == 200


def test_head_has_the_headers_of_get_and_no_body(client: FlaskClient) -> None:
    get = client.get("/topics/ai.rss")
    head = client.head("/topics/ai.rss")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(get.data))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_gzip_when_accepted(client: FlaskClient) -> None:
    plain = client.get("/all.atom")
    packed = client.get("/all.atom", headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["Content-Length"] == str(len(packed.data)) != str(len(plain.data))
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert packed.headers["Vary"] == "Accept, Accept-Encoding"
    refused = client.get("/all.atom", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data
    # Either coding's tag validates the version the client has.
    tag = packed.headers["ETag"]
    assert client.get("/all.atom", headers={"If-None-Match": tag}).status_code == 304


def test_gzip_is_compressed_once_per_version(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = gzip.compress
    monkeypatch.setattr(
        feeds.serve.responses.gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    for _ in range(5):
        client.get("/all.atom", headers={"Accept-Encoding": "gzip"})
        client.get("/all.atom?limit=3", headers={"Accept-Encoding": "gzip"})
    assert len(calls) == 1  # only the filtered feed, the first time it is asked for


def test_front_door_and_flask_view_agree(client: FlaskClient) -> None:
    """The hot path answers plain requests; a query string goes through Flask: same answer."""
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        direct = client.get("/topics/ai.json", headers=headers)
        routed = client.get("/topics/ai.json?utm_source=reader", headers=headers)
        assert routed.data == direct.data
        assert dict(routed.headers) == dict(direct.headers)


#: What browsers send when a link is followed or an address typed (Chrome, Firefox, Safari).
BROWSERS = [
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
]
#: What feed readers and tools send: feedparser's, curl's and libcurl's, a reader's own, none.
READERS = [
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;"
    "q=0.9,text/xml;q=0.2,*/*;q=0.1",
    "*/*",
    "",
    "application/rss+xml, application/atom+xml;q=0.9, text/html;q=0.5",
    "text/html, application/xml",  # a tie goes to the feed
    "text/html;q=oops, */*",
]


@pytest.mark.parametrize("accept", BROWSERS)
def test_browsers_get_an_atom_or_rss_feed_as_its_page(client: FlaskClient, accept: str) -> None:
    page = client.get("/topics/ai.html")
    for url in ("/topics/ai.atom", "/topics/ai.rss"):
        for extra in ({}, {"Accept-Encoding": "gzip"}):
            response = client.get(url, headers={"Accept": accept, **extra})
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            data = gzip.decompress(response.data) if extra else response.data
            assert data == page.data
            assert response.headers["Vary"] == "Accept, Accept-Encoding"
            # Kept out of shared caches, so none that ignores Vary hands it to a feed reader.
            assert response.headers["Cache-Control"] == "private, max-age=300"
            assert "script-src 'sha256-" in response.headers["Content-Security-Policy"]
            again = client.get(
                url, headers={"Accept": accept, "If-None-Match": response.headers["ETag"], **extra}
            )
            assert again.status_code == 304
    # JSON Feed is readable as it is; browsers show JSON.
    assert (
        client.get("/topics/ai.json", headers={"Accept": accept}).data == client.get("/topics/ai.json").data
    )


@pytest.mark.parametrize("accept", READERS)
def test_feed_readers_get_the_feed(client: FlaskClient, accept: str) -> None:
    response = client.get("/topics/ai.atom", headers={"Accept": accept})
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert feedparser.parse(response.data).feed.title == "Artificial intelligence"


def test_front_door_and_flask_agree_on_pages_for_browsers(client: FlaskClient) -> None:
    headers = {"Accept": BROWSERS[0]}
    direct = client.get("/all.rss", headers=headers)
    routed = client.get("/all.rss?utm_medium=web", headers=headers)
    assert direct.headers["Content-Type"].startswith("text/html")
    assert routed.data == direct.data
    assert dict(routed.headers) == dict(direct.headers)


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


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["last_error"] is None
    assert report["files"] == 16
    assert report["articles"] == 16
    assert report["topics"] == 10
    assert report["entries"] == 23
    assert report["last_build"].endswith("Z")


# -- live content ----------------------------------------------------------------------------------


def test_a_changed_article_is_served_after_refresh(site: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    before = client.get("/all.atom")
    assert live.refresh() is False  # nothing changed: no rebuild
    edit(site / "content" / ARTICLE, "title:", "title: Updated -")
    assert live.refresh() is True
    after = client.get("/all.atom")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Updated -" in after.data
    assert client.get("/all.atom", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


# all.atom's newest entry is dated 12:00:00.7 (an undated file's time), which HTTP dates round down.
@pytest.mark.parametrize("path", ["/topics/ai.atom", "/all.atom"])
def test_changed_bytes_move_last_modified_on(site: Path, client: FlaskClient, path: str) -> None:
    """An edit that keeps every date still changes Last-Modified, so If-Modified-Since sees it."""
    before = client.get(path).headers["Last-Modified"]
    edit(site / "content" / ARTICLE, "title:", "title: Updated -")
    assert live_site(client.application).refresh()
    after = client.get(path)
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(before)
    assert client.get(path, headers={"If-Modified-Since": before}).status_code == 200
    # Documents whose bytes did not change keep their Last-Modified.
    unchanged = client.get("/topics/space.atom").headers["Last-Modified"]
    assert parsedate_to_datetime(unchanged) < parsedate_to_datetime(after.headers["Last-Modified"])


def test_added_and_deleted_articles(site: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    shutil.copy(site / "content" / ARTICLE, site / "content" / "099-copy.md")
    text = (site / "content" / "099-copy.md").read_text(encoding="utf-8")
    (site / "content" / "099-copy.md").write_text(
        text.replace("topics:", "topics:\n  - Brand New Topic", 1), encoding="utf-8"
    )
    assert live.refresh()
    assert client.get("/topics/brand-new-topic.atom").status_code == 200
    (site / "content" / "099-copy.md").unlink()
    assert live.refresh()
    assert client.get("/topics/brand-new-topic.atom").status_code == 404


def test_a_replaced_site_is_freed_without_the_cycle_collector(site: Path, client: FlaskClient) -> None:
    """A rebuild freezes what is alive out of the cyclic collector's sight (gc.freeze), which
    only works while a site holds no reference cycles: the one it replaces must go by reference
    counting alone, filtered feeds and all."""
    live = live_site(client.application)
    assert b"<entry>" in client.get("/all.atom?q=the").data  # a filtered feed cached in the site
    old = live.snapshot
    assert old is not None
    parts = (old, old.result, old.result.site, *old.result.site.channels, *old._filtered.values())
    gone = [weakref.ref(part) for part in parts]
    del parts
    del old
    gc.disable()
    try:
        edit(site / "content" / ARTICLE, "title:", "title: Updated -")
        assert live.refresh()
        alive = [type(ref()).__name__ for ref in gone if ref() is not None]
        assert alive == []
    finally:
        gc.enable()
    assert gc.get_freeze_count() > 0  # what the rebuild left is frozen


def wait_for(client: FlaskClient, path: str, text: bytes, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while text not in client.get(path).data:
        assert time.monotonic() < deadline, f"{text!r} not in {path} within {seconds} s"
        time.sleep(0.05)


def require_file_system_events(folder: Path) -> None:
    """Skip unless this machine reports file-system changes (inotify and the like) to watchfiles."""
    try:
        next(iter(watchfiles.watch(folder, rust_timeout=1, yield_on_timeout=True)))
    except (OSError, RuntimeError) as e:
        pytest.skip(f"no file-system events here: {e}")


@pytest.mark.parametrize("watch", ["events", "poll"])
def test_the_watcher_notices_changes_by_itself(site: Path, watch: str) -> None:
    if watch == "events":
        require_file_system_events(site)
    app = create_app(write_config(site, reload_interval=0.1, watch=watch))
    try:
        client = app.test_client()
        edit(site / "content" / ARTICLE, "title:", "title: Watched -")
        wait_for(client, "/all.rss", b"Watched -")
        assert client.get("/healthz").get_json()["watching"] == {"events": "events", "poll": "polling"}[watch]
    finally:
        live_site(app).stop()


def test_file_system_events_bring_changes_in_long_before_the_next_look(site: Path) -> None:
    """With events, content changes do not wait for the interval (here a minute); the config
    file is looked at every interval, and a new content folder is watched in turn."""
    require_file_system_events(site)
    config = write_config(site, reload_interval=60)
    app = create_app(config)
    live = live_site(app)
    try:
        client = app.test_client()
        assert live.watching == "events"
        edit(site / "content" / ARTICLE, "title:", "title: Evented -")
        wait_for(client, "/all.rss", b"Evented -")
        (site / "content" / "new").mkdir()
        copy = site / "content" / "new" / "added.md"
        text = (site / "content" / ARTICLE).read_text(encoding="utf-8")
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


def test_without_file_system_events_the_watcher_polls(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> Iterator[set[tuple[object, str]]]:
        raise OSError("OS file watch limit reached")
        yield set()

    monkeypatch.setattr(feeds.serve.live.watchfiles, "watch", refused)
    app = create_app(write_config(site, reload_interval=0.1))
    try:
        client = app.test_client()
        edit(site / "content" / ARTICLE, "title:", "title: Polled -")
        wait_for(client, "/all.rss", b"Polled -")
        assert client.get("/healthz").get_json()["watching"] == "polling"
    finally:
        live_site(app).stop()


def test_with_events_the_config_is_looked_at_every_interval(site: Path) -> None:
    require_file_system_events(site)
    config = write_config(site, reload_interval=1)  # a safety look only after 30 s
    app = create_app(config)
    live = live_site(app)
    try:
        client = app.test_client()
        moved = site / "elsewhere"
        shutil.copytree(site / "content", moved)
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
    # At 100,000 files a look and a rebuild take seconds; they must not push the next look back.
    starts: list[float] = []

    def slow_refresh(self: LiveSite) -> bool:
        starts.append(time.monotonic())
        time.sleep(0.6)
        return False

    monkeypatch.setattr(LiveSite, "refresh", slow_refresh)
    live = LiveSite(lambda: pytest.fail("settings are not needed"))
    live.watch(0.7, events=False)
    try:
        deadline = time.monotonic() + 10
        while len(starts) < 4:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        live.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert all(0.6 < gap < 1.2 for gap in gaps), gaps  # at least 1.3 if each waited after the last


def test_a_broken_config_keeps_the_last_good_site(site: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    good = client.get("/all.atom").data
    config = site / "config" / "feeds.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\nmax_items: none of them\n", encoding="utf-8")
    assert live.refresh() is False
    assert client.get("/all.atom").data == good
    report = client.get("/healthz").get_json()
    assert report["status"] == "degraded"
    assert "max_items" in report["last_error"]
    config.write_text(original.replace("max_items: 50", "max_items: 3"), encoding="utf-8")
    assert live.refresh() is True
    assert len(feedparser.parse(client.get("/all.atom").data).entries) == 3
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_broken_article_is_reported_and_the_rest_served(site: Path, client: FlaskClient) -> None:
    (site / "content" / "098-broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    assert live_site(client.application).refresh()
    report = client.get("/healthz").get_json()
    assert report["skipped_files"] == 1
    assert "098-broken.md:2" in report["file_errors"][0]
    assert client.get("/all.atom").status_code == 200


def test_a_crashing_build_keeps_the_last_good_site(
    site: Path, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = client.get("/all.json").data

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(feeds.serve.live, "build_site", broken)
    assert live_site(client.application).rebuild() is False
    assert client.get("/all.json").data == good
    assert "disk on fire" in client.get("/healthz").get_json()["last_error"]


def test_requests_during_rebuilds_see_whole_versions(site: Path, client: FlaskClient) -> None:
    """While the site is rebuilt over and over, every answer is one complete version."""
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
        edit(site / "content" / ARTICLE, "title:", f"title: v{number}")
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


def entries_of(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.data
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


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


FILTERS = ("/all.atom?q=facial", "/all.json?provider=example+news", "/topics/ai.rss?q=the", "/all.rss?q=zzzz")


def filtered(app: Flask) -> list[bytes]:
    client = app.test_client()
    return [client.get(path).data for path in FILTERS]


def files_indexed(monkeypatch: pytest.MonkeyPatch) -> list[ContentFile]:
    """The content files that builds index from here on (read in this process, not from a cache)."""
    indexed: list[ContentFile] = []
    real = feeds.build.pipeline._read_one
    monkeypatch.setattr(feeds.build.pipeline, "_read_one", lambda *a: indexed.append(a[0]) or real(*a))
    return indexed


def test_a_server_starts_from_the_cache_of_a_cli_build(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = site / "config" / "feeds.yaml"
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
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = site / "config" / "feeds.yaml"
    assert CliRunner().invoke(cli, ["build", "--config", str(config)]).exit_code == 0
    expected = filtered(create_app(config))
    state = read_state(cache_folder(site / "public"), "UTC")
    articles = sorted(source for source, record in state.files.items() if record.indexed is not None)
    parts = sorted(cache_folder(site / "public").glob("search-*"))
    assert parts
    for part in parts:
        part.write_bytes(b"damaged")
    indexed = files_indexed(monkeypatch)
    again = create_app(config)
    live = live_site(again)
    assert sorted(file.source for file in indexed) == articles  # (files with errors have no text to lose)
    assert filtered(again) == expected
    live.stop()


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
    texts = {source: text for part in search.parts() for source, text in search.texts(part).items()}
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


def test_a_filtered_feed_links_an_old_article_without_url_to_its_page(tmp_path: Path) -> None:
    """Filters pick from every entry, not only the newest max_items: an article without a URL that
    only a filtered feed shows has its page too, at the address the feed gives, with the bytes
    that ``feeds build`` writes there."""
    pinned_copy(ROOT / "content", tmp_path / "content")
    old = tmp_path / "content" / "zz_old.txt"
    old.write_text("Zebracorn seen in the archive – Old Gazette\n\nA very old story.\n", encoding="utf-8")
    os.utime(old, (946_684_800, 946_684_800))  # 2000-01-01: the oldest entry by far
    config = write_config(tmp_path)
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
    assert (tmp_path / "public" / "entries" / "zebracorn-seen-in-the-archive.html").read_bytes() == page.data


def json_items(client: FlaskClient, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200, response.data
    items: list[dict[str, object]] = response.get_json()["items"]
    return items


def test_provider(client: FlaskClient) -> None:
    items = client.get("/all.json?provider=example+NEWS").get_json()["items"]
    assert items
    assert all(item["authors"][0]["name"] == "Example News" for item in items)
    by_domain = client.get("/all.json?provider=example-news.com").get_json()["items"]
    assert [i["id"] for i in by_domain] == [i["id"] for i in items]
    plain_text = entries_of(client, "/all.rss?provider=techcrunch").entries
    assert len(plain_text) == 1


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
    real = feeds.serve.live.render_feed
    monkeypatch.setattr(feeds.serve.live, "render_feed", lambda *a: renders.append(a) or real(*a))
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


def test_unknown_topic_lists_the_topics(client: FlaskClient) -> None:
    response = client.get("/topics/no-such-topic.atom")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    assert '<a href="/topics/ai.atom">Atom</a>' in page
    assert "Café Culture" in page


@pytest.mark.parametrize(
    "url",
    [
        "/topics/../config/feeds.yaml",
        "/topics/%2e%2e/config/feeds.yaml",
        "/topics/%2E%2E%2Fconfig%2Ffeeds.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/topics/ai.atom/..",
        "/topics/..%5c..%5cconfig%5cfeeds.yaml",
        "/content/010-ai-act.md",
        "/.feeds-output",
        "/topics/",
        "/topics",
    ],
)
def test_no_path_leaves_the_site(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert b"site:" not in response.data  # no config file text


def test_other_methods_get_405(client: FlaskClient) -> None:
    response = client.post("/all.atom")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_data(as_text=True).startswith("405 Method Not Allowed")


def test_respond_is_pure(client: FlaskClient) -> None:
    """The same document and request headers give the same answer, without Flask."""
    live = live_site(client.application)
    assert live.snapshot is not None
    doc = live.snapshot.documents["/all.atom"]
    environ = {"REQUEST_METHOD": "GET", "HTTP_ACCEPT_ENCODING": "gzip"}
    status, headers, body = respond(doc, environ)
    assert status == "200 OK"
    assert gzip.decompress(b"".join(body)) == doc.body
    assert respond(doc, {**environ, "HTTP_IF_NONE_MATCH": dict(headers)["ETag"]})[0] == "304 Not Modified"


def test_pinned_times_are_used(site: Path) -> None:
    """Guard for the fixture: the plain-text seeds are dated by their pinned file time."""
    assert (site / "content" / "000_172e09f9723532bd.txt").stat().st_mtime == PINNED_MTIME


def test_filters_see_edits_additions_and_deletions(site: Path, client: FlaskClient) -> None:
    live = live_site(client.application)
    assert entries_of(client, "/all.atom?q=zebracorn").entries == []
    edit(site / "content" / ARTICLE, "title: ", "title: Zebracorn ")
    assert live.refresh()
    assert [e.title.split()[0] for e in entries_of(client, "/all.atom?q=zebracorn").entries] == ["Zebracorn"]
    shutil.copy(site / "content" / ARTICLE, site / "content" / "098-copy.md")
    (site / "content" / ARTICLE).unlink()
    assert live.refresh()
    assert len(entries_of(client, "/all.atom?q=zebracorn").entries) == 1  # the copy, same URL
    (site / "content" / "098-copy.md").unlink()
    assert live.refresh()
    assert entries_of(client, "/all.atom?q=zebracorn").entries == []


@pytest.mark.parametrize(
    ("method", "url", "headers", "statuses"),
    [
        ("GET", "/all.atom?%zz", {}, {200}),
        ("GET", "/all.atom?limit=%ff", {}, {400}),
        ("GET", "/all.atom?=&&=&limit", {}, {400}),
        ("GET", "/all.atom?q=%00", {}, {400}),
        ("GET", "/all.atom?limit=1;2", {}, {400}),
        ("GET", "/all.atom?limit=-1", {}, {400}),
        ("GET", "/all.atom?limit=" + "9" * 5000, {}, {400}),
        ("GET", "/all.atom?q=" + "word " * 3000, {}, {400}),
        ("GET", "/all.atom?unknown=1&other", {}, {200}),
        ("GET", "/" + "a" * 10_000, {}, {404}),
        ("GET", "/topics/" + "%2e%2e%2f" * 50 + "etc/passwd", {}, {404}),
        ("GET", "/all.atom", {"If-None-Match": "garbage, ,,W/"}, {200}),
        ("GET", "/all.atom", {"If-None-Match": "*"}, {304}),
        ("GET", "/all.atom", {"If-Modified-Since": "Tue, 99 Foo 20211 99:99:99 GMT"}, {200}),
        ("GET", "/all.atom", {"Accept-Encoding": "gzip;q=abc, *;q=-1"}, {200}),
        ("HEAD", "/all.atom?limit=abc", {}, {400}),
        ("OPTIONS", "/all.atom", {}, {200}),
        ("PUT", "/all.atom", {}, {405}),
        ("DELETE", "/topics/ai.atom", {}, {405}),
        ("PATCH", "/", {}, {405}),
        ("POST", "/healthz", {}, {405}),
    ],
)  # fmt: skip
def test_odd_requests_get_a_status_not_a_traceback(
    client: FlaskClient, method: str, url: str, headers: dict[str, str], statuses: set[int]
) -> None:
    response = client.open(url, method=method, headers=headers)
    assert response.status_code in statuses
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if response.status_code >= 400:
        assert len(text) < 5000  # a short message (or the short 404 page)
