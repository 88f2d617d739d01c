"""Archives in the web app: served like every document (ETag, 304, gzip, a page for browsers),
with the long max-age for closed months only; filters leave archives alone."""

from __future__ import annotations

import gzip
from datetime import datetime
from datetime import timezone
from pathlib import Path

from flask.testing import FlaskClient
from lxml import etree

from feeds.serve.app import create_app
from tests.helpers import BROWSERS
from tests.helpers import live_site
from tests.helpers import write_config

CLOSED = "/archives/all/2021-02.atom"  # the sample's entries are dated February and March 2021
NEWEST = "/archives/all/2021-03.atom"


def test_the_sample_has_a_closed_and_an_open_month(client: FlaskClient) -> None:
    snapshot = live_site(client.application).snapshot
    assert snapshot is not None
    paths = set(snapshot.result.documents)
    assert {CLOSED[1:], NEWEST[1:]} <= paths
    assert not any(path.startswith("archives/all/2021-04") for path in paths)


def test_closed_months_get_the_long_max_age_and_the_newest_the_normal_one(client: FlaskClient) -> None:
    assert client.get(CLOSED).headers["Cache-Control"] == "public, max-age=86400"
    assert client.get(CLOSED.replace(".atom", ".json")).headers["Cache-Control"] == "public, max-age=86400"
    assert client.get(NEWEST).headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/all.atom").headers["Cache-Control"] == "public, max-age=300"


def test_the_archive_max_age_is_configurable(project: Path) -> None:
    write_config(project, archive_max_age=1234)
    app = create_app(project / "config" / "feeds.yaml")
    try:
        client = app.test_client()
        assert client.get(CLOSED).headers["Cache-Control"] == "public, max-age=1234"
        assert client.get(NEWEST).headers["Cache-Control"] == "public, max-age=300"
    finally:
        app.extensions["feeds"].stop()


def test_archives_answer_conditional_requests_and_gzip(client: FlaskClient) -> None:
    first = client.get(CLOSED)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(CLOSED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=86400"
    zipped = client.get(CLOSED, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data


def test_a_browser_gets_the_archive_page(client: FlaskClient) -> None:
    page = client.get(CLOSED, headers={"Accept": BROWSERS[0]})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert page.data == client.get(CLOSED.replace(".atom", ".html")).data
    assert page.headers["Cache-Control"].startswith("private")


def test_filters_apply_to_current_feeds_only(client: FlaskClient) -> None:
    whole = client.get(CLOSED).data
    assert client.get(CLOSED + "?q=nothing-matches-this").data == whole
    filtered = client.get("/all.atom?q=nothing-matches-this").data
    assert b"prev-archive" not in filtered  # a filtered feed is not the head of the chain
    assert b"prev-archive" in client.get("/all.atom").data


def test_an_archive_is_last_modified_at_its_newest_entry(client: FlaskClient) -> None:
    """Not at the site's newest entry (March's), as every archive was on a fresh start."""
    for fmt in ("atom", "rss", "json"):
        closed = client.get(CLOSED.replace(".atom", f".{fmt}"))
        newest_entry = max(entry_dates(client.get(CLOSED).data))
        assert closed.last_modified == newest_entry.replace(microsecond=0), fmt
    assert client.get(CLOSED).last_modified < client.get(NEWEST).last_modified
    assert client.get(CLOSED.replace(".atom", ".html")).last_modified == client.get(CLOSED).last_modified


def entry_dates(atom: bytes) -> list[datetime]:
    feed = etree.fromstring(atom)
    return [
        datetime.fromisoformat(node.text)
        for node in feed.iterfind("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}published")
    ]


def test_a_month_that_has_not_ended_is_not_closed_by_an_entry_dated_ahead(project: Path) -> None:
    """Closed meant every month but the newest: one article dated next year made the month now
    running closed, and caches kept its archive a day while articles still came in (an outside
    probe). A month is closed only once it has ended."""
    this_month = datetime.now(timezone.utc).strftime("%Y-%m")  # the sample config's zone
    (project / "content" / "097-now.md").write_text(
        f"---\ntitle: Now\npublishedDateTime: {this_month}-01T12:00:00Z\n---\nx\n", encoding="utf-8"
    )
    (project / "content" / "098-later.md").write_text(
        "---\ntitle: Later\npublishedDateTime: 2999-02-01T10:00:00Z\n---\nx\n", encoding="utf-8"
    )
    app = create_app(project / "config" / "feeds.yaml")
    try:
        client = app.test_client()
        assert (
            client.get(f"/archives/all/{this_month}.atom").headers["Cache-Control"] == "public, max-age=300"
        )
        assert client.get("/archives/all/2999-02.atom").headers["Cache-Control"] == "public, max-age=300"
        assert client.get(CLOSED).headers["Cache-Control"] == "public, max-age=86400"
    finally:
        app.extensions["feeds"].stop()
