"""An entry dated in the future (kept as dated, with a warning) must not put the served
``Last-Modified`` in the future: RFC 9110 §8.8.2.1 says an origin server MUST NOT send one later
than its ``Date``, and replaces such a time with the time of the answer."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask.testing import FlaskClient

from tests.helpers import live_site

FUTURE = "---\ntitle: From the future\npublishedDateTime: 2999-01-01T00:00:00Z\ntopics: [AI]\n---\nLater.\n"


def _modified(client: FlaskClient, path: str) -> datetime:
    response = client.get(path)
    assert response.status_code == 200, path
    return parsedate_to_datetime(response.headers["Last-Modified"])


def test_last_modified_is_never_after_the_answer(project: Path, client: FlaskClient) -> None:
    (project / "content" / "future.md").write_text(FUTURE, encoding="utf-8")
    live = live_site(client.application)
    assert live.refresh()
    paths = ["/all.atom", "/all.json", "/topics/ai.rss", "/topics/ai.html", "/index.html", "/feeds.opml"]
    first = {path: _modified(client, path) for path in paths}
    for path, modified in first.items():
        assert modified <= datetime.now(timezone.utc), path
    # A filtered feed: at most a second ahead when its entries changed within the second of the
    # last build (see below), never years.
    assert _modified(client, "/all.atom?limit=3") <= datetime.now(timezone.utc) + timedelta(seconds=1)
    # A client that sends the time back gets 304 until the bytes change, and 200 after.
    since = client.get("/all.atom").headers["Last-Modified"]
    assert client.get("/all.atom", headers={"If-Modified-Since": since}).status_code == 304
    (project / "content" / "future.md").write_text(FUTURE.replace("Later.", "Later still."), encoding="utf-8")
    assert live.refresh()
    assert client.get("/all.atom", headers={"If-Modified-Since": since}).status_code == 200
    after = _modified(client, "/all.atom")
    # Moved on by a second when the bytes change within the second of the last build (HTTP dates
    # have whole seconds), and compared as such (the 200 above), but never sent after the answer.
    assert first["/all.atom"] <= after <= datetime.now(timezone.utc)


def test_past_dates_are_kept(project: Path, client: FlaskClient) -> None:
    """Documents whose newest entry is in the past keep that entry's date."""
    snapshot = live_site(client.application).snapshot
    assert snapshot is not None
    newest = snapshot.result.site.everything.updated
    assert newest is not None
    assert _modified(client, "/all.atom") == newest.replace(microsecond=0)
